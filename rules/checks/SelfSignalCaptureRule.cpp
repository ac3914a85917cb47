#include "checks/SelfSignalCaptureRule.h"

#include "llvm/ADT/STLExtras.h"

namespace capcycle {

const RuleInfo SelfSignalCaptureRule::Info = {
    "CCY101",
    "self-signal-capture",
    Level::Warning,
    "python",
    true,
    "A callback connected to a signal of an object captures that same object.",
    "The object owns the signal, the signal stores the callback and the callback captures the "
    "object: a reference cycle that reference counting never frees. If any edge is stored where "
    "Python's cyclic garbage collector cannot see it (native code), the object and every native "
    "resource it owns leak for the life of the process.",
};

namespace {

std::string quoted(llvm::StringRef name) { return ("'" + name + "'").str(); }

std::string callbackDescription(const SignalConnection &connection) {
  return connection.callbackKind == "lambda" ? std::string("lambda")
                                             : "callback " + quoted(connection.callbackName);
}

Finding describeCycle(const SignalConnection &connection, const Capture &capture) {
  const std::string object = quoted(connection.receiverText);
  const std::string signal = quoted(connection.receiverText + "." + connection.signal);
  const std::string callback = callbackDescription(connection);

  Finding finding;
  finding.ruleId = SelfSignalCaptureRule::Info.id;
  finding.level = SelfSignalCaptureRule::Info.defaultLevel;
  finding.location = connection.connectCall;
  finding.message = callback + " connected to signal " + signal + " captures " + object +
                    ": reference cycle " + connection.receiverText + " -> " +
                    connection.signal + " -> " +
                    (connection.callbackKind == "lambda" ? "<lambda>" : connection.callbackName) +
                    " -> " + connection.receiverText;
  finding.path = {
      {connection.receiver.definedAt, object + " owns signal " + signal},
      {connection.callbackArgument, "signal " + signal + " stores " + callback},
      {capture.referencedAt, callback + " captures " + object + ", closing the cycle"},
  };
  return finding;
}

} // namespace

void SelfSignalCaptureRule::check(const FactSet &facts, std::vector<Finding> &findings) const {
  for (const SignalConnection &connection : facts.signalConnections) {
    auto selfCapture = llvm::find_if(connection.captures, [&](const Capture &capture) {
      return capture.binding.bindingId == connection.receiver.bindingId;
    });
    if (selfCapture != connection.captures.end())
      findings.push_back(describeCycle(connection, *selfCapture));
  }
}

} // namespace capcycle
