#include "BoundTypeCollector.h"

#include "CodeNames.h"
#include "ModuleScopes.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/ASTMatchers/ASTMatchers.h"

namespace capcycle {

using namespace clang::ast_matchers;

namespace {
// The arguments every py::class_ construction we record shares: the class_ specialization and
// a string-literal Python name as second argument (which also rules out the copy and move
// constructors), in the body of a function.
auto pybindClassConstruction() {
  return allOf(
      hasType(classTemplateSpecializationDecl(hasName("::pybind11::class_")).bind("class")),
      hasArgument(1, ignoringParenImpCasts(stringLiteral().bind("pythonName"))),
      forFunction(functionDecl(isDefinition()).bind("function")));
}

// Where the class is bound: the module its scope argument names, else (a nested class whose
// scope is another py::class_) the module of the function it is written in.
ModuleScope scopeOf(const clang::CXXConstructExpr &construction, const clang::FunctionDecl &function,
                    const clang::SourceManager &sources, const TranslationUnitPaths &paths) {
  if (std::optional<ModuleScope> scope = moduleScopeOf(*construction.getArg(0), sources, paths))
    return *scope;
  return ModuleScope{functionIdentity(function, sources, paths), ""};
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
               varDecl(hasInitializer(ignoringImplicit(
                           cxxConstructExpr(unless(cxxTemporaryObjectExpr()),
                                            pybindClassConstruction())
                               .bind("construction"))))
                   .bind("variable")),
      this);
}

void BoundTypeCollector::run(const MatchFinder::MatchResult &result) {
  const auto *pybindClass = result.Nodes.getNodeAs<clang::ClassTemplateSpecializationDecl>("class");
  const auto *pythonName = result.Nodes.getNodeAs<clang::StringLiteral>("pythonName");
  const auto *function = result.Nodes.getNodeAs<clang::FunctionDecl>("function");
  const auto *construction = result.Nodes.getNodeAs<clang::CXXConstructExpr>("construction");
  if (!pybindClass || !pythonName || !function || !construction || construction->getNumArgs() < 2)
    return;
  clang::SourceRange written = construction->getSourceRange();
  if (const auto *variable = result.Nodes.getNodeAs<clang::VarDecl>("variable"))
    written = variable->getSourceRange();
  // pybind11's own bind_vector/bind_map/enum_ construct class_ too; they are not the user's.
  if (isInBindingLibrary(written.getBegin(), *result.SourceManager))
    return;
  if (!pythonName->isOrdinary() && !pythonName->isUTF8())
    return; // pybind11 takes `const char *`; a wide literal would not have compiled.

  std::string cppType = boundClassOf(*pybindClass, *result.Context);
  std::optional<SourceLocation> location =
      factRange(written, *result.SourceManager, result.Context->getLangOpts(), paths);
  if (cppType.empty() || !location)
    return;
  ModuleScope scope = scopeOf(*construction, *function, *result.SourceManager, paths);
  BoundType bound{std::move(cppType), pythonName->getString().str(), {}, *location, {}, {}};
  if (std::optional<std::string> module = moduleDefinedBy(scope.function)) {
    bound.module = submoduleName(*module, scope.submodule);
  } else {
    bound.bindingFunction = std::move(scope.function);
    bound.submodule = std::move(scope.submodule);
  }
  // Template instantiations can revisit the same expression.
  if (std::find(out.begin(), out.end(), bound) == out.end())
    out.push_back(std::move(bound));
}

} // namespace capcycle
