// Finds Python classes whose `__del__` releases a native resource and turns each one into a
// FinalizerRelease fact, with whether the class (or a base class of the same file) also offers
// an explicit release (`close()` and friends) or a context manager. It decides nothing: whether
// a finalizer-only release is a finding is the rules' business (CCY102, and CCY001 when a cycle
// pins such an object).
#pragma once

#include "ScopeModel.h"

namespace capcycle::python {

// One fact per class whose own `__del__` — or, when it has none or its own one only calls
// `super().__del__()`, the `__del__` of a base class defined in the same file (one level) —
// makes a releasing call:
//  - a call into a foreign library loaded through ctypes or cffi (`lib.x_free(h)`,
//    `ctypes.CDLL(path).free(p)`, `self._lib.destroy(h)`, `ffi.release(buf)`), or
//  - a call whose name has a close/release/free/destroy/dispose/delete word part and that is
//    made on or with an attribute of `self` (`self._handle.close()`, `free_handle(self._h)`).
// classBindingId is the binding of the class name in its enclosing scope: the identity the
// frontend gives instances created by calling the class.
std::vector<FinalizerRelease> collectFinalizerReleases(const ScopeModel &model);

} // namespace capcycle::python
