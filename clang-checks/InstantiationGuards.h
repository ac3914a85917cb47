// Whether a C-API type can have instances of its own, or only instances of subclasses: the
// abstract-base idiom of real extensions (ctypes' _CData family, numpy's generic scalars), where
// tp_new refuses the type itself and every instance belongs to a heap type made by type_new.
#pragma once

namespace clang {
class ASTContext;
class FunctionDecl;
class VarDecl;
} // namespace clang

namespace capcycle {

// Whether `tpNew` (or a function of the unit it hands its type argument to) refuses some of the
// types it is called with before it makes an instance: an `if` whose condition reads only the
// type argument — directly or through locals computed from it — and whose branch sets a Python
// exception and returns NULL (`if (type == &Base_Type) {...}`, `if (!PyType_stgdict(type))`).
bool refusesSomeTypes(const clang::FunctionDecl &tpNew);

// Whether the unit allocates instances of `typeObject` itself, bypassing tp_new:
// `PyObject_New(T, &Type)`, `PyObject_GC_New`, `PyType_GenericAlloc(&Type, 0)`,
// `Type.tp_alloc(&Type, 0)`.
bool allocatedDirectly(const clang::VarDecl &typeObject, clang::ASTContext &context);

} // namespace capcycle
