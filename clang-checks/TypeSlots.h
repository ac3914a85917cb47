// The slots of a CPython type object that say what the type is to Python and to the GC,
// read from wherever the binding writes them: a static PyTypeObject initializer, a
// PyType_Slot array, or assignments in a pybind11 custom_type_setup.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <string>

namespace clang {
class ASTContext;
class Expr;
class FieldDecl;
class FunctionDecl;
class RecordDecl;
class VarDecl;
} // namespace clang

namespace capcycle {

struct TypeSlots {
  std::string name;                          // tp_name: "module.Name"
  const clang::RecordDecl *object = nullptr; // tp_basicsize = sizeof(object)
  bool gcFlag = false;                       // Py_TPFLAGS_HAVE_GC in tp_flags
  // Py_TPFLAGS_BASETYPE without Py_TPFLAGS_DISALLOW_INSTANTIATION: Python code can make
  // instances of its own subclasses, which may hold anything.
  bool subclassable = false;
  const clang::FunctionDecl *dealloc = nullptr;
  const clang::FunctionDecl *traverse = nullptr;
  const clang::FunctionDecl *clear = nullptr;
  const clang::FunctionDecl *init = nullptr;   // tp_init: Python may call it again on a live object
  const clang::FunctionDecl *newFunction = nullptr; // tp_new
  const clang::FieldDecl *weakList = nullptr;  // tp_weaklistoffset = offsetof(Object, member)
  const clang::VarDecl *methods = nullptr;   // PyMethodDef[]
  const clang::VarDecl *getset = nullptr;    // PyGetSetDef[]
  const clang::VarDecl *members = nullptr;   // PyMemberDef[]
  const clang::Expr *traverseAt = nullptr;   // where the traverse slot is written

  // One `tp_<slot>` field (static initializer, assignment) ...
  void read(llvm::StringRef field, const clang::Expr *value, const clang::ASTContext &context);
  // ... or one PyType_Slot entry `{Py_tp_<slot>, value}`.
  void readSlotId(int64_t slot, const clang::Expr *value, const clang::ASTContext &context);
};

} // namespace capcycle
