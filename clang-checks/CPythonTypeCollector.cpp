#include "CPythonTypeCollector.h"

#include "CodeNames.h"
#include "FunctionBodyWalks.h"
#include "NativeReleaseCollector.h"
#include "TypeSlots.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Basic/SourceManager.h"

namespace capcycle {

using namespace clang::ast_matchers;

namespace {
// The initializer with every element in place (brace elision and designators resolved).
const clang::InitListExpr *semanticInitializer(const clang::Expr *init) {
  const auto *list = init ? llvm::dyn_cast<clang::InitListExpr>(init->IgnoreImplicit()) : nullptr;
  if (list && !list->isSemanticForm())
    list = list->getSemanticForm();
  return list;
}

// `struct _typeobject` is PyTypeObject; PyType_Spec is a typedef of an unnamed struct.
enum class TypeObjectKind { None, StaticType, Spec };

TypeObjectKind kindOf(const clang::VarDecl &variable) {
  const clang::RecordDecl *record = variable.getType().getCanonicalType()->getAsRecordDecl();
  if (!record)
    return TypeObjectKind::None;
  if (record->getName() == "_typeobject")
    return TypeObjectKind::StaticType;
  const clang::TypedefNameDecl *alias = record->getTypedefNameForAnonDecl();
  if (alias && alias->getName() == "PyType_Spec")
    return TypeObjectKind::Spec;
  return TypeObjectKind::None;
}

void readFields(const clang::RecordDecl &record, const clang::InitListExpr &init,
                const clang::ASTContext &context, TypeSlots &slots) {
  unsigned index = 0;
  for (const clang::FieldDecl *field : record.fields()) {
    if (index >= init.getNumInits())
      break;
    slots.read(field->getName(), init.getInit(index++), context);
  }
}

const clang::InitListExpr *arrayInitializer(const clang::VarDecl *array) {
  const clang::VarDecl *definition = array ? array->getDefinition() : nullptr;
  return definition ? semanticInitializer(definition->getInit()) : nullptr;
}

void readSlotArray(const clang::VarDecl *array, const clang::ASTContext &context,
                   TypeSlots &slots) {
  const clang::InitListExpr *entries = arrayInitializer(array);
  if (!entries)
    return;
  for (const clang::Expr *entry : entries->inits()) {
    const clang::InitListExpr *pair = semanticInitializer(entry);
    clang::Expr::EvalResult slot;
    const clang::Expr *slotId = pair && pair->getNumInits() >= 2 ? pair->getInit(0) : nullptr;
    if (!slotId || slotId->isValueDependent() || !slotId->EvaluateAsInt(slot, context))
      continue;
    slots.readSlotId(slot.Val.getInt().getSExtValue(), pair->getInit(1), context);
  }
}

TypeSlots readTypeSlots(const clang::VarDecl &variable, TypeObjectKind kind,
                        const clang::ASTContext &context) {
  TypeSlots slots;
  const clang::InitListExpr *init = semanticInitializer(variable.getInit());
  const clang::RecordDecl *record = variable.getType().getCanonicalType()->getAsRecordDecl();
  if (!init || !record)
    return slots;
  readFields(*record, *init, context, slots);
  if (kind == TypeObjectKind::Spec) {
    unsigned index = 0;
    for (const clang::FieldDecl *field : record->fields()) {
      if (field->getName() == "slots" && index < init->getNumInits() && init->getInit(index)) {
        const auto *ref =
            llvm::dyn_cast<clang::DeclRefExpr>(init->getInit(index)->IgnoreParenCasts());
        readSlotArray(ref ? llvm::dyn_cast<clang::VarDecl>(ref->getDecl()) : nullptr, context,
                      slots);
      }
      ++index;
    }
  }
  return slots;
}

std::vector<std::string> namesOfMembersOf(const std::vector<const clang::FieldDecl *> &fields,
                                          const clang::RecordDecl &object,
                                          const clang::SourceManager &sources) {
  std::vector<std::string> names;
  // Members of embedded structs are named with their struct, as in CustomTypeSetupCollector.
  for (const clang::FieldDecl *field : fields)
    if (!isInBindingLibrary(field->getLocation(), sources)) // e.g. ob_type of Py_TYPE(self)
      names.push_back(field->getParent()->getCanonicalDecl() == object.getCanonicalDecl()
                        ? field->getName().str()
                        : factTypeName(*field->getParent()) + "::" + field->getName().str());
  return names;
}

const clang::FunctionDecl *definitionOf(const clang::FunctionDecl *function) {
  const clang::FunctionDecl *definition = function ? function->getDefinition() : nullptr;
  return definition && definition->hasBody() ? definition : nullptr;
}

const clang::FunctionDecl *tableFunction(const clang::Expr *value) {
  const auto *ref = value ? llvm::dyn_cast<clang::DeclRefExpr>(value->IgnoreParenCasts()) : nullptr;
  return ref ? llvm::dyn_cast<clang::FunctionDecl>(ref->getDecl()) : nullptr;
}
} // namespace

void CPythonTypeCollector::registerMatchers(MatchFinder &finder) {
  finder.addMatcher(
      varDecl(hasInitializer(ignoringImplicit(initListExpr())), unless(isExpansionInSystemHeader()))
          .bind("type"),
      this);
}

void CPythonTypeCollector::run(const MatchFinder::MatchResult &result) {
  const auto *variable = result.Nodes.getNodeAs<clang::VarDecl>("type");
  if (!variable)
    return;
  TypeObjectKind kind = kindOf(*variable);
  if (kind == TypeObjectKind::None || isInBindingLibrary(variable->getLocation(), *result.SourceManager))
    return;
  TypeSlots slots = readTypeSlots(*variable, kind, *result.Context);
  if (slots.object && !slots.name.empty())
    emitType(slots, *variable, result);
}

void CPythonTypeCollector::emitType(const TypeSlots &slots, const clang::VarDecl &variable,
                                    const MatchFinder::MatchResult &result) {
  std::optional<SourceLocation> location = factRange(
      variable.getSourceRange(), *result.SourceManager, result.Context->getLangOpts(), paths);
  if (!location)
    return;
  std::string cppType = factTypeName(*slots.object);
  llvm::StringRef module, pythonName = slots.name;
  if (size_t dot = pythonName.rfind('.'); dot != llvm::StringRef::npos) {
    module = pythonName.take_front(dot);
    pythonName = pythonName.drop_front(dot + 1);
  }
  out.boundTypes.push_back({cppType, pythonName.str(), module.str(), *location});
  emitGcSupport(slots, cppType, *location, result);
  emitTableMembers(slots.methods, "method", cppType, result);
  emitTableMembers(slots.getset, "getset", cppType, result);
  emitObjectMembers(slots.members, cppType, result);
  if (const clang::FunctionDecl *dealloc = definitionOf(slots.dealloc))
    addNativeReleases(*dealloc, /*finalizer=*/true, result, paths, out.nativeReleases);
}

void CPythonTypeCollector::emitGcSupport(const TypeSlots &slots, const std::string &cppType,
                                         const SourceLocation &typeLocation,
                                         const MatchFinder::MatchResult &result) {
  GcSupport gc;
  gc.cppType = cppType;
  gc.mechanism = "tp_traverse";
  gc.gcFlag = slots.gcFlag;
  gc.location = typeLocation;
  if (slots.traverse) {
    gc.traverseFunction = functionIdentity(*slots.traverse, *result.SourceManager, paths);
    if (const clang::FunctionDecl *traverse = definitionOf(slots.traverse))
      gc.visitedMembers =
          namesOfMembersOf(fieldsVisitedByTraverse(*traverse), *slots.object, *result.SourceManager);
    if (std::optional<SourceLocation> at =
            factRange(slots.traverseAt->getSourceRange(), *result.SourceManager,
                      result.Context->getLangOpts(), paths))
      gc.location = *at;
  }
  if (slots.clear) {
    gc.clearFunction = functionIdentity(*slots.clear, *result.SourceManager, paths);
    if (const clang::FunctionDecl *clear = definitionOf(slots.clear))
      gc.clearedMembers =
          namesOfMembersOf(fieldsReferenced(*clear), *slots.object, *result.SourceManager);
  }
  if (std::find(out.gcSupport.begin(), out.gcSupport.end(), gc) == out.gcSupport.end())
    out.gcSupport.push_back(std::move(gc));
}

// PyMemberDef `{"on_done", T_OBJECT_EX, offsetof(Job, on_done), 0, doc}`: Python reads the
// member, and assigns it unless READONLY. Only object members can hold a callable.
void CPythonTypeCollector::emitObjectMembers(const clang::VarDecl *table, const std::string &cppType,
                                             const MatchFinder::MatchResult &result) {
  // structmember.h / descrobject.h: T_OBJECT = Py_T_OBJECT = 6, T_OBJECT_EX = Py_T_OBJECT_EX =
  // 16, READONLY = Py_READONLY = 1 (stable ABI values).
  constexpr int64_t ObjectMember = 6, ObjectMemberEx = 16, ReadOnly = 1;
  const clang::InitListExpr *entries = arrayInitializer(table);
  if (!entries)
    return;
  auto integer = [&](const clang::Expr *value) -> std::optional<int64_t> {
    clang::Expr::EvalResult evaluated;
    if (!value || value->isValueDependent() || !value->EvaluateAsInt(evaluated, *result.Context))
      return std::nullopt;
    return evaluated.Val.getInt().getExtValue();
  };
  for (const clang::Expr *entry : entries->inits()) {
    const clang::InitListExpr *fields = semanticInitializer(entry);
    if (!fields || fields->getNumInits() < 3 || !fields->getInit(0))
      continue; // the {NULL} sentinel
    const auto *name = llvm::dyn_cast<clang::StringLiteral>(fields->getInit(0)->IgnoreParenImpCasts());
    const auto *offset = llvm::dyn_cast<clang::OffsetOfExpr>(fields->getInit(2)->IgnoreParenCasts());
    std::optional<int64_t> type = integer(fields->getInit(1));
    if (!name || !offset || !type || (*type != ObjectMember && *type != ObjectMemberEx) ||
        offset->getNumComponents() != 1 ||
        offset->getComponent(0).getKind() != clang::OffsetOfNode::Field)
      continue;
    std::optional<int64_t> flags =
        fields->getNumInits() >= 4 ? integer(fields->getInit(3)) : std::optional<int64_t>(0);
    std::optional<SourceLocation> location = factRange(
        name->getSourceRange(), *result.SourceManager, result.Context->getLangOpts(), paths);
    if (!flags || !location)
      continue;
    const clang::FieldDecl *field = offset->getComponent(0).getField();
    bool readOnly = (*flags & ReadOnly) != 0;
    out.boundMembers.push_back({cppType, name->getString().str(),
                                readOnly ? "readonly" : "readwrite",
                                field->getQualifiedNameAsString(), field->getName().str(), "",
                                *location});
  }
}

void CPythonTypeCollector::emitTableMembers(const clang::VarDecl *table, llvm::StringRef kind,
                                            const std::string &cppType,
                                            const MatchFinder::MatchResult &result) {
  const clang::InitListExpr *entries = arrayInitializer(table);
  if (!entries)
    return;
  for (const clang::Expr *entry : entries->inits()) {
    const clang::InitListExpr *fields = semanticInitializer(entry);
    if (!fields || fields->getNumInits() < 2 || !fields->getInit(0))
      continue; // the {NULL} sentinel
    const auto *name = llvm::dyn_cast<clang::StringLiteral>(fields->getInit(0)->IgnoreParenImpCasts());
    const clang::FunctionDecl *function = tableFunction(fields->getInit(1));
    // A PyGetSetDef's setter: `obj.name = value` calls it.
    const clang::FunctionDecl *setter = kind == "getset" && fields->getNumInits() >= 3
                                            ? tableFunction(fields->getInit(2))
                                            : nullptr;
    if (!name || (!function && !setter))
      continue;
    std::optional<SourceLocation> location = factRange(
        name->getSourceRange(), *result.SourceManager, result.Context->getLangOpts(), paths);
    if (!location)
      continue;
    BoundMember member{cppType, name->getString().str(), kind.str(),
                       function ? functionIdentity(*function, *result.SourceManager, paths) : "",
                       "", "", *location};
    if (setter)
      member.setterFunction = functionIdentity(*setter, *result.SourceManager, paths);
    out.boundMembers.push_back(std::move(member));
    if (const clang::FunctionDecl *method = definitionOf(function); method && kind == "method")
      addNativeReleases(*method, /*finalizer=*/false, result, paths, out.nativeReleases);
  }
}

} // namespace capcycle
