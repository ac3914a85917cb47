#include "UnitCalls.h"

#include "FunctionBodyWalks.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"

namespace capcycle {

UnitCalls::UnitCalls(clang::ASTContext &context) {
  llvm::SmallPtrSet<const clang::Expr *, 32> callees;
  auto note = [&](const clang::FunctionDecl *function, const clang::Stmt &node) {
    if (const auto *call = llvm::dyn_cast<clang::CallExpr>(&node)) {
      callees.insert(call->getCallee()->IgnoreParenImpCasts());
      if (const clang::FunctionDecl *callee = call->getDirectCallee(); callee && function)
        calls[callee->getCanonicalDecl()].push_back({call, function});
    } else if (const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(&node)) {
      if (const auto *named = llvm::dyn_cast<clang::FunctionDecl>(ref->getDecl());
          named && !callees.contains(ref))
        addressTaken.insert(named->getCanonicalDecl());
    }
  };
  // Parents come before children, so a call's callee is known before its DeclRefExpr.
  for (const clang::FunctionDecl *function : unitFunctionDefinitions(context))
    forEachStmt(function->getBody(), [&](const clang::Stmt &node) { note(function, node); });
  for (const clang::Decl *decl : context.getTranslationUnitDecl()->decls())
    if (const auto *variable = llvm::dyn_cast<clang::VarDecl>(decl); variable && variable->getInit())
      forEachStmt(variable->getInit(), [&](const clang::Stmt &node) { note(nullptr, node); });
}

const std::vector<CallStep> &UnitCalls::callsOf(const clang::FunctionDecl &function) const {
  static const std::vector<CallStep> none;
  auto found = calls.find(function.getCanonicalDecl());
  return found == calls.end() ? none : found->second;
}

bool UnitCalls::calledOnlyDirectly(const clang::FunctionDecl &function) const {
  return !addressTaken.contains(function.getCanonicalDecl());
}

} // namespace capcycle
