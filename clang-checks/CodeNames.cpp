#include "CodeNames.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/QualTypeNames.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace capcycle {

std::string recordName(const clang::RecordDecl &record) {
  return record.getQualifiedNameAsString();
}

std::string factTypeName(const clang::RecordDecl &record) {
  if (!llvm::isa<clang::ClassTemplateSpecializationDecl>(record))
    return recordName(record);
  const clang::ASTContext &context = record.getASTContext();
  return clang::TypeName::getFullyQualifiedName(context.getRecordType(&record), context,
                                                context.getPrintingPolicy());
}

const clang::RecordDecl *recordOf(clang::QualType type) {
  if (type.isNull())
    return nullptr;
  clang::QualType plain = type.getNonReferenceType().getCanonicalType();
  if (const auto *pointer = plain->getAs<clang::PointerType>())
    plain = pointer->getPointeeType().getCanonicalType();
  return plain->getAsRecordDecl();
}

std::string functionIdentity(const clang::FunctionDecl &function,
                             const clang::SourceManager &sources,
                             const TranslationUnitPaths &paths) {
  const auto *method = llvm::dyn_cast<clang::CXXMethodDecl>(&function);
  if (method && method->getParent()->isLambda()) {
    std::optional<SourceLocation> at = factPoint(method->getParent()->getLocation(), sources, paths);
    if (!at)
      return "lambda";
    return "lambda at " + at->file + ":" + std::to_string(at->line) + ":" +
           std::to_string(at->column);
  }
  // Constructors share one name; `py::init<double, F>()` picks one by its parameters.
  if (llvm::isa<clang::CXXConstructorDecl>(function)) {
    std::string identity = function.getQualifiedNameAsString() + "(";
    for (const clang::ParmVarDecl *parameter : function.parameters())
      identity += (parameter->getFunctionScopeIndex() ? ", " : "") +
                  parameter->getType().getCanonicalType().getAsString(
                      function.getASTContext().getPrintingPolicy());
    return identity + ")";
  }
  return function.getQualifiedNameAsString();
}

std::string boundClassOf(const clang::ClassTemplateSpecializationDecl &pybindClass,
                         const clang::ASTContext &context) {
  const clang::TemplateArgumentList &arguments = pybindClass.getTemplateArgs();
  if (arguments.size() == 0 || arguments[0].getKind() != clang::TemplateArgument::Type)
    return {};
  // Canonical, so that `py::class_<Alias>` names the class an alias refers to.
  clang::QualType boundType = arguments[0].getAsType().getCanonicalType();
  return clang::TypeName::getFullyQualifiedName(boundType, context, context.getPrintingPolicy());
}

namespace {
bool hasPythonHeader(llvm::StringRef directory) {
  llvm::SmallString<256> python(directory);
  llvm::sys::path::append(python, "Python.h");
  return llvm::sys::fs::exists(python);
}

// Include/ and Include/cpython/ of a Python installation; pybind11/ and pybind11/detail/.
bool isBindingLibraryDirectory(llvm::StringRef directory) {
  llvm::StringRef parent = llvm::sys::path::parent_path(directory);
  if (llvm::sys::path::filename(directory) == "pybind11" ||
      llvm::sys::path::filename(parent) == "pybind11")
    return true;
  return hasPythonHeader(directory) || (!parent.empty() && hasPythonHeader(parent));
}
} // namespace

bool isInBindingLibrary(clang::SourceLocation location, const clang::SourceManager &sources) {
  clang::FileID file = sources.getFileID(sources.getFileLoc(location));
  if (file == sources.getMainFileID())
    return false;
  if (sources.isInSystemHeader(sources.getFileLoc(location)))
    return true;
  clang::OptionalFileEntryRef entry = sources.getFileEntryRefForID(file);
  if (!entry)
    return true; // built-in or command-line text
  // Asked for every field and function of every header: remember the answer per directory.
  // Absolute: a build's `-IInclude` names headers relative to the unit's directory, not to
  // capcycle's, and units of other directories share the cache.
  thread_local llvm::StringMap<bool> known;
  llvm::SmallString<256> path(entry->getName());
  sources.getFileManager().makeAbsolutePath(path);
  llvm::StringRef directory = llvm::sys::path::parent_path(path);
  auto [slot, inserted] = known.try_emplace(directory, false);
  if (inserted)
    slot->second = isBindingLibraryDirectory(directory);
  return slot->second;
}

} // namespace capcycle
