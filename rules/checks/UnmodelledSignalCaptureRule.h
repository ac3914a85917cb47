#pragma once

#include "engine/Rule.h"

namespace capcycle {

// CCY103 unmodelled-signal-capture (off by default)
//
// What it does: the same cycle shape as CCY101 — `x.anything.connect(cb)`, `x.add_listener(cb)`,
// `x.callbacks.append(cb)` with `cb` keeping `x` alive — where no model knows the type of `x`,
// so whether the call stores the callback at all is a guess from the call's shape.
//
// Why is this bad? If the call does store the callback, it is the CCY101 cycle. It stays off by
// default because guesses from names must not pollute the default output; select it with
// `--select CCY103` when auditing a codebase, or write a model for the library.
//
// How to fix it: as CCY101; or add an API model (rules/models/SCHEMA.md) so the call is
// recognised with its real storage.
class UnmodelledSignalCaptureRule : public Rule {
public:
  static const RuleInfo Info;
  void checkInContext(const RuleContext &context, std::vector<Finding> &findings) const override;
};

} // namespace capcycle
