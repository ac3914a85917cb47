#include "checks/SelfSignalCaptureRule.h"

#include <gtest/gtest.h>

using namespace capcycle;

namespace {

BindingRef binding(const std::string &name, unsigned line) {
  return {name, "t.py:1:1:" + name, {"t.py", line, 5, line, 5 + unsigned(name.size())}};
}

SignalConnection connection(std::vector<Capture> captures) {
  SignalConnection c;
  c.connectCall = {"t.py", 20, 5, 20, 50};
  c.receiver = binding("transcriber", 3);
  c.receiverText = "transcriber";
  c.signal = "transcribed";
  c.connectMethod = "connect";
  c.callbackName = "on_transcribed";
  c.callbackKind = "nested-function";
  c.callbackDefinition = {"t.py", 10, 9, 10, 23};
  c.callbackArgument = {"t.py", 20, 37, 20, 51};
  c.captures = std::move(captures);
  return c;
}

std::vector<Finding> check(const SignalConnection &c) {
  FactSet facts;
  facts.signalConnections.push_back(c);
  std::vector<Finding> findings;
  SelfSignalCaptureRule().check(facts, findings);
  return findings;
}

TEST(SelfSignalCaptureRule, ReportsCallbackCapturingTheSignalOwner) {
  auto findings = check(connection({{binding("segments", 4), {"t.py", 11, 9, 11, 17}},
                                    {binding("transcriber", 3), {"t.py", 12, 13, 12, 24}}}));
  ASSERT_EQ(findings.size(), 1u);
  const Finding &f = findings[0];
  EXPECT_EQ(f.ruleId, "CCY101");
  EXPECT_EQ(f.level, Level::Warning);
  EXPECT_EQ(f.location, (SourceLocation{"t.py", 20, 5, 20, 50}));
  EXPECT_EQ(f.message, "callback 'on_transcribed' connected to signal 'transcriber.transcribed' "
                       "captures 'transcriber': reference cycle transcriber -> transcribed -> "
                       "on_transcribed -> transcriber");
  // object -> signal -> callback -> captured object, each at the code that makes the edge.
  ASSERT_EQ(f.path.size(), 3u);
  EXPECT_EQ(f.path[0].location.line, 3u);
  EXPECT_EQ(f.path[1].location, (SourceLocation{"t.py", 20, 37, 20, 51}));
  EXPECT_EQ(f.path[2].location, (SourceLocation{"t.py", 12, 13, 12, 24}));
}

TEST(SelfSignalCaptureRule, IgnoresCapturesOfOtherObjects) {
  EXPECT_TRUE(check(connection({{binding("segments", 4), {"t.py", 11, 9, 11, 17}}})).empty());
}

TEST(SelfSignalCaptureRule, SameNameInAnotherScopeIsAnotherObject) {
  Capture shadow{binding("transcriber", 3), {"t.py", 12, 13, 12, 24}};
  shadow.binding.bindingId = "t.py:9:5:transcriber";
  EXPECT_TRUE(check(connection({shadow})).empty());
}

TEST(SelfSignalCaptureRule, NamesLambdasAsSuch) {
  SignalConnection c = connection({{binding("transcriber", 3), {"t.py", 20, 50, 20, 61}}});
  c.callbackKind = "lambda";
  c.callbackName = "<lambda>";
  auto findings = check(c);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].message.rfind("lambda connected to signal 'transcriber.transcribed'", 0),
            0u);
}

} // namespace
