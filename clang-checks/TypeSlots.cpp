#include "TypeSlots.h"

#include "FunctionBodyWalks.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"

namespace capcycle {

namespace {
// Values from CPython's stable ABI (object.h, typeslots.h): they can never change, and the
// macros that spell them are gone once the preprocessor has run.
constexpr uint64_t HaveGcFlag = 1ULL << 14; // Py_TPFLAGS_HAVE_GC
constexpr uint64_t BaseTypeFlag = 1ULL << 10; // Py_TPFLAGS_BASETYPE
constexpr uint64_t DisallowInstantiationFlag = 1ULL << 7; // Py_TPFLAGS_DISALLOW_INSTANTIATION
constexpr int64_t SlotClear = 51, SlotDealloc = 52, SlotInit = 60, SlotMethods = 64, SlotNew = 65,
                  SlotTraverse = 71, SlotMembers = 72, SlotGetset = 73;

// `X_traverse`, `(traverseproc)X_traverse`, or a captureless lambda converted to a pointer.
const clang::FunctionDecl *functionValue(const clang::Expr *value) {
  if (!value)
    return nullptr;
  const clang::Expr *plain = value->IgnoreParenCasts();
  if (const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(plain))
    return llvm::dyn_cast<clang::FunctionDecl>(ref->getDecl());
  if (const clang::LambdaExpr *lambda = firstNodeIn<clang::LambdaExpr>(value))
    return lambda->getCallOperator();
  return nullptr;
}

const clang::VarDecl *arrayValue(const clang::Expr *value) {
  const auto *ref = value ? llvm::dyn_cast<clang::DeclRefExpr>(value->IgnoreParenCasts()) : nullptr;
  return ref ? llvm::dyn_cast<clang::VarDecl>(ref->getDecl()) : nullptr;
}

const clang::RecordDecl *sizeofRecord(const clang::Expr *value) {
  const auto *size = value ? llvm::dyn_cast<clang::UnaryExprOrTypeTraitExpr>(value->IgnoreParenCasts())
                           : nullptr;
  if (!size || size->getKind() != clang::UETT_SizeOf)
    return nullptr;
  return size->getTypeOfArgument().getCanonicalType()->getAsRecordDecl();
}

uint64_t flagBits(const clang::Expr *value, const clang::ASTContext &context) {
  clang::Expr::EvalResult flags;
  if (!value || value->isValueDependent() || !value->EvaluateAsInt(flags, context))
    return 0;
  return flags.Val.getInt().getZExtValue();
}
} // namespace

void TypeSlots::read(llvm::StringRef field, const clang::Expr *value,
                     const clang::ASTContext &context) {
  if (!value)
    return;
  if (field == "tp_name" || field == "name") {
    if (const auto *text = llvm::dyn_cast<clang::StringLiteral>(value->IgnoreParenImpCasts());
        text && text->isOrdinary())
      name = text->getString().str();
  } else if (field == "tp_basicsize" || field == "basicsize") {
    object = sizeofRecord(value);
  } else if (field == "tp_flags" || field == "flags") {
    uint64_t bits = flagBits(value, context);
    gcFlag = gcFlag || (bits & HaveGcFlag) != 0;
    subclassable = (bits & BaseTypeFlag) != 0 && (bits & DisallowInstantiationFlag) == 0;
  } else if (field == "tp_dealloc") {
    dealloc = functionValue(value);
  } else if (field == "tp_traverse") {
    traverse = functionValue(value);
    traverseAt = traverse ? value : nullptr;
  } else if (field == "tp_clear") {
    clear = functionValue(value);
  } else if (field == "tp_init") {
    init = functionValue(value);
  } else if (field == "tp_new") {
    newFunction = functionValue(value);
  } else if (field == "tp_weaklistoffset") {
    const auto *offset = llvm::dyn_cast<clang::OffsetOfExpr>(value->IgnoreParenCasts());
    if (offset && offset->getNumComponents() == 1 &&
        offset->getComponent(0).getKind() == clang::OffsetOfNode::Field)
      weakList = offset->getComponent(0).getField();
  } else if (field == "tp_methods") {
    methods = arrayValue(value);
  } else if (field == "tp_getset") {
    getset = arrayValue(value);
  } else if (field == "tp_members") {
    members = arrayValue(value);
  }
}

void TypeSlots::readSlotId(int64_t slot, const clang::Expr *value,
                           const clang::ASTContext &context) {
  switch (slot) {
  case SlotClear: return read("tp_clear", value, context);
  case SlotDealloc: return read("tp_dealloc", value, context);
  case SlotInit: return read("tp_init", value, context);
  case SlotMethods: return read("tp_methods", value, context);
  case SlotNew: return read("tp_new", value, context);
  case SlotTraverse: return read("tp_traverse", value, context);
  case SlotGetset: return read("tp_getset", value, context);
  case SlotMembers: return read("tp_members", value, context);
  default: return;
  }
}

} // namespace capcycle
