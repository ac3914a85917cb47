// --statistics, like ruff's: how many findings each rule has, to decide what to fix (or
// select) first on a large codebase. Suppressed findings are not counted: they are not shown.
#include "engine/Rule.h"
#include "report/Report.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

#include <tuple>

namespace capcycle {

void writeStatistics(const ReportInput &input, llvm::raw_ostream &out) {
  llvm::StringMap<unsigned> counts;
  for (const Finding &finding : input.findings)
    if (!finding.suppressed)
      ++counts[finding.ruleId];
  std::vector<std::pair<std::string, unsigned>> rows;
  for (const auto &entry : counts)
    rows.emplace_back(entry.getKey().str(), entry.getValue());
  // Most frequent first; ties by id, so the output is stable.
  llvm::sort(rows, [](const auto &a, const auto &b) {
    return std::make_tuple(b.second, a.first) < std::make_tuple(a.second, b.first);
  });
  for (const auto &[id, count] : rows) {
    const RuleEntry *rule = findRule(id);
    out << llvm::formatv("{0,5}  {1,-7} {2}\n", count, id, rule ? rule->info.name : "");
  }
}

} // namespace capcycle
