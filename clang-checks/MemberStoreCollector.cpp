#include "MemberStoreCollector.h"

#include "CodeNames.h"
#include "FunctionBodyWalks.h"
#include "LocalFlow.h"
#include "ObjectMemberWalks.h"
#include "OutParameterStores.h"
#include "UnitCalls.h"
#include "PythonHeldTypes.h"
#include "ReferenceCalls.h"
#include "SelfPins.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/Basic/SourceManager.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "llvm/ADT/StringSet.h"

#include <map>

namespace capcycle {

using namespace clang::ast_matchers;

namespace {

const clang::Expr *plain(const clang::Expr *expr) {
  return expr ? expr->IgnoreParenCasts() : nullptr;
}

// Results that are exact str, bytes, bytearray, int, float or bool: none holds a reference.
// PyUnicode_AsEncodedObject and PyUnicode_AsDecodedObject return whatever a codec returns.
bool producesAtomic(llvm::StringRef name) {
  if (name.contains("EncodedObject") || name.contains("DecodedObject"))
    return false;
  for (llvm::StringRef prefix : {"PyUnicode_", "_PyUnicode_", "PyBytes_", "_PyBytes_",
                                 "PyByteArray_", "PyLong_", "_PyLong_", "PyFloat_", "PyBool_"})
    if (name.starts_with(prefix))
      return true;
  return false;
}

// CPython functions that return a borrowed reference.
bool returnsBorrowed(llvm::StringRef name) {
  static const llvm::StringSet<> borrowed = {
      "PyTuple_GET_ITEM", "PyTuple_GetItem", "PyList_GET_ITEM", "PyList_GetItem",
      "PyDict_GetItem", "PyDict_GetItemWithError", "PyDict_GetItemString",
      "_PyDict_GetItemIdWithError", "_PyDict_GetItemStringWithError", "PyModule_GetDict",
      "PyWeakref_GetObject", "PyWeakref_GET_OBJECT", "PyCell_GET", "PyEval_GetBuiltins",
      "PyEval_GetGlobals", "PyEval_GetLocals", "PyType_GetModule", "PyType_GetModuleByDef",
      "_PyType_GetModuleByDef", "PySys_GetObject", "PyImport_GetModuleDict", "PyErr_Occurred",
      "PyThreadState_GetDict", "PyExceptionInstance_Class", "PySequence_Fast_GET_ITEM",
      "PyStructSequence_GET_ITEM"};
  return borrowed.contains(name);
}

// Strings kept in place by the resizing and concatenating helpers: still an exact str/bytes.
bool keepsAtomic(llvm::StringRef name) {
  return name == "_PyBytes_Resize" || name == "_PyUnicode_Resize" || name == "PyUnicode_Append" ||
         name == "PyUnicode_AppendAndDel" || name == "PyBytes_Concat" ||
         name == "PyBytes_ConcatAndDel";
}

// Whether `function` INCREFs (or Py_NewRefs) what `matches` accepts.
bool increfs(const clang::FunctionDecl &function,
             const std::function<bool(const clang::Expr *)> &matches) {
  bool found = false;
  forEachStmt(function.getBody(), [&](const clang::Stmt &node) {
    const auto *call = llvm::dyn_cast<clang::CallExpr>(&node);
    if (call && call->getNumArgs() == 1 && (isIncref(calleeName(*call)) ||
                                             isNewRef(calleeName(*call))))
      found = found || matches(plain(call->getArg(0)));
  });
  return found;
}

bool namesVariable(const clang::Expr *expr, const clang::VarDecl &variable) {
  const auto *ref = llvm::dyn_cast_or_null<clang::DeclRefExpr>(expr);
  return ref && ref->getDecl() == &variable;
}

bool namesField(const clang::Expr *expr, const clang::FieldDecl &field) {
  const auto *member = llvm::dyn_cast_or_null<clang::MemberExpr>(expr);
  return member && member->getMemberDecl() == &field;
}

// A function of the scanned code (not CPython's API, whose results the tables above describe)
// whose body this unit has.
const clang::FunctionDecl *unitFunction(const clang::CallExpr &call) {
  const clang::FunctionDecl *callee = call.getDirectCallee();
  const clang::FunctionDecl *definition = nullptr;
  if (!callee || !callee->hasBody(definition) || !callee->getDeclName().isIdentifier() ||
      callee->getName().starts_with("Py") || callee->getName().starts_with("_Py"))
    return nullptr;
  const clang::SourceManager &sources = definition->getASTContext().getSourceManager();
  return sources.isInSystemHeader(definition->getLocation()) ? nullptr : definition;
}

// How kinds of value combine where a store can take any of several: nothing ("") adds
// nothing, atomic stays atomic only if every other is, a new reference anywhere makes it new.
// A rooted object (one a static keeps forever) with atomics stays harmless: "rooted".
std::string joinOrigins(const std::vector<std::string> &origins) {
  bool atomic = false, fresh = false, borrowed = false, rooted = false;
  for (const std::string &origin : origins) {
    atomic |= origin == "atomic";
    fresh |= origin == "new";
    borrowed |= origin == "borrowed";
    rooted |= origin == "rooted";
  }
  return fresh ? "new" : borrowed ? "borrowed" : rooted ? "rooted" : atomic ? "atomic" : "";
}

const clang::ValueDecl *declarationNamedBy(const clang::Expr &expr) {
  if (const auto *member = llvm::dyn_cast<clang::MemberExpr>(&expr))
    return member->getMemberDecl();
  if (const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(&expr))
    return ref->getDecl();
  return nullptr;
}

bool privateContainerOfAtomics(const clang::ValueDecl &container, const clang::ASTContext &context);

bool looksUp(llvm::StringRef name) {
  return name == "PyDict_GetItem" || name == "PyDict_GetItemWithError" ||
         name == "PyDict_GetItemString" || name == "_PyDict_GetItemIdWithError" ||
         name == "_PyDict_GetItemStringWithError" || name == "PyDict_SetDefault";
}

// The datetime C API's constructors, reached through the PyDateTimeAPI capsule
// (`PyDateTimeAPI->Delta_FromDelta(d, s, us, 1, PyDateTimeAPI->DeltaType)`, which the
// PyDelta_FromDSU macro expands to). Given the API's own type, timedelta and date hold no
// reference; time and datetime hold only their tzinfo.
struct DateTimeConstructor {
  llvm::StringRef slot, type;
  int tzinfo; // the argument holding the tzinfo, or -1
};
constexpr DateTimeConstructor DateTimeConstructors[] = {
    {"Delta_FromDelta", "DeltaType", -1},
    {"Date_FromDate", "DateType", -1},
    {"Time_FromTime", "TimeType", 4},
    {"Time_FromTimeAndFold", "TimeType", 4},
    {"DateTime_FromDateAndTime", "DateTimeType", 7},
    {"DateTime_FromDateAndTimeAndFold", "DateTimeType", 7},
};

bool makesAtomicDateTime(const clang::CallExpr &call, const clang::ASTContext &context) {
  const auto *slot = llvm::dyn_cast<clang::MemberExpr>(plain(call.getCallee()));
  if (!slot || call.getNumArgs() == 0 || !slot->getMemberDecl()->getDeclName().isIdentifier())
    return false;
  const auto *type = llvm::dyn_cast<clang::MemberExpr>(plain(call.getArg(call.getNumArgs() - 1)));
  for (const DateTimeConstructor &constructor : DateTimeConstructors)
    if (slot->getMemberDecl()->getName() == constructor.slot && type &&
        type->getMemberDecl()->getName() == constructor.type)
      return constructor.tzinfo < 0 ||
             (constructor.tzinfo < static_cast<int>(call.getNumArgs()) &&
              isNullOrSingleton(call.getArg(constructor.tzinfo), context));
  return false;
}

// CPython's error setters that always return NULL (`return PyErr_NoMemory();`).
bool alwaysReturnsNull(llvm::StringRef name) {
  static const llvm::StringSet<> setters = {
      "PyErr_Format", "PyErr_FormatV", "PyErr_NoMemory", "PyErr_SetFromErrno",
      "PyErr_SetFromErrnoWithFilename", "PyErr_SetFromErrnoWithFilenameObject",
      "PyErr_SetFromErrnoWithFilenameObjects", "PyErr_SetFromWindowsErr",
      "PyErr_SetFromWindowsErrWithFilename", "PyErr_SetExcFromWindowsErr",
      "PyErr_SetExcFromWindowsErrWithFilename", "PyErr_SetExcFromWindowsErrWithFilenameObject",
      "PyErr_SetExcFromWindowsErrWithFilenameObjects", "PyErr_SetImportError",
      "PyErr_SetImportErrorSubclass", "_PyErr_Format", "_PyErr_FormatFromCause"};
  return setters.contains(name);
}

// Number protocol operations: on exact ints, floats, strs or bytes they give an exact int,
// float, str or bytes (or, for divmod, a tuple of two ints or floats).
bool isNumberOperation(llvm::StringRef name) {
  return name.starts_with("PyNumber_") && name != "PyNumber_Check" &&
         name != "PyNumber_AsSsize_t" && name != "PyNumber_ToBase";
}

// A fresh tuple or struct sequence (os.stat_result and its kin): immutable from Python once
// filled, and without a __dict__, so it holds exactly the items the unit puts in it.
bool makesFreshSequence(const clang::Expr *value) {
  const auto *call = llvm::dyn_cast_or_null<clang::CallExpr>(plain(value));
  llvm::StringRef name = call ? calleeName(*call) : "";
  return name == "PyTuple_New" || name == "PyStructSequence_New";
}

bool setsSequenceItem(llvm::StringRef name) {
  return name == "PyTuple_SET_ITEM" || name == "PyTuple_SetItem" ||
         name == "PyStructSequence_SetItem" || name == "PyStructSequence_SET_ITEM";
}

bool filledOnlyWithAtomics(const clang::VarDecl &sequence, const clang::FunctionDecl &function,
                           const clang::ASTContext &context, int depth, bool mayReturn);

// What the functions and members of one unit are worth once computed: each helper's returns,
// whether a member only ever holds atomic values. Kept per thread, for the unit being matched.
struct UnitValueMemo {
  const clang::ASTContext *context = nullptr;
  std::map<const clang::FunctionDecl *, std::string> returns;
  std::map<const clang::FieldDecl *, bool> atomicMembers;
  std::map<const clang::VarDecl *, bool> rootedStatics;
  std::unique_ptr<UnitCalls> unitCalls;

  UnitValueMemo &of(const clang::ASTContext &unit) {
    if (context != &unit)
      *this = UnitValueMemo{&unit, {}, {}, {}, nullptr};
    return *this;
  }
  const UnitCalls &calls() {
    if (!unitCalls)
      unitCalls = std::make_unique<UnitCalls>(const_cast<clang::ASTContext &>(*context));
    return *unitCalls;
  }
};
thread_local UnitValueMemo unitValueMemo;

bool holdsOnlyAtomics(const clang::FieldDecl &field, const clang::ASTContext &context, int depth);

bool isRootedStatic(const clang::VarDecl &variable, const clang::ASTContext &context);

std::optional<std::string> storedThrough(const clang::FunctionDecl &callee,
                                         const clang::ParmVarDecl &pointer,
                                         const clang::ASTContext &context);

class ValueOrigin {
public:
  // entryDepth: how deep in calls `function` is reached (its locals are followed 8 levels from
  // there; calls to the unit's own helpers 12 levels in all, each helper's returns computed once).
  // steps: where `function` was called from (OutParameterStores.h), from steps[step] outward:
  // its parameters then hold what that call passes, where that is NULL or atomic.
  ValueOrigin(const clang::FunctionDecl &function, const clang::FieldDecl *target,
              const clang::ASTContext &context, int entryDepth = 0,
              const std::vector<CallStep> *steps = nullptr, size_t step = 0)
      : function(function), target(target), context(context), entryDepth(entryDepth),
        steps(steps), step(step) {}

  // Where a store's value is a parameter of the storing function, what the unit's calls of it
  // pass (CCY201.md: "what every caller passes"), where that is atomic or rooted. A function
  // other units may call makes that an assumption, named by assumedOnlyCalledHere().
  ValueOrigin &followingCallers() {
    followCallers = true;
    return *this;
  }
  const std::string &assumedOnlyCalledHere() const { return assumedCallers; }

  // The other member of the same object the value last classified at the top level is a copy
  // of (`self->writenl = self->readnl`), or nullptr.
  const clang::FieldDecl *copiedFrom() const { return copied; }

  // What `function` returns: atomic where every return is atomic, NULL or a singleton; nothing
  // ("") where every return is NULL or a singleton (an error path's `return path_error(p)`).
  std::string ofReturns(int depth) const {
    std::vector<std::string> origins;
    forEachStmt(function.getBody(), [&](const clang::Stmt &node) {
      if (const auto *result = llvm::dyn_cast<clang::ReturnStmt>(&node))
        origins.push_back(of(result->getRetValue(), depth));
    });
    std::string joined = joinOrigins(origins);
    return joined == "atomic" || (joined.empty() && !origins.empty()) ? joined : "new";
  }

  // "new", "borrowed" or "atomic"; "" for NULL or a singleton.
  std::string of(const clang::Expr *value, int depth = 0) const {
    value = plain(value);
    if (!value || isNullOrSingleton(value, context))
      return "";
    if (const auto *call = llvm::dyn_cast<clang::CallExpr>(value))
      return alwaysReturnsNull(calleeName(*call)) ? "" : ofCall(*call, depth);
    // `last->next = root->prev = link`: what the inner assignment stores.
    if (const auto *chained = llvm::dyn_cast<clang::BinaryOperator>(value);
        chained && chained->getOpcode() == clang::BO_Assign)
      return of(chained->getRHS(), depth + 1);
    // The address of a struct inside another object (an embedded list head) is no reference.
    if (const auto *address = llvm::dyn_cast<clang::UnaryOperator>(value);
        address && address->getOpcode() == clang::UO_AddrOf)
      return "borrowed";
    if (const auto *conditional = llvm::dyn_cast<clang::ConditionalOperator>(value)) {
      std::string a = of(conditional->getTrueExpr(), depth + 1);
      std::string b = of(conditional->getFalseExpr(), depth + 1);
      return a.empty() ? b : b.empty() || a == b ? a : "new";
    }
    if (const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(value))
      if (const auto *variable = llvm::dyn_cast<clang::VarDecl>(ref->getDecl()))
        return ofVariable(*variable, depth);
    if (const auto *member = llvm::dyn_cast<clang::MemberExpr>(value))
      return ofMember(*member, depth);
    return "new"; // an element, a cast pointer, arithmetic: owned for all we know
  }

private:
  // `copy->x = self->x` (after Py_INCREF(self->x)) copies what the member already holds: no new
  // kind of value. Another member's value is borrowed unless the function INCREFs it.
  std::string ofMember(const clang::MemberExpr &member, int depth) const {
    const auto *field = llvm::dyn_cast<clang::FieldDecl>(member.getMemberDecl());
    if (field && field == target)
      return "";
    // `self->stat = get_lstat(self)` returning `self->lstat`, which only ever holds a fresh
    // os.stat_result of ints and floats.
    if (field && holdsOnlyAtomics(*field, context, depth + 1))
      return "atomic";
    if (field && target && depth == 0 && field->getParent() == target->getParent())
      copied = field;
    bool increfed = field && increfs(function, [&](const clang::Expr *e) { return namesField(e, *field); });
    return increfed ? "new" : "borrowed";
  }

  std::string ofCall(const clang::CallExpr &call, int depth) const {
    llvm::StringRef name = calleeName(call);
    if (isNewRef(name) && call.getNumArgs() == 1)
      return of(call.getArg(0), depth + 1) == "atomic" ? "atomic" : "new";
    if (producesAtomic(name) || makesAtomicDateTime(call, context))
      return "atomic";
    if (isNumberOperation(name) && call.getNumArgs() > 0 &&
        llvm::all_of(call.arguments(), [&](const clang::Expr *operand) {
          if (!operand->getType()->isPointerType())
            return true;
          std::string kind = of(operand, depth + 1);
          return kind.empty() || kind == "atomic";
        }))
      return "atomic";
    if (looksUp(name) && call.getNumArgs() >= 2)
      if (const clang::ValueDecl *container = declarationNamedBy(*plain(call.getArg(0)));
          container && privateContainerOfAtomics(*container, context))
        return "atomic";
    // A weak reference (or proxy) without a callback holds nothing strongly.
    if ((name == "PyWeakref_NewRef" || name == "PyWeakref_NewProxy") && call.getNumArgs() == 2 &&
        isNullOrSingleton(call.getArg(1), context))
      return "atomic";
    // A builtin function object holds its `self` and its module, nothing else (no __dict__):
    // _thread.local's callback bound to a weak reference of the local cannot lead back to it.
    if ((name == "PyCFunction_NewEx" || name == "PyCFunction_New" || name == "PyCMethod_New") &&
        call.getNumArgs() >= 2 &&
        depth < 4 && llvm::all_of(llvm::drop_begin(call.arguments()), [&](const clang::Expr *a) {
          std::string held = of(a, depth + 1);
          return held.empty() || held == "atomic";
        }))
      return "atomic";
    if (returnsBorrowed(name))
      return "borrowed";
    // `self->errors = internal_error_callback(errors)`: what the unit's own helper returns.
    if (const clang::FunctionDecl *callee = unitFunction(call); callee && depth < 12) {
      auto &returns = unitValueMemo.of(context).returns;
      if (auto known = returns.find(callee); known != returns.end())
        return known->second;
      returns[callee] = "new"; // a helper that reaches itself proves nothing about itself
      std::string kind = ValueOrigin(*callee, nullptr, context, depth + 1).ofReturns(depth + 1);
      unitValueMemo.of(context).returns[callee] = kind;
      return kind;
    }
    return "new";
  }

  // Each local once: a local is worked out from the values it is given, 8 levels of locals deep,
  // and one that is reached again while it is worked out (`a = b; b = a;`) may hold anything.
  std::string ofVariable(const clang::VarDecl &variable, int depth) const {
    if (auto known = variables.find(&variable); known != variables.end())
      return known->second;
    variables[&variable] = "new";
    std::string kind = ofVariableOnce(variable, depth);
    variables[&variable] = kind;
    return kind;
  }

  // A local takes the origin of what it is given; a parameter is borrowed; either is owned once
  // the function INCREFs it.
  std::string ofVariableOnce(const clang::VarDecl &variable, int depth) const {
    // What a caller passes is what the parameter holds only while the body never writes it.
    if (const auto *parameter = llvm::dyn_cast<clang::ParmVarDecl>(&variable);
        parameter && !writtenInBody(*parameter)) {
      if (std::optional<std::string> passed = passedIn(*parameter, depth))
        return *passed;
      if (std::optional<std::string> passed = passedByEveryCaller(*parameter, depth))
        return *passed;
    }
    if (isRootedStatic(variable, context))
      return "rooted";
    bool increfed = increfs(function, [&](const clang::Expr *e) { return namesVariable(e, variable); });
    if (!variable.hasLocalStorage() || llvm::isa<clang::ParmVarDecl>(variable) ||
        depth - entryDepth > 8)
      return increfed ? "new" : "borrowed";
    std::vector<const clang::Expr *> values;
    if (variable.getInit())
      values.push_back(variable.getInit());
    forEachStmt(function.getBody(), [&](const clang::Stmt &node) {
      const auto *assignment = llvm::dyn_cast<clang::BinaryOperator>(&node);
      if (assignment && assignment->getOpcode() == clang::BO_Assign &&
          namesVariable(plain(assignment->getLHS()), variable))
        values.push_back(assignment->getRHS());
    });
    if (llvm::any_of(values, makesFreshSequence) &&
        llvm::all_of(values, [&](const clang::Expr *value) {
          return makesFreshSequence(value) || isNullOrSingleton(plain(value), context);
        }) &&
        filledOnlyWithAtomics(variable, function, context, depth + 1, true))
      return "atomic";
    std::vector<std::string> origins;
    for (const clang::Expr *value : values)
      origins.push_back(of(value, depth + 1));
    // `PyArg_ParseTuple(args, "|O", &timer)`: what is written through the local's address.
    forEachStmt(function.getBody(), [&](const clang::Stmt &node) {
      const auto *address = llvm::dyn_cast<clang::UnaryOperator>(&node);
      if (address && address->getOpcode() == clang::UO_AddrOf &&
          namesVariable(plain(address->getSubExpr()), variable))
        origins.push_back(writtenThroughAddress(*address));
    });
    std::string joined = joinOrigins(origins);
    // Only NULL and the member's own old value (`origpending = ctx->pending`, put back on
    // error): nothing new is stored.
    if (joined.empty() && !origins.empty())
      return "";
    if (joined == "atomic")
      return "atomic";
    return joined == "new" || increfed || origins.empty() ? "new" : "borrowed";
  }

  // What the call this evaluation follows passes for `parameter`, where that is NULL ("") or
  // atomic; otherwise the parameter is judged as any parameter is.
  std::optional<std::string> passedIn(const clang::ParmVarDecl &parameter, int depth) const {
    if (!steps || step >= steps->size())
      return std::nullopt;
    const CallStep &call = (*steps)[step];
    const clang::FunctionDecl *callee = call.call->getDirectCallee();
    if (!callee || callee->getCanonicalDecl() != function.getCanonicalDecl())
      return std::nullopt;
    for (unsigned index = 0; index < function.getNumParams() && index < call.call->getNumArgs();
         ++index)
      if (function.getParamDecl(index) == &parameter) {
        std::string kind = ValueOrigin(*call.caller, nullptr, context, depth + 1, steps, step + 1)
                               .of(call.call->getArg(index), depth + 1);
        if (kind.empty() || kind == "atomic")
          return kind;
      }
    return std::nullopt;
  }

  // Assigned, or handed by address (`PyArg_ParseTuple(args, "|O", &callback)`).
  bool writtenInBody(const clang::ParmVarDecl &parameter) const {
    bool written = false;
    forEachStmt(function.getBody(), [&](const clang::Stmt &node) {
      if (const auto *assignment = llvm::dyn_cast<clang::BinaryOperator>(&node))
        written |= assignment->isAssignmentOp() && namesVariable(plain(assignment->getLHS()), parameter);
      if (const auto *address = llvm::dyn_cast<clang::UnaryOperator>(&node))
        written |= address->getOpcode() == clang::UO_AddrOf &&
                   namesVariable(plain(address->getSubExpr()), parameter);
    });
    return written;
  }

  // What every call of the storing function in the unit passes for `parameter`, where each is
  // NULL, atomic or rooted (a static's object that is never released).
  std::optional<std::string> passedByEveryCaller(const clang::ParmVarDecl &parameter,
                                                 int depth) const {
    // C++ units keep functions in namespaces and classes that the unit's walks do not read.
    if (!followCallers || depth > 2 || context.getLangOpts().CPlusPlus)
      return std::nullopt;
    const UnitCalls &calls = unitValueMemo.of(context).calls();
    int index = -1;
    for (unsigned i = 0; i < function.getNumParams(); ++i)
      if (function.getParamDecl(i) == &parameter)
        index = static_cast<int>(i);
    if (index < 0 || !calls.calledOnlyDirectly(function) || calls.callsOf(function).empty())
      return std::nullopt;
    std::vector<std::string> passed;
    for (const CallStep &call : calls.callsOf(function)) {
      if (static_cast<unsigned>(index) >= call.call->getNumArgs())
        return std::nullopt;
      std::string kind =
          ValueOrigin(*call.caller, nullptr, context, depth + 1).of(call.call->getArg(index), depth + 1);
      if (!kind.empty() && kind != "atomic" && kind != "rooted")
        return std::nullopt;
      passed.push_back(kind);
    }
    if (function.isExternallyVisible())
      assumedCallers = function.getQualifiedNameAsString();
    return joinOrigins(passed);
  }

  // What a call given `&local` may write there: PyArg_Parse* a borrowed argument, the string
  // resizers the same exact string, the unit's own helper what it stores through that
  // parameter; anything else (or an address kept elsewhere) a new reference to anything.
  std::string writtenThroughAddress(const clang::UnaryOperator &address) const {
    const clang::Expr *child = nullptr;
    const auto *call = usingNode(address, context, child).get<clang::CallExpr>();
    if (!call)
      return "new";
    llvm::StringRef name = calleeName(*call);
    if (name.contains("PyArg_Parse") || name.contains("PyArg_Unpack"))
      return "borrowed";
    if (keepsAtomic(name))
      return "atomic";
    const clang::FunctionDecl *callee = unitFunction(*call);
    for (unsigned index = 0; callee && index < call->getNumArgs() && index < callee->getNumParams();
         ++index)
      if (plain(call->getArg(index)) == &address)
        return storedThrough(*callee, *callee->getParamDecl(index), context).value_or("");
    return "new";
  }

  const clang::FunctionDecl &function;
  const clang::FieldDecl *target; // the member being stored into
  const clang::ASTContext &context;
  int entryDepth;
  const std::vector<CallStep> *steps;
  size_t step;
  bool followCallers = false;
  mutable std::string assumedCallers;
  mutable const clang::FieldDecl *copied = nullptr;
  mutable std::map<const clang::VarDecl *, std::string> variables;
};

// Calls that take over the reference they are given.
bool stealsReference(llvm::StringRef name) {
  // The formatting builders and callers take an "N" argument over.
  return isDecref(name) || name.contains("Steal") || name.contains("BuildValue") ||
         name.contains("CallFunction") || name.contains("CallMethod") ||
         name.starts_with("PyException_Set") || name == "PyErr_Restore" ||
         name == "PyErr_SetRaisedException" || name == "PyModule_AddObject" ||
         name == "PyModule_Add" || name == "PyTuple_SetItem" || name == "PyList_SetItem" ||
         name == "PyTuple_SET_ITEM" || name == "PyList_SET_ITEM" || name == "_PyTuple_SET_ITEM" ||
         name == "PyCell_Set" || name == "PyStructSequence_SetItem";
}

// Whether `function` may give back the reference held by its parameter `index`: a release or a
// hand-over of the parameter, or a local copy of it (as Py_CLEAR and Py_SETREF make).
bool mayReleaseParameter(const clang::FunctionDecl &function, unsigned index) {
  const clang::FunctionDecl *body = nullptr;
  if (!function.hasBody(body) || index >= body->getNumParams())
    return true;
  const clang::ParmVarDecl *parameter = body->getParamDecl(index);
  bool releases = false;
  const clang::SourceManager &sources = body->getASTContext().getSourceManager();
  forEachStmt(body->getBody(), [&](const clang::Stmt &node) {
    // Handed on to anything but CPython's own API (which says where it takes a reference):
    // the release may be further in.
    if (const auto *call = llvm::dyn_cast<clang::CallExpr>(&node)) {
      const clang::FunctionDecl *callee = call->getDirectCallee();
      bool api = callee && (sources.isInSystemHeader(callee->getLocation()) ||
                            isInBindingLibrary(callee->getLocation(), sources));
      for (const clang::Expr *argument : call->arguments())
        releases |= (stealsReference(calleeName(*call)) || !api) &&
                    variableNamed(argument) == parameter;
    }
    if (const auto *declaration = llvm::dyn_cast<clang::DeclStmt>(&node))
      for (const clang::Decl *decl : declaration->decls())
        if (const auto *local = llvm::dyn_cast<clang::VarDecl>(decl))
          releases |= local->getInit() && variableNamed(local->getInit()) == parameter;
    if (const auto *assignment = llvm::dyn_cast<clang::BinaryOperator>(&node))
      releases |= assignment->isAssignmentOp() && variableNamed(assignment->getRHS()) == parameter &&
                  !llvm::isa<clang::MemberExpr>(plain(assignment->getLHS()));
  });
  return releases;
}

// One use of a static that keeps its object: tested, compared, assigned to, read for a member,
// or passed to a call that neither releases nor takes over the reference.
bool keepsStaticReference(const clang::DeclRefExpr &use, const clang::FunctionDecl &function,
                          const clang::ASTContext &context) {
  const clang::Expr *child = nullptr;
  clang::DynTypedNode at = usingNode(use, context, child);
  if (const auto *binary = at.get<clang::BinaryOperator>()) {
    if (binary->isComparisonOp() || binary->isLogicalOp())
      return true;
    // Given a new reference (a call that returns one) or NULL: the static owns what it holds.
    if (binary->getOpcode() != clang::BO_Assign || binary->getLHS()->IgnoreParenImpCasts() != &use)
      return false;
    std::string kind = ValueOrigin(function, nullptr, context, 1).of(binary->getRHS(), 1);
    return kind != "borrowed";
  }
  if (const auto *unary = at.get<clang::UnaryOperator>())
    return unary->getOpcode() == clang::UO_LNot;
  if (at.get<clang::IfStmt>() || at.get<clang::MemberExpr>())
    return true;
  const auto *call = at.get<clang::CallExpr>();
  if (!call || call->getCallee()->IgnoreParenImpCasts() == child)
    return false;
  llvm::StringRef name = calleeName(*call);
  if (stealsReference(name))
    return false;
  const clang::FunctionDecl *callee = call->getDirectCallee();
  if (!callee)
    return false;
  const clang::SourceManager &sources = context.getSourceManager();
  if (sources.isInSystemHeader(callee->getLocation()) ||
      isInBindingLibrary(callee->getLocation(), sources))
    return true; // CPython's API takes no reference except where it says so (above)
  for (unsigned index = 0; index < call->getNumArgs(); ++index)
    if (call->getArg(index) == child)
      return !mayReleaseParameter(*callee, index);
  return false;
}

// A static variable of the unit (`static PyObject *cache;`) whose reference is never given
// back: no release, no hand-over, no copy into a local, no return and no address taken. What
// it holds lives until the process ends, so a cycle through it is rooted whether the GC sees
// it or not.
bool isRootedStatic(const clang::VarDecl &variable, const clang::ASTContext &context) {
  if (context.getLangOpts().CPlusPlus || variable.hasLocalStorage() || variable.isExternallyVisible() ||
      !variable.getType()->isPointerType())
    return false;
  auto &known = unitValueMemo.of(context).rootedStatics;
  if (auto found = known.find(&variable); found != known.end())
    return found->second;
  known[&variable] = false; // a static given itself proves nothing about itself
  bool rooted = true;
  for (const clang::FunctionDecl *function : unitFunctionDefinitions(context))
    forEachStmt(function->getBody(), [&](const clang::Stmt &node) {
      const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(&node);
      if (rooted && ref && ref->getDecl()->getCanonicalDecl() == variable.getCanonicalDecl())
        rooted = keepsStaticReference(*ref, *function, context);
    });
  unitValueMemo.of(context).rootedStatics[&variable] = rooted;
  return rooted;
}

// Whether every use of `sequence` in `function` (a local holding a fresh tuple, or a parameter
// a caller hands one in through, as posixmodule's fill_time) only fills it with atomic items,
// tests, releases or, for the local, returns it.
bool filledOnlyWithAtomics(const clang::VarDecl &sequence, const clang::FunctionDecl &function,
                           const clang::ASTContext &context, int depth, bool mayReturn) {
  if (depth > 12 || !function.hasBody())
    return false;
  bool onlyAtomics = true;
  forEachStmt(function.getBody(), [&](const clang::Stmt &node) {
    const auto *use = llvm::dyn_cast<clang::DeclRefExpr>(&node);
    if (!onlyAtomics || !use || use->getDecl() != &sequence)
      return;
    const clang::Expr *child = nullptr;
    clang::DynTypedNode parent = usingNode(*use, context, child);
    if (const auto *temporary = parent.get<clang::VarDecl>()) {
      onlyAtomics = temporary->getName() == "_py_tmp"; // Py_CLEAR's
      return;
    }
    if (const auto *binary = parent.get<clang::BinaryOperator>()) {
      onlyAtomics = binary->isEqualityOp() || (binary->getOpcode() == clang::BO_Assign &&
                                               plain(binary->getLHS()) == use);
      return;
    }
    if (const auto *unary = parent.get<clang::UnaryOperator>()) {
      onlyAtomics = unary->getOpcode() == clang::UO_LNot;
      return;
    }
    if (parent.get<clang::IfStmt>() || (mayReturn && parent.get<clang::ReturnStmt>()))
      return;
    const auto *call = parent.get<clang::CallExpr>();
    llvm::StringRef name = call ? calleeName(*call) : "";
    if (!call || name.empty()) {
      onlyAtomics = false;
      return;
    }
    if (isDecref(name) || isIncref(name) || name == "Py_SIZE" || name == "PyTuple_GET_SIZE" ||
        name == "PyTuple_Size")
      return;
    if (setsSequenceItem(name)) {
      std::string item = call->getNumArgs() == 3 && plain(call->getArg(0)) == use
                             ? ValueOrigin(function, nullptr, context, depth).of(call->getArg(2), depth)
                             : "new";
      onlyAtomics = item.empty() || item == "atomic";
      return;
    }
    const clang::FunctionDecl *callee = unitFunction(*call);
    unsigned index = 0;
    while (index < call->getNumArgs() && plain(call->getArg(index)) != use)
      ++index;
    onlyAtomics = callee && index < callee->getNumParams() &&
                  filledOnlyWithAtomics(*callee->getParamDecl(index), *callee, context, depth + 1,
                                        false);
  });
  return onlyAtomics;
}

// Whether every store into `field` in the unit is an atomic value (or NULL, or the member's
// own), as posixmodule's `state->billion = PyLong_FromLong(1000000000)`: what it holds is
// atomic wherever it is read. Only for the file's own structs, which no other unit writes; a
// member whose address is taken may be written anywhere.
bool holdsOnlyAtomics(const clang::FieldDecl &field, const clang::ASTContext &context, int depth) {
  const clang::SourceManager &sources = context.getSourceManager();
  if (depth > 12 || !sources.isInMainFile(field.getParent()->getLocation()))
    return false;
  auto &known = unitValueMemo.of(context).atomicMembers;
  if (auto found = known.find(&field); found != known.end())
    return found->second;
  known[&field] = false; // a member whose stores read itself proves nothing about itself
  bool atomic = false, other = false;
  for (const clang::FunctionDecl *function : unitFunctionDefinitions(context)) {
    forEachStmt(function->getBody(), [&](const clang::Stmt &node) {
      if (other)
        return;
      if (const auto *address = llvm::dyn_cast<clang::UnaryOperator>(&node);
          address && address->getOpcode() == clang::UO_AddrOf)
        other = namesField(plain(address->getSubExpr()), field);
      const auto *store = llvm::dyn_cast<clang::BinaryOperator>(&node);
      if (other || !store || store->getOpcode() != clang::BO_Assign ||
          !namesField(plain(store->getLHS()), field))
        return;
      std::string kind = ValueOrigin(*function, &field, context, depth).of(store->getRHS(), depth);
      atomic |= kind == "atomic";
      other |= !kind.empty() && kind != "atomic";
    });
    if (other)
      break;
  }
  unitValueMemo.of(context).atomicMembers[&field] = atomic && !other;
  return atomic && !other;
}

bool dereferences(const clang::Expr *expr, const clang::ParmVarDecl &pointer) {
  const auto *deref = llvm::dyn_cast_or_null<clang::UnaryOperator>(plain(expr));
  return deref && deref->getOpcode() == clang::UO_Deref &&
         namesVariable(plain(deref->getSubExpr()), pointer);
}

// What `callee` stores through its out-parameter `pointer` (`*method_self = self`, `*abbr =
// PyUnicode_FromStringAndSize(...)`), and "release" where it gives the old value back;
// nullopt where it never writes through it.
std::optional<std::string> storedThrough(const clang::FunctionDecl &callee,
                                         const clang::ParmVarDecl &pointer,
                                         const clang::ASTContext &context) {
  std::vector<std::string> origins;
  bool released = false;
  forEachStmt(callee.getBody(), [&](const clang::Stmt &node) {
    if (const auto *assignment = llvm::dyn_cast<clang::BinaryOperator>(&node);
        assignment && assignment->getOpcode() == clang::BO_Assign &&
        dereferences(assignment->getLHS(), pointer))
      origins.push_back(ValueOrigin(callee, nullptr, context).of(assignment->getRHS(), 1));
    if (const auto *call = llvm::dyn_cast<clang::CallExpr>(&node);
        call && call->getNumArgs() == 1 && isDecref(calleeName(*call))) {
      const clang::Expr *argument = plain(call->getArg(0));
      const auto *ref = llvm::dyn_cast_or_null<clang::DeclRefExpr>(argument);
      const auto *local = ref ? llvm::dyn_cast<clang::VarDecl>(ref->getDecl()) : nullptr;
      released |= dereferences(argument, pointer) ||
                  (local && local->hasLocalStorage() && dereferences(local->getInit(), pointer));
    }
  });
  if (origins.empty())
    return std::nullopt;
  std::string joined = joinOrigins(origins);
  return released && joined == "borrowed" ? "new" : joined;
}

// The member a Py_DECREF argument gives back: the member itself, or Py_CLEAR's temporary.
const clang::MemberExpr *releasedMember(const clang::Expr *argument) {
  argument = plain(argument);
  if (const auto *member = llvm::dyn_cast_or_null<clang::MemberExpr>(argument))
    return member;
  const auto *ref = llvm::dyn_cast_or_null<clang::DeclRefExpr>(argument);
  const auto *local = ref ? llvm::dyn_cast<clang::VarDecl>(ref->getDecl()) : nullptr;
  if (!local || !local->hasLocalStorage() || llvm::isa<clang::ParmVarDecl>(local))
    return nullptr;
  return llvm::dyn_cast_or_null<clang::MemberExpr>(plain(local->getInit()));
}

const clang::RecordDecl *pointeeRecord(clang::QualType type) {
  const auto *pointer = type.getCanonicalType()->getAs<clang::PointerType>();
  const clang::RecordDecl *record =
      pointer ? pointer->getPointeeType()->getAsRecordDecl() : nullptr;
  return record ? record->getDefinition() : nullptr;
}

// A struct `inner` lying `offset` bits into the Python object struct `object`.
struct StructPlacement {
  const clang::RecordDecl *inner;
  const clang::RecordDecl *object;
  uint64_t offset;
};

void addEmbedded(const clang::RecordDecl &object, const clang::RecordDecl &record, uint64_t base,
                 std::vector<StructPlacement> &placements, const clang::ASTContext &context,
                 int depth = 0) {
  if (depth > 4)
    return;
  for (const clang::FieldDecl *field : record.fields()) {
    const clang::RecordDecl *embedded = field->getType().getCanonicalType()->getAsRecordDecl();
    if (!embedded || field->getType()->isPointerType() || !embedded->getDefinition())
      continue;
    uint64_t offset = base + context.getFieldOffset(field);
    placements.push_back({embedded->getDefinition(), &object, offset});
    addEmbedded(object, *embedded->getDefinition(), offset, placements, context, depth + 1);
  }
}

const clang::VarDecl *localNamed(const clang::Expr *expr) {
  const auto *ref = llvm::dyn_cast_or_null<clang::DeclRefExpr>(plain(expr));
  const auto *variable = ref ? llvm::dyn_cast<clang::VarDecl>(ref->getDecl()) : nullptr;
  return variable && variable->hasLocalStorage() ? variable : nullptr;
}

// `Py_DECREF(v)`, or Py_CLEAR(v)'s `do { PyObject *tmp = v; ... Py_DECREF(tmp); } while (0)`.
bool releasesLocal(const clang::Stmt &statement, const clang::VarDecl &local) {
  bool released = false;
  auto decrefOf = [&](const clang::Stmt &node) {
    const auto *call = llvm::dyn_cast<clang::CallExpr>(&node);
    if (!call || call->getNumArgs() != 1 || !isDecref(calleeName(*call)))
      return false;
    const clang::VarDecl *argument = localNamed(call->getArg(0));
    return argument && (argument == &local || (argument->getInit() &&
                                               localNamed(argument->getInit()) == &local));
  };
  if (const auto *expr = llvm::dyn_cast<clang::Expr>(&statement))
    return decrefOf(*plain(expr));
  if (llvm::isa<clang::DoStmt>(statement))
    forEachStmt(&statement, [&](const clang::Stmt &node) { released |= decrefOf(node); });
  return released;
}

// `dummy->localdict = ldict; ... Py_DECREF(ldict); return ldict;`: the function gives its own
// reference up after the store, on the straight path that follows it in the same block (up to
// a label, where error handling starts), so the member keeps a borrowed pointer.
bool releasedAfter(const clang::BinaryOperator &store, const clang::VarDecl &local,
                   clang::ASTContext &context) {
  const clang::Stmt *statement = &store;
  auto parents = context.getParents(*statement);
  // Py_XSETREF(self->x, v) puts the store inside a do-while.
  while (!parents.empty() && !parents[0].get<clang::CompoundStmt>()) {
    const clang::Stmt *parent = parents[0].get<clang::Stmt>();
    if (!parent || (!llvm::isa<clang::DoStmt>(parent) && !llvm::isa<clang::CompoundStmt>(parent) &&
                    !llvm::isa<clang::Expr>(parent)))
      return false;
    statement = parent;
    parents = context.getParents(*statement);
  }
  const auto *block = parents.empty() ? nullptr : parents[0].get<clang::CompoundStmt>();
  if (!block)
    return false;
  bool after = false;
  for (const clang::Stmt *sibling : block->body()) {
    if (sibling == statement) {
      after = true;
      continue;
    }
    if (!after)
      continue;
    if (llvm::isa<clang::LabelStmt>(sibling))
      return false;
    if (releasesLocal(*sibling, local))
      return true;
  }
  return false;
}

// Inside `if (PyBytes_CheckExact(v)) { ... self->buf = v; }`: an exact str, bytes, int or float.
bool guardedByExactCheck(const clang::Stmt &store, const clang::VarDecl &local,
                         clang::ASTContext &context) {
  const clang::Stmt *child = &store;
  for (auto parents = context.getParents(store); !parents.empty();
       parents = context.getParents(*child)) {
    const clang::Stmt *parent = parents[0].get<clang::Stmt>();
    if (!parent)
      return false;
    if (const auto *branch = llvm::dyn_cast<clang::IfStmt>(parent);
        branch && branch->getThen() == child) {
      bool exact = false;
      forEachStmt(branch->getCond(), [&](const clang::Stmt &node) {
        const auto *call = llvm::dyn_cast<clang::CallExpr>(&node);
        llvm::StringRef name = call ? calleeName(*call) : "";
        if (!call || call->getNumArgs() < 1 || localNamed(call->getArg(0)) != &local)
          return;
        exact |= name == "PyUnicode_CheckExact" || name == "PyBytes_CheckExact" ||
                 name == "PyLong_CheckExact" || name == "PyFloat_CheckExact";
        // 3.11 spells them `Py_IS_TYPE(op, &PyBytes_Type)`.
        const auto *type = call->getNumArgs() == 2
                               ? llvm::dyn_cast<clang::UnaryOperator>(plain(call->getArg(1)))
                               : nullptr;
        const auto *typeObject =
            type ? llvm::dyn_cast<clang::DeclRefExpr>(plain(type->getSubExpr())) : nullptr;
        llvm::StringRef typeName = typeObject && typeObject->getDecl()->getDeclName().isIdentifier()
                                       ? typeObject->getDecl()->getName()
                                       : "";
        exact |= name == "Py_IS_TYPE" && (typeName == "PyUnicode_Type" || typeName == "PyBytes_Type" ||
                                          typeName == "PyLong_Type" || typeName == "PyFloat_Type");
      });
      if (exact)
        return true;
    }
    child = parent;
  }
  return false;
}

bool createsEmptyContainer(llvm::StringRef name) {
  return name == "PyDict_New" || name == "PyList_New" || name == "PySet_New";
}

// Calls that read, empty or release a container without handing it to anyone.
bool leavesContainerPrivate(llvm::StringRef name) {
  static const llvm::StringSet<> calls = {
      "PyDict_GetItem", "PyDict_GetItemWithError", "PyDict_GetItemString", "PyDict_Contains",
      "PyDict_DelItem", "PyDict_DelItemString", "PyDict_Next", "PyDict_Size", "PyDict_Clear",
      "PyList_GetItem", "PyList_GET_ITEM", "PyList_Size", "PyList_GET_SIZE", "PySet_Contains",
      "PySet_Discard", "PySet_Size", "PySet_Clear", "PyObject_Length", "PyObject_Size",
      "Py_TYPE", "Py_IS_TYPE", "Py_SIZE", "PyType_HasFeature", "PyObject_GC_UnTrack",
      "Py_REFCNT", "_Py_REFCNT"};
  return calls.contains(name) || isDecref(name) || isIncref(name);
}

bool insertsIntoContainer(llvm::StringRef name) {
  return name == "PyDict_SetItem" || name == "PyDict_SetItemString" ||
         name == "PyDict_SetDefault" || name == "PyList_Append" || name == "PyList_Insert" ||
         name == "PySet_Add";
}

// Whether one use of the member keeps the container private to the object and free of
// anything but atomic values: a store into it, a NULL test, a read, a release, the traverse's
// visit, or an insertion of atomic keys and values.
bool privateUse(const clang::Expr &use, const clang::FunctionDecl &function,
                clang::ASTContext &context) {
  const clang::Expr *child = nullptr;
  clang::DynTypedNode user = usingNode(use, context, child);
  if (const auto *variable = user.get<clang::VarDecl>())
    return variable->getName() == "_py_tmp"; // Py_CLEAR's and Py_XSETREF's temporary
  const clang::Stmt *parent = user.get<clang::Stmt>();
  if (!parent)
    return false;
  if (const auto *binary = llvm::dyn_cast<clang::BinaryOperator>(parent))
    return binary->isEqualityOp() || (binary->getOpcode() == clang::BO_Assign &&
                                      binary->getLHS()->IgnoreParenCasts() == &use) ||
           binary->isCommaOp();
  if (const auto *unary = llvm::dyn_cast<clang::UnaryOperator>(parent))
    return unary->getOpcode() == clang::UO_LNot;
  if (llvm::isa<clang::IfStmt>(parent) || llvm::isa<clang::MemberExpr>(parent))
    return true; // a NULL test; a read of the container's own fields (PyDict_GET_SIZE)
  const auto *call = llvm::dyn_cast<clang::CallExpr>(parent);
  if (!call)
    return false;
  if (!call->getDirectCallee())
    return true; // the traverse's visit(op, arg)
  llvm::StringRef name = calleeName(*call);
  if (leavesContainerPrivate(name))
    return true;
  if (!insertsIntoContainer(name) || call->getNumArgs() < 2 || plain(call->getArg(0)) != &use)
    return false;
  ValueOrigin origin(function, nullptr, context);
  return llvm::all_of(llvm::drop_begin(call->arguments()), [&](const clang::Expr *argument) {
    if (argument->getType()->isIntegerType() || llvm::isa<clang::StringLiteral>(plain(argument)))
      return true; // PyList_Insert's index, PyDict_SetItemString's key
    std::string value = origin.of(argument);
    return value.empty() || value == "atomic";
  });
}

// `container = PyDict_New()` (or NULL): the container is the unit's own, made empty here.
bool givenOnlyAnEmptyContainer(const clang::Expr &use, const clang::ASTContext &context) {
  auto parents = const_cast<clang::ASTContext &>(context).getParents(use);
  const auto *assignment = parents.empty() ? nullptr : parents[0].get<clang::BinaryOperator>();
  if (!assignment || assignment->getOpcode() != clang::BO_Assign ||
      assignment->getLHS()->IgnoreParenCasts() != &use)
    return true; // not a store
  const clang::Expr *value = plain(assignment->getRHS());
  const auto *call = llvm::dyn_cast<clang::CallExpr>(value);
  return isNullOrSingleton(value, context) || (call && createsEmptyContainer(calleeName(*call)));
}

// Whether an initializer at file scope names the container: an offsetof in a PyMemberDef
// table exposes a member as an attribute, a global in a table is handed to whoever reads it.
bool namedAtFileScope(const clang::ValueDecl &container, const clang::ASTContext &context) {
  bool named = false;
  for (const clang::Decl *decl : context.getTranslationUnitDecl()->decls())
    if (const auto *variable = llvm::dyn_cast<clang::VarDecl>(decl); variable && variable->getInit())
      forEachStmt(variable->getInit(), [&](const clang::Stmt &node) {
        const auto *offset = llvm::dyn_cast<clang::OffsetOfExpr>(&node);
        named |= offset && offset->getNumComponents() >= 1 &&
                 offset->getComponent(0).getKind() == clang::OffsetOfNode::Field &&
                 offset->getComponent(0).getField() == &container;
        const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(&node);
        named |= ref && ref->getDecl() == &container;
      });
  return named;
}

// select.poll's `dict` and zoneinfo's TIMEDELTA_CACHE in the shapes they have: a member or a
// file's static global only ever given an empty container made by the unit, then only given
// atomic keys and values and read; never returned, passed on or exposed as an attribute. A
// container that holds only atomic values cannot lead back to its owner, and what a lookup in
// it returns is atomic too.
bool privateContainerOfAtomics(const clang::ValueDecl &container, const clang::ASTContext &context) {
  if (const auto *global = llvm::dyn_cast<clang::VarDecl>(&container);
      global && (global->hasLocalStorage() || global->isExternallyVisible() ||
                 (global->getInit() && !isNullOrSingleton(global->getInit(), context))))
    return false;
  // A lookup's value is classified while the container itself is being checked (the cache's
  // own `rv = PyDict_SetDefault(cache, key, value)`): no proof is built on itself.
  static thread_local llvm::SmallPtrSet<const clang::ValueDecl *, 4> checking;
  if (!checking.insert(&container).second)
    return false;
  auto &mutableContext = const_cast<clang::ASTContext &>(context);
  bool isPrivate = true;
  for (const clang::FunctionDecl *function : unitFunctionDefinitions(context)) {
    forEachStmt(function->getBody(), [&](const clang::Stmt &node) {
      const auto *use = llvm::dyn_cast<clang::Expr>(&node);
      if (!isPrivate || !use || declarationNamedBy(*use) != &container ||
          !(llvm::isa<clang::MemberExpr>(use) || llvm::isa<clang::DeclRefExpr>(use)))
        return;
      isPrivate = givenOnlyAnEmptyContainer(*use, context) &&
                  privateUse(*use, *function, mutableContext);
    });
    if (!isPrivate)
      break;
  }
  checking.erase(&container);
  return isPrivate && !namedAtFileScope(container, context);
}

// `link->key = key` where `link = PyObject_New(lru_list_elem, ...)`: the member of an object
// the function itself allocated.
// `PyObject_New(T, type)`, `type->tp_alloc(type, 0)` and the like: an object nobody else holds.
bool allocatesObject(const clang::Expr *value) {
  const auto *call = llvm::dyn_cast<clang::CallExpr>(plain(value));
  if (!call)
    return false;
  if (const auto *slot = llvm::dyn_cast<clang::MemberExpr>(plain(call->getCallee())))
    return slot->getMemberDecl()->getName() == "tp_alloc";
  llvm::StringRef name = calleeName(*call);
  return name == "_PyObject_New" || name == "_PyObject_GC_New" || name == "PyType_GenericAlloc" ||
         name == "_PyObject_NewVar" || name == "_PyObject_GC_NewVar";
}

// Where a store `local->member = v` lands: in an object the function allocated itself (every
// value the local is ever given, or the one reaching the store, is an allocation), or in a
// struct proven not to be the embedded one `excluded` names.
struct StoreTarget {
  bool fresh = false;
  const clang::FieldDecl *excluded = nullptr;
};

StoreTarget storeTarget(const clang::MemberExpr &member, const clang::Stmt &store,
                        const clang::FunctionDecl &function, clang::ASTContext &context) {
  const clang::VarDecl *local = localNamed(member.getBase());
  if (!member.isArrow() || !local || llvm::isa<clang::ParmVarDecl>(local) || !function.hasBody())
    return {};
  std::vector<const clang::Expr *> values;
  if (local->getInit())
    values.push_back(local->getInit());
  forEachStmt(function.getBody(), [&](const clang::Stmt &node) {
    const auto *assignment = llvm::dyn_cast<clang::BinaryOperator>(&node);
    if (assignment && assignment->getOpcode() == clang::BO_Assign &&
        localNamed(assignment->getLHS()) == local)
      values.push_back(assignment->getRHS());
  });
  if (!values.empty() && llvm::all_of(values, allocatesObject))
    return {true, nullptr};
  const clang::Stmt *definition = nullptr;
  const clang::Expr *reaching = reachingValue(*local, store, context, &definition);
  if (!reaching)
    return {};

  if (allocatesObject(reaching))
    return {true, nullptr};
  return {false, excludedAddress(*reaching, *definition, context)};
}

} // namespace

void MemberStoreCollector::registerMatchers(MatchFinder &finder) {
  auto inFunction = forFunction(functionDecl().bind("function"));
  finder.addMatcher(binaryOperator(hasOperatorName("="),
                                   hasLHS(ignoringParenImpCasts(memberExpr().bind("target"))),
                                   unless(isExpansionInSystemHeader()), inFunction)
                        .bind("store"),
                    this);
  finder.addMatcher(callExpr(unless(isExpansionInSystemHeader()), inFunction).bind("call"), this);
  finder.addMatcher(
      declRefExpr(to(functionDecl()), unless(isExpansionInSystemHeader())).bind("functionRef"),
      this);
  finder.addMatcher(explicitCastExpr(unless(isExpansionInSystemHeader())).bind("view"), this);
  finder.addMatcher(
      varDecl(hasInitializer(ignoringParenCasts(unaryOperator(
                  hasOperatorName("&"),
                  hasUnaryOperand(ignoringParenImpCasts(memberExpr().bind("pointed")))))),
              unless(isExpansionInSystemHeader()))
          .bind("pointer"),
      this);
}

void MemberStoreCollector::run(const MatchFinder::MatchResult &result) {
  context = result.Context;
  if (const auto *cast = result.Nodes.getNodeAs<clang::ExplicitCastExpr>("view")) {
    const clang::RecordDecl *view = pointeeRecord(cast->getType());
    const clang::RecordDecl *object = pointeeRecord(cast->getSubExpr()->IgnoreParenImpCasts()->getType());
    if (view && object && view != object)
      views.insert({view, object});
    return;
  }
  const auto *function = result.Nodes.getNodeAs<clang::FunctionDecl>("function");
  if (const auto *store = result.Nodes.getNodeAs<clang::BinaryOperator>("store")) {
    const auto *target = result.Nodes.getNodeAs<clang::MemberExpr>("target");
    const auto *field = llvm::dyn_cast<clang::FieldDecl>(target->getMemberDecl());
    if (!function || !function->hasBody())
      return;
    // What the store holds, the storing function's callers followed where it stores a parameter.
    auto classify = [&](ValueOrigin &origin) {
      std::string value = origin.of(store->getRHS());
      if (value.empty())
        return value;
      // `self->x = PyTuple_GET_ITEM(args, 0); Py_INCREF(self->x);`
      if (value == "borrowed" && field &&
          increfs(*function, [&](const clang::Expr *e) { return namesField(e, *field); }))
        value = "new";
      const clang::VarDecl *local = localNamed(store->getRHS());
      if (local && guardedByExactCheck(*store, *local, *result.Context))
        value = "atomic";
      else if (local && value == "new" && releasedAfter(*store, *local, *result.Context))
        value = "borrowed";
      return value;
    };
    ValueOrigin origin(*function, field, *result.Context);
    std::string value = classify(origin.followingCallers());
    if (value.empty())
      return;
    if (const auto *call = llvm::dyn_cast<clang::CallExpr>(plain(store->getRHS()));
        call && field && createsEmptyContainer(calleeName(*call)) &&
        result.SourceManager->isInMainFile(field->getLocation()))
      freshContainers.push_back(field);
    // A function other units may call: what holds without the assumption, for the join.
    CallerAssumption assumption;
    if (!origin.assumedOnlyCalledHere().empty()) {
      ValueOrigin anyCaller(*function, field, *result.Context);
      assumption = {origin.assumedOnlyCalledHere(), classify(anyCaller)};
      if (assumption.valueIfCalledElsewhere.empty())
        assumption = {};
    }
    add(*target, value, *store, result,
        origin.copiedFrom() ? origin.copiedFrom()->getName().str() : "", assumption);
    return;
  }
  if (const auto *pointer = result.Nodes.getNodeAs<clang::VarDecl>("pointer")) {
    // Python 3.12's Py_CLEAR and Py_XSETREF work through `PyObject **tmp = &(op)`.
    add(*result.Nodes.getNodeAs<clang::MemberExpr>("pointed"), "release", *pointer->getInit(),
        result);
    return;
  }
  if (const auto *reference = result.Nodes.getNodeAs<clang::DeclRefExpr>("functionRef"))
    return noteExternalCall(*reference, result);
  const auto *call = result.Nodes.getNodeAs<clang::CallExpr>("call");
  if (!call || !function)
    return;
  llvm::StringRef name = calleeName(*call);
  if (isDecref(name) && call->getNumArgs() == 1) {
    if (const clang::MemberExpr *member = releasedMember(call->getArg(0)))
      add(*member, "release", *call, result);
    return;
  }
  for (unsigned index = 0; index < call->getNumArgs(); ++index) {
    const auto *address = llvm::dyn_cast<clang::UnaryOperator>(plain(call->getArg(index)));
    const auto *member = address && address->getOpcode() == clang::UO_AddrOf
                             ? llvm::dyn_cast<clang::MemberExpr>(plain(address->getSubExpr()))
                             : nullptr;
    if (!member)
      continue;
    const auto *field = llvm::dyn_cast<clang::FieldDecl>(member->getMemberDecl());
    std::string value = keepsAtomic(name) ? "atomic" : "new";
    if (name.contains("PyArg_Parse") && field &&
        !increfs(*function, [&](const clang::Expr *e) { return namesField(e, *field); }))
      value = "borrowed";
    if (const clang::FunctionDecl *callee = unitFunction(*call);
        callee && index < callee->getNumParams())
      if (std::optional<std::string> through =
              storedThrough(*callee, *callee->getParamDecl(index), *result.Context)) {
        if (through->empty())
          continue; // only ever NULL
        value = *through;
      }
    add(*member, value, *call, result);
  }
}

void MemberStoreCollector::noteExternalCall(const clang::DeclRefExpr &reference,
                                            const MatchFinder::MatchResult &result) {
  const auto *callee = llvm::dyn_cast<clang::FunctionDecl>(reference.getDecl());
  if (!callee || callee->getBuiltinID() != 0 || !callee->isExternallyVisible() || callee->isDefined() ||
      result.SourceManager->isInSystemHeader(callee->getLocation()) ||
      isInBindingLibrary(callee->getLocation(), *result.SourceManager))
    return;
  std::string name = callee->getQualifiedNameAsString();
  if (llvm::any_of(externalCalls, [&](const ExternalCall &known) { return known.callee == name; }))
    return;
  std::optional<SourceLocation> location =
      factRange(reference.getSourceRange(), *result.SourceManager, result.Context->getLangOpts(), paths);
  externalCalls.push_back({std::move(name), location.value_or(SourceLocation{})});
}

void MemberStoreCollector::add(const clang::MemberExpr &member, std::string value,
                               const clang::Stmt &at, const MatchFinder::MatchResult &result,
                               std::string copyOf, CallerAssumption assumption) {
  const auto *field = llvm::dyn_cast<clang::FieldDecl>(member.getMemberDecl());
  if (!field || isInBindingLibrary(field->getLocation(), *result.SourceManager))
    return;
  std::optional<HeldPythonType> held = classifyHeldPythonType(field->getType());
  if (!held || !held->container.empty() || !llvm::StringRef(held->heldAs).ends_with("*"))
    return;
  std::optional<SourceLocation> location =
      factRange(at.getSourceRange(), *result.SourceManager, result.Context->getLangOpts(), paths);
  if (!location)
    return;
  MemberStore store{factTypeName(*field->getParent()), field->getName().str(), std::move(value),
                    *location, std::move(copyOf), std::move(assumption.onlyCalledHere),
                    std::move(assumption.valueIfCalledElsewhere)};
  const auto *function = result.Nodes.getNodeAs<clang::FunctionDecl>("function");
  StoreTarget target = function ? storeTarget(member, at, *function, *result.Context) : StoreTarget{};
  const clang::VarDecl *object = member.isArrow() ? localNamed(member.getBase()) : nullptr;
  bool pins = function && object && store.value != "release" && pinsObject(*function, *object);
  RecordedStore recordedStore{field, store, target.fresh, target.excluded, pins};
  // `out->tzname = tzname` in a helper given `out`.
  if (const auto *assignment = llvm::dyn_cast<clang::BinaryOperator>(&at);
      function && member.isArrow() && assignment && assignment->getOpcode() == clang::BO_Assign &&
      plain(assignment->getLHS()) == &member && !isPythonObjectStruct(*field->getParent()))
    if (const auto *parameter = llvm::dyn_cast_or_null<clang::ParmVarDecl>(
            variableNamed(member.getBase()))) {
      recordedStore.function = function;
      recordedStore.throughParameter = parameter;
      recordedStore.storedValue = assignment->getRHS();
    }
  recorded.push_back(std::move(recordedStore));
  if (std::find(out.begin(), out.end(), store) == out.end())
    out.push_back(std::move(store));
}

void MemberStoreCollector::markSelfPinnedStores() {
  std::map<const clang::FieldDecl *, bool> unpinnedWithMember;
  for (RecordedStore &recordedStore : recorded) {
    if (!recordedStore.pinsObject)
      continue;
    auto [verdict, added] = unpinnedWithMember.try_emplace(recordedStore.field, false);
    if (added)
      verdict->second = unpinnedOnlyWithMember(*recordedStore.field, *context);
    if (!verdict->second)
      continue;
    auto it = std::find(out.begin(), out.end(), recordedStore.store);
    recordedStore.store.value = "pinned";
    if (it != out.end())
      it->value = "pinned";
  }
}

bool MemberStoreCollector::placeThroughCallSites(const RecordedStore &recordedStore) {
  const auto &[field, store, intoFresh, excluded, pins, function, parameter, value] = recordedStore;
  if (!parameter || store.value == "release")
    return false;
  if (!landings)
    landings = std::make_unique<OutParameterLandings>(const_cast<clang::ASTContext &>(*context),
                                                      unitValueMemo.of(*context).calls());
  std::optional<std::vector<OutParameterLanding>> found =
      landings->through(*function, *parameter, context->getFieldOffset(field));
  if (!found)
    return false;
  for (const OutParameterLanding &landing : *found) {
    ObjectLayout layout(*landing.object, *context);
    const clang::FieldDecl *there = layout.fieldAt(landing.offset);
    if (!there || !context->hasSameType(there->getType(), field->getType()))
      continue;
    MemberStore copy = store;
    copy.cppType = factTypeName(*landing.object);
    copy.member = layout.nameAt(landing.offset);
    // What this call chain passes: nothing (NULL) is no store, an exact string stays atomic.
    std::string passed = ValueOrigin(*function, field, *context, 0, &landing.steps, 0).of(value);
    if (passed.empty())
      continue;
    if (passed == "atomic")
      copy.value = "atomic";
    if (std::find(out.begin(), out.end(), copy) == out.end())
      out.push_back(std::move(copy));
  }
  return true;
}

void MemberStoreCollector::onEndOfTranslationUnit() {
  unitValueMemo = UnitValueMemo{};
  if (!context || recorded.empty())
    return;
  for (const clang::FieldDecl *field : freshContainers)
    // getParents builds the parent map lazily, hence a mutable context.
    if (privateContainerOfAtomics(*field, *context))
      for (MemberStore &store : out)
        if (store.cppType == factTypeName(*field->getParent()) && store.member == field->getName() &&
            store.value == "new")
          store.value = "atomic";
  freshContainers.clear();
  markSelfPinnedStores();
  // Where each struct lies inside each Python object struct of the unit: embedded by value
  // (at any depth) or viewed through a cast (at offset 0).
  std::vector<StructPlacement> placements;
  for (const clang::Decl *decl : context->getTranslationUnitDecl()->decls())
    if (const auto *record = llvm::dyn_cast<clang::RecordDecl>(decl);
        record && record->isThisDeclarationADefinition() && isPythonObjectStruct(*record))
      addEmbedded(*record, *record, 0, placements, *context);
  for (const auto &[view, object] : views)
    if (object->getDefinition() && isPythonObjectStruct(*object->getDefinition()))
      placements.push_back({view, object->getDefinition(), 0});
  std::map<const clang::RecordDecl *, ObjectLayout> layouts;
  for (const RecordedStore &recordedStore : recorded) {
    if (placeThroughCallSites(recordedStore))
      continue;
    const auto &[field, store, intoFresh, excluded, pins, function, parameter, value] = recordedStore;
    for (const StructPlacement &placement : placements) {
      if (placement.inner != field->getParent())
        continue;
      const ObjectLayout &layout =
          layouts.try_emplace(placement.object, *placement.object, *context).first->second;
      uint64_t offset = placement.offset + context->getFieldOffset(field);
      const clang::FieldDecl *there = layout.fieldAt(offset);
      if (!there || !context->hasSameType(there->getType(), field->getType()))
        continue;
      MemberStore copy = store;
      copy.cppType = factTypeName(*placement.object);
      copy.member = layout.nameAt(offset);
      // A store into an object just allocated, or through a link a guard proved is not this
      // embedded struct, never reaches the embedded copy. Where the struct is the file's own,
      // that is proof the unit never writes the copy (lru_cache's sentinel `root.key` stays
      // NULL from tp_alloc): "none".
      bool provenElsewhere = excluded && excluded->getParent() == placement.object &&
                             context->getFieldOffset(excluded) == placement.offset;
      if (intoFresh || provenElsewhere) {
        if (store.value == "release" ||
            !context->getSourceManager().isInMainFile(field->getParent()->getLocation()))
          continue;
        copy.value = "none";
      }
      if (copy.cppType != store.cppType && std::find(out.begin(), out.end(), copy) == out.end())
        out.push_back(std::move(copy));
    }
  }
  landings.reset();
  recorded.clear();
  // What was worked out points into this unit's AST, which is about to go (a next unit's
  // context may even reuse its address).
  unitValueMemo = UnitValueMemo{};
  views.clear();
}

} // namespace capcycle
