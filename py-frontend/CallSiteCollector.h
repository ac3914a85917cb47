// The defs of a file and the calls that may reach defs of the scan, with what each call passes:
// the per-file half of evaluating a registration at its call sites (issue 11, construct 5).
// `self.cnxids.new(self.vte, "key-press-event", self.on_keypress)` passes the object
// `self.vte` and a bound method holding `self` to Signalman.new, whose
// `widget.connect(signal, handler)` then registers on the caller's own widget; the
// cross-file stage (project/CallSiteEvaluation.h) joins the two.
#pragma once

#include "ScopeModel.h"

namespace capcycle::python {

// Every def of the file a call can name: module-level functions, methods (not static or class
// methods, whose first parameter is no instance) and nested defs.
std::vector<PythonFunction> collectFunctions(const ScopeModel &model);

// Every call of a method on an object, of a def of the file or of an imported name that passes
// at least one object chain rooted in a function's binding or a callable the file builds.
std::vector<PythonCall> collectCalls(const ScopeModel &model);

// The defs a call-site evaluation can need: those that register through their parameters or
// returned locals, and those that hand their parameters or returned locals on to another call
// (a helper calling a helper), and those whose parameters an attribute of a class stores
// (PythonAttribute::parameterOf). The others are dropped, as calls to them evaluate nothing.
std::vector<PythonFunction>
functionsCallSitesNeed(std::vector<PythonFunction> functions,
                       const std::vector<ParameterizedRegistration> &registrations,
                       const std::vector<PythonCall> &calls,
                       const std::vector<PythonClass> &classes);

} // namespace capcycle::python
