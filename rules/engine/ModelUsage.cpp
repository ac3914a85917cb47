#include "engine/ModelUsage.h"

#include "engine/CaptureCycles.h"
#include "engine/RuleEngine.h"

#include "llvm/ADT/DenseMap.h"

namespace capcycle {

std::vector<ModelUsage> measureModelUsage(const FactSet &facts, const ApiModels &models) {
  ApiModels joined = joinScanModels(facts, models);
  llvm::DenseMap<const ApiModel *, ModelUsage *> byModel;
  std::vector<ModelUsage> usage;
  usage.reserve(joined.all().size());
  for (const ApiModel &model : joined.all()) {
    usage.push_back({model.id, model.name, model.file, !model.connections.empty()});
    byModel[&model] = &usage.back();
  }
  for (const CallbackRegistration &registration : facts.callbackRegistrations)
    if (auto match = joined.match(registration))
      ++byModel[match->model]->callSites;
  for (const CaptureCycle &cycle : findCaptureCycles(facts, joined))
    ++byModel[cycle.match.model]->cycles;
  return usage;
}

} // namespace capcycle
