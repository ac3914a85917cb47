// Which module each scanned file is, as Python would import it.
#pragma once

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace capcycle::python {

// The dotted module name of a file, from the package roots of the scan: the nearest ancestor
// directory without an `__init__.py` is taken to be on sys.path (a checkout's root, a `src/`
// layout's `src`, site-packages), and every directory between it and the file is a package.
// `pkg/__init__.py` is `pkg` itself. Namespace packages (PEP 420, no `__init__.py`) are not
// seen as packages: their modules are named from the nearest regular package down.
class ModuleNames {
public:
  std::string of(llvm::StringRef file);

private:
  bool isPackage(llvm::StringRef directory);
  llvm::StringMap<bool> packages; // directory -> has __init__.py
};

} // namespace capcycle::python
