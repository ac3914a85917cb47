#include "checks/UnmodelledSignalCaptureRule.h"

#include "engine/CaptureCycles.h"

namespace capcycle {

const RuleInfo UnmodelledSignalCaptureRule::Info = {
    "CCY103",
    "unmodelled-signal-capture",
    Level::Warning,
    "python",
    false,
    "A callback handed to an object of unknown type, by a call shaped like a connection, keeps "
    "that object alive.",
    "The call looks like a signal connection or listener registration (by its shape only: no API "
    "model knows the receiver's type). If it stores the callback, the object, its storage and the "
    "callback form a reference cycle. Off by default: enable it to audit code that uses libraries "
    "without a model.",
};

void UnmodelledSignalCaptureRule::checkInContext(const RuleContext &context,
                                                 std::vector<Finding> &findings) const {
  for (const CaptureCycle &cycle : context.cycles)
    if (cycle.guessed())
      findings.push_back(describeCycle(cycle, Info.id, Info.defaultLevel));
}

} // namespace capcycle
