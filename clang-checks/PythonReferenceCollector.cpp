#include "PythonReferenceCollector.h"

#include "CodeNames.h"
#include "PythonHeldTypes.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "llvm/ADT/STLExtras.h"

namespace capcycle {

using namespace clang::ast_matchers;

void PythonReferenceCollector::registerMatchers(MatchFinder &finder) {
  finder.addMatcher(fieldDecl(unless(isExpansionInSystemHeader())).bind("member"), this);
  finder.addMatcher(
      initListExpr(hasInit(0, ignoringParenImpCasts(stringLiteral(hasSize(18)).bind("slotName"))))
          .bind("memberDef"),
      this);
}

void PythonReferenceCollector::run(const MatchFinder::MatchResult &result) {
  if (const auto *field = result.Nodes.getNodeAs<clang::FieldDecl>("member"))
    return recordMember(*field, result);
  const auto *slotName = result.Nodes.getNodeAs<clang::StringLiteral>("slotName");
  const auto *memberDef = result.Nodes.getNodeAs<clang::InitListExpr>("memberDef");
  if (!slotName || !memberDef || !slotName->isOrdinary() ||
      slotName->getString() != "__weaklistoffset__")
    return;
  for (const clang::Expr *entry : memberDef->inits())
    if (const auto *offset = entry ? llvm::dyn_cast<clang::OffsetOfExpr>(entry->IgnoreParenCasts()) : nullptr)
      recordWeakList(*offset);
}

void PythonReferenceCollector::recordWeakList(const clang::OffsetOfExpr &offset) {
  if (offset.getNumComponents() != 1 ||
      offset.getComponent(0).getKind() != clang::OffsetOfNode::Field)
    return;
  const clang::FieldDecl *field = offset.getComponent(0).getField();
  weakLists.emplace_back(factTypeName(*field->getParent()), field->getName().str());
}

void PythonReferenceCollector::onEndOfTranslationUnit() {
  for (PythonReference &reference : out)
    if (llvm::is_contained(weakLists, std::make_pair(reference.cppType, reference.member)))
      reference.owning = false;
  weakLists.clear();
}

void PythonReferenceCollector::recordMember(const clang::FieldDecl &fieldDecl,
                                            const MatchFinder::MatchResult &result) {
  const clang::FieldDecl *field = &fieldDecl;
  if (field->getName().empty())
    return;
  const clang::RecordDecl *owner = field->getParent();
  // A lambda's captures are fields too, but belong to no class a user binds; a template's
  // pattern has no concrete member types (its instantiations are matched instead).
  if (const auto *cxxOwner = llvm::dyn_cast<clang::CXXRecordDecl>(owner);
      cxxOwner && (cxxOwner->isLambda() || cxxOwner->isDependentContext()))
    return;
  if (isInBindingLibrary(field->getLocation(), *result.SourceManager))
    return;
  std::optional<HeldPythonType> held = classifyHeldPythonType(field->getType());
  if (!held)
    return;
  std::optional<SourceLocation> location =
      factRange(field->getSourceRange(), *result.SourceManager, result.Context->getLangOpts(), paths);
  if (!location)
    return;
  PythonReference reference{factTypeName(*owner), field->getName().str(), held->heldAs,
                            held->container,    held->owning,            false,
                            *location};
  if (std::find(out.begin(), out.end(), reference) == out.end())
    out.push_back(std::move(reference));
}

} // namespace capcycle
