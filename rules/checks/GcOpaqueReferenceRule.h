#pragma once

#include "engine/Rule.h"

namespace capcycle {

// CCY201 gc-opaque-reference
//
// What it does: finds a C++ type exposed to Python (a pybind11 class_, a C-API type object)
// with a member that keeps a Python object alive — PyObject*, py::object, py::function (also
// inside std::vector, std::map, std::optional, ...), or a std::function a bound method stores a
// Python callable in — while the type has no GC traversal: no Py_TPFLAGS_HAVE_GC with a
// tp_traverse, no pybind11 custom_type_setup that installs one.
//
// Why is this bad? Python's cyclic GC finds cycles by asking each object what it references
// (tp_traverse). A reference only native code knows of is invisible: a callback stored there
// that captures the owner makes a cycle the GC can never break, and the owner, its native
// handle and everything the callback captures live until the process exits.
//
// How to fix it: give the type GC support that visits the member (C-API: Py_TPFLAGS_HAVE_GC,
// tp_traverse, tp_clear; pybind11: py::custom_type_setup), or store the callback weakly.
class GcOpaqueReferenceRule : public Rule {
public:
  static const RuleInfo Info;
  void check(const FactSet &facts, std::vector<Finding> &findings) const override;
};

} // namespace capcycle
