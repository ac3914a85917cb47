#include "SampleFindings.h"

#include <gtest/gtest.h>

namespace capcycle {
namespace {

using testing::at;
using testing::sampleInput;

std::string textReport(const ReportInput &input, TextStyle style = {}) {
  std::string text;
  llvm::raw_string_ostream out(text);
  writeTextReport(input, out, style);
  return text;
}

std::string textNotifications(const ReportInput &input, TextStyle style = {}) {
  std::string text;
  llvm::raw_string_ostream out(text);
  writeTextNotifications(input, out, style);
  return text;
}

TEST(TextReporter, FindingLineThenOneNotePerPathStep) {
  EXPECT_EQ(textReport(sampleInput()),
            "/project/src/app.py:12:5: warning: callback 'on_text' captures 'recognizer', whose "
            "signal 'recognized' stores it [CCY101]\n"
            "/project/src/app.py:9:9: note: 'on_text' captures 'recognizer'\n"
            "/project/src/app.py:12:5: note: 'recognizer.recognized' stores 'on_text'\n");
}

TEST(TextReporter, LevelWordFollowsFindingLevel) {
  ReportInput input;
  Finding error{"CCY001", Level::Error, "leaks the native handle", at("a.py", 3, 1, 2), {}};
  Finding note{"CCY103", Level::Note, "unmodelled signal", at("b.py", 4, 2, 3), {}};
  input.findings = {error, note};
  EXPECT_EQ(textReport(input), "a.py:3:1: error: leaks the native handle [CCY001]\n"
                               "b.py:4:2: note: unmodelled signal [CCY103]\n");
}

TEST(TextReporter, UnknownColumnIsLeftOut) {
  ReportInput input;
  input.findings = {Finding{
      "CCY202", Level::Error, "tp_clear is missing", SourceLocation{"ext.c", 20, 0, 0, 0}, {}}};
  EXPECT_EQ(textReport(input), "ext.c:20: error: tp_clear is missing [CCY202]\n");
}

TEST(TextReporter, NoFindingsWritesNothing) { EXPECT_EQ(textReport(ReportInput{}), ""); }

TEST(TextReporter, NoColourUnlessAsked) {
  EXPECT_EQ(textReport(sampleInput()).find('\033'), std::string::npos);
}

TEST(TextReporter, ColourLikeClang) {
  ReportInput input;
  input.findings = {Finding{"CCY001", Level::Error, "leak", at("a.py", 3, 1, 2), {}}};
  input.findings[0].path = {PathStep{at("a.py", 2, 1, 2), "stored here"}};
  EXPECT_EQ(textReport(input, TextStyle{true}),
            "\033[1ma.py:3:1: \033[0m\033[1;31merror:\033[0m \033[1mleak [CCY001]\033[0m\n"
            "\033[1ma.py:2:1: \033[0m\033[1;36mnote:\033[0m stored here\n");
  input.findings[0].level = Level::Warning;
  EXPECT_NE(textReport(input, TextStyle{true}).find("\033[1;35mwarning:\033[0m"),
            std::string::npos);
}

TEST(TextReporter, NotificationsWithAndWithoutPosition) {
  ReportInput input;
  input.notifications = {
      Notification{Notification::Level::Warning, "syntax error, rest of file skipped",
                   at("src/bad.py", 7, 3, 4)},
      Notification{Notification::Level::Error, "not UTF-8, file skipped", at("bin.py", 0, 0, 0)},
  };
  EXPECT_EQ(textNotifications(input),
            "capcycle: warning: src/bad.py:7:3: syntax error, rest of file skipped\n"
            "capcycle: error: bin.py: not UTF-8, file skipped\n");
}

TEST(TextReporter, NotificationsAreNotPartOfTheReport) {
  ReportInput input;
  input.notifications = {
      Notification{Notification::Level::Warning, "skipped", at("x.py", 0, 0, 0)}};
  EXPECT_EQ(textReport(input), "");
}

} // namespace
} // namespace capcycle
