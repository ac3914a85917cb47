// NativeRelease facts: where a class gives back the native resources its members hold.
#pragma once

#include "FactLocation.h"
#include "facts/Facts.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"

#include <vector>

namespace capcycle {

// Matches destructors and methods (including the call operators of lambdas passed to `.def`)
// written by the user and emits NativeRelease{class of the member, member, release call, the
// function, finalizer = it is a destructor, at the release or at the call reaching it} for
// every release the function reaches (FunctionBodyWalks.h: releasesReachedFrom). Constructors
// are skipped: a release there undoes a failed construction. C-API tp_dealloc functions are
// finalizers only the type object reveals; CPythonTypeCollector reports them through
// addNativeReleases. Which Python methods reach the same release is linked later
// (BindingLinks.h).
class NativeReleaseCollector : public clang::ast_matchers::MatchFinder::MatchCallback {
public:
  NativeReleaseCollector(TranslationUnitPaths paths, std::vector<NativeRelease> &out)
      : paths(std::move(paths)), out(out) {}

  void registerMatchers(clang::ast_matchers::MatchFinder &finder);
  void run(const clang::ast_matchers::MatchFinder::MatchResult &result) override;

private:
  TranslationUnitPaths paths;
  std::vector<NativeRelease> &out;
};

// The NativeRelease facts of one function.
void addNativeReleases(const clang::FunctionDecl &function, bool finalizer,
                       const clang::ast_matchers::MatchFinder::MatchResult &result,
                       const TranslationUnitPaths &paths, std::vector<NativeRelease> &out);

} // namespace capcycle
