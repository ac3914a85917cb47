#pragma once

#include "engine/Rule.h"

namespace capcycle {

// CCY001 native-leak-cycle
//
// What it does: a CCY101 cycle that keeps alive an object whose native handle only its
// finalizer releases: a type an API model lists under finalizer_only_handles (the Azure Speech
// SDK's recognizers and transcribers), or a class of the scanned code that CCY102 reports.
//
// Why is this bad? The finalizer (`__del__`, `tp_dealloc`, the C++ destructor) runs only when
// the object is freed, and the cycle keeps it from being freed: never, if any edge is invisible
// to the garbage collector, or at the next full collection, which is triggered by object counts,
// not by the megabytes of native memory each cycle holds. One cycle per request is an OOM kill.
//
// How to fix it: break the cycle on every path (disconnect in `finally`, a weakref), and release
// the handle explicitly when done (`close()`, a context manager).
class NativeLeakCycleRule : public Rule {
public:
  static const RuleInfo Info;
  void checkInContext(const RuleContext &context, std::vector<Finding> &findings) const override;
};

} // namespace capcycle
