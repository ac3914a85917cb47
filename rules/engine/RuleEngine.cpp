#include "engine/RuleEngine.h"

#include "engine/BindingModels.h"
#include "engine/CaptureCycles.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"

#include <tuple>

namespace capcycle {

namespace {
bool matches(llvm::StringRef selector, const RuleInfo &rule) {
  return selector == "ALL" || llvm::StringRef(rule.id).starts_with(selector);
}

bool anyMatches(const std::vector<std::string> &selectors, const RuleInfo &rule) {
  return llvm::any_of(selectors, [&](const std::string &s) { return matches(s, rule); });
}
} // namespace

bool RuleSelection::isEnabled(const RuleInfo &rule) const {
  bool selected = select.empty() ? rule.enabledByDefault : anyMatches(select, rule);
  return selected && !anyMatches(ignore, rule);
}

std::string RuleSelection::unknownSelector() const {
  for (const auto *list : {&select, &ignore})
    for (const std::string &selector : *list)
      if (llvm::none_of(ruleCatalogue(),
                        [&](const RuleEntry &row) { return matches(selector, row.info); }))
        return selector;
  return {};
}

ApiModels joinScanModels(const FactSet &facts, const ApiModels &models) {
  ApiModels joined = models;
  joined.addDerived(deriveBindingModels(facts));
  joined.addClassBases(facts.pythonClasses);
  return joined;
}

std::vector<Finding> runRules(const FactSet &facts, const ApiModels &models,
                              const RuleSelection &selection) {
  ApiModels joined = joinScanModels(facts, models);
  std::vector<CaptureCycle> cycles = findCaptureCycles(facts, joined);
  RuleContext context{facts, joined, cycles};
  std::vector<Finding> findings;
  for (const RuleEntry &row : ruleCatalogue())
    if (selection.isEnabled(row.info))
      row.create()->checkInContext(context, findings);
  llvm::stable_sort(findings, [](const Finding &a, const Finding &b) {
    return std::tie(a.location.file, a.location.line, a.location.column, a.ruleId) <
           std::tie(b.location.file, b.location.line, b.location.column, b.ruleId);
  });
  return findings;
}

} // namespace capcycle
