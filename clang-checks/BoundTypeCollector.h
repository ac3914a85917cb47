// BoundType facts: which C++ types a pybind11 module exposes to Python, under which name.
#pragma once

#include "FactLocation.h"
#include "facts/Facts.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"

#include <vector>

namespace capcycle {

// Matches every `py::class_<T, ...>(scope, "Name", ...)` written in a function body — as a
// temporary (`py::class_<T>(m, "T").def(...)`) or as a named variable (`py::class_<T> cls(m,
// "T");`) — and emits BoundType{fully qualified T, "Name", module, the range of the py::class_
// expression, or of the whole declaration for a variable}. In the body of PYBIND11_MODULE(mod, m)
// the module is `mod` (plus any `def_submodule` names); in a binding function that receives the
// module as a parameter it is left to the ModuleHandOff facts of its callers (ModuleScopes.h).
//
// Not seen: a Python name that is not a string literal.
class BoundTypeCollector : public clang::ast_matchers::MatchFinder::MatchCallback {
public:
  BoundTypeCollector(TranslationUnitPaths paths, std::vector<BoundType> &out)
      : paths(std::move(paths)), out(out) {}

  void registerMatchers(clang::ast_matchers::MatchFinder &finder);
  void run(const clang::ast_matchers::MatchFinder::MatchResult &result) override;

private:
  TranslationUnitPaths paths;
  std::vector<BoundType> &out;
};

} // namespace capcycle
