// Finds `receiver.signal.connect(callback)` calls in a ScopeModel and turns each one whose
// callback is a lambda or a function defined in the file into a SignalConnection fact, with
// the callback's CaptureSet resolved to bindings. It decides nothing: whether the captures
// close a cycle is the rules' business.
#pragma once

#include "ScopeModel.h"

namespace capcycle::python {

std::vector<SignalConnection> collectSignalConnections(const ScopeModel &model);

// The names a callable scope keeps alive: free variables of its body (and of every scope
// nested in it) bound in an enclosing function scope, plus names read by its parameter
// defaults. Module globals are not captures: the module keeps them alive anyway.
CaptureSet collectCaptures(const ScopeModel &model, int callable);

} // namespace capcycle::python
