// Turns the PATHs of the command line into the files each frontend reads: .py files for
// py-frontend, C++ translation units for clang-checks.
#pragma once

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace capcycle {

struct SourceFiles {
  std::vector<std::string> python;
  std::vector<std::string> cpp;
};

// Directories are searched recursively for .py files (skipping VCS, virtualenv, cache and
// build folders, as ruff does); files given by name are taken by extension. C++ files inside
// directories come only from a compile database (-p), because only it knows their flags.
// A path that does not exist is an error naming it.
llvm::Expected<SourceFiles> collectSourceFiles(const std::vector<std::string> &paths);

bool isCppSource(llvm::StringRef path);

// `path` made absolute and without `.` and `..` components, so that `x.py`, `./x.py` and
// `/repo/x.py` compare equal. Lexical only: symbolic links are not resolved.
std::string absoluteNormalized(llvm::StringRef path);

// Whether `path` is `directory` or lies inside it: a prefix ending at a path component
// boundary (`/repo/src` holds `/repo/src/a.py`, not `/repo/src2/a.py`). Both absoluteNormalized.
bool isWithin(llvm::StringRef path, llvm::StringRef directory);

} // namespace capcycle
