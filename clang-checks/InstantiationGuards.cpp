#include "InstantiationGuards.h"

#include "FunctionBodyWalks.h"
#include "ReferenceCalls.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace capcycle {

namespace {

const clang::ValueDecl *named(const clang::Expr *expr) {
  const auto *ref = expr ? llvm::dyn_cast<clang::DeclRefExpr>(expr->IgnoreParenCasts()) : nullptr;
  return ref ? ref->getDecl() : nullptr;
}

class TypeGuardSearch {
public:
  bool refuses(const clang::FunctionDecl &function, const clang::ParmVarDecl &type, int depth) {
    const clang::FunctionDecl *body = nullptr;
    if (!function.hasBody(body) || depth > 3 || !searched.insert(body).second)
      return false;
    bool found = false;
    forEachStmt(body->getBody(), [&](const clang::Stmt &node) {
      if (found)
        return;
      if (const auto *branch = llvm::dyn_cast<clang::IfStmt>(&node))
        found = readsOnly(branch->getCond(), type, *body, 0) == Reads::TheType &&
                raisesAndReturnsNull(branch->getThen(), body->getASTContext());
      else if (const auto *call = llvm::dyn_cast<clang::CallExpr>(&node))
        found = refusesThrough(*call, type, depth);
    });
    return found;
  }

private:
  enum class Reads { Nothing, TheType, Other };

  // A callee of the unit given the type argument: `return GenericPyCData_new(type, args, kw)`.
  bool refusesThrough(const clang::CallExpr &call, const clang::ParmVarDecl &type, int depth) {
    const clang::FunctionDecl *callee = call.getDirectCallee();
    if (!callee)
      return false;
    for (unsigned i = 0; i < call.getNumArgs() && i < callee->getNumParams(); ++i)
      if (named(call.getArg(i)) == &type && refuses(*callee, *callee->getParamDecl(i), depth + 1))
        return true;
    return false;
  }

  // What the condition depends on: only the type argument (and constants, globals such as
  // `&Base_Type`, functions), or also something else (the call's arguments, other state).
  Reads readsOnly(const clang::Stmt *expr, const clang::ParmVarDecl &type,
                  const clang::FunctionDecl &function, int depth) {
    Reads reads = Reads::Nothing;
    forEachStmt(expr, [&](const clang::Stmt &node) {
      const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(&node);
      if (!ref || reads == Reads::Other)
        return;
      Reads these = readsOf(*ref->getDecl(), type, function, depth);
      if (these != Reads::Nothing)
        reads = these;
    });
    return reads;
  }

  Reads readsOf(const clang::ValueDecl &decl, const clang::ParmVarDecl &type,
                const clang::FunctionDecl &function, int depth) {
    if (&decl == &type)
      return Reads::TheType;
    const auto *variable = llvm::dyn_cast<clang::VarDecl>(&decl);
    if (!variable || !variable->hasLocalStorage())
      return Reads::Nothing; // a function, an enumerator, a global
    if (llvm::isa<clang::ParmVarDecl>(variable) || depth > 2)
      return Reads::Other;
    // A local: what every value it is given reads (`dict = PyType_stgdict((PyObject *)type)`).
    std::vector<const clang::Expr *> values;
    if (variable->getInit())
      values.push_back(variable->getInit());
    forEachStmt(function.getBody(), [&](const clang::Stmt &node) {
      const auto *assignment = llvm::dyn_cast<clang::BinaryOperator>(&node);
      if (assignment && assignment->isAssignmentOp() && named(assignment->getLHS()) == variable)
        values.push_back(assignment->getRHS());
    });
    Reads reads = values.empty() ? Reads::Other : Reads::Nothing;
    for (const clang::Expr *value : values) {
      Reads these = readsOnly(value, type, function, depth + 1);
      if (these == Reads::Other)
        return Reads::Other;
      if (these == Reads::TheType)
        reads = Reads::TheType;
    }
    return reads;
  }

  static bool raisesAndReturnsNull(const clang::Stmt *branch, clang::ASTContext &context) {
    bool raises = false, returnsNull = false;
    forEachStmt(branch, [&](const clang::Stmt &node) {
      if (const auto *call = llvm::dyn_cast<clang::CallExpr>(&node))
        raises = raises || calleeName(*call).starts_with("PyErr_");
      if (const auto *result = llvm::dyn_cast<clang::ReturnStmt>(&node))
        returnsNull = returnsNull ||
                      (result->getRetValue() &&
                       result->getRetValue()->IgnoreParenCasts()->isNullPointerConstant(
                           context, clang::Expr::NPC_ValueDependentIsNotNull));
    });
    return raises && returnsNull;
  }

  llvm::SmallPtrSet<const clang::FunctionDecl *, 8> searched;
};

bool allocates(const clang::CallExpr &call, const clang::VarDecl &typeObject) {
  llvm::StringRef name = calleeName(call);
  bool allocator = name == "_PyObject_New" || name == "_PyObject_NewVar" ||
                   name == "_PyObject_GC_New" || name == "_PyObject_GC_NewVar" ||
                   name == "PyType_GenericAlloc" || name == "PyType_GenericNew" ||
                   name == "PyObject_Init" || name == "PyObject_InitVar";
  // `Type.tp_alloc(&Type, 0)`: a call through the type's own allocator slot.
  if (const auto *slot = llvm::dyn_cast<clang::MemberExpr>(call.getCallee()->IgnoreParenCasts()))
    allocator = allocator || slot->getMemberDecl()->getName() == "tp_alloc";
  if (!allocator)
    return false;
  for (const clang::Expr *argument : call.arguments()) {
    const auto *address = llvm::dyn_cast<clang::UnaryOperator>(argument->IgnoreParenCasts());
    if (address && address->getOpcode() == clang::UO_AddrOf &&
        named(address->getSubExpr()) == &typeObject)
      return true;
  }
  return false;
}

} // namespace

bool refusesSomeTypes(const clang::FunctionDecl &tpNew) {
  if (tpNew.getNumParams() == 0)
    return false;
  return TypeGuardSearch().refuses(tpNew, *tpNew.getParamDecl(0), 0);
}

bool allocatedDirectly(const clang::VarDecl &typeObject, clang::ASTContext &context) {
  for (const clang::FunctionDecl *function : unitFunctionDefinitions(context)) {
    bool found = false;
    forEachStmt(function->getBody(), [&](const clang::Stmt &node) {
      if (const auto *call = llvm::dyn_cast<clang::CallExpr>(&node))
        found = found || allocates(*call, typeObject);
    });
    if (found)
      return true;
  }
  return false;
}

} // namespace capcycle
