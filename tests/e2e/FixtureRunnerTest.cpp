// Runs the built binary over tests/fixtures/** with every rule selected and compares its
// findings with the `# expect:` comments in the fixtures: a missing finding and an extra one
// both fail.
#include "Expectations.h"
#include "Subprocess.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

using namespace capcycle::testing;

namespace {

FindingTable expectedFindings(const std::string &root, int &fixtureCount) {
  FindingTable table;
  std::error_code ec;
  for (llvm::sys::fs::recursive_directory_iterator it(root, ec), end; it != end && !ec;
       it.increment(ec)) {
    if (llvm::sys::path::extension(it->path()) != ".py")
      continue;
    ++fixtureCount;
    addExpectations(it->path(), readFile(it->path()), table);
  }
  return table;
}

FindingTable reportedFindings(const llvm::json::Value &report) {
  FindingTable table;
  const llvm::json::Object *root = report.getAsObject();
  if (!root || !root->getArray("findings"))
    return table;
  for (const llvm::json::Value &f : *root->getArray("findings")) {
    const llvm::json::Object &finding = *f.getAsObject();
    const llvm::json::Object &location = *finding.getObject("location");
    table[{location.getString("file")->str(), unsigned(*location.getInteger("line"))}].push_back(
        finding.getString("ruleId")->str());
  }
  return table;
}

TEST(FixtureRunner, EveryFixtureFindingAndNoOther) {
  int fixtures = 0;
  FindingTable expected = expectedFindings("tests/fixtures", fixtures);
  ASSERT_GT(fixtures, 0) << "no fixtures found: is the working directory the source tree?";
  ASSERT_FALSE(expected.empty());

  RunResult result = runCapcycle({"scan", "tests/fixtures", "--select", "ALL", "--format", "json"});
  EXPECT_EQ(result.status, 1) << result.err;
  FindingTable actual = reportedFindings(parseJson(result.out));
  for (const std::string &problem : compareFindings(expected, actual))
    ADD_FAILURE() << problem;
}

} // namespace
