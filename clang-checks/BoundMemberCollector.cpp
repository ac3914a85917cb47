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

void describeReturnedMember(const clang::FieldDecl &field, BoundMember &member) {
  member.returnedMember = field.getName().str();
  if (const clang::RecordDecl *type = recordOf(field.getType()))
    member.returnedMemberType = recordName(*type);
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
}

void BoundMemberCollector::run(const MatchFinder::MatchResult &result) {
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
