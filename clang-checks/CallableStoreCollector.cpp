#include "CallableStoreCollector.h"

#include "CodeNames.h"
#include "FunctionBodyWalks.h"
#include "PythonHeldTypes.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/ASTMatchers/ASTMatchers.h"

namespace capcycle {

using namespace clang::ast_matchers;

void CallableStoreCollector::registerMatchers(MatchFinder &finder) {
  finder.addMatcher(functionDecl(isDefinition(), unless(isExpansionInSystemHeader()),
                                 hasAnyParameter(parmVarDecl()))
                        .bind("function"),
                    this);
}

void CallableStoreCollector::run(const MatchFinder::MatchResult &result) {
  const auto *function = result.Nodes.getNodeAs<clang::FunctionDecl>("function");
  if (!function || !function->hasBody() || function->isDependentContext() ||
      isInBindingLibrary(function->getLocation(), *result.SourceManager))
    return;
  for (const clang::ParmVarDecl *parameter : function->parameters()) {
    if (!classifyHeldPythonType(parameter->getType()))
      continue;
    for (const StoreSite &store : storesOfParameter(*function, *parameter)) {
      std::optional<SourceLocation> location = factRange(
          store.at->getSourceRange(), *result.SourceManager, result.Context->getLangOpts(), paths);
      if (!location)
        continue;
      CallableStore fact{factTypeName(*store.member->getParent()), store.member->getName().str(),
                         functionIdentity(*function, *result.SourceManager, paths),
                         {}, *location, int(parameter->getFunctionScopeIndex())};
      if (std::find(out.begin(), out.end(), fact) == out.end())
        out.push_back(std::move(fact));
    }
  }
}

} // namespace capcycle
