// Whether Python code can ever hold an instance of a C-API type. A helper type that C code
// allocates and keeps only where no Python object can see it (asyncio's running-loop holder in
// the thread state's dict, a static cache pointer) is in no reference cycle: a cycle through
// an instance needs something its referents reach to point back at it, and nothing but the C
// code of the unit ever does. Such a type needs no GC support, whatever its members hold.
#pragma once

namespace clang {
class ASTContext;
class FunctionDecl;
class VarDecl;
} // namespace clang

namespace capcycle {

// True only where the unit proves it, for a static PyTypeObject `typeObject` without tp_new
// that the unit allocates itself:
//  - the type object itself is only allocated from, readied, compared or type-checked against
//    (never added to a module, handed to a call, or made another type's base);
//  - every instance the unit allocates (PyObject_New, tp_alloc, calling the type), and the
//    object `dealloc` receives, is only used in ways that keep it in C: members read or
//    written, reference counts, comparisons and tests, freeing, stores into locals and static
//    variables that are used the same way, returns from and arguments to the unit's own
//    functions whose uses are the same, and values of the thread state's dict
//    (PyThreadState_GetDict) — a dict no Python object refers to, whose every use in the unit
//    is a lookup, store or deletion, and whose lookups are followed like instances.
// Anything else (a return to Python, an argument to any other call, a store into another
// object's member, a weak reference's callback) may hand the instance to Python: false.
bool instancesStayInC(const clang::VarDecl &typeObject, const clang::FunctionDecl *dealloc,
                      clang::ASTContext &context);

} // namespace capcycle
