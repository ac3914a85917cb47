// Which files hold the code running in this process: where Clang's builtin headers are found,
// and what a cache of facts must watch besides the sources.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <string>

namespace capcycle {

// The path the dynamic loader used for the first loaded object whose name contains `part`;
// empty when there is none (e.g. the library is linked statically).
std::string loadedObjectPath(llvm::StringRef part);

// The running executable, absolute and without symbolic links; empty when the system does not
// say. Not argv[0]: pre-commit and shells start `capcycle` by a bare name found on PATH.
std::string runningExecutable();

} // namespace capcycle
