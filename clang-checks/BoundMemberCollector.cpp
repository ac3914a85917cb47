#include "BoundMemberCollector.h"

#include "CodeNames.h"
#include "FunctionBodyWalks.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchers.h"

namespace capcycle {

using namespace clang::ast_matchers;

namespace {
std::string memberKind(llvm::StringRef method) {
  if (method == "def")
    return "method";
  if (method == "def_static")
    return "static-method";
  if (method == "def_readonly")
    return "readonly";
  if (method == "def_readwrite")
    return "readwrite";
  return "property";
}

// What the argument after the name binds: `&T::fn`, `fn`, `&T::member`, a lambda, or the
// same inside `py::cpp_function(...)`.
const clang::Decl *boundDeclaration(const clang::Expr *argument) {
  const clang::Expr *expr = argument->IgnoreUnlessSpelledInSource()->IgnoreParenCasts();
  if (const auto *address = llvm::dyn_cast<clang::UnaryOperator>(expr);
      address && address->getOpcode() == clang::UO_AddrOf)
    expr = address->getSubExpr()->IgnoreParenCasts();
  if (const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(expr))
    return ref->getDecl();
  if (const auto *lambda = llvm::dyn_cast<clang::LambdaExpr>(expr))
    return lambda->getCallOperator();
  if (const auto *construct = llvm::dyn_cast<clang::CXXConstructExpr>(expr);
      construct && construct->getNumArgs() > 0)
    return boundDeclaration(construct->getArg(0));
  return nullptr;
}

// `py::init<Args...>()` is a `pybind11::detail::initimpl::constructor<Args...>`: the
// constructor of T that overload resolution picks for Args (the one with exactly these
// parameter types, else the only one taking that many arguments).
const clang::CXXConstructorDecl *
constructorFor(const clang::ClassTemplateSpecializationDecl &initializer,
               const clang::CXXRecordDecl &boundClass) {
  const clang::TemplateArgumentList &arguments = initializer.getTemplateArgs();
  if (arguments.size() != 1 || arguments[0].getKind() != clang::TemplateArgument::Pack)
    return nullptr;
  std::vector<clang::QualType> types;
  for (const clang::TemplateArgument &type : arguments[0].pack_elements())
    if (type.getKind() == clang::TemplateArgument::Type)
      types.push_back(type.getAsType().getCanonicalType().getUnqualifiedType());
  auto plain = [](clang::QualType type) {
    return type.getNonReferenceType().getCanonicalType().getUnqualifiedType();
  };
  const clang::CXXConstructorDecl *sameArity = nullptr;
  unsigned sameArityCount = 0;
  for (const clang::CXXConstructorDecl *constructor : boundClass.ctors()) {
    if (constructor->getNumParams() != types.size() || constructor->isCopyOrMoveConstructor())
      continue;
    ++sameArityCount;
    sameArity = constructor;
    bool exact = true;
    for (unsigned i = 0; i < types.size(); ++i)
      exact = exact && plain(constructor->getParamDecl(i)->getType()) == plain(types[i]);
    if (exact)
      return constructor;
  }
  return sameArityCount == 1 ? sameArity : nullptr;
}

// The function in `py::init(factory)`: a lambda, or `&make_timer` / `make_timer`.
const clang::FunctionDecl *factoryFunction(const clang::Expr &initializer) {
  if (const clang::LambdaExpr *lambda = firstNodeIn<clang::LambdaExpr>(&initializer))
    return lambda->getCallOperator();
  const auto *init =
      llvm::dyn_cast<clang::CallExpr>(initializer.IgnoreUnlessSpelledInSource()->IgnoreParenCasts());
  if (!init || init->getNumArgs() == 0)
    return nullptr;
  return llvm::dyn_cast_or_null<clang::FunctionDecl>(boundDeclaration(init->getArg(0)));
}

// The names `py::arg("interval")` (or `py::arg("x") = default`) give the arguments, in order.
std::vector<std::string> argumentNames(const clang::CXXMemberCallExpr &call) {
  std::vector<std::string> names;
  for (unsigned i = 1; i < call.getNumArgs(); ++i) {
    const clang::RecordDecl *type = recordOf(call.getArg(i)->getType());
    if (!type || (recordName(*type) != "pybind11::arg" && recordName(*type) != "pybind11::arg_v"))
      continue;
    const clang::StringLiteral *name = firstNodeIn<clang::StringLiteral>(call.getArg(i));
    names.push_back(name ? name->getString().str() : "");
  }
  return names;
}

void describeReturnedMember(const clang::FieldDecl &field, BoundMember &member) {
  member.returnedMember = field.getName().str();
  if (const clang::RecordDecl *type = recordOf(field.getType()))
    member.returnedMemberType = factTypeName(*type);
}
} // namespace

void BoundMemberCollector::registerMatchers(MatchFinder &finder) {
  auto definingMethod = cxxMethodDecl(
      hasAnyName("def", "def_static", "def_property", "def_property_readonly", "def_readonly",
                 "def_readwrite"),
      ofClass(classTemplateSpecializationDecl(hasName("::pybind11::class_")).bind("class")));
  finder.addMatcher(
      traverse(clang::TK_AsIs,
               cxxMemberCallExpr(callee(definingMethod.bind("method")), argumentCountAtLeast(2),
                                 hasArgument(0, ignoringParenImpCasts(stringLiteral().bind("name"))))
                   .bind("call")),
      this);
  // `.def(py::init<Args...>(), py::arg(...)...)`: Python's `T(...)` runs a constructor of T.
  finder.addMatcher(
      traverse(clang::TK_AsIs,
               cxxMemberCallExpr(
                   callee(cxxMethodDecl(hasName("def"),
                                        ofClass(classTemplateSpecializationDecl(
                                                    hasName("::pybind11::class_"))
                                                    .bind("class")))),
                   hasArgument(0, hasType(hasUnqualifiedDesugaredType(recordType(hasDeclaration(
                                      classTemplateSpecializationDecl(
                                          hasAnyName("::pybind11::detail::initimpl::constructor",
                                                     "::pybind11::detail::initimpl::factory"))
                                          .bind("initializer")))))))
                   .bind("initCall")),
      this);
}

void BoundMemberCollector::recordConstructor(const MatchFinder::MatchResult &result) {
  const auto *pybindClass = result.Nodes.getNodeAs<clang::ClassTemplateSpecializationDecl>("class");
  const auto *initializer =
      result.Nodes.getNodeAs<clang::ClassTemplateSpecializationDecl>("initializer");
  const auto *call = result.Nodes.getNodeAs<clang::CXXMemberCallExpr>("initCall");
  if (!pybindClass || !initializer || !call ||
      isInBindingLibrary(call->getBeginLoc(), *result.SourceManager))
    return;
  const clang::TemplateArgumentList &classArguments = pybindClass->getTemplateArgs();
  const clang::CXXRecordDecl *boundClass =
      classArguments.size() > 0 && classArguments[0].getKind() == clang::TemplateArgument::Type
          ? classArguments[0].getAsType()->getAsCXXRecordDecl()
          : nullptr;
  // `py::init<Args...>()` names a constructor; `py::init(factory)` a function or lambda that
  // builds the object (its parameters are Python's arguments too).
  const clang::FunctionDecl *constructor = nullptr;
  if (initializer->getName() == "factory")
    constructor = factoryFunction(*call->getArg(0));
  else if (boundClass && boundClass->hasDefinition())
    constructor = constructorFor(*initializer, *boundClass);
  // `py::init<>()` of a class whose default constructor is implicit: Clang declares that
  // constructor only where something needs it, such as pybind11's `new T()`, whose body is not
  // parsed (BodySkippingAction.h). Named as functionIdentity names it.
  std::string implicitDefault;
  if (!constructor && boundClass && boundClass->hasDefinition() &&
      initializer->getName() == "constructor" && initializer->getTemplateArgs().size() == 1 &&
      initializer->getTemplateArgs()[0].pack_size() == 0 &&
      boundClass->needsImplicitDefaultConstructor())
    implicitDefault = factTypeName(*boundClass) + "::" + boundClass->getName().str() + "()";
  std::optional<SourceLocation> location = factRange(
      call->getArg(0)->getSourceRange(), *result.SourceManager, result.Context->getLangOpts(), paths);
  if ((!constructor && implicitDefault.empty()) || !location)
    return;
  BoundMember member;
  member.cppType = boundClassOf(*pybindClass, *result.Context);
  member.pythonName = "__init__";
  member.kind = "constructor";
  member.cppFunction = constructor ? functionIdentity(*constructor, *result.SourceManager, paths)
                                   : implicitDefault;
  member.argumentNames = argumentNames(*call);
  member.location = *location;
  if (!member.cppType.empty() && std::find(out.begin(), out.end(), member) == out.end())
    out.push_back(std::move(member));
}

void BoundMemberCollector::run(const MatchFinder::MatchResult &result) {
  if (result.Nodes.getNodeAs<clang::CXXMemberCallExpr>("initCall"))
    return recordConstructor(result);
  const auto *pybindClass = result.Nodes.getNodeAs<clang::ClassTemplateSpecializationDecl>("class");
  const auto *method = result.Nodes.getNodeAs<clang::CXXMethodDecl>("method");
  const auto *name = result.Nodes.getNodeAs<clang::StringLiteral>("name");
  const auto *call = result.Nodes.getNodeAs<clang::CXXMemberCallExpr>("call");
  // pybind11's own `.def("__init__", ...)` behind py::init<>() is not the user's binding.
  if (!pybindClass || !method || !name || !call || !name->isOrdinary() ||
      isInBindingLibrary(call->getBeginLoc(), *result.SourceManager))
    return;
  const clang::Decl *bound = boundDeclaration(call->getArg(1));
  std::optional<SourceLocation> location =
      factRange(name->getSourceRange(), *result.SourceManager, result.Context->getLangOpts(), paths);
  if (!location)
    return;

  BoundMember member;
  member.cppType = boundClassOf(*pybindClass, *result.Context);
  member.pythonName = name->getString().str();
  member.kind = memberKind(method->getName());
  member.location = *location;
  if (method->getName() == "def_property" && call->getNumArgs() >= 3)
    if (const auto *setter =
            llvm::dyn_cast_or_null<clang::FunctionDecl>(boundDeclaration(call->getArg(2))))
      member.setterFunction = functionIdentity(*setter, *result.SourceManager, paths);
  if (const auto *field = llvm::dyn_cast_or_null<clang::FieldDecl>(bound)) {
    member.cppFunction = field->getQualifiedNameAsString();
    describeReturnedMember(*field, member);
  } else if (const auto *function = llvm::dyn_cast_or_null<clang::FunctionDecl>(bound)) {
    const clang::FunctionDecl *definition = function->getDefinition();
    member.cppFunction = functionIdentity(*function, *result.SourceManager, paths);
    if (const clang::FieldDecl *field = definition ? returnedMember(*definition) : nullptr)
      describeReturnedMember(*field, member);
  } else if (member.setterFunction.empty()) {
    return; // a write-only property (`nullptr` getter) still has its setter
  }
  if (member.cppType.empty())
    return;
  // Template instantiations can revisit the same call.
  if (std::find(out.begin(), out.end(), member) == out.end())
    out.push_back(std::move(member));
}

} // namespace capcycle
