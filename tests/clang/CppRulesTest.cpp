// CCY201, CCY202 and CCY203 on hand-made facts: what each reports, where, and what it leaves
// alone. (The fixture runner covers them end to end on real code.)
#include "checks/FinalizerOnlyHandleRule.h"
#include "checks/GcOpaqueReferenceRule.h"
#include "checks/IncompleteTraverseRule.h"

#include <gtest/gtest.h>

namespace capcycle {
namespace {

SourceLocation line(unsigned n) { return {"b.cpp", n, 3, n, 20}; }

FactSet signalBoundAs(const std::string &cppType) {
  FactSet facts;
  facts.boundTypes.push_back({cppType, "Signal", "events", line(30)});
  return facts;
}

PythonReference reference(const std::string &cppType, const std::string &member, bool owning) {
  return {cppType, member, "pybind11::function", "", owning, false, line(10)};
}

template <typename RuleT> std::vector<Finding> run(const FactSet &facts) {
  std::vector<Finding> findings;
  RuleT().check(facts, findings);
  return findings;
}

TEST(GcOpaqueReferenceRule, OwningMemberOfBoundTypeWithoutTraversal) {
  FactSet facts = signalBoundAs("Signal");
  facts.pythonReferences.push_back(reference("Signal", "cb_", true));
  facts.callableStores.push_back({"Signal", "cb_", "Signal::connect", {"connect"}, line(5)});
  std::vector<Finding> findings = run<GcOpaqueReferenceRule>(facts);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].ruleId, "CCY201");
  EXPECT_EQ(findings[0].level, Level::Warning);
  EXPECT_EQ(findings[0].location, line(10));
  EXPECT_EQ(findings[0].message,
            "member 'cb_' of 'Signal' holds a strong Python reference (pybind11::function) but "
            "it has no GC traversal (tp_traverse): the GC cannot see it, so a reference cycle "
            "through it is never collected");
  ASSERT_EQ(findings[0].path.size(), 2u);
  EXPECT_EQ(findings[0].path[0].message, "'Signal' is exposed to Python as 'events.Signal'");
  EXPECT_EQ(findings[0].path[1].message, "'Signal.connect' stores a Python callable in 'cb_'");
}

// A raw PyObject* owns only where the code says so: the finding shows where it is given a new
// reference, and says so where the scan saw none and assumed it.
TEST(GcOpaqueReferenceRule, SaysWhereARawPointerIsGivenItsReferenceOrThatItIsAssumed) {
  FactSet facts = signalBoundAs("Signal");
  facts.pythonReferences.push_back({"Signal", "handler", "PyObject*", "", true, false, line(10)});
  facts.memberStores.push_back({"Signal", "handler", "atomic", line(40), ""});
  facts.memberStores.push_back({"Signal", "handler", "new", line(41), ""});
  facts.memberStores.push_back({"Signal", "handler", "release", line(42), ""});
  std::vector<Finding> stored = run<GcOpaqueReferenceRule>(facts);
  ASSERT_EQ(stored.size(), 1u);
  ASSERT_EQ(stored[0].path.size(), 2u);
  EXPECT_EQ(stored[0].path[1].location, line(41));
  EXPECT_EQ(stored[0].path[1].message, "'handler' is given a new reference here");
  EXPECT_EQ(stored[0].message.find("assumed"), std::string::npos);

  facts.memberStores.erase(facts.memberStores.begin(), facts.memberStores.begin() + 2);
  std::vector<Finding> onlyReleased = run<GcOpaqueReferenceRule>(facts);
  ASSERT_EQ(onlyReleased.size(), 1u);
  EXPECT_EQ(onlyReleased[0].path.size(), 1u);
  EXPECT_EQ(onlyReleased[0].message,
            "member 'handler' of 'Signal' holds a strong Python reference (PyObject*; the "
            "scanned code never stores into it but releases it as its own: ownership assumed) "
            "but it has no GC traversal (tp_traverse): the GC cannot see it, so a reference "
            "cycle through it is never collected");
}

TEST(GcOpaqueReferenceRule, SilentForBorrowedUnboundOrTraversed) {
  FactSet borrowed = signalBoundAs("Signal");
  borrowed.pythonReferences.push_back(reference("Signal", "sender_", false));
  EXPECT_TRUE(run<GcOpaqueReferenceRule>(borrowed).empty());

  FactSet unbound = signalBoundAs("Other");
  unbound.pythonReferences.push_back(reference("Signal", "cb_", true));
  EXPECT_TRUE(run<GcOpaqueReferenceRule>(unbound).empty());

  FactSet traversed = signalBoundAs("Signal");
  traversed.pythonReferences.push_back(reference("Signal", "cb_", true));
  traversed.gcSupport.push_back(
      {"Signal", "custom_type_setup", true, "lambda", "lambda", {"cb_"}, {"cb_"}, line(31)});
  EXPECT_TRUE(run<GcOpaqueReferenceRule>(traversed).empty());
}

TEST(GcOpaqueReferenceRule, TraverseWithoutGcFlagDoesNotCount) {
  FactSet facts = signalBoundAs("Signal");
  facts.pythonReferences.push_back(reference("Signal", "cb_", true));
  facts.gcSupport.push_back({"Signal", "tp_traverse", false, "Signal_traverse", "", {"cb_"}, {}, line(31)});
  std::vector<Finding> findings = run<GcOpaqueReferenceRule>(facts);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_NE(findings[0].message.find("never called without Py_TPFLAGS_HAVE_GC"), std::string::npos);
}

TEST(IncompleteTraverseRule, UnvisitedAndUnclearedMembersAndMissingClear) {
  FactSet facts = signalBoundAs("Signal");
  facts.pythonReferences.push_back(reference("Signal", "a", true));
  facts.pythonReferences.push_back(reference("Signal", "b", true));
  facts.pythonReferences.back().location = line(11);
  facts.gcSupport.push_back({"Signal", "tp_traverse", true, "T", "C", {"a"}, {}, line(31)});
  facts.gcSupport[0].storesAfterCreation = {{"method 'connect'", "a"}};
  std::vector<Finding> findings = run<IncompleteTraverseRule>(facts);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].level, Level::Error);
  EXPECT_EQ(findings[0].message, "Python reference 'a' of 'Signal' is not cleared by tp_clear "
                                 "'C': the GC finds a cycle through it but cannot break it there");
  EXPECT_EQ(findings[1].location, line(11));
  EXPECT_EQ(findings[1].message,
            "Python reference 'b' of 'Signal' is not visited by tp_traverse 'T' and not cleared "
            "by tp_clear 'C': a cycle through it is never collected");

  facts.gcSupport[0].clearFunction.clear();
  facts.gcSupport[0].visitedMembers = {"a", "b"};
  findings = run<IncompleteTraverseRule>(facts);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].location, line(31));
  EXPECT_EQ(findings[0].message,
            "'Signal' has tp_traverse 'T' but no tp_clear, and Python code can give it new "
            "objects after creation (method 'connect' stores 'a'): the GC can find a cycle "
            "through it but cannot break it");
}

// CPython's convention: one tp_clear per cycle is enough. A C-API type that keeps only what
// it was made from (an iterator) needs none, nor does one that owns no reference (a lock); an
// unvisited member is a gap all the same.
TEST(IncompleteTraverseRule, NoClearNeededWithoutLaterStores) {
  FactSet facts = signalBoundAs("Signal");
  facts.pythonReferences.push_back(reference("Signal", "a", true));
  facts.pythonReferences.push_back(reference("Signal", "b", true));
  facts.gcSupport.push_back({"Signal", "tp_traverse", true, "T", "", {"a"}, {}, line(31)});
  std::vector<Finding> findings = run<IncompleteTraverseRule>(facts);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].message, "Python reference 'b' of 'Signal' is not visited by "
                                 "tp_traverse 'T': a cycle through it is never collected");

  FactSet nothingOwned = signalBoundAs("Signal");
  nothingOwned.gcSupport.push_back({"Signal", "tp_traverse", true, "T", "", {}, {}, line(31)});
  nothingOwned.gcSupport[0].storesAfterCreation = {{"setter 'x'", ""}};
  EXPECT_TRUE(run<IncompleteTraverseRule>(nothingOwned).empty());

  // pybind11's custom_type_setup exists to keep the callables its methods store.
  FactSet pybind = signalBoundAs("Signal");
  pybind.pythonReferences.push_back(reference("Signal", "a", true));
  pybind.gcSupport.push_back({"Signal", "custom_type_setup", true, "T", "", {"a"}, {}, line(31)});
  EXPECT_EQ(run<IncompleteTraverseRule>(pybind).size(), 1u);
}

TEST(IncompleteTraverseRule, NoTraversalIsNotThisRulesFinding) {
  FactSet facts = signalBoundAs("Signal");
  facts.pythonReferences.push_back(reference("Signal", "a", true));
  facts.gcSupport.push_back({"Signal", "tp_traverse", false, "", "", {}, {}, line(31)});
  EXPECT_TRUE(run<IncompleteTraverseRule>(facts).empty());
}

// A C-API type that owns no Python reference, stores nothing and cannot be subclassed from
// Python is never part of a cycle: its finalizer runs with its last reference.
TEST(FinalizerOnlyHandleRule, OnlyTypesThatCanBeInACycle) {
  FactSet facts = signalBoundAs("Digest");
  facts.nativeReleases.push_back({"Digest", "ctx", "ctx_free", "Digest_dealloc", true, {}, line(20)});
  facts.gcSupport.push_back({"Digest", "tp_traverse", false, "", "", {}, {}, line(31)});
  facts.gcSupport[0].subclassable = false;
  EXPECT_TRUE(run<FinalizerOnlyHandleRule>(facts).empty());

  FactSet subclassable = facts;
  subclassable.gcSupport[0].subclassable = true;
  EXPECT_EQ(run<FinalizerOnlyHandleRule>(subclassable).size(), 1u);

  FactSet owning = facts;
  owning.pythonReferences.push_back(reference("Digest", "callback", true));
  EXPECT_EQ(run<FinalizerOnlyHandleRule>(owning).size(), 1u);
}

TEST(FinalizerOnlyHandleRule, FinalizerReleaseWithoutBoundClose) {
  FactSet facts = signalBoundAs("Engine");
  facts.nativeReleases.push_back({"Engine", "h_", "engine_destroy", "Engine::~Engine", true, {}, line(20)});
  facts.nativeReleases.push_back({"Engine", "h_", "engine_destroy", "Engine::reset", false, {}, line(25)});
  std::vector<Finding> findings = run<FinalizerOnlyHandleRule>(facts);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].location, line(20));
  EXPECT_EQ(findings[0].message,
            "'Engine' releases 'h_' (engine_destroy) only in its finalizer 'Engine::~Engine'; no "
            "method bound to Python (close, __exit__, ...) reaches that release");

  facts.nativeReleases[0].explicitlyReleasedBy = {"close"};
  EXPECT_TRUE(run<FinalizerOnlyHandleRule>(facts).empty());
}

} // namespace
} // namespace capcycle
