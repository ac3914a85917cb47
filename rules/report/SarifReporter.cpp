// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. The properties chosen here are
// the ones code scanning reads (DESIGN.md, "Ecosystem notes"); the tests run the SARIF
// authors' validator with GitHub's rule set on the output.
#include "engine/Rule.h"
#include "report/FindingIdentity.h"
#include "report/Report.h"
#include "report/RuleDocs.h"
#include "report/Utf16Columns.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

#include <optional>

namespace capcycle {
namespace {

using llvm::json::Array;
using llvm::json::Object;

constexpr llvm::StringLiteral SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr llvm::StringLiteral InformationUri = "https://github.com/capcycle/capcycle";
constexpr llvm::StringLiteral SourceRootId = "%SRCROOT%";

// URIs allow only unreserved characters literally; everything else in a path (spaces, '%',
// '#', non-ASCII bytes of UTF-8 names) is percent-encoded. ':' is encoded too, because in the
// first segment of a relative reference it would read as a URI scheme.
std::string percentEncodePath(llvm::StringRef path) {
  std::string encoded;
  for (unsigned char c : path) {
    if (llvm::isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
      encoded += c;
    else
      encoded += {'%', llvm::hexdigit(c >> 4), llvm::hexdigit(c & 0xF)};
  }
  return encoded;
}

std::string fileUri(llvm::StringRef absolutePath) {
  return "file://" + percentEncodePath(absolutePath);
}

std::string sourceRootUri(llvm::StringRef root) {
  std::string uri = fileUri(report::absoluteNormalizedPath(root));
  if (!llvm::StringRef(uri).ends_with("/"))
    uri += '/'; // SARIF requires base URIs to end in '/', or resolution drops the last segment
  return uri;
}

// Relative to %SRCROOT% when the file is under the source root, which is what code scanning
// needs to place an alert in the repository; otherwise an absolute file:// URI.
Object artifactLocation(llvm::StringRef file, llvm::StringRef root) {
  if (auto relative = report::pathRelativeToRoot(file, root))
    return Object{{"uri", percentEncodePath(*relative)}, {"uriBaseId", SourceRootId}};
  return Object{{"uri", fileUri(report::absoluteNormalizedPath(file))}};
}

// Positions that are unknown (0) or inverted are left out rather than written as invalid
// regions, which would make the validator (and code scanning) reject the whole log.
std::optional<Object> region(const SourceLocation &location) {
  if (location.line == 0)
    return std::nullopt;
  Object region{{"startLine", location.line}};
  if (location.column != 0)
    region["startColumn"] = location.column;
  bool endAfterStart = location.endLine > location.line ||
                       (location.endLine == location.line && location.endColumn >= location.column);
  if (location.endLine != 0 && location.endColumn != 0 && location.column != 0 && endAfterStart) {
    region["endLine"] = location.endLine;
    region["endColumn"] = location.endColumn;
  }
  return region;
}

// Where locations are written relative to, and how their columns are counted.
struct LocationContext {
  llvm::StringRef root;
  Utf16Columns &columns;
};

Object physicalLocation(SourceLocation location, LocationContext &where) {
  location.column = where.columns.column(location.file, location.line, location.column);
  location.endColumn = where.columns.column(location.file, location.endLine, location.endColumn);
  Object physical{{"artifactLocation", artifactLocation(location.file, where.root)}};
  if (auto r = region(location))
    physical["region"] = std::move(*r);
  return physical;
}

// Takes a copy: a json::Value built from a StringRef does not own the characters.
Object message(std::string text) { return Object{{"text", std::move(text)}}; }

// Code scanning's severity vocabulary, which has "recommendation" where SARIF has "note".
llvm::StringRef problemSeverity(Level level) {
  switch (level) {
  case Level::Error:
    return "error";
  case Level::Warning:
    return "warning";
  case Level::Note:
    return "recommendation";
  }
  return "warning";
}

std::string helpUri(llvm::StringRef ruleId) {
  return (InformationUri + "/blob/main/docs/rules/" + ruleId + ".md").str();
}

// The rule's doc page when it has one (embedded at build time), followed by where it lives:
// its relative links (other rules, the models) resolve only there.
Object ruleHelp(const RuleInfo &rule) {
  if (llvm::StringRef doc = ruleDocumentation(rule.id); !doc.empty()) {
    std::string path = (llvm::Twine("docs/rules/") + rule.id + ".md").str();
    std::string uri = helpUri(rule.id);
    return Object{
        {"text", llvm::formatv("{0}\nThis page: {1} ({2})\n", doc.rtrim(), path, uri).str()},
        {"markdown", llvm::formatv("{0}\n\n---\nThis page: [{1}]({2})\n", doc.rtrim(), path, uri)
                         .str()}};
  }
  std::string page = (llvm::Twine("docs/rules/") + rule.id + ".md").str();
  std::string uri = helpUri(rule.id);
  return Object{
      {"text",
       llvm::formatv("{0}: see {1} ({2}) for examples and how to fix it.", rule.name, page, uri)
           .str()},
      {"markdown", llvm::formatv("**{0}**: see [{1}]({2}) for examples and how to fix it.",
                                 rule.name, page, uri)
                       .str()}};
}

Object reportingDescriptor(const RuleInfo &rule) {
  Object configuration{{"level", levelName(rule.defaultLevel)}};
  if (!rule.enabledByDefault)
    configuration["enabled"] = false;
  return Object{{"id", rule.id},
                {"name", rule.name},
                {"shortDescription", message(rule.shortDescription)},
                {"fullDescription", message(rule.fullDescription)},
                {"help", ruleHelp(rule)},
                {"helpUri", helpUri(rule.id)},
                {"defaultConfiguration", std::move(configuration)},
                {"properties", Object{{"tags", Array{"reliability", "memory"}},
                                      {"precision", "high"},
                                      {"problem.severity", problemSeverity(rule.defaultLevel)}}}};
}

Object toolObject(const ReportInput &input) {
  Array rules;
  for (const RuleEntry &entry : ruleCatalogue())
    rules.push_back(reportingDescriptor(entry.info));
  Object driver{
      {"name", "capcycle"}, {"informationUri", InformationUri}, {"rules", std::move(rules)}};
  if (!input.toolVersion.empty()) {
    driver["semanticVersion"] = input.toolVersion;
    driver["version"] = input.toolVersion;
  }
  return Object{{"driver", std::move(driver)}};
}

// Path steps appear twice: as relatedLocations (listed under the alert) and as one thread
// flow (shown by code scanning as "Show paths").
Array relatedLocations(const Finding &finding, LocationContext &where) {
  Array related;
  for (size_t i = 0; i < finding.path.size(); ++i)
    related.push_back(Object{{"id", static_cast<int64_t>(i)},
                             {"physicalLocation", physicalLocation(finding.path[i].location, where)},
                             {"message", message(finding.path[i].message)}});
  return related;
}

Array codeFlows(const Finding &finding, LocationContext &where) {
  Array steps;
  for (const PathStep &step : finding.path)
    steps.push_back(
        Object{{"location", Object{{"physicalLocation", physicalLocation(step.location, where)},
                                   {"message", message(step.message)}}}});
  Object threadFlow{{"locations", std::move(steps)}};
  return Array{Object{{"threadFlows", Array{std::move(threadFlow)}}}};
}

Object resultObject(const Finding &finding, std::optional<size_t> ruleIndex,
                    const std::string &fingerprint, LocationContext &where) {
  Object result{
      {"ruleId", finding.ruleId},
      {"level", levelName(finding.level)},
      {"message", message(finding.message)},
      {"locations", Array{Object{{"physicalLocation", physicalLocation(finding.location, where)}}}},
      {"partialFingerprints", Object{{report::SarifFingerprintKey, fingerprint}}},
      // Required on every result or on none: `[]` means "not suppressed".
      {"suppressions", finding.suppressed ? Array{Object{{"kind", "inSource"}}} : Array{}}};
  if (ruleIndex)
    result["ruleIndex"] = static_cast<int64_t>(*ruleIndex);
  // Whether Python's cyclic GC can free the cycle: a property bag entry, which viewers show
  // and ignore, and scripts can filter on.
  if (finding.collectable)
    result["properties"] = Object{{"collectable", *finding.collectable}};
  if (!finding.path.empty()) {
    result["relatedLocations"] = relatedLocations(finding, where);
    result["codeFlows"] = codeFlows(finding, where);
  }
  return result;
}

Array resultsArray(const ReportInput &input, LocationContext &where) {
  llvm::StringMap<size_t> ruleIndexById;
  const std::vector<RuleEntry> &catalogue = ruleCatalogue();
  for (size_t i = 0; i < catalogue.size(); ++i)
    ruleIndexById[catalogue[i].info.id] = i;

  std::vector<std::string> fingerprints =
      input.fingerprints.empty() ? findingFingerprints(input.findings, input.sourceRoot)
                                 : input.fingerprints;
  Array results;
  for (size_t i = 0; i < input.findings.size(); ++i) {
    const Finding &finding = input.findings[i];
    if (finding.suppressed && input.dropSuppressed)
      continue;
    std::optional<size_t> ruleIndex;
    if (auto it = ruleIndexById.find(finding.ruleId); it != ruleIndexById.end())
      ruleIndex = it->second;
    results.push_back(resultObject(finding, ruleIndex, fingerprints[i], where));
  }
  return results;
}

Object notificationObject(const Notification &notification, LocationContext &where) {
  Object object{{"level", levelName(notification.level)},
                {"message", message(notification.message)}};
  if (!notification.location.file.empty())
    object["locations"] =
        Array{Object{{"physicalLocation", physicalLocation(notification.location, where)}}};
  return object;
}

Object invocationObject(const ReportInput &input, LocationContext &where) {
  Array notifications;
  for (const Notification &notification : input.notifications)
    notifications.push_back(notificationObject(notification, where));
  // Skipped files do not make the scan fail: the rest of the tree was analysed.
  return Object{{"executionSuccessful", true},
                {"toolExecutionNotifications", std::move(notifications)}};
}

Object runObject(const ReportInput &input) {
  Utf16Columns columns; // the files are read relative to the current directory, as scanned
  LocationContext where{input.sourceRoot, columns};
  Object run{{"tool", toolObject(input)},
             {"invocations", Array{invocationObject(input, where)}},
             {"results", resultsArray(input, where)},
             {"columnKind", "utf16CodeUnits"},
             // SARIF's property for the runAutomationDetails object (which is what GitHub's docs
             // call it). "capcycle/" is a category with no run id: code scanning keeps one set
             // of alerts per category.
             {"automationDetails", Object{{"id", "capcycle/"}}}};
  if (!input.sourceRoot.empty())
    run["originalUriBaseIds"] =
        Object{{SourceRootId, Object{{"uri", sourceRootUri(input.sourceRoot)}}}};
  return run;
}

} // namespace

void writeSarifReport(const ReportInput &input, llvm::raw_ostream &out) {
  llvm::json::Value log =
      Object{{"$schema", SchemaUri}, {"version", "2.1.0"}, {"runs", Array{runObject(input)}}};
  out << llvm::formatv("{0:2}", log) << "\n";
}

} // namespace capcycle
