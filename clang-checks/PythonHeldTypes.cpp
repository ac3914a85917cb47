#include "PythonHeldTypes.h"

#include "CodeNames.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/Type.h"
#include "llvm/ADT/StringSet.h"

namespace capcycle {

namespace {
constexpr int MaxContainerDepth = 2;

// libstdc++ and libc++ put some containers in inline namespaces (std::__cxx11::list,
// std::__1::vector); facts use the name users write.
std::string standardName(const clang::RecordDecl &record) {
  std::string name = recordName(record);
  for (llvm::StringRef inlineNamespace : {"__cxx11::", "__1::"}) {
    size_t at = name.find(inlineNamespace.str());
    if (at != std::string::npos)
      name.erase(at, inlineNamespace.size());
  }
  return name;
}

bool isStandardWrapper(llvm::StringRef name) {
  static const llvm::StringSet<> wrappers = {
      "std::vector",        "std::list",      "std::deque",         "std::forward_list",
      "std::map",           "std::multimap",  "std::unordered_map", "std::unordered_multimap",
      "std::set",           "std::unordered_set", "std::optional",  "std::shared_ptr",
      "std::unique_ptr",    "std::array",     "std::pair"};
  return wrappers.contains(name);
}

bool isPyObjectStruct(const clang::RecordDecl &record) {
  return record.getName() == "_object";
}

} // namespace

// struct CallbackObject { PyObject_HEAD ... }: PyObject_HEAD declares `PyObject ob_base`,
// PyObject_VAR_HEAD `PyVarObject ob_base` (which starts with a PyObject), and a derived type
// starts with its base's struct (`BaseObject base;`).
bool isPythonObjectStruct(const clang::RecordDecl &record, int depth) {
  const clang::RecordDecl *definition = record.getDefinition();
  if (depth > 8 || !definition || definition->field_empty())
    return false;
  const clang::FieldDecl *first = *definition->field_begin();
  if (first->getType()->isPointerType())
    return false;
  const clang::RecordDecl *firstType = first->getType().getCanonicalType()->getAsRecordDecl();
  if (!firstType)
    return false;
  if (first->getName() == "ob_base" && isPyObjectStruct(*firstType))
    return true;
  return isPythonObjectStruct(*firstType, depth + 1);
}

namespace {
bool startsWithPyObjectHead(const clang::RecordDecl &record) {
  return isPythonObjectStruct(record, 0);
}

bool derivesFromPybindObject(const clang::CXXRecordDecl &record) {
  if (recordName(record) == "pybind11::object")
    return true;
  const clang::CXXRecordDecl *definition = record.getDefinition();
  if (!definition)
    return false;
  for (const clang::CXXBaseSpecifier &base : definition->bases())
    if (const clang::CXXRecordDecl *baseRecord = base.getType()->getAsCXXRecordDecl())
      if (derivesFromPybindObject(*baseRecord))
        return true;
  return false;
}

std::optional<HeldPythonType> classify(clang::QualType type, int depth);

std::optional<HeldPythonType> classifyPointer(clang::QualType pointee) {
  const clang::RecordDecl *record = pointee.getCanonicalType()->getAsRecordDecl();
  if (!record)
    return std::nullopt;
  if (isPyObjectStruct(*record))
    return HeldPythonType{"PyObject*", "", true};
  if (startsWithPyObjectHead(*record))
    return HeldPythonType{recordName(*record) + "*", "", true};
  return std::nullopt;
}

std::optional<HeldPythonType> classifyWrapperArguments(const clang::CXXRecordDecl &record,
                                                       std::string wrapper, int depth) {
  const auto *specialization = llvm::dyn_cast<clang::ClassTemplateSpecializationDecl>(&record);
  if (!specialization || depth >= MaxContainerDepth)
    return std::nullopt;
  for (const clang::TemplateArgument &argument : specialization->getTemplateArgs().asArray()) {
    if (argument.getKind() != clang::TemplateArgument::Type)
      continue;
    if (std::optional<HeldPythonType> held = classify(argument.getAsType(), depth + 1)) {
      held->container = std::move(wrapper); // the outermost wrapper names the member's shape
      return held;
    }
  }
  return std::nullopt;
}

std::optional<HeldPythonType> classify(clang::QualType type, int depth) {
  if (type.isNull())
    return std::nullopt;
  clang::QualType plain = type.getNonReferenceType().getCanonicalType().getUnqualifiedType();
  if (const auto *pointer = plain->getAs<clang::PointerType>())
    return classifyPointer(pointer->getPointeeType());
  const clang::CXXRecordDecl *record = plain->getAsCXXRecordDecl();
  if (!record)
    return std::nullopt;
  std::string name = standardName(*record);
  if (name == "pybind11::handle")
    return HeldPythonType{name, "", false};
  if (derivesFromPybindObject(*record))
    return HeldPythonType{name, "", true};
  if (name == "std::function")
    return HeldPythonType{name, "", false};
  if (isStandardWrapper(name))
    return classifyWrapperArguments(*record, name, depth);
  return std::nullopt;
}
} // namespace

std::optional<HeldPythonType> classifyHeldPythonType(clang::QualType type) {
  return classify(type, 0);
}

} // namespace capcycle
