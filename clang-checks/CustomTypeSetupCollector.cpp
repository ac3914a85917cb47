#include "CustomTypeSetupCollector.h"

#include "CodeNames.h"
#include "FunctionBodyWalks.h"
#include "TypeSlots.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Basic/SourceManager.h"

namespace capcycle {

using namespace clang::ast_matchers;

namespace {
// The slot assignments of the setup function: `type->tp_traverse = ...` and friends.
void readSlotAssignments(const clang::Stmt *stmt, const clang::ASTContext &context,
                         TypeSlots &slots) {
  if (!stmt)
    return;
  if (const auto *assign = llvm::dyn_cast<clang::BinaryOperator>(stmt);
      assign && assign->isAssignmentOp()) {
    if (const auto *slot = llvm::dyn_cast<clang::MemberExpr>(assign->getLHS()->IgnoreParenImpCasts()))
      if (slot->getMemberDecl()->getDeclName().isIdentifier())
        slots.read(slot->getMemberDecl()->getName(), assign->getRHS(), context);
  }
  for (const clang::Stmt *child : stmt->children())
    readSlotAssignments(child, context, slots);
}

std::vector<std::string> namesOfMembersOf(const std::vector<const clang::FieldDecl *> &fields,
                                          const std::string &cppType,
                                          const clang::SourceManager &sources) {
  std::vector<std::string> names;
  // A member of an embedded object (`self.transcribed.callbacks_`) is named with its class:
  // "EventSignal::callbacks_" is visited whenever that signal lives inside this type.
  for (const clang::FieldDecl *field : fields) {
    if (isInBindingLibrary(field->getLocation(), sources))
      continue; // Py_VISIT(Py_TYPE(self)) names PyObject's own ob_type
    std::string owner = factTypeName(*field->getParent());
    names.push_back(owner == cppType ? field->getName().str()
                                     : owner + "::" + field->getName().str());
  }
  return names;
}
} // namespace

void CustomTypeSetupCollector::registerMatchers(MatchFinder &finder) {
  auto setupArgument = cxxConstructExpr(
      hasType(cxxRecordDecl(hasName("::pybind11::custom_type_setup"))));
  finder.addMatcher(
      traverse(clang::TK_AsIs,
               cxxConstructExpr(
                   hasType(classTemplateSpecializationDecl(hasName("::pybind11::class_")).bind("class")),
                   hasAnyArgument(hasDescendant(setupArgument.bind("setup"))))),
      this);
}

void CustomTypeSetupCollector::run(const MatchFinder::MatchResult &result) {
  const auto *pybindClass = result.Nodes.getNodeAs<clang::ClassTemplateSpecializationDecl>("class");
  const auto *setup = result.Nodes.getNodeAs<clang::CXXConstructExpr>("setup");
  const clang::LambdaExpr *setupFunction = firstNodeIn<clang::LambdaExpr>(setup);
  if (!pybindClass || !setupFunction)
    return;
  std::optional<SourceLocation> location =
      factRange(setup->getSourceRange(), *result.SourceManager, result.Context->getLangOpts(), paths);
  std::string cppType = boundClassOf(*pybindClass, *result.Context);
  if (!location || cppType.empty())
    return;

  TypeSlots slots;
  readSlotAssignments(setupFunction->getBody(), *result.Context, slots);
  GcSupport gc;
  gc.cppType = cppType;
  gc.mechanism = "custom_type_setup";
  gc.gcFlag = slots.gcFlag;
  gc.location = *location;
  if (slots.traverse) {
    gc.traverseFunction = functionIdentity(*slots.traverse, *result.SourceManager, paths);
    gc.visitedMembers =
        namesOfMembersOf(fieldsVisitedByTraverse(*slots.traverse), cppType, *result.SourceManager);
  }
  if (slots.clear) {
    gc.clearFunction = functionIdentity(*slots.clear, *result.SourceManager, paths);
    gc.clearedMembers =
        namesOfMembersOf(fieldsReferenced(*slots.clear), cppType, *result.SourceManager);
  }
  if (std::find(out.begin(), out.end(), gc) == out.end())
    out.push_back(std::move(gc));
}

} // namespace capcycle
