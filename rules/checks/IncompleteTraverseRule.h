#pragma once

#include "engine/Rule.h"

namespace capcycle {

// CCY202 incomplete-traverse
//
// What it does: finds a type exposed to Python that has GC support (Py_TPFLAGS_HAVE_GC and a
// tp_traverse, or a pybind11 custom_type_setup installing them) whose tp_traverse does not
// visit one of its Python-owning members, whose tp_clear does not clear one, or that has no
// tp_clear at all.
//
// Why is this bad? A member the traverse skips is as invisible to the GC as in a type without
// traversal, and worse, the type looks handled. Without tp_clear the GC finds a cycle through
// the object but has no way to break it: the cycle is uncollectable.
//
// How to fix it: Py_VISIT every owning member in tp_traverse (each element of a container),
// Py_CLEAR each in tp_clear, and set tp_clear.
class IncompleteTraverseRule : public Rule {
public:
  static const RuleInfo Info;
  void check(const FactSet &facts, std::vector<Finding> &findings) const override;
};

} // namespace capcycle
