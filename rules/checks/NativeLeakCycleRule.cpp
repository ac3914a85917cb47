#include "checks/NativeLeakCycleRule.h"

#include "engine/CaptureCycles.h"

namespace capcycle {

const RuleInfo NativeLeakCycleRule::Info = {
    "CCY001",
    "native-leak-cycle",
    Level::Error,
    "cross",
    true,
    "A callback-capture cycle keeps alive an object whose native handle only its finalizer "
    "releases.",
    "The cycle keeps the object from being freed, so its finalizer — the only code that releases "
    "its native handle — does not run: the native memory leaks for every cycle created, until "
    "the process is killed.",
};

void NativeLeakCycleRule::checkInContext(const RuleContext &context,
                                         std::vector<Finding> &findings) const {
  for (const CaptureCycle &cycle : context.cycles)
    if (!cycle.shapeOnly() && cycle.leaksNatively())
      findings.push_back(describeCycle(cycle, Info.id, Info.defaultLevel));
}

} // namespace capcycle
