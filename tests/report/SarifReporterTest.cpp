#include "SampleFindings.h"

#include "engine/Rule.h"
#include "report/Utf16Columns.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

namespace capcycle {
namespace {

using llvm::json::Array;
using llvm::json::Object;
using testing::at;
using testing::sampleInput;
using testing::selfSignalCapture;

llvm::json::Value sarifLog(const ReportInput &input) {
  std::string text;
  llvm::raw_string_ostream out(text);
  writeSarifReport(input, out);
  auto parsed = llvm::json::parse(text);
  if (!parsed) {
    ADD_FAILURE() << llvm::toString(parsed.takeError());
    return nullptr;
  }
  return std::move(*parsed);
}

// Navigation that fails the test (instead of crashing) when a member is missing.
const Object &member(const Object &object, llvm::StringRef key) {
  static const Object missing;
  const Object *found = object.getObject(key);
  EXPECT_NE(found, nullptr) << "missing object '" << key.str() << "'";
  return found ? *found : missing;
}

const Array &array(const Object &object, llvm::StringRef key) {
  static const Array missing;
  const Array *found = object.getArray(key);
  EXPECT_NE(found, nullptr) << "missing array '" << key.str() << "'";
  return found ? *found : missing;
}

const Object &element(const Array &array, size_t index) {
  static const Object missing;
  EXPECT_LT(index, array.size());
  const Object *found = index < array.size() ? array[index].getAsObject() : nullptr;
  return found ? *found : missing;
}

std::string text(const Object &object, llvm::StringRef key) {
  return object.getString(key).value_or("<missing>").str();
}

const Object &onlyRun(const llvm::json::Value &log) {
  static const Object missing;
  const Object *root = log.getAsObject();
  if (!root)
    return missing;
  const Array &runs = array(*root, "runs");
  EXPECT_EQ(runs.size(), 1u);
  return element(runs, 0);
}

const Object &firstResult(const Object &run) { return element(array(run, "results"), 0); }

const Object &primaryPhysicalLocation(const Object &result) {
  return member(element(array(result, "locations"), 0), "physicalLocation");
}

std::string fingerprintOf(const ReportInput &input, size_t index = 0) {
  llvm::json::Value log = sarifLog(input);
  const Object &result = element(array(onlyRun(log), "results"), index);
  return text(member(result, "partialFingerprints"), "capcycle/v1");
}

std::optional<size_t> catalogueIndex(llvm::StringRef id) {
  const std::vector<RuleEntry> &catalogue = ruleCatalogue();
  for (size_t i = 0; i < catalogue.size(); ++i)
    if (id == catalogue[i].info.id)
      return i;
  return std::nullopt;
}

TEST(SarifReporter, LogHeader) {
  llvm::json::Value log = sarifLog(sampleInput());
  const Object &root = *log.getAsObject();
  EXPECT_EQ(text(root, "$schema"), "https://json.schemastore.org/sarif-2.1.0.json");
  EXPECT_EQ(text(root, "version"), "2.1.0");
  const Object &run = onlyRun(log);
  EXPECT_EQ(text(run, "columnKind"), "utf16CodeUnits");
  EXPECT_EQ(text(member(run, "automationDetails"), "id"), "capcycle/");
  const Object &invocation = element(array(run, "invocations"), 0);
  EXPECT_EQ(invocation.getBoolean("executionSuccessful"), true);
}

TEST(SarifReporter, DriverDescribesEveryCatalogueRuleInOrder) {
  llvm::json::Value log = sarifLog(sampleInput());
  const Object &driver = member(member(onlyRun(log), "tool"), "driver");
  EXPECT_EQ(text(driver, "name"), "capcycle");
  EXPECT_EQ(text(driver, "semanticVersion"), "0.1.0");
  EXPECT_EQ(text(driver, "version"), "0.1.0");
  EXPECT_EQ(text(driver, "informationUri"), "https://github.com/capcycle/capcycle");

  const Array &rules = array(driver, "rules");
  const std::vector<RuleEntry> &catalogue = ruleCatalogue();
  ASSERT_EQ(rules.size(), catalogue.size());
  for (size_t i = 0; i < catalogue.size(); ++i) {
    const RuleInfo &info = catalogue[i].info;
    const Object &rule = element(rules, i);
    EXPECT_EQ(text(rule, "id"), info.id);
    EXPECT_EQ(text(rule, "name"), info.name);
    EXPECT_EQ(text(member(rule, "shortDescription"), "text"), info.shortDescription);
    EXPECT_EQ(text(member(rule, "fullDescription"), "text"), info.fullDescription);
    std::string page = std::string("docs/rules/") + info.id + ".md";
    EXPECT_NE(text(member(rule, "help"), "text").find(page), std::string::npos);
    EXPECT_NE(text(member(rule, "help"), "markdown").find(page), std::string::npos);
    EXPECT_EQ(text(rule, "helpUri"), "https://github.com/capcycle/capcycle/blob/main/" + page);
    EXPECT_EQ(text(member(rule, "defaultConfiguration"), "level"), levelName(info.defaultLevel));
    // Rules that are off by default must say so, or viewers present them as active.
    EXPECT_EQ(member(rule, "defaultConfiguration").getBoolean("enabled").value_or(true),
              info.enabledByDefault);
    const Object &properties = member(rule, "properties");
    EXPECT_EQ(text(properties, "precision"), "high");
    EXPECT_EQ(text(properties, "problem.severity"), info.defaultLevel == Level::Error ? "error"
                                                    : info.defaultLevel == Level::Warning
                                                        ? "warning"
                                                        : "recommendation");
    ASSERT_NE(properties.getArray("tags"), nullptr);
    EXPECT_EQ(properties.getArray("tags")->size(), 2u);
  }
}

TEST(SarifReporter, SelfSignalCaptureRuleProperties) {
  std::optional<size_t> index = catalogueIndex("CCY101");
  ASSERT_TRUE(index);
  llvm::json::Value log = sarifLog(sampleInput());
  const Object &rule =
      element(array(member(member(onlyRun(log), "tool"), "driver"), "rules"), *index);
  EXPECT_EQ(text(rule, "name"), "self-signal-capture");
  EXPECT_EQ(text(member(rule, "defaultConfiguration"), "level"), "warning");
  EXPECT_EQ(text(member(rule, "properties"), "problem.severity"), "warning");
}

TEST(SarifReporter, ResultPointsAtItsCatalogueRule) {
  llvm::json::Value log = sarifLog(sampleInput());
  const Object &run = onlyRun(log);
  const Object &result = firstResult(run);
  EXPECT_EQ(text(result, "ruleId"), "CCY101");
  EXPECT_EQ(result.getInteger("ruleIndex"), std::optional<int64_t>(catalogueIndex("CCY101")));
  const Array &rules = array(member(member(run, "tool"), "driver"), "rules");
  EXPECT_EQ(text(element(rules, result.getInteger("ruleIndex").value_or(-1)), "id"), "CCY101");
  EXPECT_EQ(text(result, "level"), "warning");
  EXPECT_EQ(text(member(result, "message"), "text"), sampleInput().findings[0].message);
  ASSERT_NE(result.getArray("suppressions"), nullptr);
  EXPECT_TRUE(result.getArray("suppressions")->empty());
}

TEST(SarifReporter, UnknownRuleHasNoRuleIndex) {
  ReportInput input = sampleInput();
  input.findings[0].ruleId = "CCY999";
  llvm::json::Value log = sarifLog(input);
  EXPECT_EQ(firstResult(onlyRun(log)).get("ruleIndex"), nullptr);
}

TEST(SarifReporter, LocationIsRelativeToSourceRoot) {
  llvm::json::Value log = sarifLog(sampleInput());
  const Object &run = onlyRun(log);
  const Object &physical = primaryPhysicalLocation(firstResult(run));
  const Object &artifact = member(physical, "artifactLocation");
  EXPECT_EQ(text(artifact, "uri"), "src/app.py");
  EXPECT_EQ(text(artifact, "uriBaseId"), "%SRCROOT%");
  const Object &region = member(physical, "region");
  EXPECT_EQ(region.getInteger("startLine"), 12);
  EXPECT_EQ(region.getInteger("startColumn"), 5);
  EXPECT_EQ(region.getInteger("endLine"), 12);
  EXPECT_EQ(region.getInteger("endColumn"), 47);
  EXPECT_EQ(text(member(member(run, "originalUriBaseIds"), "%SRCROOT%"), "uri"),
            "file:///project/");
}

TEST(SarifReporter, SourceRootUriEndsInOneSlash) {
  ReportInput input = sampleInput();
  input.sourceRoot = "/project/";
  llvm::json::Value log = sarifLog(input);
  EXPECT_EQ(text(member(member(onlyRun(log), "originalUriBaseIds"), "%SRCROOT%"), "uri"),
            "file:///project/");
  EXPECT_EQ(
      text(member(primaryPhysicalLocation(firstResult(onlyRun(log))), "artifactLocation"), "uri"),
      "src/app.py");
}

TEST(SarifReporter, UnknownOrInvertedPositionsAreLeftOut) {
  ReportInput input = sampleInput();
  input.findings[0].location = SourceLocation{"/project/a.py", 3, 0, 0, 0};
  input.findings.push_back(selfSignalCapture("/project/b.py"));
  input.findings[1].location = SourceLocation{"/project/b.py", 8, 6, 8, 2};
  llvm::json::Value log = sarifLog(input);
  const Array &results = array(onlyRun(log), "results");
  const Object &noColumn = member(primaryPhysicalLocation(element(results, 0)), "region");
  EXPECT_EQ(noColumn.getInteger("startLine"), 3);
  EXPECT_EQ(noColumn.size(), 1u) << "only startLine is known";
  const Object &inverted = member(primaryPhysicalLocation(element(results, 1)), "region");
  EXPECT_EQ(inverted.getInteger("startColumn"), 6);
  EXPECT_EQ(inverted.get("endColumn"), nullptr);
}

// The frontends count bytes; SARIF's columnKind is utf16CodeUnits, so columns after non-ASCII
// text are converted from the source line.
TEST(SarifReporter, ColumnsAreUtf16CodeUnitsOfTheSourceLine) {
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("capcycle-columns", "py", path));
  {
    std::error_code error;
    llvm::raw_fd_ostream file(path, error);
    ASSERT_FALSE(error);
    // Line 2: `x = "` (5 bytes), é (2 bytes, 1 unit), U+1F600 (4 bytes, 2 units), `"; ` (3),
    // then `t` at byte column 15, UTF-16 column 12.
    file << "import speech\n"
         << "x = \"\xC3\xA9\xF0\x9F\x98\x80\"; t\n";
  }
  ReportInput input = sampleInput();
  input.findings = {selfSignalCapture(std::string(path))};
  input.findings[0].location = SourceLocation{std::string(path), 2, 15, 2, 16};
  input.findings[0].path[0].location = SourceLocation{std::string(path), 1, 8, 1, 14};
  llvm::json::Value log = sarifLog(input);
  llvm::sys::fs::remove(path);
  const Object &result = firstResult(onlyRun(log));
  const Object &region = member(primaryPhysicalLocation(result), "region");
  EXPECT_EQ(region.getInteger("startColumn"), 12);
  EXPECT_EQ(region.getInteger("endColumn"), 13);
  const Object &ascii = member(
      member(element(array(result, "relatedLocations"), 0), "physicalLocation"), "region");
  EXPECT_EQ(ascii.getInteger("startColumn"), 8) << "ASCII lines keep their columns";
}

TEST(SarifReporter, Utf16LengthCountsInvalidBytesAsOneUnitEach) {
  EXPECT_EQ(utf16Length("abc"), 3u);
  EXPECT_EQ(utf16Length("\xC3\xA9"), 1u);
  EXPECT_EQ(utf16Length("\xF0\x9F\x98\x80"), 2u);
  EXPECT_EQ(utf16Length("\xFF\xFE"), 2u) << "latin-1 or binary bytes";
}

TEST(SarifReporter, FileOutsideRootIsAbsoluteFileUri) {
  ReportInput input = sampleInput();
  input.findings = {selfSignalCapture("/project2/app.py")}; // shares a prefix, not a directory
  llvm::json::Value log = sarifLog(input);
  const Object &artifact =
      member(primaryPhysicalLocation(firstResult(onlyRun(log))), "artifactLocation");
  EXPECT_EQ(text(artifact, "uri"), "file:///project2/app.py");
  EXPECT_EQ(artifact.get("uriBaseId"), nullptr);
}

TEST(SarifReporter, UrisArePercentEncoded) {
  ReportInput input = sampleInput();
  input.sourceRoot = "/my project";
  input.findings = {selfSignalCapture("/my project/src/a b#1%.py"),
                    selfSignalCapture("/other dir/c:d.py")};
  llvm::json::Value log = sarifLog(input);
  const Object &run = onlyRun(log);
  EXPECT_EQ(text(member(member(run, "originalUriBaseIds"), "%SRCROOT%"), "uri"),
            "file:///my%20project/");
  const Array &results = array(run, "results");
  EXPECT_EQ(text(member(primaryPhysicalLocation(element(results, 0)), "artifactLocation"), "uri"),
            "src/a%20b%231%25.py");
  EXPECT_EQ(text(member(primaryPhysicalLocation(element(results, 1)), "artifactLocation"), "uri"),
            "file:///other%20dir/c%3Ad.py");
}

TEST(SarifReporter, PathBecomesRelatedLocationsAndCodeFlow) {
  llvm::json::Value log = sarifLog(sampleInput());
  const Object &result = firstResult(onlyRun(log));
  const Array &related = array(result, "relatedLocations");
  ASSERT_EQ(related.size(), 2u);
  EXPECT_EQ(element(related, 0).getInteger("id"), 0);
  EXPECT_EQ(element(related, 1).getInteger("id"), 1);
  EXPECT_EQ(text(member(element(related, 0), "message"), "text"),
            "'on_text' captures 'recognizer'");
  EXPECT_EQ(
      member(member(element(related, 0), "physicalLocation"), "region").getInteger("startLine"), 9);

  const Array &flows = array(result, "codeFlows");
  ASSERT_EQ(flows.size(), 1u);
  const Array &threadFlows = array(element(flows, 0), "threadFlows");
  ASSERT_EQ(threadFlows.size(), 1u);
  const Array &steps = array(element(threadFlows, 0), "locations");
  ASSERT_EQ(steps.size(), 2u);
  const Object &second = member(element(steps, 1), "location");
  EXPECT_EQ(text(member(second, "message"), "text"), "'recognizer.recognized' stores 'on_text'");
  EXPECT_EQ(text(member(member(second, "physicalLocation"), "artifactLocation"), "uri"),
            "src/app.py");
}

TEST(SarifReporter, NoCodeFlowWithoutPath) {
  ReportInput input = sampleInput();
  input.findings[0].path.clear();
  llvm::json::Value log = sarifLog(input);
  const Object &result = firstResult(onlyRun(log));
  EXPECT_EQ(result.get("codeFlows"), nullptr);
  EXPECT_EQ(result.get("relatedLocations"), nullptr);
}

TEST(SarifReporter, FingerprintIgnoresTheLine) {
  ReportInput moved = sampleInput();
  moved.findings[0].location.line += 3; // three lines were added above
  moved.findings[0].location.endLine += 3;
  EXPECT_EQ(fingerprintOf(sampleInput()), fingerprintOf(moved));
  EXPECT_FALSE(fingerprintOf(moved).empty());
}

TEST(SarifReporter, FingerprintIgnoresWhereTheCheckoutIs) {
  ReportInput elsewhere = sampleInput();
  elsewhere.sourceRoot = "/home/ci/checkout";
  elsewhere.findings = {selfSignalCapture("/home/ci/checkout/src/app.py")};
  EXPECT_EQ(fingerprintOf(sampleInput()), fingerprintOf(elsewhere));
}

TEST(SarifReporter, FingerprintChangesWithMessageColumnFileOrRule) {
  std::string original = fingerprintOf(sampleInput());
  ReportInput changed = sampleInput();
  changed.findings[0].message = "callback 'on_done' captures 'recognizer'";
  EXPECT_NE(fingerprintOf(changed), original);
  changed = sampleInput();
  changed.findings[0].location.column = 9;
  EXPECT_NE(fingerprintOf(changed), original);
  changed = sampleInput();
  changed.findings = {selfSignalCapture("/project/src/other.py")};
  EXPECT_NE(fingerprintOf(changed), original);
  changed = sampleInput();
  changed.findings[0].ruleId = "CCY001";
  EXPECT_NE(fingerprintOf(changed), original);
}

TEST(SarifReporter, IdenticalFindingsOnDifferentLinesStayDistinct) {
  ReportInput input = sampleInput();
  input.findings.push_back(input.findings[0]);
  input.findings[1].location.line = 40;
  input.findings[1].location.endLine = 40;
  EXPECT_NE(fingerprintOf(input, 0), fingerprintOf(input, 1));
}

TEST(SarifReporter, NotificationsBecomeToolExecutionNotifications) {
  ReportInput input = sampleInput();
  input.notifications = {
      Notification{Notification::Level::Warning, "Syntax error; the rest of the file was skipped.",
                   at("/project/src/bad.py", 7, 3, 4)},
      Notification{Notification::Level::Error, "The file is not UTF-8 and was skipped.",
                   at("/project/bin.py", 0, 0, 0)},
      Notification{Notification::Level::Note, "No compile database was found.", {}},
  };
  llvm::json::Value log = sarifLog(input);
  const Object &invocation = element(array(onlyRun(log), "invocations"), 0);
  const Array &notifications = array(invocation, "toolExecutionNotifications");
  ASSERT_EQ(notifications.size(), 3u);

  const Object &withLine = element(notifications, 0);
  EXPECT_EQ(text(withLine, "level"), "warning");
  EXPECT_EQ(text(member(withLine, "message"), "text"), input.notifications[0].message);
  const Object &physical = member(element(array(withLine, "locations"), 0), "physicalLocation");
  EXPECT_EQ(text(member(physical, "artifactLocation"), "uri"), "src/bad.py");
  EXPECT_EQ(member(physical, "region").getInteger("startLine"), 7);

  const Object &wholeFile = element(notifications, 1);
  EXPECT_EQ(text(wholeFile, "level"), "error");
  const Object &filePhysical =
      member(element(array(wholeFile, "locations"), 0), "physicalLocation");
  EXPECT_EQ(text(member(filePhysical, "artifactLocation"), "uri"), "bin.py");
  EXPECT_EQ(filePhysical.get("region"), nullptr) << "line 0 is not a region";

  EXPECT_EQ(element(notifications, 2).get("locations"), nullptr);
  EXPECT_EQ(invocation.getBoolean("executionSuccessful"), true);
}

} // namespace
} // namespace capcycle
