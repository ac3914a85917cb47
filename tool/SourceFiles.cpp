#include "SourceFiles.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>

namespace capcycle {

namespace {

bool isExcludedDirectory(llvm::StringRef name) {
  static const llvm::StringSet<> excluded = {
      ".bzr",        ".direnv",      ".eggs",   ".git",   ".hg",        ".mypy_cache",
      ".nox",        ".pytype",      ".ruff_cache", ".svn", ".tox",     ".venv",
      "__pycache__", "__pypackages__", "_build", "buck-out", "dist",    "node_modules",
      "site-packages", "venv"};
  return excluded.contains(name);
}

bool isPython(llvm::StringRef path) { return llvm::sys::path::extension(path) == ".py"; }

bool isHeader(llvm::StringRef path) {
  llvm::StringRef ext = llvm::sys::path::extension(path);
  return ext == ".h" || ext == ".hh" || ext == ".hpp" || ext == ".hxx" ||
         ext == ".h++" || ext == ".H" || ext == ".inl";
}

// Paths as the user would write them: "dir/sub/file.py", not "./dir/sub/file.py".
std::string cleanPath(llvm::StringRef path) {
  llvm::SmallString<256> clean(path);
  llvm::sys::path::remove_dots(clean, /*remove_dot_dot=*/false);
  return clean.empty() ? "." : std::string(clean);
}

void collectDirectory(llvm::StringRef root, std::vector<std::string> &python) {
  std::error_code ec;
  for (llvm::sys::fs::recursive_directory_iterator it(root, ec), end; it != end && !ec;
       it.increment(ec)) {
    llvm::StringRef path = it->path();
    llvm::sys::fs::file_type type = it->type();
    if (type == llvm::sys::fs::file_type::directory_file) {
      if (isExcludedDirectory(llvm::sys::path::filename(path)))
        it.no_push();
    } else if (isPython(path)) {
      python.push_back(cleanPath(path));
    }
  }
}

} // namespace

bool isCppSource(llvm::StringRef path) {
  llvm::StringRef ext = llvm::sys::path::extension(path);
  // C extension modules are compiled as C (clang-checks/BindingFacts.cpp).
  return ext == ".cpp" || ext == ".cc" || ext == ".cxx" || ext == ".c++" || ext == ".C" ||
         ext == ".c";
}

std::string absoluteNormalized(llvm::StringRef path) {
  llvm::SmallString<256> result(path);
  llvm::sys::fs::make_absolute(result);
  llvm::sys::path::remove_dots(result, /*remove_dot_dot=*/true);
  return std::string(result);
}

bool isWithin(llvm::StringRef path, llvm::StringRef directory) {
  if (!path.consume_front(directory))
    return false;
  return path.empty() || path.starts_with("/") || directory.ends_with("/");
}

llvm::Expected<SourceFiles> collectSourceFiles(const std::vector<std::string> &paths) {
  SourceFiles files;
  for (const std::string &path : paths) {
    llvm::sys::fs::file_status status;
    if (std::error_code ec = llvm::sys::fs::status(path, status))
      return llvm::createStringError(ec, "cannot scan '%s': %s", path.c_str(),
                                     ec.message().c_str());
    if (llvm::sys::fs::is_directory(status)) {
      std::vector<std::string> found;
      collectDirectory(path, found);
      llvm::sort(found); // directory order differs between file systems; reports must not
      llvm::append_range(files.python, found);
    } else if (isCppSource(path)) {
      files.cpp.push_back(cleanPath(path));
    } else if (isHeader(path)) {
      // pre-commit's `types_or: [c++, c]` passes headers: they are analysed through the units
      // that include them. Read as Python, each would be a syntax-error warning.
    } else {
      // A file named explicitly is Python unless it is C++: pre-commit and editors pass
      // exactly the files they want checked.
      files.python.push_back(cleanPath(path));
    }
  }
  // The same file named twice (a directory and a file in it) is analysed once.
  for (auto *list : {&files.python, &files.cpp}) {
    llvm::StringSet<> seen;
    llvm::erase_if(*list, [&](const std::string &p) { return !seen.insert(p).second; });
  }
  return files;
}

} // namespace capcycle
