// Joins the C++ facts of all translation units by name, after every unit has run: a class
// is often defined in a header, bound in one unit and implemented in another.
#pragma once

#include "facts/Facts.h"

namespace capcycle {

// Drops repeated facts (one header seen from several units), then fills in what needs facts
// from several collectors:
// - BoundType::module of a class bound in a binding function: the modules that the
//   ModuleHandOff facts pass to that function, from PYBIND11_MODULE bodies down;
// - CallableStore::pythonMethods: the BoundMembers whose cppFunction is the storing function;
// - PythonReference::owning for a std::function member: a bound Python method stores its
//   callable there (a method, a property setter, a `py::init` constructor), or `.def_readwrite`
//   lets Python assign it
//   (pybind11's functional caster then keeps the Python callable alive);
// - SignalOwnership: a BoundMember returns a member whose class has a bound CallableStore;
// - PythonReference::traversed: a traversal the GC runs (flag and tp_traverse) visits the
//   member — for the class of a signal owned by another type, every owner's traversal visits
//   it through the embedded signal ("Signal::member"), since the GC reaches the signal only
//   through its owner;
// - NativeRelease::explicitlyReleasedBy for finalizer releases: the bound methods reaching a
//   release of the same member by the same call.
void linkBindingFacts(FactSet &facts);

} // namespace capcycle
