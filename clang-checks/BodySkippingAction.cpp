#include "BodySkippingAction.h"

#include "CodeNames.h"

#include "clang/AST/Decl.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/MultiplexConsumer.h"

namespace capcycle {

namespace {

class LibraryBodySkipper : public clang::MultiplexConsumer {
public:
  LibraryBodySkipper(std::vector<std::unique_ptr<clang::ASTConsumer>> consumers,
                     const clang::SourceManager &sources)
      : MultiplexConsumer(std::move(consumers)), sources(sources) {}

  bool shouldSkipFunctionBody(clang::Decl *decl) override {
    clang::SourceLocation at = sources.getExpansionLoc(decl->getLocation());
    return (sources.isInSystemHeader(at) || isInBindingLibrary(at, sources)) &&
           !forwardsToAConstructor(*decl);
  }

private:
  // std::make_unique's body is the project's constructor call (`new T(args...)`), which the
  // callable-store facts follow from a `py::init` factory: kept.
  static bool forwardsToAConstructor(const clang::Decl &decl) {
    const clang::FunctionDecl *function = decl.getAsFunction();
    return function && function->getDeclName().isIdentifier() &&
           function->getName() == "make_unique" && function->isInStdNamespace();
  }

  const clang::SourceManager &sources;
};

class BodySkippingAction : public clang::ASTFrontendAction {
public:
  BodySkippingAction(clang::ast_matchers::MatchFinder &finder, bool skip)
      : finder(finder), skip(skip) {}

  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance &compiler,
                                                        llvm::StringRef) override {
    if (!skip)
      return finder.newASTConsumer();
    compiler.getFrontendOpts().SkipFunctionBodies = true;
    std::vector<std::unique_ptr<clang::ASTConsumer>> consumers;
    consumers.push_back(finder.newASTConsumer());
    return std::make_unique<LibraryBodySkipper>(std::move(consumers),
                                                compiler.getSourceManager());
  }

private:
  clang::ast_matchers::MatchFinder &finder;
  bool skip;
};

class BodySkippingActionFactory : public clang::tooling::FrontendActionFactory {
public:
  BodySkippingActionFactory(clang::ast_matchers::MatchFinder &finder, bool skip)
      : finder(finder), skip(skip) {}
  std::unique_ptr<clang::FrontendAction> create() override {
    return std::make_unique<BodySkippingAction>(finder, skip);
  }

private:
  clang::ast_matchers::MatchFinder &finder;
  bool skip;
};

} // namespace

std::unique_ptr<clang::tooling::FrontendActionFactory>
bodySkippingActionFactory(clang::ast_matchers::MatchFinder &finder, bool skipLibraryBodies) {
  return std::make_unique<BodySkippingActionFactory>(finder, skipLibraryBodies);
}

} // namespace capcycle
