#include "BindingFacts.h"
#include "LoadedObjects.h"

#include "clang/Driver/Driver.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <dlfcn.h>

namespace capcycle {

namespace {
bool hasBuiltinHeaders(llvm::StringRef resourceDir) {
  llvm::SmallString<256> stddef(resourceDir);
  llvm::sys::path::append(stddef, "include", "stddef.h");
  return llvm::sys::fs::exists(stddef);
}

// The object (shared library, or the executable when Clang is linked statically) that holds
// Clang's driver code.
std::string objectHoldingClangDriver() {
  Dl_info object{};
  auto *driverCode = reinterpret_cast<void *>(&clang::driver::Driver::GetResourcesPath);
  if (dladdr(driverCode, &object) == 0 || !object.dli_fname)
    return {};
  return object.dli_fname;
}
} // namespace

std::string findClangResourceDir() {
  // Clang keeps its builtin headers at <prefix>/lib/clang/<major>; GetResourcesPath derives that
  // from a binary in <prefix>/bin, and a library in <prefix>/lib has the same depth. The
  // loader's path may be a symlink from another prefix (Debian links /usr/lib/x86_64-linux-gnu/
  // to /usr/lib/llvm-19/lib/), so the link's target is tried too.
  for (const std::string &object :
       {loadedObjectPath("libclang-cpp.so"), objectHoldingClangDriver()}) {
    if (object.empty())
      continue;
    llvm::SmallString<256> target;
    llvm::sys::fs::real_path(object, target);
    for (llvm::StringRef binary : {llvm::StringRef(object), target.str()}) {
      if (binary.empty())
        continue;
      std::string resourceDir = clang::driver::Driver::GetResourcesPath(binary);
      if (hasBuiltinHeaders(resourceDir))
        return resourceDir;
    }
  }
  return CAPCYCLE_CLANG_RESOURCE_DIR;
}

} // namespace capcycle
