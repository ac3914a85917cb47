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
  std::optional<SourceLocation> location =
      factRange(field->getSourceRange(), *result.SourceManager, result.Context->getLangOpts(), paths);
  if (!location)
    return;
  std::string ownerName = factTypeName(*owner);
  if (std::optional<HeldPythonType> held = classifyHeldPythonType(field->getType()))
    add({ownerName, field->getName().str(), held->heldAs, held->container, held->owning, false,
         *location});
  // A C-API object struct that embeds another struct by value (its base type's struct, or a
  // block of state) owns the embedded references itself: its traverse must visit them.
  const clang::RecordDecl *embedded = field->getType().getCanonicalType()->getAsRecordDecl();
  if (embedded && !field->getType()->isPointerType() && isPythonObjectStruct(*owner))
    addEmbedded(*embedded, ownerName, field->getName().str() + ".", *location, result, 0);
}

void PythonReferenceCollector::addEmbedded(const clang::RecordDecl &record, const std::string &owner,
                                           const std::string &prefix, const SourceLocation &at,
                                           const MatchFinder::MatchResult &result, int depth) {
  const clang::RecordDecl *definition = record.getDefinition();
  if (!definition || depth > 4)
    return;
  for (const clang::FieldDecl *field : definition->fields()) {
    if (isInBindingLibrary(field->getLocation(), *result.SourceManager))
      continue; // ob_base
    std::string name = prefix + field->getName().str();
    if (std::optional<HeldPythonType> held = classifyHeldPythonType(field->getType()))
      add({owner, name, held->heldAs, held->container, held->owning, false, at});
    else if (const clang::RecordDecl *inner = field->getType().getCanonicalType()->getAsRecordDecl();
             inner && !field->getType()->isPointerType())
      addEmbedded(*inner, owner, name + ".", at, result, depth + 1);
  }
}

void PythonReferenceCollector::add(PythonReference reference) {
  if (std::find(out.begin(), out.end(), reference) == out.end())
    out.push_back(std::move(reference));
}

} // namespace capcycle
