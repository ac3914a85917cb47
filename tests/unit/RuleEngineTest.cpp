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
    FinalizerRelease release;
    release.className = "C" + std::to_string(line);
    release.classLocation = {"t.py", line, 7, line, 9};
    release.releaseCall = {"t.py", line + 2, 9, line + 2, 20};
    facts.finalizerReleases.push_back(release);
  }
  auto findings = runRules(facts, ApiModels(), {});
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].location.line, 10u);
  EXPECT_TRUE(runRules(facts, ApiModels(), {{}, {"CCY102"}}).empty());
}

} // namespace
