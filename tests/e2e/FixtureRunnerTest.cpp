// Runs the built binary over tests/fixtures/** with every rule selected and compares its
// findings with the `# expect:` comments in the fixtures: a missing finding and an extra one
// both fail.
#include "Expectations.h"
#include "Subprocess.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <algorithm>

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

// The C and C++ fixtures (tests/fixtures/CCY2xx/*.c, *.cpp; C extension code in the shape real
// extensions have is C, compiled as C) compile against the real <Python.h> and
// pybind11 headers; their expectations are `// expect: CCY201` comments. All units go to one
// run, as a user's scan would: facts are joined across units by C++ type name, so fixture
// types must have distinct names.
std::vector<std::string> cppFixtures(const std::string &root) {
  std::vector<std::string> files;
  std::error_code ec;
  for (llvm::sys::fs::recursive_directory_iterator it(root, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::StringRef ext = llvm::sys::path::extension(it->path()); ext == ".cpp" || ext == ".c")
      files.push_back(it->path());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(FixtureRunner, EveryCppFixtureFindingAndNoOther) {
  std::vector<std::string> files = cppFixtures("tests/fixtures");
  ASSERT_GE(files.size(), 30u) << "the C++ rules need at least 30 fixtures";
  FindingTable expected;
  for (const std::string &file : files)
    addExpectations(file, readFile(file), expected);

  std::vector<std::string> args{"scan"};
  args.insert(args.end(), files.begin(), files.end());
  for (const char *arg : {"--select", "ALL", "--format", "json", "--", "-std=c++17"})
    args.push_back(arg);
  args.push_back(std::string("-I") + CAPCYCLE_TEST_PYTHON_INCLUDE);
  RunResult result = runCapcycle(args);
  EXPECT_EQ(result.status, 1) << result.err;
  EXPECT_EQ(result.err, "") << "every fixture must compile cleanly";
  FindingTable actual = reportedFindings(parseJson(result.out));
  for (const std::string &problem : compareFindings(expected, actual))
    ADD_FAILURE() << problem;
}

} // namespace
