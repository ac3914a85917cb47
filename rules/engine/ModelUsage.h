// How much of each API model a scan used: `capcycle models` lists it, so that a user can see
// which libraries capcycle recognised in their code, and a model the user added that matches no
// call site is reported (its types or call names are probably misspelt).
#pragma once

#include "engine/ApiModels.h"

#include <string>
#include <vector>

namespace capcycle {

struct ModelUsage {
  std::string id, name, file; // file: empty for models derived from the scan's sources
  bool declaresConnections = false; // a model may only list finalizer-only handles
  unsigned callSites = 0;     // registrations the model says store their callback
  unsigned cycles = 0;        // of those, the ones that close a capture cycle
};

// Every model, loaded and derived from `facts`, in the order they are consulted.
std::vector<ModelUsage> measureModelUsage(const FactSet &facts, const ApiModels &models);

} // namespace capcycle
