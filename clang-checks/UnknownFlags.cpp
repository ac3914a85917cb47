#include "UnknownFlags.h"

#include "clang/Driver/Options.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Option/ArgList.h"
#include "llvm/Option/OptTable.h"

#include <vector>

namespace capcycle {

clang::tooling::ArgumentsAdjuster getStripUnknownFlagsAdjuster() {
  return [](const clang::tooling::CommandLineArguments &arguments, llvm::StringRef) {
    if (arguments.size() < 2)
      return arguments;
    // argv[0] is the compiler; the option table parses what follows.
    std::vector<const char *> options;
    for (size_t i = 1; i < arguments.size(); ++i) {
      if (llvm::StringRef(arguments[i]).starts_with("--driver-mode=cl"))
        return arguments; // cl.exe's options are another table
      options.push_back(arguments[i].c_str());
    }
    unsigned missingIndex = 0, missingCount = 0;
    llvm::opt::InputArgList parsed =
        clang::driver::getDriverOptTable().ParseArgs(options, missingIndex, missingCount);
    std::vector<bool> unknown(arguments.size(), false);
    for (const llvm::opt::Arg *argument : parsed.filtered(clang::driver::options::OPT_UNKNOWN))
      unknown[argument->getIndex() + 1] = true;
    clang::tooling::CommandLineArguments kept;
    for (size_t i = 0; i < arguments.size(); ++i)
      if (!unknown[i])
        kept.push_back(arguments[i]);
    return kept;
  };
}

} // namespace capcycle
