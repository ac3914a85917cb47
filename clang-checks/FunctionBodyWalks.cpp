#include "FunctionBodyWalks.h"

#include "CodeNames.h"
#include "PythonHeldTypes.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringSet.h"

#include <functional>

namespace capcycle {

const clang::VarDecl *variableNamed(const clang::Expr *expr) {
  const auto *ref = expr ? llvm::dyn_cast<clang::DeclRefExpr>(expr->IgnoreParenCasts()) : nullptr;
  return ref ? llvm::dyn_cast<clang::VarDecl>(ref->getDecl()) : nullptr;
}

clang::DynTypedNode usingNode(const clang::Expr &use, const clang::ASTContext &context,
                              const clang::Expr *&child) {
  auto &mutableContext = const_cast<clang::ASTContext &>(context);
  child = &use;
  auto parents = mutableContext.getParents(*child);
  while (!parents.empty() && parents[0].get<clang::Expr>() &&
         (llvm::isa<clang::ParenExpr>(parents[0].get<clang::Expr>()) ||
          llvm::isa<clang::CastExpr>(parents[0].get<clang::Expr>()))) {
    child = parents[0].get<clang::Expr>();
    parents = mutableContext.getParents(*child);
  }
  return parents.empty() ? clang::DynTypedNode() : parents[0];
}

void forEachStmt(const clang::Stmt *stmt, const std::function<void(const clang::Stmt &)> &visit) {
  if (!stmt)
    return;
  visit(*stmt);
  for (const clang::Stmt *child : stmt->children())
    forEachStmt(child, visit);
}

namespace {

void addUnique(std::vector<const clang::FieldDecl *> &fields, const clang::FieldDecl *field) {
  if (field && !llvm::is_contained(fields, field))
    fields.push_back(field);
}

void collectFields(const clang::Stmt *stmt, std::vector<const clang::FieldDecl *> &fields) {
  forEachStmt(stmt, [&](const clang::Stmt &node) {
    if (const auto *member = llvm::dyn_cast<clang::MemberExpr>(&node))
      addUnique(fields, llvm::dyn_cast<clang::FieldDecl>(member->getMemberDecl()));
  });
}

const clang::Expr *stripped(const clang::Expr *expr) {
  return expr ? expr->IgnoreUnlessSpelledInSource()->IgnoreParenCasts() : nullptr;
}

// The member an expression names, read through `&`, `*`, casts and implicit conversions:
// `h_`, `self->handle`, `(void *)self->buffer`.
const clang::FieldDecl *memberNamedBy(const clang::Expr *expr) {
  expr = stripped(expr);
  while (const auto *unary = llvm::dyn_cast_or_null<clang::UnaryOperator>(expr)) {
    if (unary->getOpcode() != clang::UO_AddrOf && unary->getOpcode() != clang::UO_Deref)
      break;
    expr = stripped(unary->getSubExpr());
  }
  const auto *member = llvm::dyn_cast_or_null<clang::MemberExpr>(expr);
  return member ? llvm::dyn_cast<clang::FieldDecl>(member->getMemberDecl()) : nullptr;
}

bool callsParameter(const clang::CallExpr &call, const clang::ParmVarDecl &parameter) {
  const auto *callee = llvm::dyn_cast<clang::DeclRefExpr>(stripped(call.getCallee()));
  return callee && callee->getDecl() == &parameter;
}

bool mentions(const clang::Stmt *stmt, const clang::ParmVarDecl &parameter, int relays = 0);

// A local that holds the parameter itself: `auto f = std::move(p);`, `py::function g = p;`, or
// a lambda that captures it (`auto wrapper = [p](int x) { gil_scoped_acquire g; p(x); };`, the
// usual GIL-taking wrapper). Not a value computed from it (`p.attr("__name__")`).
bool relaysParameter(const clang::VarDecl &local, const clang::ParmVarDecl &parameter,
                     int relays) {
  if (relays >= 4 || !local.hasLocalStorage() || llvm::isa<clang::ParmVarDecl>(local) ||
      !local.getInit())
    return false;
  const clang::Expr *init = stripped(local.getInit());
  if (const auto *call = llvm::dyn_cast<clang::CallExpr>(init);
      call && call->getNumArgs() == 1 && call->getDirectCallee() &&
      call->getDirectCallee()->isInStdNamespace() &&
      call->getDirectCallee()->getDeclName().isIdentifier() &&
      call->getDirectCallee()->getName() == "move")
    init = stripped(call->getArg(0));
  if (const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(init)) {
    if (ref->getDecl() == &parameter)
      return true;
    const auto *other = llvm::dyn_cast<clang::VarDecl>(ref->getDecl());
    return other && other != &local && relaysParameter(*other, parameter, relays + 1);
  }
  const clang::LambdaExpr *lambda = firstNodeIn<clang::LambdaExpr>(init);
  return lambda && llvm::any_of(lambda->capture_inits(), [&](const clang::Expr *capture) {
           return capture && mentions(capture, parameter, relays + 1);
         });
}

bool mentions(const clang::Stmt *stmt, const clang::ParmVarDecl &parameter, int relays) {
  bool found = false;
  // `self->value` reads a member of the parameter: a value computed from it, not it.
  llvm::SmallPtrSet<const clang::Stmt *, 4> memberBases;
  forEachStmt(stmt, [&](const clang::Stmt &node) {
    if (const auto *member = llvm::dyn_cast<clang::MemberExpr>(&node))
      memberBases.insert(member->getBase()->IgnoreParenCasts());
  });
  forEachStmt(stmt, [&](const clang::Stmt &node) {
    const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(&node);
    if (!ref || found || memberBases.contains(ref))
      return;
    if (ref->getDecl() == &parameter)
      found = true;
    else if (const auto *local = llvm::dyn_cast<clang::VarDecl>(ref->getDecl()))
      found = relaysParameter(*local, parameter, relays);
  });
  return found;
}

const clang::FunctionDecl *definitionOf(const clang::FunctionDecl *function) {
  if (!function)
    return nullptr;
  const clang::FunctionDecl *definition = function->getDefinition();
  return definition && definition->hasBody() ? definition : nullptr;
}
} // namespace

std::vector<const clang::FieldDecl *> fieldsVisitedByTraverse(const clang::FunctionDecl &traverse) {
  std::vector<const clang::FieldDecl *> fields;
  if (traverse.getNumParams() < 2 || !traverse.hasBody())
    return fields;
  const clang::ParmVarDecl &visit = *traverse.getParamDecl(1);
  auto callsVisit = [&](const clang::Stmt *stmt) {
    bool found = false;
    forEachStmt(stmt, [&](const clang::Stmt &node) {
      if (const auto *call = llvm::dyn_cast<clang::CallExpr>(&node))
        found |= callsParameter(*call, visit);
    });
    return found;
  };
  forEachStmt(traverse.getBody(), [&](const clang::Stmt &node) {
    if (const auto *call = llvm::dyn_cast<clang::CallExpr>(&node); call && callsParameter(*call, visit))
      for (const clang::Expr *argument : call->arguments())
        collectFields(argument, fields);
    if (const auto *loop = llvm::dyn_cast<clang::CXXForRangeStmt>(&node); loop && callsVisit(loop->getBody()))
      collectFields(loop->getRangeInit(), fields);
  });
  return fields;
}

std::vector<const clang::FieldDecl *> fieldsReferenced(const clang::FunctionDecl &function) {
  std::vector<const clang::FieldDecl *> fields;
  collectFields(function.getBody(), fields);
  return fields;
}

const clang::FieldDecl *returnedMember(const clang::FunctionDecl &function) {
  clang::QualType result = function.getReturnType();
  if (!function.hasBody() || !(result->isReferenceType() || result->isPointerType()))
    return nullptr;
  const clang::FieldDecl *member = nullptr;
  forEachStmt(function.getBody(), [&](const clang::Stmt &node) {
    if (const auto *ret = llvm::dyn_cast<clang::ReturnStmt>(&node); ret && !member)
      member = memberNamedBy(ret->getRetValue());
  });
  return member;
}

namespace {
bool hasReleaseName(llvm::StringRef name) {
  std::string lower = name.lower();
  llvm::StringRef text(lower);
  return text.contains("release") || text.contains("destroy") || text.contains("free") ||
         text.contains("close");
}

// CPython's own reference counting and allocator are not native resources of the type.
bool isPythonRuntime(llvm::StringRef name) {
  return name.starts_with("Py") || name.starts_with("_Py");
}

bool isInStd(const clang::Decl &decl) {
  return decl.getDeclContext()->isStdNamespace() ||
         (llvm::isa<clang::CXXMethodDecl>(decl) &&
          llvm::cast<clang::CXXMethodDecl>(decl).getParent()->isInStdNamespace());
}

bool holdsNativeResource(const clang::FieldDecl *member) {
  return member && !classifyHeldPythonType(member->getType());
}

// The member an argument names, itself or through a local alias made from it (`int fd =
// self->fd; self->fd = -1; close(fd);`, the way close methods avoid a double release).
const clang::FieldDecl *memberOrAliasNamedBy(const clang::Expr *argument) {
  if (const clang::FieldDecl *member = memberNamedBy(argument))
    return member;
  const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(argument->IgnoreParenCasts());
  const auto *local = ref ? llvm::dyn_cast<clang::VarDecl>(ref->getDecl()) : nullptr;
  if (!local || !local->hasLocalStorage() || llvm::isa<clang::ParmVarDecl>(local) ||
      !local->getInit())
    return nullptr;
  return memberNamedBy(local->getInit());
}

// The member a release call frees: the object of `h_->close()`, else the first member argument.
const clang::FieldDecl *releasedMember(const clang::CallExpr &call) {
  if (const auto *methodCall = llvm::dyn_cast<clang::CXXMemberCallExpr>(&call))
    if (const clang::FieldDecl *object = memberNamedBy(methodCall->getImplicitObjectArgument()))
      return object;
  for (const clang::Expr *argument : call.arguments())
    if (const clang::FieldDecl *member = memberOrAliasNamedBy(argument))
      return member;
  return nullptr;
}

// Whether a helper of the scanned code gives back what CPython manages and nothing else: its
// references (Py_DECREF) and its allocator's memory (PyMem_Free), in it and in the helpers it
// calls. zoneinfo's `free_tzrule(&self->tzrule_after)` is one: despite its name it frees no
// native resource, only the parts of an immutable value. A call through a pointer may release
// anything; a helper that calls nothing of CPython's is judged by its name as before.
bool releasesOnlyPythonMemory(const clang::FunctionDecl &helper, int depth,
                              bool &givesBackPython) {
  const clang::SourceManager &sources = helper.getASTContext().getSourceManager();
  if (depth == 0 || sources.isInSystemHeader(helper.getLocation()))
    return false;
  bool onlyPython = true;
  forEachStmt(helper.getBody(), [&](const clang::Stmt &node) {
    if (!onlyPython || llvm::isa<clang::CXXDeleteExpr>(node)) {
      onlyPython = false;
      return;
    }
    const auto *call = llvm::dyn_cast<clang::CallExpr>(&node);
    if (!call)
      return;
    const clang::FunctionDecl *callee = call->getDirectCallee();
    if (!callee || !callee->getDeclName().isIdentifier()) {
      onlyPython = false;
      return;
    }
    if (isPythonRuntime(callee->getName())) {
      givesBackPython |= hasReleaseName(callee->getName()) ||
                         llvm::StringRef(callee->getName().lower()).contains("decref");
      return;
    }
    if (const clang::FunctionDecl *definition = definitionOf(callee);
        definition && !sources.isInSystemHeader(definition->getLocation()))
      onlyPython = releasesOnlyPythonMemory(*definition, depth - 1, givesBackPython);
    else
      onlyPython = !hasReleaseName(callee->getName());
  });
  return onlyPython;
}

bool releasesOnlyPythonMemory(const clang::FunctionDecl &helper) {
  bool givesBackPython = false;
  return releasesOnlyPythonMemory(helper, 3, givesBackPython) && givesBackPython;
}

std::optional<ReleaseSite> releaseAt(const clang::Stmt &node) {
  if (const auto *deletion = llvm::dyn_cast<clang::CXXDeleteExpr>(&node)) {
    const clang::FieldDecl *member = memberNamedBy(deletion->getArgument());
    if (holdsNativeResource(member))
      return ReleaseSite{member, "delete", &node};
    return std::nullopt;
  }
  const auto *call = llvm::dyn_cast<clang::CallExpr>(&node);
  const clang::FunctionDecl *callee = call ? call->getDirectCallee() : nullptr;
  if (!callee || !callee->getDeclName().isIdentifier() || isInStd(*callee))
    return std::nullopt;
  llvm::StringRef name = callee->getName();
  if (!hasReleaseName(name) || isPythonRuntime(name))
    return std::nullopt;
  const clang::FieldDecl *member = releasedMember(*call);
  if (!holdsNativeResource(member))
    return std::nullopt;
  if (const clang::FunctionDecl *helper = definitionOf(callee);
      helper && releasesOnlyPythonMemory(*helper))
    return std::nullopt;
  return ReleaseSite{member, name.str(), &node};
}

std::vector<ReleaseSite> directReleases(const clang::FunctionDecl &function) {
  std::vector<ReleaseSite> releases;
  forEachStmt(function.getBody(), [&](const clang::Stmt &node) {
    if (std::optional<ReleaseSite> release = releaseAt(node))
      releases.push_back(*release);
  });
  return releases;
}
} // namespace

namespace {
// Releases in `function` and in what it calls, to `depth` more calls (C extensions wrap their
// close in layers: Argument Clinic's `close` -> `close_impl` -> `connection_close`).
void collectReleases(const clang::FunctionDecl &function, int depth,
                     llvm::SmallPtrSetImpl<const clang::FunctionDecl *> &entered,
                     std::vector<ReleaseSite> &releases, const clang::Stmt *reachedAt) {
  for (ReleaseSite release : directReleases(function)) {
    if (reachedAt)
      release.at = reachedAt; // the caller's own line is where the reader looks
    releases.push_back(release);
  }
  if (depth == 0)
    return;
  forEachStmt(function.getBody(), [&](const clang::Stmt &node) {
    const auto *call = llvm::dyn_cast<clang::CallExpr>(&node);
    if (!call || releaseAt(node))
      return;
    const clang::FunctionDecl *callee = definitionOf(call->getDirectCallee());
    if (!callee || isInStd(*callee) || !entered.insert(callee).second)
      return;
    collectReleases(*callee, depth - 1, entered, releases, reachedAt ? reachedAt : call);
  });
}
} // namespace

std::vector<ReleaseSite> releasesReachedFrom(const clang::FunctionDecl &function) {
  std::vector<ReleaseSite> releases;
  llvm::SmallPtrSet<const clang::FunctionDecl *, 8> entered{&function};
  collectReleases(function, 3, entered, releases, nullptr);
  return releases;
}

namespace {
bool isInsertion(llvm::StringRef method) {
  static const llvm::StringSet<> insertions = {
      "push_back", "emplace_back", "push_front", "emplace_front", "insert", "emplace",
      "push", "insert_or_assign", "try_emplace", "emplace_hint"};
  return insertions.contains(method);
}

// The member an assignment's left side writes: `m`, `self.m`, `m[key]`.
const clang::FieldDecl *assignedMember(const clang::Expr *target) {
  target = stripped(target);
  if (const auto *index = llvm::dyn_cast_or_null<clang::CXXOperatorCallExpr>(target);
      index && index->getOperator() == clang::OO_Subscript && index->getNumArgs() > 0)
    target = index->getArg(0);
  return memberNamedBy(target);
}

const clang::FieldDecl *holdingMember(const clang::FieldDecl *member) {
  return member && classifyHeldPythonType(member->getType()) ? member : nullptr;
}

// The member `node` stores `parameter` in, if it is a store of it.
const clang::FieldDecl *storeOf(const clang::Stmt &node, const clang::ParmVarDecl &parameter) {
  if (const auto *assign = llvm::dyn_cast<clang::BinaryOperator>(&node);
      assign && assign->getOpcode() == clang::BO_Assign && mentions(assign->getRHS(), parameter))
    return holdingMember(assignedMember(assign->getLHS()));
  if (const auto *op = llvm::dyn_cast<clang::CXXOperatorCallExpr>(&node);
      op && op->getOperator() == clang::OO_Equal && op->getNumArgs() == 2 &&
      mentions(op->getArg(1), parameter))
    return holdingMember(assignedMember(op->getArg(0)));
  if (const auto *call = llvm::dyn_cast<clang::CXXMemberCallExpr>(&node)) {
    const clang::CXXMethodDecl *method = call->getMethodDecl();
    if (!method || !method->getDeclName().isIdentifier() || !isInsertion(method->getName()))
      return nullptr;
    bool passesParameter = llvm::any_of(
        call->arguments(), [&](const clang::Expr *argument) { return mentions(argument, parameter); });
    return passesParameter ? holdingMember(memberNamedBy(call->getImplicitObjectArgument()))
                           : nullptr;
  }
  return nullptr;
}

std::vector<StoreSite> directStores(const clang::FunctionDecl &function,
                                    const clang::ParmVarDecl &parameter) {
  std::vector<StoreSite> stores;
  // A constructor's member initializers: `Timer(F f) : cb_(std::move(f)) {}`.
  if (const auto *constructor = llvm::dyn_cast<clang::CXXConstructorDecl>(&function))
    for (const clang::CXXCtorInitializer *init : constructor->inits())
      if (init->isWritten() && init->isMemberInitializer() &&
          mentions(init->getInit(), parameter))
        if (const clang::FieldDecl *member = holdingMember(init->getMember()))
          stores.push_back({member, init->getInit()});
  forEachStmt(function.getBody(), [&](const clang::Stmt &node) {
    if (const clang::FieldDecl *member = storeOf(node, parameter))
      stores.push_back({member, &node});
  });
  return stores;
}

// `add(std::move(f))` -> the parameter of `add` that receives `parameter`.
const clang::ParmVarDecl *receivingParameter(const clang::CallExpr &call,
                                             const clang::FunctionDecl &callee,
                                             const clang::ParmVarDecl &parameter) {
  // A member operator call counts the object as argument 0; other calls do not.
  unsigned skip = llvm::isa<clang::CXXOperatorCallExpr>(call) &&
                          llvm::isa<clang::CXXMethodDecl>(callee) ? 1 : 0;
  for (unsigned i = skip; i < call.getNumArgs(); ++i)
    if (i - skip < callee.getNumParams() && mentions(call.getArg(i), parameter))
      return callee.getParamDecl(i - skip);
  return nullptr;
}
// pybind11's or Python's own code (`py::class_<T>(m, "T")` keeps `m` in a type_record): what
// it stores is not the user's binding.
bool isLibraryCode(const clang::FunctionDecl &function) {
  return isInBindingLibrary(function.getLocation(), function.getASTContext().getSourceManager());
}

// `T(p)`, `new T(p)`, `T{p}`: the parameter of the constructor that receives `parameter`.
std::pair<const clang::CXXConstructorDecl *, const clang::ParmVarDecl *>
receivingConstructorParameter(const clang::Stmt &node, const clang::ParmVarDecl &parameter) {
  const auto *construct = llvm::dyn_cast<clang::CXXConstructExpr>(&node);
  const clang::CXXConstructorDecl *constructor = construct ? construct->getConstructor() : nullptr;
  if (!constructor || constructor->isCopyOrMoveConstructor() || isInStd(*constructor) ||
      isLibraryCode(*constructor))
    return {};
  const auto *definition =
      llvm::dyn_cast_or_null<clang::CXXConstructorDecl>(definitionOf(constructor));
  if (!definition)
    return {};
  for (unsigned i = 0; i < construct->getNumArgs() && i < definition->getNumParams(); ++i)
    if (mentions(construct->getArg(i), parameter))
      return {definition, definition->getParamDecl(i)};
  return {};
}

// Where a constructor that `function` runs on `parameter` stores it.
std::vector<StoreSite> constructorStores(const clang::FunctionDecl &function,
                                         const clang::ParmVarDecl &parameter) {
  std::vector<StoreSite> stores;
  forEachStmt(function.getBody(), [&](const clang::Stmt &node) {
    auto [constructor, receiver] = receivingConstructorParameter(node, parameter);
    if (constructor && constructor != &function)
      llvm::append_range(stores, directStores(*constructor, *receiver));
  });
  return stores;
}

// std::make_unique<T>(p) / std::make_shared<T>(p): the construction happens in the standard
// library's body, which forwards its parameters to T's constructor.
bool isMakeSmartPointer(const clang::FunctionDecl &callee) {
  return isInStd(callee) && callee.getDeclName().isIdentifier() &&
         (callee.getName() == "make_unique" || callee.getName() == "make_shared");
}
} // namespace

std::vector<StoreSite> storesOfParameter(const clang::FunctionDecl &function,
                                         const clang::ParmVarDecl &parameter) {
  std::vector<StoreSite> stores = directStores(function, parameter);
  llvm::append_range(stores, constructorStores(function, parameter));
  forEachStmt(function.getBody(), [&](const clang::Stmt &node) {
    const auto *call = llvm::dyn_cast<clang::CallExpr>(&node);
    if (!call || storeOf(node, parameter))
      return;
    const clang::FunctionDecl *callee = definitionOf(call->getDirectCallee());
    if (!callee || callee == &function)
      return;
    if (isMakeSmartPointer(*callee)) {
      if (const clang::ParmVarDecl *receiver = receivingParameter(*call, *callee, parameter))
        llvm::append_range(stores, constructorStores(*callee, *receiver));
      return;
    }
    if (isInStd(*callee) || isLibraryCode(*callee))
      return;
    if (const clang::ParmVarDecl *receiver = receivingParameter(*call, *callee, parameter))
      llvm::append_range(stores, directStores(*callee, *receiver));
  });
  return stores;
}

std::vector<const clang::FunctionDecl *> unitFunctionDefinitions(const clang::ASTContext &context) {
  std::vector<const clang::FunctionDecl *> functions;
  const clang::SourceManager &sources = context.getSourceManager();
  for (const clang::Decl *decl : context.getTranslationUnitDecl()->decls())
    if (const auto *function = llvm::dyn_cast<clang::FunctionDecl>(decl);
        function && function->doesThisDeclarationHaveABody() &&
        !sources.isInSystemHeader(function->getLocation()))
      functions.push_back(function);
  return functions;
}

bool isNullOrSingleton(const clang::Expr *value, const clang::ASTContext &context) {
  value = value ? value->IgnoreParenCasts() : nullptr;
  if (!value)
    return false;
  if (value->isNullPointerConstant(const_cast<clang::ASTContext &>(context),
                                   clang::Expr::NPC_ValueDependentIsNotNull))
    return true;
  // A sentinel address such as multibytecodec's `#define ERROR_STRICT (PyObject *)(1)`.
  if (value->getType()->isIntegerType() && value->isIntegerConstantExpr(context))
    return true;
  if (const auto *call = llvm::dyn_cast<clang::CallExpr>(value)) {
    const clang::FunctionDecl *callee = call->getDirectCallee();
    bool newReference = callee && callee->getDeclName().isIdentifier() &&
                        (callee->getName() == "_Py_NewRef" || callee->getName() == "Py_NewRef");
    return newReference && call->getNumArgs() == 1 && isNullOrSingleton(call->getArg(0), context);
  }
  const auto *address = llvm::dyn_cast<clang::UnaryOperator>(value);
  const auto *ref = address && address->getOpcode() == clang::UO_AddrOf
                        ? llvm::dyn_cast<clang::DeclRefExpr>(address->getSubExpr()->IgnoreParenCasts())
                        : nullptr;
  if (!ref || !ref->getDecl()->getDeclName().isIdentifier())
    return false;
  llvm::StringRef name = ref->getDecl()->getName();
  return name == "_Py_NoneStruct" || name == "_Py_TrueStruct" || name == "_Py_FalseStruct" ||
         name == "_Py_NotImplementedStruct" || name == "_Py_EllipsisObject";
}

} // namespace capcycle
