#pragma once

#include "engine/Rule.h"

namespace capcycle {

// CCY101 self-signal-capture
//
// What it does: finds a callback connected to a signal of object X whose captures include X
// itself: `transcriber.transcribed.connect(on_transcribed)` where `on_transcribed` uses
// `transcriber`.
//
// Why is this bad? The object owns the signal, the signal stores the callback, the callback
// holds the object: a reference cycle. Reference counting never frees it; at best the cyclic GC
// does, late. When the signal lives in native code the GC cannot see the edge and the cycle —
// with every native handle the object owns — lives until the process dies.
//
// How to fix it: disconnect in a `finally` block (`transcriber.transcribed.disconnect_all()`),
// or let the callback hold the object through `weakref.ref` / `weakref.WeakMethod`.
class SelfSignalCaptureRule : public Rule {
public:
  static const RuleInfo Info;
  void check(const FactSet &facts, std::vector<Finding> &findings) const override;
};

} // namespace capcycle
