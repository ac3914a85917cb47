// What the C++ rules share: which facts concern a type that Python can reach.
#pragma once

#include "engine/Finding.h"
#include "facts/Facts.h"

#include <string>

namespace capcycle {

// The first BoundType for cppType, or nullptr when Python cannot reach the type (none is
// bound, or its instances stay in C: GcSupport::instancesStayInC).
const BoundType *boundTypeOf(const FactSet &facts, const std::string &cppType);

// "mod.Name" (or "Name" for a type without module).
std::string pythonQualifiedName(const BoundType &type);

// The GC support of cppType that the GC actually uses (GcSupport::traverseRuns).
const GcSupport *activeGcSupport(const FactSet &facts, const std::string &cppType);

// How a raw PyObject-pointer member comes to own its referent, said where it is proven (cause 9
// of docs/rules/CCY201.md): one note per store of a new (or a borrowed but released)
// reference, up to three, added to `finding.path`. Where the scan sees no such store (the
// member is only released, or never written in the scanned code), the returned clause (no
// punctuation around it) says that ownership is assumed; otherwise it is empty. Other members (py::object,
// std::function, containers) add nothing.
std::string addOwnershipEvidence(const FactSet &facts, const PythonReference &reference,
                                 Finding &finding);

} // namespace capcycle
