#pragma once

#include "engine/Rule.h"

namespace capcycle {

// CCY203 finalizer-only-handle
//
// What it does: finds a type exposed to Python whose destructor or tp_dealloc releases a
// native resource held in a member (`delete engine_`, `engine_destroy(h_)`, `fclose(file_)`,
// directly or through one call such as `close()`), when no method bound to Python reaches the
// same release.
//
// Why is this bad? Python code cannot free the resource on time: it is released only when the
// wrapper is collected. A reference cycle through the wrapper (a callback capturing it), a
// traceback or a global delays that indefinitely — forever when the cycle is GC-opaque — and
// the native memory behind the handle is invisible to Python's accounting.
//
// How to fix it: bind an idempotent `close()` (and `__enter__`/`__exit__`) that performs the
// release, and keep the destructor as a safety net.
class FinalizerOnlyHandleRule : public Rule {
public:
  static const RuleInfo Info;
  void check(const FactSet &facts, std::vector<Finding> &findings) const override;
};

} // namespace capcycle
