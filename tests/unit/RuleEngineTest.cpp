#include "engine/RuleEngine.h"

#include <gtest/gtest.h>

using namespace capcycle;

namespace {

const RuleInfo &ccy101() { return findRule("CCY101")->info; }

TEST(RuleSelection, DefaultRunsRulesEnabledByDefault) {
  EXPECT_TRUE(RuleSelection{}.isEnabled(ccy101()));
}

TEST(RuleSelection, PrefixesAndAllSelect) {
  EXPECT_TRUE((RuleSelection{{"CCY1"}, {}}).isEnabled(ccy101()));
  EXPECT_TRUE((RuleSelection{{"ALL"}, {}}).isEnabled(ccy101()));
  EXPECT_FALSE((RuleSelection{{"CCY2"}, {}}).isEnabled(ccy101()));
}

TEST(RuleSelection, IgnoreWinsOverSelect) {
  EXPECT_FALSE((RuleSelection{{"ALL"}, {"CCY101"}}).isEnabled(ccy101()));
}

TEST(RuleSelection, NamesUnknownSelectors) {
  EXPECT_EQ((RuleSelection{{"CCY1"}, {"CCY999"}}).unknownSelector(), "CCY999");
  EXPECT_EQ((RuleSelection{{"CCY101"}, {}}).unknownSelector(), "");
}

TEST(RuleEngine, SortsFindingsByLocation) {
  FactSet facts;
  for (unsigned line : {30u, 10u}) {
    SignalConnection c;
    c.connectCall = {"t.py", line, 1, line, 20};
    c.receiver = {"x", "t.py:1:1:x", {"t.py", 2, 1, 2, 2}};
    c.captures = {{c.receiver, {"t.py", line, 15, line, 16}}};
    facts.signalConnections.push_back(c);
  }
  auto findings = runRules(facts, {});
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].location.line, 10u);
  EXPECT_TRUE(runRules(facts, {{}, {"CCY101"}}).empty());
}

} // namespace
