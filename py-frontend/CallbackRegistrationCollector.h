// Finds every place a callback that keeps objects alive is handed to an object that may store
// it — `recv.sig.connect(cb)`, `recv.add_listener(cb)`, `recv.on_message = cb`,
// `recv.sig += cb`, `b = Button(command=cb)` — and records it as a CallbackRegistration with
// the callback's CaptureSet and the calls that undo it on every path. Whether a shape stores
// the callback, and whether the captures close a cycle, is for the API models and the rules.
#pragma once

#include "ScopeModel.h"

namespace capcycle::python {

// `parameterized`, where given, receives the registrations inside defs whose receiver,
// callback or a capture is a parameter a caller supplies (not a method's `self`), for the
// cross-file stage to evaluate at each call site; those whose callback resolves here are
// among the returned registrations too.
std::vector<CallbackRegistration>
collectCallbackRegistrations(const ScopeModel &model,
                             std::vector<ParameterizedRegistration> *parameterized = nullptr);

// The names a lambda's or def's own closure keeps alive: free variables of its body (and of
// every scope nested in it) bound in an enclosing function scope, plus names its parameter
// defaults read. Module globals are not captures: the module keeps them alive anyway.
CaptureSet collectCaptures(const ScopeModel &model, int callable);

} // namespace capcycle::python
