// CallableStore facts: functions that keep a Python object or callable they receive.
#pragma once

#include "FactLocation.h"
#include "facts/Facts.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"

#include <vector>

namespace capcycle {

// Matches every function with a body written by the user (methods, free functions, lambdas
// passed to `.def`) and, for each parameter whose type holds a Python object (py::function,
// py::object, PyObject*, std::function, ...), emits CallableStore{class of the member, member,
// the function, at the store} for each place the parameter is kept in a Python-holding member,
// directly or through one call (FunctionBodyWalks.h: storesOfParameter). Which Python methods
// reach the function is filled in later from BoundMember facts (BindingLinks.h).
//
// A local holding the parameter (`auto g = f; cb_ = g;`) or a lambda capturing it counts as the
// parameter. Not seen: stores through more than one call, or into a member of an object that is
// not the function's own (`global.cb = f` counts only when `global`'s class is the one bound).
class CallableStoreCollector : public clang::ast_matchers::MatchFinder::MatchCallback {
public:
  CallableStoreCollector(TranslationUnitPaths paths, std::vector<CallableStore> &out)
      : paths(std::move(paths)), out(out) {}

  void registerMatchers(clang::ast_matchers::MatchFinder &finder);
  void run(const clang::ast_matchers::MatchFinder::MatchResult &result) override;

private:
  TranslationUnitPaths paths;
  std::vector<CallableStore> &out;
};

} // namespace capcycle
