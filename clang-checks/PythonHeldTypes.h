// Which C++ types hold a Python object, and whether they keep it alive. The same question is
// asked of data members (PythonReference facts) and of the members a callable is stored in
// (CallableStore facts), so it is answered in one place.
#pragma once

#include <optional>
#include <string>

namespace clang {
class QualType;
class RecordDecl;
} // namespace clang

namespace capcycle {

struct HeldPythonType {
  std::string heldAs;    // "PyObject*", "pybind11::function", "pybind11::handle", "std::function"
  std::string container; // the outermost standard wrapper ("std::vector"), or empty
  bool owning = false;
};

// PyObject* (or a pointer to a struct starting with PyObject_HEAD), pybind11::object and
// every class derived from it (owning: their destructor decrefs), pybind11::handle (not
// owning: a borrowed pointer), std::function (owning only once a Python callable is stored in
// it, which pybind11's functional caster keeps alive; decided later from CallableStore facts);
// each also inside std::vector/list/deque/map/unordered_map/set/optional/shared_ptr/unique_ptr
// (two levels deep). nullopt for every other type.
std::optional<HeldPythonType> classifyHeldPythonType(clang::QualType type);

// A C-API object struct: it starts with PyObject_HEAD or PyObject_VAR_HEAD, or with the struct
// of its base type embedded by value.
bool isPythonObjectStruct(const clang::RecordDecl &record, int depth = 0);

} // namespace capcycle
