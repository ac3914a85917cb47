// Runs the selected rules over one FactSet and returns their findings in a stable order
// (file, line, column, rule id), so that every report of the same input is byte-identical.
#pragma once

#include "engine/Finding.h"
#include "engine/Rule.h"

#include <string>
#include <vector>

namespace capcycle {

// ruff-style selection: codes or code prefixes ("CCY1" selects CCY1xx, "ALL" every rule).
// An empty `select` means "the rules enabled by default".
struct RuleSelection {
  std::vector<std::string> select;
  std::vector<std::string> ignore;

  bool isEnabled(const RuleInfo &rule) const;
  // The first selector that names no rule, or empty when all are known.
  std::string unknownSelector() const;
};

// The loaded models, joined with those the scan's own sources define: C++ bindings and Python
// signal classes (BindingModels.h), and the bases of the scanned classes.
ApiModels joinScanModels(const FactSet &facts, const ApiModels &models);

std::vector<Finding> runRules(const FactSet &facts, const ApiModels &models,
                              const RuleSelection &selection);

} // namespace capcycle
