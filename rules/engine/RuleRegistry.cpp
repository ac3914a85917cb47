// The rule catalogue: one row per implemented rule. Add a rule here, in docs/rules/<ID>.md and
// in tests/fixtures/<ID>/; tests/unit/CatalogueTest.cpp fails when one of the three is missing.
#include "checks/FinalizerOnlyReleaseRule.h"
#include "checks/FinalizerOnlyHandleRule.h"
#include "checks/GcOpaqueReferenceRule.h"
#include "checks/IncompleteTraverseRule.h"
#include "checks/NativeLeakCycleRule.h"
#include "checks/SelfSignalCaptureRule.h"
#include "checks/UnmodelledSignalCaptureRule.h"
#include "checks/UnusedIgnoreRule.h"
#include "engine/Rule.h"

#include "llvm/ADT/STLExtras.h"

namespace capcycle {

namespace {
template <typename RuleT> RuleEntry entry() {
  return {RuleT::Info, [] { return std::unique_ptr<Rule>(new RuleT()); }};
}
} // namespace

const std::vector<RuleEntry> &ruleCatalogue() {
  static const std::vector<RuleEntry> catalogue = [] {
    std::vector<RuleEntry> rows;
    rows.push_back(entry<NativeLeakCycleRule>());
    rows.push_back(entry<SelfSignalCaptureRule>());
    rows.push_back(entry<FinalizerOnlyReleaseRule>());
    rows.push_back(entry<UnmodelledSignalCaptureRule>());
    rows.push_back(entry<GcOpaqueReferenceRule>());
    rows.push_back(entry<IncompleteTraverseRule>());
    rows.push_back(entry<FinalizerOnlyHandleRule>());
    rows.push_back(entry<UnusedIgnoreRule>()); // findings from tool/Suppressions.h
    return rows;
  }();
  return catalogue;
}

const RuleEntry *findRule(llvm::StringRef id) {
  auto it = llvm::find_if(ruleCatalogue(),
                          [&](const RuleEntry &row) { return id == row.info.id; });
  return it == ruleCatalogue().end() ? nullptr : &*it;
}

} // namespace capcycle
