// An object that holds a reference to itself for as long as one of its members is set: a timer
// or request token that keeps itself alive until its callback has run or been cancelled
// (tkinter's timer token: `Py_INCREF(v); v->func = func;`, and `v->func = NULL; Py_DECREF(v);`
// where it fires or is deleted). No traverse reports that self-reference, so the GC counts it
// as external and never frees the object while the member is set: whether the GC can see the
// member makes no difference, and the code that clears it is what breaks a cycle through it.
#pragma once

namespace clang {
class ASTContext;
class FieldDecl;
class FunctionDecl;
class VarDecl;
} // namespace clang

namespace capcycle {

// Whether `function` takes a new reference to the object `object` points to (`Py_INCREF(v)`).
bool pinsObject(const clang::FunctionDecl &function, const clang::VarDecl &object);

// Whether every reference to an object of `field`'s struct that the unit gives back
// (`Py_DECREF(v)`, `v` a pointer to that struct) is given back by a function that also sets
// `v->field` to NULL: the pin goes only with the member. An object released through a plain
// `PyObject *` is not seen (assumed: the unit names the struct where it drops the pin).
bool unpinnedOnlyWithMember(const clang::FieldDecl &field, const clang::ASTContext &context);

} // namespace capcycle
