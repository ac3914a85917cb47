#include "BoundTypeCollector.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/QualTypeNames.h"
#include "clang/ASTMatchers/ASTMatchers.h"

namespace capcycle {

using namespace clang::ast_matchers;

namespace {
// PYBIND11_MODULE(mod, m) { ... } expands to a definition of `void pybind11_init_mod(module_ &m)`
// whose body is the user's block.
constexpr llvm::StringLiteral ModuleInitPrefix = "pybind11_init_";

// The arguments every py::class_ construction we record shares: the class_ specialization,
// a string-literal Python name as second argument (which also rules out the copy and move
// constructors), inside a module body.
auto pybindClassConstruction() {
  return allOf(
      hasType(classTemplateSpecializationDecl(hasName("::pybind11::class_")).bind("class")),
      hasArgument(1, ignoringParenImpCasts(stringLiteral().bind("pythonName"))),
      hasAncestor(functionDecl(isDefinition(), matchesName("::pybind11_init_[A-Za-z0-9_]+$"))
                      .bind("moduleInit")));
}

std::string qualifiedBoundType(const clang::ClassTemplateSpecializationDecl &pybindClass,
                               const clang::ASTContext &context) {
  const clang::TemplateArgumentList &arguments = pybindClass.getTemplateArgs();
  if (arguments.size() == 0 || arguments[0].getKind() != clang::TemplateArgument::Type)
    return {};
  // Canonical, so that `py::class_<Alias>` names the class an alias refers to.
  clang::QualType boundType = arguments[0].getAsType().getCanonicalType();
  return clang::TypeName::getFullyQualifiedName(boundType, context, context.getPrintingPolicy());
}
} // namespace

void BoundTypeCollector::registerMatchers(MatchFinder &finder) {
  finder.addMatcher(
      traverse(clang::TK_AsIs,
               cxxTemporaryObjectExpr(pybindClassConstruction()).bind("construction")),
      this);
  // `py::class_<T> cls(m, "T");`: the construct expression spans only `cls(m, "T")`, so the
  // declaration gives the range; `auto cls = py::class_<T>(...)` is a temporary, matched above.
  finder.addMatcher(
      traverse(clang::TK_AsIs,
               varDecl(hasInitializer(ignoringImplicit(cxxConstructExpr(
                           unless(cxxTemporaryObjectExpr()), pybindClassConstruction()))))
                   .bind("variable")),
      this);
}

void BoundTypeCollector::run(const MatchFinder::MatchResult &result) {
  const auto *pybindClass = result.Nodes.getNodeAs<clang::ClassTemplateSpecializationDecl>("class");
  const auto *pythonName = result.Nodes.getNodeAs<clang::StringLiteral>("pythonName");
  const auto *moduleInit = result.Nodes.getNodeAs<clang::FunctionDecl>("moduleInit");
  clang::SourceRange written;
  if (const auto *variable = result.Nodes.getNodeAs<clang::VarDecl>("variable"))
    written = variable->getSourceRange();
  else if (const auto *construction = result.Nodes.getNodeAs<clang::Expr>("construction"))
    written = construction->getSourceRange();
  if (!pybindClass || !pythonName || !moduleInit || written.isInvalid())
    return;
  if (!pythonName->isOrdinary() && !pythonName->isUTF8())
    return; // pybind11 takes `const char *`; a wide literal would not have compiled.

  std::string cppType = qualifiedBoundType(*pybindClass, *result.Context);
  std::optional<SourceLocation> location =
      factRange(written, *result.SourceManager, result.Context->getLangOpts(), paths);
  llvm::StringRef module = moduleInit->getName();
  if (cppType.empty() || !location || !module.consume_front(ModuleInitPrefix))
    return;
  BoundType bound{std::move(cppType), pythonName->getString().str(), module.str(), *location};
  // Template instantiations can revisit the same expression.
  if (std::find(out.begin(), out.end(), bound) == out.end())
    out.push_back(std::move(bound));
}

} // namespace capcycle
