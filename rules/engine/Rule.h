// A rule reads facts and reports findings. It never sees syntax: if a rule needs to know more
// about the code, the fact model grows instead.
#pragma once

#include "engine/ApiModels.h"
#include "engine/Finding.h"
#include "facts/Facts.h"

#include <memory>
#include <vector>

namespace capcycle {

// One row of the rule catalogue: the single source for `capcycle rules`, SARIF
// tool.driver.rules and the docs index (tests check docs/rules/<id>.md and
// tests/fixtures/<id>/ exist for each row).
struct RuleInfo {
  const char *id;               // stable: "CCY101"
  const char *name;             // kebab-case: "self-signal-capture"
  Level defaultLevel;
  const char *side;             // "python" | "c++" | "cross"
  bool enabledByDefault;
  const char *shortDescription; // one sentence
  const char *fullDescription;  // a paragraph: what it finds and why it matters
};

struct CaptureCycle;

// What the engine derives once for all rules: the facts, the API models, and the capture
// cycles the models prove (engine/CaptureCycles.h).
struct RuleContext {
  const FactSet &facts;
  const ApiModels &models;
  const std::vector<CaptureCycle> &cycles;
};

class Rule {
public:
  virtual ~Rule() = default;
  // Rules that read facts only override this one ...
  virtual void check(const FactSet &, std::vector<Finding> &) const {}
  // ... rules that need the models or the cycles override this one instead.
  virtual void checkInContext(const RuleContext &context, std::vector<Finding> &findings) const {
    check(context.facts, findings);
  }
};

struct RuleEntry {
  RuleInfo info;
  std::unique_ptr<Rule> (*create)();
};

// Every rule capcycle implements, in id order.
const std::vector<RuleEntry> &ruleCatalogue();
const RuleEntry *findRule(llvm::StringRef id);

} // namespace capcycle
