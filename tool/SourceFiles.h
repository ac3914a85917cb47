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

} // namespace capcycle
