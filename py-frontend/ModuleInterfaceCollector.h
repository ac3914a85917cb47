// What one file offers the other files of the scan, as far as the file itself can tell: its
// top-level names (classes, functions with the type their returns give, imports, values) and
// its classes with their bases and the types of their instances' attributes. The cross-file
// stage (project/) follows these through imports; rules never read syntax.
#pragma once

#include "ScopeModel.h"

namespace capcycle::python {

// Every class of the file, with the bases it can name (imports, or classes of the file) and
// the attributes whose type its methods' `self.x = ...` tell.
std::vector<PythonClass> collectClasses(const ScopeModel &model);

// Every name the module scope binds that another module can import.
std::vector<PythonModuleBinding> collectModuleBindings(const ScopeModel &model);

} // namespace capcycle::python
