#include "CPythonTypeCollector.h"

#include "CodeNames.h"
#include "FunctionBodyWalks.h"
#include "InstantiationGuards.h"
#include "NativeReleaseCollector.h"
#include "ObjectMemberWalks.h"
#include "PrivateInstances.h"
#include "PythonHeldTypes.h"
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

// Facts name a member of an embedded struct both by its path ("base.callback") and, as
// CustomTypeSetupCollector does, by its struct ("BaseObject::callback").
std::vector<std::string> namesAt(const std::vector<uint64_t> &offsets, const ObjectLayout &layout,
                                 const clang::RecordDecl &object) {
  std::vector<std::string> names;
  for (uint64_t offset : offsets) {
    const clang::FieldDecl *field = layout.fieldAt(offset);
    if (!field)
      continue;
    names.push_back(layout.nameAt(offset));
    if (field->getParent()->getCanonicalDecl() != object.getCanonicalDecl())
      names.push_back(factTypeName(*field->getParent()) + "::" + field->getName().str());
  }
  return names;
}

// The Python-holding members `function` (a method, setter or tp_init taking the object first)
// assigns something other than NULL or a singleton.
std::vector<std::string> membersStoredBy(const clang::FunctionDecl &function,
                                         const ObjectLayout &layout,
                                         const clang::ASTContext &context) {
  std::vector<std::string> names;
  for (uint64_t offset : objectMemberUse(function, 0, -1, context).assigned)
    if (const clang::FieldDecl *field = layout.fieldAt(offset);
        field && classifyHeldPythonType(field->getType()))
      names.push_back(layout.nameAt(offset));
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

llvm::ArrayRef<clang::Expr *> tableEntries(const clang::VarDecl *table) {
  const clang::InitListExpr *entries = arrayInitializer(table);
  return entries ? llvm::ArrayRef<clang::Expr *>(const_cast<clang::InitListExpr *>(entries)->inits())
                 : llvm::ArrayRef<clang::Expr *>();
}

// The name of a PyMethodDef / PyGetSetDef / PyMemberDef entry; generated code casts it
// (`{(char *)"recognized", ...}`).
const clang::StringLiteral *entryName(const clang::InitListExpr *fields) {
  const clang::Expr *name = fields && fields->getNumInits() ? fields->getInit(0) : nullptr;
  return name ? llvm::dyn_cast<clang::StringLiteral>(name->IgnoreParenCasts()) : nullptr;
}

// A heap type's weak reference list: `{"__weaklistoffset__", T_PYSSIZET, offsetof(T, member),
// READONLY}` in its PyMemberDef table.
const clang::FieldDecl *weakListMember(const clang::VarDecl *members) {
  for (const clang::Expr *entry : tableEntries(members)) {
    const clang::InitListExpr *fields = semanticInitializer(entry);
    const clang::StringLiteral *name = entryName(fields);
    if (!name || !name->isOrdinary() || name->getString() != "__weaklistoffset__" ||
        fields->getNumInits() < 3)
      continue;
    const auto *offset = llvm::dyn_cast<clang::OffsetOfExpr>(fields->getInit(2)->IgnoreParenCasts());
    if (offset && offset->getNumComponents() == 1 &&
        offset->getComponent(0).getKind() == clang::OffsetOfNode::Field)
      return offset->getComponent(0).getField();
  }
  return nullptr;
}

std::optional<int64_t> integerValue(const clang::Expr *value, const clang::ASTContext &context) {
  clang::Expr::EvalResult evaluated;
  if (!value || value->isValueDependent() || !value->EvaluateAsInt(evaluated, context))
    return std::nullopt;
  return evaluated.Val.getInt().getExtValue();
}

// A PyMemberDef entry `{"on_done", T_OBJECT_EX, offsetof(Job, on_done), flags, doc}` of an
// object member: only those can hold a callable or any other Python object.
struct ObjectMemberEntry {
  const clang::StringLiteral *name;
  const clang::FieldDecl *field;
  bool readOnly;
};

std::optional<ObjectMemberEntry> objectMemberEntry(const clang::Expr *entry,
                                                   const clang::ASTContext &context) {
  // structmember.h / descrobject.h: T_OBJECT = Py_T_OBJECT = 6, T_OBJECT_EX = Py_T_OBJECT_EX =
  // 16, READONLY = Py_READONLY = 1 (stable ABI values).
  constexpr int64_t ObjectMember = 6, ObjectMemberEx = 16, ReadOnly = 1;
  const clang::InitListExpr *fields = semanticInitializer(entry);
  if (!fields || fields->getNumInits() < 3 || !fields->getInit(0))
    return std::nullopt; // the {NULL} sentinel
  const clang::StringLiteral *name = entryName(fields);
  const auto *offset = llvm::dyn_cast<clang::OffsetOfExpr>(fields->getInit(2)->IgnoreParenCasts());
  std::optional<int64_t> type = integerValue(fields->getInit(1), context);
  if (!name || !offset || !type || (*type != ObjectMember && *type != ObjectMemberEx) ||
      offset->getNumComponents() != 1 ||
      offset->getComponent(0).getKind() != clang::OffsetOfNode::Field)
    return std::nullopt;
  std::optional<int64_t> flags = fields->getNumInits() >= 4
                                     ? integerValue(fields->getInit(3), context)
                                     : std::optional<int64_t>(0);
  if (!flags)
    return std::nullopt;
  return ObjectMemberEntry{name, offset->getComponent(0).getField(), (*flags & ReadOnly) != 0};
}
// A traverse without Py_TPFLAGS_HAVE_GC is dead code for the type's own instances; where tp_new
// refuses the type itself and the unit never allocates one directly, there are none: the
// traverse runs for the heap subclasses type_new makes (they always have the flag, and
// subtype_traverse calls the base's traverse).
bool onlySubclassesInstantiated(const TypeSlots &slots, const clang::VarDecl &variable,
                                clang::ASTContext &context) {
  const clang::FunctionDecl *tpNew = definitionOf(slots.newFunction);
  return !slots.gcFlag && slots.traverse && slots.subclassable && tpNew &&
         refusesSomeTypes(*tpNew) && !allocatedDirectly(variable, context);
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
  emitGcSupport(slots, variable, cppType, *location, result);
  emitTableMembers(slots.methods, "method", cppType, result);
  emitTableMembers(slots.getset, "getset", cppType, result);
  emitObjectMembers(slots.members, cppType, result);
  if (const clang::FunctionDecl *dealloc = definitionOf(slots.dealloc))
    addNativeReleases(*dealloc, /*finalizer=*/true, result, paths, out.nativeReleases);
}

void CPythonTypeCollector::emitGcSupport(const TypeSlots &slots, const clang::VarDecl &variable,
                                         const std::string &cppType,
                                         const SourceLocation &typeLocation,
                                         const MatchFinder::MatchResult &result) {
  const clang::ASTContext &context = *result.Context;
  ObjectLayout layout(*slots.object, context);
  GcSupport gc;
  gc.cppType = cppType;
  gc.mechanism = "tp_traverse";
  gc.gcFlag = slots.gcFlag;
  gc.subclassable = slots.subclassable;
  gc.location = typeLocation;
  if (slots.traverse) {
    gc.traverseFunction = functionIdentity(*slots.traverse, *result.SourceManager, paths);
    if (const clang::FunctionDecl *traverse = definitionOf(slots.traverse)) {
      ObjectMemberUse use = objectMemberUse(*traverse, 0, 1, context);
      gc.visitedMembers = namesAt(use.visited, layout, *slots.object);
      // Visited on another object's behalf: "lru_list_elem::key".
      for (const clang::FieldDecl *field : use.visitedThrough)
        if (field->getParent() != slots.object && isPythonObjectStruct(*field->getParent()))
          gc.visitedMembers.push_back(factTypeName(*field->getParent()) + "::" +
                                      field->getName().str());
    }
    if (std::optional<SourceLocation> at =
            factRange(slots.traverseAt->getSourceRange(), *result.SourceManager,
                      result.Context->getLangOpts(), paths))
      gc.location = *at;
  }
  if (slots.clear) {
    gc.clearFunction = functionIdentity(*slots.clear, *result.SourceManager, paths);
    if (const clang::FunctionDecl *clear = definitionOf(slots.clear))
      gc.clearedMembers =
          namesAt(objectMemberUse(*clear, 0, -1, context).named, layout, *slots.object);
  }
  if (const clang::FieldDecl *weakList = slots.weakList ? slots.weakList : weakListMember(slots.members))
    gc.weakListMember = layout.nameAt(context.getFieldOffset(weakList));
  gc.storesAfterCreation = storesAfterCreation(slots, layout, result);
  gc.onlySubclassesInstantiated = onlySubclassesInstantiated(slots, variable, *result.Context);
  // Python cannot make one (no tp_new) and the unit never hands one over.
  gc.instancesStayInC =
      !slots.newFunction && instancesStayInC(variable, slots.dealloc, *result.Context);
  if (std::find(out.gcSupport.begin(), out.gcSupport.end(), gc) == out.gcSupport.end())
    out.gcSupport.push_back(std::move(gc));
}

// What Python can do to a live instance that puts new objects into it: assign a writable object
// member, call a setter, call __init__ again, call a method that stores into a member.
std::vector<LaterStore>
CPythonTypeCollector::storesAfterCreation(const TypeSlots &slots, const ObjectLayout &layout,
                                          const MatchFinder::MatchResult &result) const {
  std::vector<LaterStore> stores;
  // A setter is a store whether or not the scan sees which member it writes.
  auto storing = [&](const clang::FunctionDecl *function, const std::string &via, bool always) {
    std::vector<std::string> members;
    if (const clang::FunctionDecl *definition = definitionOf(function))
      members = membersStoredBy(*definition, layout, *result.Context);
    for (const std::string &member : members)
      stores.push_back({via, member});
    if (members.empty() && always)
      stores.push_back({via, ""});
  };
  storing(slots.init, "tp_init '" + (slots.init ? slots.init->getName().str() : "") + "'", false);
  for (const clang::Expr *entry : tableEntries(slots.methods))
    if (const clang::InitListExpr *fields = semanticInitializer(entry);
        fields && fields->getNumInits() >= 2)
      if (const auto *name = entryName(fields))
        storing(tableFunction(fields->getInit(1)), "method '" + name->getString().str() + "'",
                false);
  for (const clang::Expr *entry : tableEntries(slots.getset))
    if (const clang::InitListExpr *fields = semanticInitializer(entry);
        fields && fields->getNumInits() >= 3 && tableFunction(fields->getInit(2)))
      if (const auto *name = entryName(fields))
        storing(tableFunction(fields->getInit(2)), "setter '" + name->getString().str() + "'",
                true);
  for (const clang::Expr *entry : tableEntries(slots.members))
    if (std::optional<ObjectMemberEntry> member = objectMemberEntry(entry, *result.Context);
        member && !member->readOnly)
      stores.push_back({"writable member '" + member->name->getString().str() + "'",
                        layout.nameAt(result.Context->getFieldOffset(member->field))});
  return stores;
}

// PyMemberDef entries of object members: Python reads the member, and assigns it unless
// READONLY.
void CPythonTypeCollector::emitObjectMembers(const clang::VarDecl *table, const std::string &cppType,
                                             const MatchFinder::MatchResult &result) {
  for (const clang::Expr *entry : tableEntries(table)) {
    std::optional<ObjectMemberEntry> member = objectMemberEntry(entry, *result.Context);
    std::optional<SourceLocation> location =
        member ? factRange(member->name->getSourceRange(), *result.SourceManager,
                           result.Context->getLangOpts(), paths)
               : std::nullopt;
    if (!location)
      continue;
    out.boundMembers.push_back({cppType, member->name->getString().str(),
                                member->readOnly ? "readonly" : "readwrite",
                                member->field->getQualifiedNameAsString(),
                                member->field->getName().str(), "", *location});
  }
}

void CPythonTypeCollector::emitTableMembers(const clang::VarDecl *table, llvm::StringRef kind,
                                            const std::string &cppType,
                                            const MatchFinder::MatchResult &result) {
  for (const clang::Expr *entry : tableEntries(table)) {
    const clang::InitListExpr *fields = semanticInitializer(entry);
    if (!fields || fields->getNumInits() < 2 || !fields->getInit(0))
      continue; // the {NULL} sentinel
    const clang::StringLiteral *name = entryName(fields);
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
    if (const clang::FunctionDecl *definition = definitionOf(setter))
      addNativeReleases(*definition, /*finalizer=*/false, result, paths, out.nativeReleases);
  }
}

} // namespace capcycle
