// Runs the SARIF authors' validator (with GitHub's rule set, as code scanning would judge an
// upload) on a log written by the reporter. The validator exits 0 even when it finds errors,
// so the verdict is read from the log it writes.
#include "SampleFindings.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <gtest/gtest.h>

namespace capcycle {
namespace {

using llvm::json::Object;

// SARIF: a result without "level" takes its rule's defaultConfiguration.level, else "warning".
std::string effectiveLevel(const Object &result, const llvm::json::Array *rules) {
  if (auto level = result.getString("level"))
    return level->str();
  auto index = result.getInteger("ruleIndex");
  if (rules && index && *index >= 0 && size_t(*index) < rules->size())
    if (const Object *rule = (*rules)[*index].getAsObject())
      if (const Object *configuration = rule->getObject("defaultConfiguration"))
        if (auto level = configuration->getString("level"))
          return level->str();
  return "warning";
}

std::string messageOf(const Object &object) {
  const Object *message = object.getObject("message");
  if (!message)
    return "<no message>";
  std::string text = message->getString("text").value_or("").str();
  if (auto id = message->getString("id"))
    text += " [" + id->str() + "]";
  if (const llvm::json::Array *arguments = message->getArray("arguments"))
    for (const llvm::json::Value &argument : *arguments)
      text += " " + argument.getAsString().value_or("").str();
  return text;
}

// Every error or warning the validator reported, one line each; empty means the log passed.
std::vector<std::string> validatorComplaints(const llvm::json::Value &validatorLog) {
  std::vector<std::string> complaints;
  const Object *root = validatorLog.getAsObject();
  const llvm::json::Array *runs = root ? root->getArray("runs") : nullptr;
  if (!runs || runs->empty())
    return {"the validator wrote no run"};
  for (const llvm::json::Value &runValue : *runs) {
    const Object &run = *runValue.getAsObject();
    const Object *driver =
        run.getObject("tool") ? run.getObject("tool")->getObject("driver") : nullptr;
    const llvm::json::Array *rules = driver ? driver->getArray("rules") : nullptr;
    if (const llvm::json::Array *results = run.getArray("results"))
      for (const llvm::json::Value &resultValue : *results) {
        const Object &result = *resultValue.getAsObject();
        std::string level = effectiveLevel(result, rules);
        if (level == "error" || level == "warning")
          complaints.push_back(level + " " + result.getString("ruleId").value_or("?").str() + ": " +
                               messageOf(result));
      }
    // A log the validator could not read shows up as an execution notification, not a result.
    if (const llvm::json::Array *invocations = run.getArray("invocations"))
      for (const llvm::json::Value &invocation : *invocations)
        if (const llvm::json::Array *notifications =
                invocation.getAsObject()->getArray("toolExecutionNotifications"))
          for (const llvm::json::Value &notification : *notifications)
            if (notification.getAsObject()->getString("level").value_or("warning") != "note")
              complaints.push_back("validator notification: " +
                                   messageOf(*notification.getAsObject()));
  }
  return complaints;
}

TEST(SarifValidator, ReportPassesSarifAndGitHubRules) {
  const std::string validator = CAPCYCLE_SARIF_MULTITOOL;
  ASSERT_TRUE(llvm::sys::fs::can_execute(validator))
      << validator << " is missing: run scripts/setup to install the npm dependencies";

  llvm::SmallString<256> directory;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("capcycle-sarif", directory));
  std::string logPath = (directory + "/capcycle.sarif").str();
  std::string validatorLogPath = (directory + "/report.sarif").str();

  // Every shape the reporter emits: a cycle with a path under the root, a finding outside the
  // root without a path, notifications with a position, for a whole file, and with no file.
  ReportInput input = testing::sampleInput();
  input.sourceRoot = directory.str().str();
  const std::string &root = input.sourceRoot;
  input.findings = {testing::selfSignalCapture(root + "/src/app.py"),
                    Finding{"CCY001",
                            Level::Error,
                            "'Recognizer' holds a PyObject* callback",
                            testing::at("/opt/vendor dir/recognizer.cpp", 40, 3, 18),
                            {}}};
  input.notifications = {
      Notification{Notification::Level::Warning, "syntax error, rest of file skipped",
                   testing::at(root + "/src/bad.py", 7, 3, 4)},
      Notification{Notification::Level::Error, "not UTF-8, file skipped",
                   testing::at(root + "/data.py", 0, 0, 0)},
      Notification{Notification::Level::Note, "no compile database, C++ not scanned", {}}};
  ASSERT_FALSE(
      writeOutputFile(logPath, [&](llvm::raw_ostream &out) { writeSarifReport(input, out); }));

  // Its console output repeats what report.sarif says; keep it beside the logs, not in ours.
  std::string consolePath = (directory + "/validator.out").str();
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, llvm::StringRef(consolePath),
                                                llvm::StringRef(consolePath)};
  std::string error;
  int status = llvm::sys::ExecuteAndWait(validator,
                                         {validator, "validate", "--rule-kind", "Sarif;Gh", logPath,
                                          "-o", validatorLogPath, "--log", "ForceOverwrite"},
                                         std::nullopt, redirects, /*SecondsToWait=*/120, 0, &error);
  ASSERT_EQ(status, 0) << error << " (see " << consolePath << ")";

  auto buffer = llvm::MemoryBuffer::getFile(validatorLogPath);
  ASSERT_TRUE(bool(buffer)) << "the validator wrote no log";
  auto validatorLog = llvm::json::parse((*buffer)->getBuffer());
  ASSERT_TRUE(bool(validatorLog)) << llvm::toString(validatorLog.takeError());
  std::vector<std::string> complaints = validatorComplaints(*validatorLog);
  std::string listing;
  for (const std::string &complaint : complaints)
    listing += "\n  " + complaint;
  EXPECT_TRUE(complaints.empty()) << "Sarif.Multitool on " << logPath << ":" << listing;

  if (complaints.empty())
    llvm::sys::fs::remove_directories(directory);
}

} // namespace
} // namespace capcycle
