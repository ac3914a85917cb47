#include "checks/SelfSignalCaptureRule.h"

#include "engine/CaptureCycles.h"

namespace capcycle {

const RuleInfo SelfSignalCaptureRule::Info = {
    "CCY101",
    "self-signal-capture",
    Level::Warning,
    "python",
    true,
    "A callback stored on an object by a modelled API keeps that same object alive.",
    "The object owns the signal (or listener list, or callback attribute), which stores the "
    "callback, which captures the object: a reference cycle that reference counting never frees. "
    "If the storage is invisible to Python's cyclic garbage collector (native code), the object "
    "and everything it owns leak for the life of the process; if it is visible, the memory comes "
    "back only at a full collection.",
};

void SelfSignalCaptureRule::checkInContext(const RuleContext &context,
                                           std::vector<Finding> &findings) const {
  for (const CaptureCycle &cycle : context.cycles) {
    if (cycle.guessed() || (!cycle.shapeOnly() && cycle.leaksNatively()))
      continue; // CCY103 and CCY001; a shape match proves no native leak
    // Collectable cycles only delay the memory: a note, not a warning. So does a cycle another
    // method of the owner's class breaks (`stop()`, `close()`): it names the method to run.
    Level level = cycle.match.connection->storage == Storage::GcVisible || cycle.brokenOnlyBy
                      ? Level::Note
                      : Info.defaultLevel;
    findings.push_back(describeCycle(cycle, Info.id, level));
  }
}

} // namespace capcycle
