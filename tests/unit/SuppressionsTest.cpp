// Inline suppressions on hand-made findings and source text: which comment silences which
// finding, and which comments are reported as unused (CCY901).
#include "Suppressions.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace capcycle;

namespace {

TEST(IgnoreComments, PythonFormsAndPositions) {
  auto comments = findIgnoreComments("x = 1  # capcycle: ignore[CCY101, ccy102]\n"
                                     "    #capcycle:ignore\n"
                                     "y = '#'  # capcycle: ignore[CCY001] because\n"
                                     "# capcycle: ignored on purpose\n"
                                     "# capcycle: ignore-file\n"
                                     "// capcycle: ignore[CCY201]\n"
                                     "z = 2  # capcycle: ignore[]\n",
                                     /*cpp=*/false);
  ASSERT_EQ(comments.size(), 3u);
  EXPECT_EQ(comments[0].line, 1u);
  EXPECT_EQ(comments[0].column, 8u);
  EXPECT_FALSE(comments[0].ownLine);
  EXPECT_EQ(comments[0].ruleIds, (std::vector<std::string>{"CCY101", "CCY102"}));
  EXPECT_EQ(comments[0].text, "capcycle: ignore[CCY101, ccy102]");
  EXPECT_EQ(comments[1].line, 2u);
  EXPECT_EQ(comments[1].column, 5u);
  EXPECT_TRUE(comments[1].ownLine);
  EXPECT_TRUE(comments[1].ruleIds.empty());
  // The '#' inside the string is not followed by `capcycle:`; the real comment is found.
  EXPECT_EQ(comments[2].line, 3u);
  EXPECT_EQ(comments[2].column, 10u);
  EXPECT_EQ(comments[2].ruleIds, (std::vector<std::string>{"CCY001"}));
}

TEST(IgnoreComments, CppUsesSlashes) {
  auto comments = findIgnoreComments("  py::function cb_;  // capcycle: ignore[CCY201]\n"
                                     "# capcycle: ignore\n",
                                     /*cpp=*/true);
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_EQ(comments[0].line, 1u);
  EXPECT_EQ(comments[0].column, 22u);
  EXPECT_EQ(comments[0].ruleIds, (std::vector<std::string>{"CCY201"}));
}

class SuppressionStageTest : public ::testing::Test {
protected:
  std::string dir;
  void SetUp() override {
    llvm::SmallString<128> path;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("capcycle-suppressions", path));
    dir = std::string(path);
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  std::string write(const std::string &name, const std::string &text) {
    std::string file = dir + "/" + name;
    std::error_code ec;
    llvm::raw_fd_ostream out(file, ec);
    out << text;
    return file;
  }

  static Finding finding(const std::string &file, unsigned line, const char *rule) {
    Finding f;
    f.ruleId = rule;
    f.message = "m";
    f.location.file = file;
    f.location.line = line;
    f.location.column = 5;
    return f;
  }
};

TEST_F(SuppressionStageTest, SameLineAndOwnLineAboveOnly) {
  std::string file = write("a.py", "a()  # capcycle: ignore[CCY101]\n"  // 1
                                   "# capcycle: ignore[CCY101]\n"       // 2
                                   "b()\n"                              // 3
                                   "c()  # capcycle: ignore\n"          // 4
                                   "d()\n"                              // 5
                                   "e()  # capcycle: ignore[CCY102]\n"); // 6
  std::vector<Finding> findings = {finding(file, 1, "CCY101"), finding(file, 3, "CCY101"),
                                   finding(file, 4, "CCY001"), finding(file, 5, "CCY101"),
                                   finding(file, 6, "CCY101")};
  SuppressionOptions options;
  applySuppressions(findings, options);
  ASSERT_EQ(findings.size(), 5u) << "no CCY901 without reportUnused";
  EXPECT_TRUE(findings[0].suppressed);  // same line
  EXPECT_TRUE(findings[1].suppressed);  // comment alone on the line above
  EXPECT_TRUE(findings[2].suppressed);  // bare ignore
  EXPECT_FALSE(findings[3].suppressed); // a trailing comment does not cover the next line
  EXPECT_FALSE(findings[4].suppressed); // another rule
}

TEST_F(SuppressionStageTest, UnusedUnknownAndNotJudged) {
  std::string withFinding = write("a.py", "a()  # capcycle: ignore[CCY101, CCY102]\n"
                                          "# capcycle: ignore\n"
                                          "\n"
                                          "b()  # capcycle: ignore[CCY103]\n");
  std::string scannedOnly = write("b.py", "x = 1\n"
                                          "y = 2  # capcycle: ignore[CCY999]\n");
  std::string notScanned = write("c.py", "z = 3  # capcycle: ignore\n");
  (void)notScanned;
  std::vector<Finding> findings = {finding(withFinding, 1, "CCY101")};
  SuppressionOptions options;
  options.reportUnused = true;
  options.scannedFiles = {scannedOnly};
  // CCY103 did not run (off by default): its ignore cannot be judged.
  auto ran = [](llvm::StringRef id) { return id != "CCY103"; };
  options.ruleRan = ran;
  applySuppressions(findings, options);
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_TRUE(findings[0].suppressed);
  // Order: the files' absolute paths, then lines.
  EXPECT_EQ(findings[1].ruleId, "CCY901");
  EXPECT_EQ(findings[1].location.line, 1u);
  EXPECT_EQ(findings[1].location.column, 6u);
  EXPECT_EQ(findings[1].message,
            "'capcycle: ignore[CCY101, CCY102]' silences nothing: no CCY102 finding on this line");
  EXPECT_EQ(findings[2].location.line, 2u);
  EXPECT_EQ(findings[2].message,
            "'capcycle: ignore' silences nothing: no finding on this line or the next");
  EXPECT_EQ(findings[3].location.file, scannedOnly);
  EXPECT_EQ(findings[3].location.line, 2u);
  EXPECT_EQ(findings[3].location.column, 8u);
  EXPECT_EQ(findings[3].message,
            "'capcycle: ignore[CCY999]' names no rule: CCY999 (see capcycle rules)");
}

} // namespace
