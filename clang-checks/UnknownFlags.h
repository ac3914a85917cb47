// Compile commands from a GCC build carry flags Clang's driver does not know (-fipa-pta,
// -fconcepts-diagnostics-depth=3, -mno-direct-extern-access, -fno-gnu-unique): Clang would reject
// the whole unit for one of them. They tune code generation or diagnostics, not what the source
// means, so they are dropped before Clang sees the command, as clangd does.
#pragma once

#include "clang/Tooling/ArgumentsAdjusters.h"

namespace capcycle {

// Removes every argument Clang's driver option table does not know (in the GCC-compatible
// driver mode; a `--driver-mode=cl` command is left as it is).
clang::tooling::ArgumentsAdjuster getStripUnknownFlagsAdjuster();

} // namespace capcycle
