// GcSupport facts for pybind11 classes whose `py::custom_type_setup` installs GC support.
#pragma once

#include "FactLocation.h"
#include "facts/Facts.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"

#include <vector>

namespace capcycle {

// Matches `py::class_<T>(m, "T", py::custom_type_setup([](PyHeapTypeObject *heap) {...}))`
// (a temporary or a named variable) and reads the setup function the way pybind11's docs
// write it: `type->tp_flags |= Py_TPFLAGS_HAVE_GC; type->tp_traverse = <lambda or function>;
// type->tp_clear = ...;`. Emits GcSupport{T, "custom_type_setup", flag set, traverse, clear,
// members of T the traverse passes to `visit`, members of T the clear touches, at the
// custom_type_setup expression}. pybind11 itself never traverses a bound class's members:
// without this the class is opaque to the GC.
class CustomTypeSetupCollector : public clang::ast_matchers::MatchFinder::MatchCallback {
public:
  CustomTypeSetupCollector(TranslationUnitPaths paths, std::vector<GcSupport> &out)
      : paths(std::move(paths)), out(out) {}

  void registerMatchers(clang::ast_matchers::MatchFinder &finder);
  void run(const clang::ast_matchers::MatchFinder::MatchResult &result) override;

private:
  TranslationUnitPaths paths;
  std::vector<GcSupport> &out;
};

} // namespace capcycle
