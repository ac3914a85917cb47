#include "checks/FinalizerOnlyReleaseRule.h"

#include <gtest/gtest.h>

using namespace capcycle;

namespace {

FinalizerRelease recognizer() {
  FinalizerRelease r;
  r.className = "Recognizer";
  r.classBindingId = "t.py:1:1:Recognizer";
  r.classLocation = {"t.py", 5, 7, 5, 17};
  r.releaseCall = {"t.py", 12, 9, 12, 46};
  r.releaseText = "lib.recognizer_release(self._handle)";
  return r;
}

std::vector<Finding> check(std::vector<FinalizerRelease> releases) {
  FactSet facts;
  facts.finalizerReleases = std::move(releases);
  std::vector<Finding> findings;
  FinalizerOnlyReleaseRule().check(facts, findings);
  return findings;
}

TEST(FinalizerOnlyReleaseRule, ReportsAClassWithoutCloseOrExitAtItsName) {
  auto findings = check({recognizer()});
  ASSERT_EQ(findings.size(), 1u);
  const Finding &f = findings[0];
  EXPECT_EQ(f.ruleId, "CCY102");
  EXPECT_EQ(f.level, Level::Warning);
  EXPECT_EQ(f.location, (SourceLocation{"t.py", 5, 7, 5, 17}));
  EXPECT_EQ(f.message, "class 'Recognizer' releases its native resource only in __del__ "
                       "('lib.recognizer_release(self._handle)') and offers no close() or "
                       "__exit__");
  // The release in __del__, then the class that offers nothing else.
  ASSERT_EQ(f.path.size(), 2u);
  EXPECT_EQ(f.path[0].location, (SourceLocation{"t.py", 12, 9, 12, 46}));
  EXPECT_EQ(f.path[0].message, "'lib.recognizer_release(self._handle)': released only here, "
                               "when the object is collected");
  EXPECT_EQ(f.path[1].location, (SourceLocation{"t.py", 5, 7, 5, 17}));
  EXPECT_EQ(f.path[1].message,
            "'Recognizer' offers no close() and no __exit__: callers cannot release it on time");
}

TEST(FinalizerOnlyReleaseRule, CloseOrContextManagerIsAnExplicitRelease) {
  FinalizerRelease withClose = recognizer(), withExit = recognizer();
  withClose.hasClose = true;
  withExit.hasContextManager = true;
  EXPECT_TRUE(check({withClose}).empty());
  EXPECT_TRUE(check({withExit}).empty());
}

TEST(FinalizerOnlyReleaseRule, OneFindingPerReleaseSite) {
  // A subclass inheriting the base's __del__ shares its release call: reported at the base only.
  FinalizerRelease base = recognizer(), subclass = recognizer(), other = recognizer();
  subclass.className = "StreamingRecognizer";
  subclass.classLocation = {"t.py", 20, 7, 20, 26};
  other.className = "Synthesizer";
  other.classLocation = {"t.py", 30, 7, 30, 18};
  other.releaseCall = {"t.py", 35, 9, 35, 40};
  auto findings = check({base, subclass, other});
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].location.line, 5u);
  EXPECT_EQ(findings[1].location.line, 30u);
}

TEST(FinalizerOnlyReleaseRule, ShortensLongReleaseCallsInTheMessage) {
  FinalizerRelease r = recognizer();
  r.releaseText = "lib.recognizer_release_with_a_very_long_name(self._handle, self._options)";
  auto findings = check({r});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_NE(findings[0].message.find(
                "('lib.recognizer_release_with_a_very_long_name(self._handle...')"),
            std::string::npos)
      << findings[0].message;
}

TEST(FinalizerOnlyReleaseRule, CatalogueRow) {
  EXPECT_STREQ(FinalizerOnlyReleaseRule::Info.id, "CCY102");
  EXPECT_STREQ(FinalizerOnlyReleaseRule::Info.name, "finalizer-only-release");
  EXPECT_EQ(FinalizerOnlyReleaseRule::Info.defaultLevel, Level::Warning);
  EXPECT_STREQ(FinalizerOnlyReleaseRule::Info.side, "python");
  EXPECT_TRUE(FinalizerOnlyReleaseRule::Info.enabledByDefault);
}

} // namespace
