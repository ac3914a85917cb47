#include "LoadedObjects.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"

#include <link.h>

namespace capcycle {

std::string loadedObjectPath(llvm::StringRef part) {
  struct Search {
    llvm::StringRef part;
    std::string path;
  } search{part, {}};
  dl_iterate_phdr(
      [](dl_phdr_info *object, size_t, void *data) -> int {
        auto *search = static_cast<Search *>(data);
        if (!object->dlpi_name || !llvm::StringRef(object->dlpi_name).contains(search->part))
          return 0;
        search->path = object->dlpi_name;
        return 1;
      },
      &search);
  return search.path;
}

std::string runningExecutable() {
  llvm::SmallString<256> executable;
  if (llvm::sys::fs::real_path("/proc/self/exe", executable))
    return {};
  return std::string(executable);
}

} // namespace capcycle
