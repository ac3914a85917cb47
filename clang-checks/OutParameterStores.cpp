#include "OutParameterStores.h"

#include "FunctionBodyWalks.h"
#include "PythonHeldTypes.h"
#include "ReferenceCalls.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <map>

namespace capcycle {

namespace {

constexpr int MaxDepth = 6;

const clang::Expr *plain(const clang::Expr *expr) {
  return expr ? expr->IgnoreParenCasts() : nullptr;
}

const clang::RecordDecl *structOf(clang::QualType type) {
  const clang::RecordDecl *record = type.getCanonicalType()->getAsRecordDecl();
  return record ? record->getDefinition() : nullptr;
}

const clang::RecordDecl *pointeeRecordOf(clang::QualType type) {
  const auto *pointer = type.getCanonicalType()->getAs<clang::PointerType>();
  return pointer ? structOf(pointer->getPointeeType()) : nullptr;
}

const clang::RecordDecl *pointeeRecordOf(const clang::Expr &expr) {
  return pointeeRecordOf(expr.getType());
}

bool allocatesMemory(llvm::StringRef name) {
  return name == "PyMem_Malloc" || name == "PyMem_Calloc" || name == "PyMem_Realloc" ||
         name == "PyMem_RawMalloc" || name == "PyMem_RawCalloc" || name == "PyMem_RawRealloc" ||
         name == "PyObject_Malloc" || name == "PyObject_Calloc" || name == "malloc" ||
         name == "calloc" || name == "realloc";
}

// The index of `parameter` among `function`'s parameters, or -1.
int indexOf(const clang::FunctionDecl &function, const clang::ParmVarDecl &parameter) {
  for (unsigned index = 0; index < function.getNumParams(); ++index)
    if (function.getParamDecl(index) == &parameter)
      return static_cast<int>(index);
  return -1;
}

} // namespace

// The stores into each member and the struct copies of the unit, read once.
struct OutParameterLandings::UnitStores {
  std::map<const clang::FieldDecl *, std::vector<const clang::Expr *>> storedInto;
  llvm::SmallPtrSet<const clang::FieldDecl *, 16> memberAddressTaken;
  // Struct types assigned whole somewhere (`a = b` of struct type, memcpy).
  llvm::SmallPtrSet<const clang::RecordDecl *, 16> copiedWhole;
};

OutParameterLandings::OutParameterLandings(clang::ASTContext &context, const UnitCalls &unitCalls)
    : context(context), unitCalls(unitCalls), stores(std::make_unique<UnitStores>()) {
  auto note = [&](const clang::Stmt &node) {
    if (const auto *call = llvm::dyn_cast<clang::CallExpr>(&node)) {
      // memcpy(&a, &b, sizeof a) copies structs whole too.
      if (llvm::StringRef name = calleeName(*call); name.contains("memcpy") || name.contains("memmove"))
        for (const clang::Expr *argument : call->arguments())
          if (const clang::RecordDecl *record = pointeeRecordOf(*argument->IgnoreParenCasts()))
            stores->copiedWhole.insert(record);
    } else if (const auto *assignment = llvm::dyn_cast<clang::BinaryOperator>(&node);
               assignment && assignment->isAssignmentOp()) {
      if (const clang::RecordDecl *record = structOf(assignment->getLHS()->getType()))
        stores->copiedWhole.insert(record);
      if (const auto *member = llvm::dyn_cast<clang::MemberExpr>(plain(assignment->getLHS())))
        if (const auto *field = llvm::dyn_cast<clang::FieldDecl>(member->getMemberDecl()))
          stores->storedInto[field].push_back(
              assignment->getOpcode() == clang::BO_Assign ? assignment->getRHS() : nullptr);
    } else if (const auto *address = llvm::dyn_cast<clang::UnaryOperator>(&node);
               address && address->getOpcode() == clang::UO_AddrOf) {
      if (const auto *member = llvm::dyn_cast<clang::MemberExpr>(plain(address->getSubExpr())))
        if (const auto *field = llvm::dyn_cast<clang::FieldDecl>(member->getMemberDecl()))
          stores->memberAddressTaken.insert(field);
    }
  };
  for (const clang::FunctionDecl *function : unitFunctionDefinitions(context))
    forEachStmt(function->getBody(), note);
}

OutParameterLandings::~OutParameterLandings() = default;

namespace {

class LandingSearch {
public:
  LandingSearch(clang::ASTContext &context, const UnitCalls &unitCalls,
                const std::map<const clang::FieldDecl *, std::vector<const clang::Expr *>> &storedInto,
                const llvm::SmallPtrSetImpl<const clang::FieldDecl *> &memberAddressTaken,
                const llvm::SmallPtrSetImpl<const clang::RecordDecl *> &copiedWhole)
      : context(context), unitCalls(unitCalls), storedInto(storedInto),
        memberAddressTaken(memberAddressTaken), copiedWhole(copiedWhole) {}

  // Follows a store `offset` bits into what parameter `index` of `function` points to.
  bool throughParameter(const clang::FunctionDecl &function, int index, uint64_t offset,
                        std::vector<CallStep> &steps, int depth) {
    // A budget of calls followed, so that wide call trees cost little: past it, no claim.
    if (depth > MaxDepth || index < 0 || function.isExternallyVisible() ||
        !unitCalls.calledOnlyDirectly(function) || --budget < 0)
      return false;
    const clang::RecordDecl *expected = pointeeRecordOf(function.getParamDecl(index)->getType());
    // Never called: the store lands nowhere.
    for (const CallStep &step : unitCalls.callsOf(function)) {
      if (static_cast<unsigned>(index) >= step.call->getNumArgs() || !expected)
        return false;
      steps.push_back(step);
      bool followed = throughArgument(*step.call->getArg(index), expected, *step.caller, offset,
                                      steps, depth);
      steps.pop_back();
      if (!followed)
        return false;
    }
    return true;
  }

  std::vector<OutParameterLanding> landings;

private:
  int budget = 256;
  // A pointer to a struct of type `expected`: a cast to it (a view of another struct) is not
  // followed.
  bool throughArgument(const clang::Expr &argument, const clang::RecordDecl *expected,
                       const clang::FunctionDecl &caller, uint64_t offset,
                       std::vector<CallStep> &steps, int depth) {
    const clang::Expr *bare = argument.IgnoreParenImpCasts();
    if (llvm::isa<clang::ExplicitCastExpr>(bare) || pointeeRecordOf(*bare) != expected)
      return false;
    if (const clang::VarDecl *variable = variableNamed(bare))
      if (const auto *parameter = llvm::dyn_cast<clang::ParmVarDecl>(variable))
        return throughParameter(caller, indexOf(caller, *parameter), offset, steps, depth + 1);
    const auto *address = llvm::dyn_cast<clang::UnaryOperator>(bare);
    if (!address || address->getOpcode() != clang::UO_AddrOf)
      return false;
    return throughAddressOf(*plain(address->getSubExpr()), caller, offset, steps, depth);
  }

  // `&E`: E a member path from a pointer (`self->rule.dst`), a local struct (`rv.dst`), or an
  // element of a heap array (`self->items[i]`).
  bool throughAddressOf(const clang::Expr &lvalue, const clang::FunctionDecl &caller,
                        uint64_t offset, std::vector<CallStep> &steps, int depth) {
    const clang::Expr *expr = &lvalue;
    while (const auto *member = llvm::dyn_cast<clang::MemberExpr>(expr)) {
      const auto *field = llvm::dyn_cast<clang::FieldDecl>(member->getMemberDecl());
      if (!field)
        return false;
      offset += context.getFieldOffset(field);
      if (member->isArrow())
        return throughPointee(*plain(member->getBase()), caller, offset, steps, depth);
      expr = plain(member->getBase());
    }
    if (const auto *element = llvm::dyn_cast<clang::ArraySubscriptExpr>(expr))
      return inHeapArray(*plain(element->getBase()));
    const clang::VarDecl *local = variableNamed(expr);
    if (local && local->hasLocalStorage() && !llvm::isa<clang::ParmVarDecl>(local) &&
        local->getType()->isRecordType())
      return throughLocalStruct(*local, caller, offset, steps, depth);
    return false;
  }

  // `pointer->...`: an object's member, or what a parameter of the caller points to.
  bool throughPointee(const clang::Expr &pointer, const clang::FunctionDecl &caller,
                      uint64_t offset, std::vector<CallStep> &steps, int depth) {
    const clang::RecordDecl *record = pointeeRecordOf(pointer);
    if (record && isPythonObjectStruct(*record)) {
      landings.push_back({record, offset, steps});
      return true;
    }
    if (const clang::VarDecl *variable = variableNamed(&pointer))
      if (const auto *parameter = llvm::dyn_cast<clang::ParmVarDecl>(variable))
        return throughParameter(caller, indexOf(caller, *parameter), offset, steps, depth + 1);
    return false;
  }

  // `self->items` where every store into `items` is an allocation or NULL and its address is
  // never taken: the elements are heap memory, inside no object (unless an element is copied
  // whole into one: the element type is never assigned whole).
  bool inHeapArray(const clang::Expr &base) const {
    const auto *member = llvm::dyn_cast<clang::MemberExpr>(&base);
    const auto *field = member ? llvm::dyn_cast<clang::FieldDecl>(member->getMemberDecl()) : nullptr;
    const clang::RecordDecl *element = field ? pointeeRecordOf(field->getType()) : nullptr;
    if (!field || !element || copiedWhole.contains(element) || memberAddressTaken.contains(field) ||
        !context.getSourceManager().isInMainFile(field->getLocation()))
      return false;
    auto stores = storedInto.find(field);
    if (stores == storedInto.end())
      return false;
    return llvm::all_of(stores->second, [&](const clang::Expr *value) {
      const clang::Expr *bare = plain(value);
      if (!bare)
        return false;
      if (bare->isNullPointerConstant(context, clang::Expr::NPC_ValueDependentIsNotNull))
        return true;
      const auto *call = llvm::dyn_cast<clang::CallExpr>(bare);
      return call && allocatesMemory(calleeName(*call));
    });
  }

  // A local struct the helper fills: where the caller copies it whole. Any use but a member
  // access, an assignment to it, its address handed to one of the unit's functions, or a copy
  // into a parameter's pointee or an object's member leaves the store unfollowed.
  bool throughLocalStruct(const clang::VarDecl &local, const clang::FunctionDecl &caller,
                          uint64_t offset, std::vector<CallStep> &steps, int depth) {
    bool ok = true;
    forEachStmt(caller.getBody(), [&](const clang::Stmt &node) {
      const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(&node);
      if (!ok || !ref || ref->getDecl() != &local)
        return;
      ok = localUseFollowed(*ref, caller, offset, steps, depth);
    });
    return ok;
  }

  bool localUseFollowed(const clang::DeclRefExpr &ref, const clang::FunctionDecl &caller,
                        uint64_t offset, std::vector<CallStep> &steps, int depth) {
    const clang::Expr *child = &ref;
    clang::DynTypedNodeList parents = context.getParents(*child);
    // Up through member accesses and implicit casts: `rv.dst`, `&rv.dst`.
    while (!parents.empty() && parents[0].get<clang::Expr>() &&
           (llvm::isa<clang::ImplicitCastExpr>(parents[0].get<clang::Expr>()) ||
            llvm::isa<clang::ParenExpr>(parents[0].get<clang::Expr>()))) {
      child = parents[0].get<clang::Expr>();
      parents = context.getParents(*child);
    }
    if (parents.empty())
      return false;
    if (const auto *member = parents[0].get<clang::MemberExpr>(); member && !member->isArrow()) {
      // The whole path: `rv.std.tzname`.
      auto above = context.getParents(*member);
      while (!above.empty() && above[0].get<clang::MemberExpr>() &&
             !above[0].get<clang::MemberExpr>()->isArrow()) {
        member = above[0].get<clang::MemberExpr>();
        above = context.getParents(*member);
      }
      if (const auto *address = above.empty() ? nullptr : above[0].get<clang::UnaryOperator>();
          address && address->getOpcode() == clang::UO_AddrOf)
        return addressHandedToUnitFunction(*address);
      // A member read or written in place; a struct-valued one copied elsewhere is not followed.
      if (!member->getType()->isRecordType())
        return true;
      const auto *assignment = above.empty() ? nullptr : above[0].get<clang::BinaryOperator>();
      return assignment && assignment->isAssignmentOp() && assignment->getLHS() == member;
    }
    if (const auto *address = parents[0].get<clang::UnaryOperator>();
        address && address->getOpcode() == clang::UO_AddrOf)
      return addressHandedToUnitFunction(*address);
    const auto *assignment = parents[0].get<clang::BinaryOperator>();
    if (!assignment || assignment->getOpcode() != clang::BO_Assign)
      return false;
    if (assignment->getLHS()->IgnoreParens() == child)
      return true; // `rv = ...`
    // `*out = rv`, or `self->rule = rv`.
    const clang::Expr *target = plain(assignment->getLHS());
    if (const auto *deref = llvm::dyn_cast<clang::UnaryOperator>(target);
        deref && deref->getOpcode() == clang::UO_Deref)
      return throughArgument(*deref->getSubExpr(), structOf(ref.getDecl()->getType()), caller,
                             offset, steps, depth);
    return throughAddressOfTarget(*target, caller, offset, steps, depth);
  }

  bool throughAddressOfTarget(const clang::Expr &target, const clang::FunctionDecl &caller,
                              uint64_t offset, std::vector<CallStep> &steps, int depth) {
    return llvm::isa<clang::MemberExpr>(target) &&
           throughAddressOf(target, caller, offset, steps, depth);
  }

  bool addressHandedToUnitFunction(const clang::UnaryOperator &address) const {
    const clang::Expr *child = nullptr;
    const auto *call = usingNode(address, context, child).get<clang::CallExpr>();
    const clang::FunctionDecl *callee = call ? call->getDirectCallee() : nullptr;
    const clang::FunctionDecl *body = nullptr;
    if (!callee || !callee->hasBody(body) ||
        context.getSourceManager().isInSystemHeader(body->getLocation()))
      return false;
    for (unsigned index = 0; index < call->getNumArgs() && index < body->getNumParams(); ++index)
      if (call->getArg(index) == child && !usedOnlyForItsMembers(*body, *body->getParamDecl(index)))
        return false;
    return true;
  }

  // `p->field` only: the callee fills or reads the struct in place, and copies it nowhere.
  bool usedOnlyForItsMembers(const clang::FunctionDecl &function,
                             const clang::ParmVarDecl &parameter) const {
    bool only = true;
    forEachStmt(function.getBody(), [&](const clang::Stmt &node) {
      const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(&node);
      if (!only || !ref || ref->getDecl() != &parameter)
        return;
      clang::DynTypedNodeList parents = context.getParents(*ref);
      const clang::Expr *child = ref;
      while (!parents.empty() && parents[0].get<clang::ImplicitCastExpr>()) {
        child = parents[0].get<clang::ImplicitCastExpr>();
        parents = context.getParents(*child);
      }
      if (parents.empty()) {
        only = false;
        return;
      }
      // A NULL test: `if (ttinfo != NULL)`.
      if (const auto *binary = parents[0].get<clang::BinaryOperator>();
          binary && binary->isComparisonOp())
        return;
      if (const auto *unary = parents[0].get<clang::UnaryOperator>();
          unary && unary->getOpcode() == clang::UO_LNot)
        return;
      if (parents[0].get<clang::IfStmt>())
        return;
      const auto *member = parents[0].get<clang::MemberExpr>();
      only = member && member->isArrow() && member->getBase() == child &&
             !member->getType()->isRecordType();
    });
    return only;
  }

  clang::ASTContext &context;
  const UnitCalls &unitCalls;
  const std::map<const clang::FieldDecl *, std::vector<const clang::Expr *>> &storedInto;
  const llvm::SmallPtrSetImpl<const clang::FieldDecl *> &memberAddressTaken;
  const llvm::SmallPtrSetImpl<const clang::RecordDecl *> &copiedWhole;
};

} // namespace

std::optional<std::vector<OutParameterLanding>>
OutParameterLandings::through(const clang::FunctionDecl &helper, const clang::ParmVarDecl &pointer,
                              uint64_t offsetInPointee) const {
  if (context.getLangOpts().CPlusPlus)
    return std::nullopt; // functions in namespaces and classes are not in the unit's walks
  LandingSearch search(context, unitCalls, stores->storedInto, stores->memberAddressTaken,
                       stores->copiedWhole);
  std::vector<CallStep> steps;
  if (!search.throughParameter(helper, indexOf(helper, pointer), offsetInPointee, steps, 0))
    return std::nullopt;
  return std::move(search.landings);
}

} // namespace capcycle
