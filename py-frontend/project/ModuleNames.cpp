#include "ModuleNames.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <vector>

namespace capcycle::python {

bool ModuleNames::isPackage(llvm::StringRef directory) {
  auto known = packages.find(directory);
  if (known != packages.end())
    return known->second;
  llvm::SmallString<256> init(directory);
  llvm::sys::path::append(init, "__init__.py");
  bool package = !directory.empty() && llvm::sys::fs::exists(init);
  packages[directory] = package;
  return package;
}

std::string ModuleNames::of(llvm::StringRef file) {
  llvm::StringRef stem = llvm::sys::path::stem(file);
  std::vector<llvm::StringRef> parts;
  if (stem != "__init__")
    parts.push_back(stem);
  for (llvm::StringRef directory = llvm::sys::path::parent_path(file);
       !directory.empty() && isPackage(directory);
       directory = llvm::sys::path::parent_path(directory))
    parts.push_back(llvm::sys::path::filename(directory));
  std::string name;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it)
    name += (name.empty() ? "" : ".") + it->str();
  return name;
}

} // namespace capcycle::python
