// What the C++ rules share: which facts concern a type that Python can reach.
#pragma once

#include "facts/Facts.h"

#include <string>

namespace capcycle {

// The first BoundType for cppType, or nullptr when Python cannot reach the type.
const BoundType *boundTypeOf(const FactSet &facts, const std::string &cppType);

// "mod.Name" (or "Name" for a type without module).
std::string pythonQualifiedName(const BoundType &type);

// The GC support of cppType that the GC actually uses (GcSupport::traverseRuns).
const GcSupport *activeGcSupport(const FactSet &facts, const std::string &cppType);

} // namespace capcycle
