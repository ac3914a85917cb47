// The CPython reference-counting calls, recognised by the callee's name (the macros of 3.11 and
// 3.12 expand to calls of these static inline functions).
#pragma once

#include "llvm/ADT/StringRef.h"

namespace clang {
class CallExpr;
} // namespace clang

namespace capcycle {

// The directly called function's name, "" for calls through pointers.
llvm::StringRef calleeName(const clang::CallExpr &call);

bool isIncref(llvm::StringRef name); // Py_INCREF, Py_XINCREF, Py_IncRef, ...
bool isNewRef(llvm::StringRef name); // Py_NewRef, Py_XNewRef
bool isDecref(llvm::StringRef name); // Py_DECREF, Py_XDECREF, Py_DecRef, ...

} // namespace capcycle
