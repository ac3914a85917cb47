// A rule reads facts and reports findings. It never sees syntax: if a rule needs to know more
// about the code, the fact model grows instead.
#pragma once

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

class Rule {
public:
  virtual ~Rule() = default;
  virtual void check(const FactSet &facts, std::vector<Finding> &findings) const = 0;
};

struct RuleEntry {
  RuleInfo info;
  std::unique_ptr<Rule> (*create)();
};

// Every rule capcycle implements, in id order.
const std::vector<RuleEntry> &ruleCatalogue();
const RuleEntry *findRule(llvm::StringRef id);

} // namespace capcycle
