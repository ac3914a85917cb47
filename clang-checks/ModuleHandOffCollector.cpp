#include "ModuleHandOffCollector.h"

#include "CodeNames.h"
#include "ModuleScopes.h"

#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchers.h"

#include <algorithm>

namespace capcycle {

using namespace clang::ast_matchers;

namespace {
auto pybindModuleType() {
  return qualType(hasUnqualifiedDesugaredType(
      recordType(hasDeclaration(cxxRecordDecl(hasName("::pybind11::module_"))))));
}

bool isPybindFunction(const clang::FunctionDecl &function) {
  llvm::StringRef name = function.getName();
  return function.getQualifiedNameAsString().rfind("pybind11::", 0) == 0 ||
         moduleDefinedBy(name).has_value();
}
} // namespace

void ModuleHandOffCollector::registerMatchers(MatchFinder &finder) {
  finder.addMatcher(
      traverse(clang::TK_AsIs,
               callExpr(callee(functionDecl().bind("callee")),
                        hasAnyArgument(ignoringImplicit(expr(hasType(pybindModuleType())))),
                        forFunction(functionDecl(isDefinition())))
                   .bind("call")),
      this);
}

void ModuleHandOffCollector::run(const MatchFinder::MatchResult &result) {
  const auto *call = result.Nodes.getNodeAs<clang::CallExpr>("call");
  const auto *callee = result.Nodes.getNodeAs<clang::FunctionDecl>("callee");
  const clang::SourceManager &sources = *result.SourceManager;
  if (!call || !callee || isPybindFunction(*callee) ||
      isInBindingLibrary(call->getBeginLoc(), sources))
    return;
  std::optional<SourceLocation> location =
      factRange(call->getSourceRange(), sources, result.Context->getLangOpts(), paths);
  if (!location)
    return;
  std::string calleeName = functionIdentity(*callee, sources, paths);
  for (const clang::Expr *argument : call->arguments()) {
    std::optional<ModuleScope> scope = moduleScopeOf(*argument, sources, paths);
    if (!scope)
      continue;
    ModuleHandOff handOff{scope->function, calleeName, scope->submodule, *location};
    // Template instantiations can revisit the same call.
    if (std::find(out.begin(), out.end(), handOff) == out.end())
      out.push_back(std::move(handOff));
  }
}

} // namespace capcycle
