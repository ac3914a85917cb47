#include "SelfPins.h"

#include "FunctionBodyWalks.h"
#include "ReferenceCalls.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"

namespace capcycle {
namespace {

const clang::RecordDecl *pointee(const clang::Expr *expr) {
  const auto *pointer = expr->getType().getCanonicalType()->getAs<clang::PointerType>();
  return pointer ? pointer->getPointeeType()->getAsRecordDecl() : nullptr;
}

// `v->field = NULL` somewhere in `function`.
bool clearsMember(const clang::FunctionDecl &function, const clang::FieldDecl &field,
                  const clang::VarDecl &object, const clang::ASTContext &context) {
  bool cleared = false;
  forEachStmt(function.getBody(), [&](const clang::Stmt &node) {
    const auto *assignment = llvm::dyn_cast<clang::BinaryOperator>(&node);
    const auto *target = assignment && assignment->getOpcode() == clang::BO_Assign
                             ? llvm::dyn_cast<clang::MemberExpr>(assignment->getLHS()->IgnoreParenImpCasts())
                             : nullptr;
    cleared |= target && target->getMemberDecl() == &field && variableNamed(target->getBase()) == &object &&
               assignment->getRHS()->isNullPointerConstant(const_cast<clang::ASTContext &>(context),
                                                           clang::Expr::NPC_ValueDependentIsNull);
  });
  return cleared;
}

} // namespace

bool pinsObject(const clang::FunctionDecl &function, const clang::VarDecl &object) {
  bool pinned = false;
  forEachStmt(function.getBody(), [&](const clang::Stmt &node) {
    const auto *call = llvm::dyn_cast<clang::CallExpr>(&node);
    pinned |= call && call->getNumArgs() == 1 &&
              (isIncref(calleeName(*call)) || isNewRef(calleeName(*call))) &&
              variableNamed(call->getArg(0)) == &object;
  });
  return pinned;
}

bool unpinnedOnlyWithMember(const clang::FieldDecl &field, const clang::ASTContext &context) {
  const clang::RecordDecl *object = field.getParent();
  bool onlyWithMember = true;
  for (const clang::FunctionDecl *function : unitFunctionDefinitions(context))
    forEachStmt(function->getBody(), [&](const clang::Stmt &node) {
      const auto *call = llvm::dyn_cast<clang::CallExpr>(&node);
      if (!onlyWithMember || !call || call->getNumArgs() != 1 || !isDecref(calleeName(*call)))
        return;
      const clang::Expr *released = call->getArg(0)->IgnoreParenCasts();
      const clang::RecordDecl *releasedType = pointee(released);
      if (!releasedType || releasedType->getCanonicalDecl() != object->getCanonicalDecl())
        return;
      const clang::VarDecl *variable = variableNamed(released);
      onlyWithMember = variable && clearsMember(*function, field, *variable, context);
    });
  return onlyWithMember;
}

} // namespace capcycle
