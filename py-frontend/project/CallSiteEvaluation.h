// Registrations made through the scan's own helpers (issue 11, construct 5): a def whose
// receiver, callback or captures are parameters (`Signalman.new(self, widget, signal,
// handler)` doing `widget.connect(signal, handler)`) registers, at each call site, on what the
// caller passes (`self.cnxids.new(self.vte, "key-press-event", self.on_keypress)` connects a
// bound method holding `self` to `self.vte`). Each such registration is made again at the call
// site, with the caller's objects and callback; the rules then judge it as any other.
#pragma once

#include "project/ProjectModel.h"

namespace capcycle::python {

// Bounded depth: a helper calling a helper is followed three calls out from the registration.
inline constexpr int MaxCallDepth = 3;

// The registrations the scan's calls make through parameterized registrations, located at
// the outermost call, `through` naming each registration step inward.
std::vector<CallbackRegistration> evaluateAtCallSites(const FactSet &facts,
                                                      const ProjectModel &project);

} // namespace capcycle::python
