#include "LocalFlow.h"

#include "FunctionBodyWalks.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/Stmt.h"

namespace capcycle {
namespace {

bool isJumpTarget(const clang::Stmt &statement) {
  return llvm::isa<clang::LabelStmt>(statement) || llvm::isa<clang::SwitchCase>(statement);
}

bool containsJumpTarget(const clang::Stmt &statement) {
  bool found = false;
  forEachStmt(&statement, [&](const clang::Stmt &node) { found |= isJumpTarget(node); });
  return found;
}

// Any assignment, increment or address taken of `local` inside `statement`.
bool writes(const clang::Stmt &statement, const clang::VarDecl &local) {
  bool written = false;
  forEachStmt(&statement, [&](const clang::Stmt &node) {
    if (const auto *assignment = llvm::dyn_cast<clang::BinaryOperator>(&node))
      written |= assignment->isAssignmentOp() && variableNamed(assignment->getLHS()) == &local;
    if (const auto *unary = llvm::dyn_cast<clang::UnaryOperator>(&node))
      written |= (unary->isIncrementDecrementOp() || unary->getOpcode() == clang::UO_AddrOf) &&
                 variableNamed(unary->getSubExpr()) == &local;
  });
  return written;
}

// `local = value;` or `T *local = value;` as a statement of a block.
const clang::Expr *assignedBy(const clang::Stmt &statement, const clang::VarDecl &local) {
  if (const auto *declaration = llvm::dyn_cast<clang::DeclStmt>(&statement))
    return declaration->isSingleDecl() && declaration->getSingleDecl() == &local ? local.getInit()
                                                                                 : nullptr;
  const auto *expr = llvm::dyn_cast<clang::Expr>(&statement);
  const auto *assignment =
      expr ? llvm::dyn_cast<clang::BinaryOperator>(expr->IgnoreParenImpCasts()) : nullptr;
  return assignment && assignment->getOpcode() == clang::BO_Assign &&
                 variableNamed(assignment->getLHS()) == &local
             ? assignment->getRHS()
             : nullptr;
}

const clang::Stmt *parentStatement(const clang::Stmt &child, clang::ASTContext &context) {
  auto parents = context.getParents(child);
  return parents.empty() ? nullptr : parents[0].get<clang::Stmt>();
}

bool isLoop(const clang::Stmt &statement) {
  return llvm::isa<clang::ForStmt>(statement) || llvm::isa<clang::WhileStmt>(statement) ||
         llvm::isa<clang::DoStmt>(statement);
}

// The then-branch ends the function: `return ...;` or a block whose last statement is one.
bool alwaysReturns(const clang::Stmt *branch) {
  if (const auto *block = llvm::dyn_cast_or_null<clang::CompoundStmt>(branch))
    branch = block->body_empty() ? nullptr : block->body_back();
  return branch && llvm::isa<clang::ReturnStmt>(branch);
}

// The object a member chain is read from: `self` in `self->root.next`.
const clang::VarDecl *chainRoot(const clang::Expr *expr) {
  while (const auto *member = llvm::dyn_cast<clang::MemberExpr>(expr->IgnoreParenImpCasts()))
    expr = member->getBase();
  return variableNamed(expr);
}

// Whether `statement` may change what `value` reads: a write of its member or of its root
// local, or any call (which may run Python code that re-enters and relinks the list) other
// than assert's.
bool mayChange(const clang::Stmt &statement, const clang::MemberExpr &value,
               const clang::VarDecl &root) {
  bool changes = writes(statement, root);
  forEachStmt(&statement, [&](const clang::Stmt &node) {
    if (const auto *assignment = llvm::dyn_cast<clang::BinaryOperator>(&node)) {
      const auto *target = llvm::dyn_cast<clang::MemberExpr>(assignment->getLHS()->IgnoreParenImpCasts());
      changes |= assignment->isAssignmentOp() && target &&
                 target->getMemberDecl() == value.getMemberDecl();
    }
    if (const auto *call = llvm::dyn_cast<clang::CallExpr>(&node)) {
      const auto *callee = call->getDirectCallee();
      llvm::StringRef name = callee && callee->getDeclName().isIdentifier() ? callee->getName() : "";
      changes |= !name.starts_with("__assert") && !name.starts_with("__builtin");
    }
  });
  return changes;
}

// The same chain of member reads from the same variable: `self->root.next` twice.
bool sameMemberChain(const clang::Expr *left, const clang::Expr *right) {
  left = left->IgnoreParenImpCasts();
  right = right->IgnoreParenImpCasts();
  const auto *leftMember = llvm::dyn_cast<clang::MemberExpr>(left);
  const auto *rightMember = llvm::dyn_cast<clang::MemberExpr>(right);
  if (leftMember && rightMember)
    return leftMember->getMemberDecl() == rightMember->getMemberDecl() &&
           leftMember->isArrow() == rightMember->isArrow() &&
           sameMemberChain(leftMember->getBase(), rightMember->getBase());
  const clang::VarDecl *variable = variableNamed(left);
  return !leftMember && !rightMember && variable && variable == variableNamed(right);
}

// In `a || b || value == &obj->root`, the member whose address `value` is compared with.
const clang::FieldDecl *comparedAddress(const clang::Expr *condition, const clang::Expr &value) {
  const auto *binary = llvm::dyn_cast<clang::BinaryOperator>(condition->IgnoreParenImpCasts());
  if (!binary)
    return nullptr;
  if (binary->getOpcode() == clang::BO_LOr) {
    if (const clang::FieldDecl *field = comparedAddress(binary->getLHS(), value))
      return field;
    return comparedAddress(binary->getRHS(), value);
  }
  if (binary->getOpcode() != clang::BO_EQ)
    return nullptr;
  auto addressOf = [](const clang::Expr *side) -> const clang::FieldDecl * {
    const auto *address = llvm::dyn_cast<clang::UnaryOperator>(side->IgnoreParenCasts());
    const auto *member = address && address->getOpcode() == clang::UO_AddrOf
                             ? llvm::dyn_cast<clang::MemberExpr>(address->getSubExpr()->IgnoreParenImpCasts())
                             : nullptr;
    return member ? llvm::dyn_cast<clang::FieldDecl>(member->getMemberDecl()) : nullptr;
  };
  const clang::Expr *left = binary->getLHS()->IgnoreParenImpCasts();
  const clang::Expr *right = binary->getRHS()->IgnoreParenImpCasts();
  if (sameMemberChain(left, &value))
    return addressOf(right);
  if (sameMemberChain(right, &value))
    return addressOf(left);
  return nullptr;
}

} // namespace

const clang::Expr *reachingValue(const clang::VarDecl &local, const clang::Stmt &use,
                                 clang::ASTContext &context, const clang::Stmt **definition) {
  for (const clang::Stmt *child = &use, *parent = parentStatement(use, context); parent;
       child = parent, parent = parentStatement(*parent, context)) {
    if (isJumpTarget(*parent) || (isLoop(*parent) && writes(*parent, local)))
      return nullptr;
    const auto *block = llvm::dyn_cast<clang::CompoundStmt>(parent);
    if (!block)
      continue;
    const clang::Stmt *const *position = std::find(block->body_begin(), block->body_end(), child);
    while (position != block->body_begin()) {
      const clang::Stmt &sibling = **--position;
      if (containsJumpTarget(sibling))
        return nullptr;
      if (const clang::Expr *value = assignedBy(sibling, local)) {
        *definition = &sibling;
        return value;
      }
      if (writes(sibling, local))
        return nullptr;
    }
  }
  return nullptr;
}

const clang::FieldDecl *excludedAddress(const clang::Expr &value, const clang::Stmt &definition,
                                        clang::ASTContext &context) {
  const auto *read = llvm::dyn_cast<clang::MemberExpr>(value.IgnoreParenImpCasts());
  const clang::VarDecl *root = read ? chainRoot(read) : nullptr;
  if (!root)
    return nullptr;
  for (const clang::Stmt *child = &definition, *parent = parentStatement(definition, context);
       parent; child = parent, parent = parentStatement(*parent, context)) {
    const auto *block = llvm::dyn_cast<clang::CompoundStmt>(parent);
    if (!block) {
      // What the enclosing statement evaluates before (or, in a loop, after) the definition.
      if (isJumpTarget(*parent) || (isLoop(*parent) && mayChange(*parent, *read, *root)))
        return nullptr;
      for (const clang::Stmt *other : parent->children())
        if (other && other != child && mayChange(*other, *read, *root))
          return nullptr;
      continue;
    }
    const clang::Stmt *const *position = std::find(block->body_begin(), block->body_end(), child);
    while (position != block->body_begin()) {
      const clang::Stmt &sibling = **--position;
      if (const auto *guard = llvm::dyn_cast<clang::IfStmt>(&sibling);
          guard && !guard->getElse() && alwaysReturns(guard->getThen()))
        if (const clang::FieldDecl *excluded = comparedAddress(guard->getCond(), *read))
          return excluded;
      if (containsJumpTarget(sibling) || mayChange(sibling, *read, *root))
        return nullptr;
    }
  }
  return nullptr;
}

} // namespace capcycle
