#pragma once

#include "engine/Rule.h"

namespace capcycle {

// CCY101 self-signal-capture
//
// What it does: finds a callback stored by an API model's connection (a signal's `connect`, an
// `add_listener`, an `on_message =` ...) on an object X, where the callback keeps X alive: a
// lambda or def using X, a bound method of X, a partial or local object holding X. X may own the
// signal through an attribute chain (`self` -> `self.recognizer` -> `.recognized`).
//
// Why is this bad? X owns the storage, the storage holds the callback, the callback holds X: a
// reference cycle that reference counting never frees. Where the model says the storage is
// visible to the cyclic GC the memory comes back late (level note); where it is GC-opaque or
// unknown it may never come back (warning). A cycle that pins a native handle is CCY001.
//
// How to fix it: disconnect in a `finally` block, or hold X through `weakref.ref`.
class SelfSignalCaptureRule : public Rule {
public:
  static const RuleInfo Info;
  void checkInContext(const RuleContext &context, std::vector<Finding> &findings) const override;
};

} // namespace capcycle
