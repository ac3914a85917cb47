// The cross-file stage of the Python frontend: one model of every file of a scan, built once
// from the per-file facts (never from syntax), that resolves what each file leaves as a dotted
// name of another module of the scan. `from .audio import Recognizer; r = Recognizer()` types
// `r` as the scanned class; `self.rec = make_recognizer()` as what `make_recognizer` returns in
// its own module; `from .compat import QtCore` as whatever `compat` imports; and an attribute a
// class inherits from a base in another module has the type that base's methods give it.
#pragma once

#include "facts/Facts.h"

namespace capcycle::python {

// Rewrites, in place, the types the facts of all files name: the receivers' types of callback
// registrations (and a constructor call's class), and the classes' bases and attribute types.
// A name no module of the scan defines (a library) is left as it is, relative imports made
// absolute.
void resolveAcrossFiles(FactSet &facts);

} // namespace capcycle::python
