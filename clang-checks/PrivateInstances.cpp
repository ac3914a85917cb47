#include "PrivateInstances.h"

#include "FunctionBodyWalks.h"
#include "ReferenceCalls.h"
#include "UnitCalls.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ParentMapContext.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <vector>

namespace capcycle {

namespace {

const clang::Expr *plain(const clang::Expr *expr) {
  return expr ? expr->IgnoreParenCasts() : nullptr;
}

// Calls that look at an object or give its memory back, and hand it to nobody.
bool onlyLooksOrFrees(llvm::StringRef name) {
  return isIncref(name) || isDecref(name) || name == "Py_IS_TYPE" || name == "Py_TYPE" ||
         name == "_Py_TYPE" || name == "Py_REFCNT" || name == "_Py_REFCNT" ||
         name == "_Py_IsImmortal" || name == "_Py_Dealloc" || name == "PyObject_Free" ||
         name == "PyObject_Del" || name == "PyObject_GC_Del" || name == "PyMem_Free" ||
         name == "PyObject_GC_Track" || name == "PyObject_GC_UnTrack" ||
         name == "PyObject_ClearWeakRefs" || name == "_PyObject_GC_TRACK" ||
         name == "_PyObject_GC_UNTRACK" || name == "PyObject_TypeCheck" ||
         name == "PyType_IsSubtype" || name == "__builtin_expect";
}

// Calls that give back the object they are handed: the result is the instance again.
bool returnsItsArgument(llvm::StringRef name) {
  return isNewRef(name) || name == "PyObject_Init" || name == "PyObject_InitVar" ||
         name == "_PyObject_Init";
}

bool isThreadStateDict(llvm::StringRef name) {
  return name == "PyThreadState_GetDict" || name == "_PyThreadState_GetDict";
}

bool readsDict(llvm::StringRef name) {
  return name.starts_with("PyDict_GetItem") || name.starts_with("_PyDict_GetItem");
}

bool writesDict(llvm::StringRef name) {
  return name == "PyDict_SetItem" || name == "PyDict_SetItemString" ||
         name == "_PyDict_SetItemId" || name == "_PyDict_SetItem_KnownHash";
}

bool deletesOrTestsDict(llvm::StringRef name) {
  return name.starts_with("PyDict_DelItem") || name.starts_with("_PyDict_DelItem") ||
         name == "PyDict_Contains" || name.starts_with("_PyDict_Contains");
}

// Allocation of an instance: PyObject_New and its kin with `&Type`, `Type.tp_alloc(&Type, n)`,
// or a call of the type object itself (`PyObject_CallNoArgs((PyObject *)&Type)`).
bool allocatesFrom(const clang::CallExpr &call, const clang::VarDecl &type) {
  llvm::StringRef name = calleeName(call);
  bool allocator = name == "_PyObject_New" || name == "_PyObject_NewVar" ||
                   name == "_PyObject_GC_New" || name == "_PyObject_GC_NewVar" ||
                   name == "PyType_GenericAlloc" || name == "_PyObject_CallNoArgs" ||
                   name == "PyObject_CallNoArgs" || name == "PyObject_CallObject" ||
                   name == "PyObject_CallFunctionObjArgs" || name == "PyObject_Call";
  if (const auto *slot = llvm::dyn_cast<clang::MemberExpr>(plain(call.getCallee())))
    allocator = allocator || slot->getMemberDecl()->getName() == "tp_alloc";
  if (!allocator || call.getNumArgs() == 0)
    return false;
  const auto *address = llvm::dyn_cast<clang::UnaryOperator>(plain(call.getArg(0)));
  const clang::VarDecl *named = address && address->getOpcode() == clang::UO_AddrOf
                                   ? variableNamed(address->getSubExpr())
                                   : nullptr;
  return named && named->getCanonicalDecl() == type.getCanonicalDecl();
}

class InstanceFlow {
public:
  InstanceFlow(const clang::VarDecl &type, clang::ASTContext &context)
      : type(*type.getCanonicalDecl()), context(context),
        functions(unitFunctionDefinitions(context)), calls(context) {
    // Another type naming this one at file scope (as its tp_base, in a table of types) hands
    // it to Python.
    for (const clang::Decl *decl : context.getTranslationUnitDecl()->decls()) {
      const auto *variable = llvm::dyn_cast<clang::VarDecl>(decl);
      if (!variable || !variable->getInit() || isType(*variable))
        continue;
      forEachStmt(variable->getInit(), [&](const clang::Stmt &node) {
        const clang::VarDecl *named = variableNamed(llvm::dyn_cast<clang::Expr>(&node));
        typeNamedAtFileScope = typeNamedAtFileScope || (named && isType(*named));
      });
    }
  }

  bool staysInC(const clang::FunctionDecl *dealloc) {
    if (typeNamedAtFileScope)
      return false;
    if (dealloc && dealloc->getNumParams() > 0)
      carriers.insert(dealloc->getParamDecl(0));
    // Each round follows what the last one added; the sets only grow, so this ends.
    for (size_t before = SIZE_MAX; before != size();) {
      before = size();
      for (const clang::FunctionDecl *function : functions)
        if (!walk(*function))
          return false;
    }
    // Instances made elsewhere (another unit, a factory this one does not see) are unknown.
    return allocated;
  }

private:
  bool isType(const clang::VarDecl &variable) const {
    return variable.getCanonicalDecl() == &type;
  }

  size_t size() const { return carriers.size() + returning.size() + rootLocals.size(); }

  // Every use in `function` of the type object, of an instance, and of the thread state's
  // dict; false at the first that may reach Python.
  bool walk(const clang::FunctionDecl &function) {
    bool ok = true;
    forEachStmt(function.getBody(), [&](const clang::Stmt &node) {
      if (!ok)
        return;
      const auto *expr = llvm::dyn_cast<clang::Expr>(&node);
      if (!expr)
        return;
      if (const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(expr)) {
        const auto *variable = llvm::dyn_cast<clang::VarDecl>(ref->getDecl());
        if (variable && isType(*variable))
          ok = typeUseStaysInC(*ref);
        else if (variable && carriers.contains(variable) && !assignedTo(*ref))
          ok = instanceUseStaysInC(*ref, function);
        else if (variable && rootLocals.contains(variable) && !assignedTo(*ref))
          ok = dictUseStaysInC(*ref, function);
        return;
      }
      const auto *call = llvm::dyn_cast<clang::CallExpr>(expr);
      if (!call)
        return;
      llvm::StringRef name = calleeName(*call);
      const clang::FunctionDecl *callee = call->getDirectCallee();
      if (allocatesFrom(*call, type))
        allocated = true;
      if (allocatesFrom(*call, type) ||
          (callee && returning.contains(callee->getCanonicalDecl())) ||
          (readsDict(name) && call->getNumArgs() > 0 && isRootDict(*call->getArg(0))))
        ok = instanceUseStaysInC(*call, function);
      else if (isThreadStateDict(name))
        ok = dictUseStaysInC(*call, function);
    });
    return ok;
  }

  bool assignedTo(const clang::DeclRefExpr &ref) const {
    auto parents = context.getParents(ref);
    const auto *assignment = parents.empty() ? nullptr : parents[0].get<clang::BinaryOperator>();
    return assignment && assignment->isAssignmentOp() && assignment->getLHS() == &ref;
  }

  clang::DynTypedNode user(const clang::Expr &use, const clang::Expr *&child) const {
    return usingNode(use, context, child);
  }

  // `&Type` only in allocations, PyType_Ready, comparisons and type checks.
  bool typeUseStaysInC(const clang::DeclRefExpr &ref) const {
    auto parents = context.getParents(ref);
    if (const auto *member = parents.empty() ? nullptr : parents[0].get<clang::MemberExpr>())
      return member->getMemberDecl()->getName() == "tp_alloc" ||
             member->getMemberDecl()->getName() == "tp_free";
    const auto *address = parents.empty() ? nullptr : parents[0].get<clang::UnaryOperator>();
    if (!address || address->getOpcode() != clang::UO_AddrOf)
      return false;
    const clang::Expr *child = nullptr;
    clang::DynTypedNode at = user(*address, child);
    if (const auto *binary = at.get<clang::BinaryOperator>())
      return binary->isEqualityOp();
    const auto *call = at.get<clang::CallExpr>();
    if (!call)
      return false;
    llvm::StringRef name = calleeName(*call);
    return allocatesFrom(*call, type) || name == "PyType_Ready" || onlyLooksOrFrees(name);
  }

  // One use of an expression that may be an instance.
  bool instanceUseStaysInC(const clang::Expr &use, const clang::FunctionDecl &function) {
    const clang::Expr *child = nullptr;
    clang::DynTypedNode at = user(use, child);
    // A member read or written; a struct-valued one (`&holder->ob_base`) is the object again.
    if (const auto *member = at.get<clang::MemberExpr>())
      return member->getBase() == child && !member->getType()->isRecordType() &&
             !member->getType()->isArrayType();
    if (const auto *unary = at.get<clang::UnaryOperator>())
      return unary->getOpcode() == clang::UO_LNot;
    if (const auto *binary = at.get<clang::BinaryOperator>()) {
      if (binary->isComparisonOp() || binary->isLogicalOp())
        return true;
      if (binary->getOpcode() == clang::BO_Assign && binary->getRHS() == child)
        return keptIn(variableNamed(binary->getLHS()));
      return false;
    }
    if (const auto *variable = at.get<clang::VarDecl>())
      return keptIn(variable);
    if (at.get<clang::IfStmt>() || at.get<clang::WhileStmt>())
      return true;
    if (const auto *conditional = at.get<clang::ConditionalOperator>())
      return conditional->getCond() == child || instanceUseStaysInC(*conditional, function);
    if (at.get<clang::ReturnStmt>()) {
      // Given back to the unit's own callers only: each call is followed in turn.
      const clang::FunctionDecl *canonical = function.getCanonicalDecl();
      if (function.isExternallyVisible() || !calls.calledOnlyDirectly(function))
        return false;
      returning.insert(canonical);
      return true;
    }
    if (const auto *call = at.get<clang::CallExpr>())
      return passedStaysInC(*call, child);
    return false;
  }

  // An instance handed to a call as `argument`.
  bool passedStaysInC(const clang::CallExpr &call, const clang::Expr *argument) {
    llvm::StringRef name = calleeName(call);
    if (onlyLooksOrFrees(name))
      return true;
    if (const auto *slot = llvm::dyn_cast<clang::MemberExpr>(plain(call.getCallee())))
      return slot->getMemberDecl()->getName() == "tp_free";
    if (returnsItsArgument(name)) {
      const clang::FunctionDecl *function = enclosingFunction(call);
      return function && instanceUseStaysInC(call, *function);
    }
    // Stored as a value of the thread state's dict.
    if (writesDict(name) && call.getNumArgs() == 3 && call.getArg(2) == argument)
      return isRootDict(*call.getArg(0));
    const clang::FunctionDecl *callee = call.getDirectCallee();
    const clang::FunctionDecl *body = nullptr;
    if (!callee || !callee->hasBody(body))
      return false;
    for (unsigned index = 0; index < call.getNumArgs() && index < body->getNumParams(); ++index)
      if (call.getArg(index) == argument) {
        carriers.insert(body->getParamDecl(index));
        return true;
      }
    return false;
  }

  const clang::FunctionDecl *enclosingFunction(const clang::Stmt &stmt) const {
    clang::DynTypedNodeList parents = context.getParents(stmt);
    while (!parents.empty()) {
      if (const auto *function = parents[0].get<clang::FunctionDecl>())
        return function;
      parents = context.getParents(parents[0]);
    }
    return nullptr;
  }

  // Kept in a local, a parameter or a static variable of this unit: followed there.
  bool keptIn(const clang::VarDecl *variable) {
    if (!variable || (!variable->hasLocalStorage() && variable->isExternallyVisible()))
      return false;
    carriers.insert(variable);
    return true;
  }

  // The thread state's dict, directly or through a local only ever given it (or NULL).
  bool isRootDict(const clang::Expr &expr) {
    const clang::Expr *value = plain(&expr);
    if (const auto *call = llvm::dyn_cast<clang::CallExpr>(value))
      return isThreadStateDict(calleeName(*call));
    const clang::VarDecl *variable = variableNamed(value);
    return variable && rootLocals.contains(variable);
  }

  // One use of the thread state's dict: a lookup, store, deletion or test of it, a NULL test,
  // or a local that then holds it.
  bool dictUseStaysInC(const clang::Expr &use, const clang::FunctionDecl &function) {
    const clang::Expr *child = nullptr;
    clang::DynTypedNode at = user(use, child);
    if (const auto *call = at.get<clang::CallExpr>()) {
      llvm::StringRef name = calleeName(*call);
      return call->getNumArgs() > 0 && call->getArg(0) == child &&
             (readsDict(name) || writesDict(name) || deletesOrTestsDict(name));
    }
    if (const auto *binary = at.get<clang::BinaryOperator>()) {
      if (binary->isEqualityOp())
        return true;
      const clang::VarDecl *local = variableNamed(binary->getLHS());
      if (binary->getOpcode() != clang::BO_Assign || binary->getRHS() != child || !local ||
          !local->hasLocalStorage())
        return false;
      rootLocals.insert(local);
      return onlyEverRoot(*local, function);
    }
    if (const auto *local = at.get<clang::VarDecl>(); local && local->hasLocalStorage()) {
      rootLocals.insert(local);
      return onlyEverRoot(*local, function);
    }
    return at.get<clang::IfStmt>() || (at.get<clang::UnaryOperator>() &&
                                       at.get<clang::UnaryOperator>()->getOpcode() == clang::UO_LNot);
  }

  // A local standing for the dict must be given nothing else.
  bool onlyEverRoot(const clang::VarDecl &local, const clang::FunctionDecl &function) {
    auto rootOrNull = [&](const clang::Expr *value) {
      const clang::Expr *bare = plain(value);
      if (bare->isNullPointerConstant(context, clang::Expr::NPC_ValueDependentIsNotNull))
        return true;
      const auto *call = llvm::dyn_cast<clang::CallExpr>(bare);
      return call && isThreadStateDict(calleeName(*call));
    };
    if (local.getInit() && !rootOrNull(local.getInit()))
      return false;
    bool only = true;
    forEachStmt(function.getBody(), [&](const clang::Stmt &node) {
      const auto *assignment = llvm::dyn_cast<clang::BinaryOperator>(&node);
      if (assignment && assignment->isAssignmentOp() &&
          variableNamed(assignment->getLHS()) == &local)
        only = only && assignment->getOpcode() == clang::BO_Assign &&
               rootOrNull(assignment->getRHS());
    });
    return only;
  }

  const clang::VarDecl &type; // canonical
  clang::ASTContext &context;
  bool typeNamedAtFileScope = false;
  bool allocated = false; // the unit makes instances itself
  std::vector<const clang::FunctionDecl *> functions;
  UnitCalls calls; // whose addresses are taken
  llvm::SmallPtrSet<const clang::VarDecl *, 16> carriers;        // may hold an instance
  llvm::SmallPtrSet<const clang::FunctionDecl *, 8> returning;   // may return one
  llvm::SmallPtrSet<const clang::VarDecl *, 8> rootLocals;        // hold the thread state's dict
};

} // namespace

// Whether the type's initializer names another type object (a tp_base): a static type with a
// base other than object inherits its tp_new, and `Base.__subclasses__()` hands it to Python.
bool namesABase(const clang::VarDecl &typeObject) {
  bool named = false;
  forEachStmt(typeObject.getInit(), [&](const clang::Stmt &node) {
    const clang::VarDecl *variable = variableNamed(llvm::dyn_cast<clang::Expr>(&node));
    named = named || (variable && variable != &typeObject &&
                      variable->getType().getAsString().ends_with("PyTypeObject"));
  });
  return named;
}

bool instancesStayInC(const clang::VarDecl &typeObject, const clang::FunctionDecl *dealloc,
                      clang::ASTContext &context) {
  // C++ units hide functions in namespaces and classes, which the walks over the unit's
  // functions (unitFunctionDefinitions) do not read: no claim there.
  if (context.getLangOpts().CPlusPlus || typeObject.isExternallyVisible() ||
      !typeObject.getType().getAsString().ends_with("PyTypeObject") || namesABase(typeObject))
    return false;
  return InstanceFlow(typeObject, context).staysInC(dealloc);
}

} // namespace capcycle
