#include "NativeReleaseCollector.h"

#include "CodeNames.h"
#include "FunctionBodyWalks.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/ASTMatchers/ASTMatchers.h"

namespace capcycle {

using namespace clang::ast_matchers;

void addNativeReleases(const clang::FunctionDecl &function, bool finalizer,
                       const MatchFinder::MatchResult &result, const TranslationUnitPaths &paths,
                       std::vector<NativeRelease> &out) {
  std::string releasedIn = functionIdentity(function, *result.SourceManager, paths);
  for (const ReleaseSite &release : releasesReachedFrom(function)) {
    std::optional<SourceLocation> location = factRange(
        release.at->getSourceRange(), *result.SourceManager, result.Context->getLangOpts(), paths);
    if (!location)
      continue;
    NativeRelease fact{factTypeName(*release.member->getParent()),
                       release.member->getName().str(),
                       release.releaseCall,
                       releasedIn,
                       finalizer,
                       {},
                       *location};
    if (std::find(out.begin(), out.end(), fact) == out.end())
      out.push_back(std::move(fact));
  }
}

void NativeReleaseCollector::registerMatchers(MatchFinder &finder) {
  finder.addMatcher(cxxMethodDecl(isDefinition(), unless(isExpansionInSystemHeader()),
                                  unless(cxxConstructorDecl()))
                        .bind("method"),
                    this);
}

void NativeReleaseCollector::run(const MatchFinder::MatchResult &result) {
  const auto *method = result.Nodes.getNodeAs<clang::CXXMethodDecl>("method");
  if (!method || !method->hasBody() || method->isDependentContext() ||
      isInBindingLibrary(method->getLocation(), *result.SourceManager))
    return;
  addNativeReleases(*method, llvm::isa<clang::CXXDestructorDecl>(method), result, paths, out);
}

} // namespace capcycle
