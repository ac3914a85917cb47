// BoundMember facts for pybind11: which Python attribute of a bound class runs which C++.
#pragma once

#include "FactLocation.h"
#include "facts/Facts.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"

#include <vector>

namespace capcycle {

// Matches `.def("name", f)`, `.def_static`, `.def_property("name", get, set)`,
// `.def_property_readonly`, `.def_readonly("name", &T::m)`, `.def_readwrite` on a
// pybind11::class_<T> (a temporary chain or a named variable, anywhere: the class is known from
// the template argument, not from the module body), where f is `&T::fn`, a function, a lambda,
// or a py::cpp_function wrapping one of them. Emits BoundMember{T, "name", kind, the function
// (or the member for readonly/readwrite), the member an accessor returns by reference or
// pointer, at the "name" literal}.
//
// Not seen: `py::init` constructors (no Python name), overloads selected through
// py::overload_cast (the function is still found when its address is taken directly),
// attributes set with `cls.attr("name") = ...`.
class BoundMemberCollector : public clang::ast_matchers::MatchFinder::MatchCallback {
public:
  BoundMemberCollector(TranslationUnitPaths paths, std::vector<BoundMember> &out)
      : paths(std::move(paths)), out(out) {}

  void registerMatchers(clang::ast_matchers::MatchFinder &finder);
  void run(const clang::ast_matchers::MatchFinder::MatchResult &result) override;

private:
  void recordConstructor(const clang::ast_matchers::MatchFinder::MatchResult &result);

public:

private:
  TranslationUnitPaths paths;
  std::vector<BoundMember> &out;
};

} // namespace capcycle
