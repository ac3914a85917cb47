#include "ReferenceCalls.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"

namespace capcycle {

llvm::StringRef calleeName(const clang::CallExpr &call) {
  const clang::FunctionDecl *callee = call.getDirectCallee();
  return callee && callee->getDeclName().isIdentifier() ? callee->getName() : "";
}

bool isIncref(llvm::StringRef name) {
  return name == "Py_INCREF" || name == "_Py_INCREF" || name == "Py_XINCREF" ||
         name == "_Py_XINCREF" || name == "Py_IncRef" || name == "Py_XIncRef";
}

bool isNewRef(llvm::StringRef name) {
  return name == "Py_NewRef" || name == "_Py_NewRef" || name == "Py_XNewRef" ||
         name == "_Py_XNewRef";
}

bool isDecref(llvm::StringRef name) {
  return name == "Py_DECREF" || name == "_Py_DECREF" || name == "Py_XDECREF" ||
         name == "_Py_XDECREF" || name == "Py_DecRef" || name == "Py_XDecRef";
}

} // namespace capcycle
