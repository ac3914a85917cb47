#pragma once

#include "engine/Rule.h"

namespace capcycle {

// CCY102 finalizer-only-release
//
// What it does: finds a Python class whose `__del__` releases a native resource — a call into
// a ctypes/cffi library (`lib.recognizer_release(self._handle)`) or a close/release/free/
// destroy-named call on or with an attribute of self (`self._handle.close()`) — and that
// offers no `close()`-like method and no `__exit__` / `__aexit__`, itself or through a base
// class of the same file.
//
// Why is this bad? A finalizer runs only when the object is collected. A reference cycle (a
// callback that captures its owner), an exception traceback that holds a frame, or a global
// keeps the object alive, and with it the native memory Python cannot see and does not count;
// since PEP 442 the cyclic GC does run `__del__` for collectable cycles, but late, on a
// collection triggered by object counts, not bytes — and never for a cycle through native
// storage. The caller has no way to release the resource on time.
//
// How to fix it: offer `close()` (idempotent) and `__enter__` / `__exit__` that call it, keep
// `__del__` only as a safety net — or replace `__del__` by `weakref.finalize(self, release,
// handle)`, whose handle can also be called explicitly.
class FinalizerOnlyReleaseRule : public Rule {
public:
  static const RuleInfo Info;
  void check(const FactSet &facts, std::vector<Finding> &findings) const override;
};

} // namespace capcycle
