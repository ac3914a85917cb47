#pragma once

#include "engine/Rule.h"

namespace capcycle {

// CCY901 unused-ignore (off by default; on with --warn-unused-ignores or when selected)
//
// What it does: reports a `capcycle: ignore` comment that silences no finding, or that names
// a rule id capcycle does not have.
//
// Why is this bad? A stale suppression hides the next real finding on that line, and a
// misspelt id silences nothing while looking as if it did.
//
// The findings come from the suppression stage of the `capcycle` tool (tool/Suppressions.h),
// which reads the comments after the rules have run: whether a comment silences anything is
// known only once every other rule's findings are. This row gives the id its level, its
// selection, its SARIF metadata and its doc page; check() has nothing to read in the facts.
class UnusedIgnoreRule : public Rule {
public:
  static const RuleInfo Info;
};

} // namespace capcycle
