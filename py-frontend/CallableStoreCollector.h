// Pure-Python signals: methods of the scanned classes that keep an argument on the instance
// (`self._callbacks.append(cb)`, `self._handler = cb`, `self._handlers[key] = cb`). The rules
// turn them into API models for those classes, as they do for C++ CallableStore facts.
#pragma once

#include "ScopeModel.h"

namespace capcycle::python {

std::vector<PythonCallableStore> collectCallableStores(const ScopeModel &model);

} // namespace capcycle::python
