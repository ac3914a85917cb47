#include "SampleFindings.h"

#include <gtest/gtest.h>

namespace capcycle {
namespace {

using testing::at;
using testing::sampleInput;

llvm::json::Value parsedJsonReport(const ReportInput &input) {
  std::string text;
  llvm::raw_string_ostream out(text);
  writeJsonReport(input, out);
  EXPECT_TRUE(llvm::StringRef(text).ends_with("}\n"));
  auto parsed = llvm::json::parse(text);
  if (!parsed) {
    ADD_FAILURE() << llvm::toString(parsed.takeError());
    return nullptr;
  }
  return std::move(*parsed);
}

TEST(JsonReporter, FindingFieldsRoundTrip) {
  ReportInput input = sampleInput();
  input.notifications = {
      Notification{Notification::Level::Warning, "file skipped", at("/project/b.py", 0, 0, 0)}};
  llvm::json::Value document = parsedJsonReport(input);
  const llvm::json::Object *root = document.getAsObject();
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->getString("version"), "0.1.0");

  const llvm::json::Array *findings = root->getArray("findings");
  ASSERT_NE(findings, nullptr);
  ASSERT_EQ(findings->size(), 1u);
  const llvm::json::Object &finding = *(*findings)[0].getAsObject();
  EXPECT_EQ(finding.getString("ruleId"), "CCY101");
  EXPECT_EQ(finding.getString("level"), "warning");
  EXPECT_EQ(finding.getString("message"), input.findings[0].message);

  SourceLocation location;
  llvm::json::Path::Root pathRoot;
  ASSERT_TRUE(fromJSON(*finding.get("location"), location, pathRoot));
  EXPECT_EQ(location, input.findings[0].location);

  const llvm::json::Array *path = finding.getArray("path");
  ASSERT_NE(path, nullptr);
  ASSERT_EQ(path->size(), 2u);
  const llvm::json::Object &step = *(*path)[1].getAsObject();
  EXPECT_EQ(step.getString("message"), "'recognizer.recognized' stores 'on_text'");
  ASSERT_TRUE(fromJSON(*step.get("location"), location, pathRoot));
  EXPECT_EQ(location, input.findings[0].path[1].location);

  EXPECT_FALSE(finding.getString("fingerprint").value_or("").empty());

  const llvm::json::Array *notifications = root->getArray("notifications");
  ASSERT_NE(notifications, nullptr);
  ASSERT_EQ(notifications->size(), 1u);
  Notification notification;
  ASSERT_TRUE(fromJSON((*notifications)[0], notification, pathRoot));
  EXPECT_EQ(notification, input.notifications[0]);
}

TEST(JsonReporter, EmptyReportStillHasEveryKey) {
  llvm::json::Value document = parsedJsonReport(ReportInput{});
  const llvm::json::Object *root = document.getAsObject();
  ASSERT_NE(root, nullptr);
  ASSERT_NE(root->getArray("findings"), nullptr);
  EXPECT_TRUE(root->getArray("findings")->empty());
  ASSERT_NE(root->getArray("notifications"), nullptr);
  EXPECT_TRUE(root->getArray("notifications")->empty());
}

} // namespace
} // namespace capcycle
