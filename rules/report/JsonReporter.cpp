// capcycle's own JSON, for scripts: the findings as the engine produced them, plus the same
// fingerprint the SARIF log carries, so a script can match a finding against either format.
#include "report/FindingIdentity.h"
#include "report/Report.h"

#include "llvm/Support/FormatVariadic.h"

namespace capcycle {
namespace {

using llvm::json::Array;
using llvm::json::Object;

llvm::json::Value findingToJSON(const Finding &finding, const std::string &fingerprint) {
  Array path;
  for (const PathStep &step : finding.path)
    path.push_back(Object{{"location", toJSON(step.location)}, {"message", step.message}});
  Object object{{"ruleId", finding.ruleId},   {"level", levelName(finding.level)},
                {"message", finding.message}, {"location", toJSON(finding.location)},
                {"path", std::move(path)},    {"fingerprint", fingerprint}};
  if (finding.collectable)
    object["collectable"] = *finding.collectable;
  return object;
}

} // namespace

void writeJsonReport(const ReportInput &input, llvm::raw_ostream &out) {
  std::vector<std::string> fingerprints =
      input.fingerprints.empty() ? findingFingerprints(input.findings, input.sourceRoot)
                                 : input.fingerprints;
  Array findings;
  for (size_t i = 0; i < input.findings.size(); ++i)
    if (!input.findings[i].suppressed) // scripts and baselines see what the user sees
      findings.push_back(findingToJSON(input.findings[i], fingerprints[i]));
  Array notifications;
  for (const Notification &notification : input.notifications)
    notifications.push_back(toJSON(notification));

  llvm::json::Value document = Object{{"version", input.toolVersion},
                                      {"findings", std::move(findings)},
                                      {"notifications", std::move(notifications)}};
  out << llvm::formatv("{0:2}", document) << "\n";
}

} // namespace capcycle
