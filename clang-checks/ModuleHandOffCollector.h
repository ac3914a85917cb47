// ModuleHandOff facts: which functions a pybind11 module is passed to, so that classes bound in
// binding functions (`void bind_audio(py::module_ &m)`, often in another translation unit) get
// the module of the PYBIND11_MODULE that calls them (BindingLinks.h).
#pragma once

#include "FactLocation.h"
#include "facts/Facts.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"

#include <vector>

namespace capcycle {

// Matches calls written by the user, in a function body, with an argument of type
// pybind11::module_, and emits ModuleHandOff{the function the argument's module comes from (see
// ModuleScopes.h), the called function, the submodule path, at the call} for each argument that
// is a module scope. Calls into pybind11 itself (`py::bind_vector(m, ...)`, `py::print(m)`) and
// PYBIND11_MODULE's own call of its body are not hand-offs.
class ModuleHandOffCollector : public clang::ast_matchers::MatchFinder::MatchCallback {
public:
  ModuleHandOffCollector(TranslationUnitPaths paths, std::vector<ModuleHandOff> &out)
      : paths(std::move(paths)), out(out) {}

  void registerMatchers(clang::ast_matchers::MatchFinder &finder);
  void run(const clang::ast_matchers::MatchFinder::MatchResult &result) override;

private:
  TranslationUnitPaths paths;
  std::vector<ModuleHandOff> &out;
};

} // namespace capcycle
