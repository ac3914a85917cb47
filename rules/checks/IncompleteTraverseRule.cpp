#include "checks/IncompleteTraverseRule.h"

#include "checks/CppBoundTypes.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

namespace capcycle {

const RuleInfo IncompleteTraverseRule::Info = {
    "CCY202",
    "incomplete-traverse",
    Level::Error,
    "c++",
    true,
    "A GC-tracked type's tp_traverse misses a Python-reference member, or tp_clear is missing "
    "or incomplete.",
    "A member that tp_traverse does not visit is invisible to Python's cyclic garbage "
    "collector, exactly as in a type without traversal; a type without tp_clear (or whose "
    "tp_clear skips a member) lets the collector find a cycle but not break it. Either way the "
    "cycle and everything it holds is never freed.",
};

namespace {
std::string quoted(const std::string &text) { return "'" + text + "'"; }

Finding finding(const SourceLocation &at, std::string message, const BoundType &type,
                const GcSupport &gc) {
  Finding result;
  result.ruleId = IncompleteTraverseRule::Info.id;
  result.level = IncompleteTraverseRule::Info.defaultLevel;
  result.location = at;
  result.message = std::move(message);
  result.path = {{type.location, quoted(type.cppType) + " is exposed to Python as " +
                                     quoted(pythonQualifiedName(type))},
                 {gc.location, quoted(type.cppType) + " installs tp_traverse " +
                                   quoted(gc.traverseFunction)}};
  return result;
}

// CPython's convention (Doc/c-api/gcsupport.rst, tp_clear in Doc/c-api/typeobj.rst): it is
// enough that one object of every cycle has tp_clear, and immutable containers have none. A
// C-API type needs it only when Python can give a live instance new objects: a cycle through
// an object that keeps just what it was made from also passes through the object that was
// changed later to point back, and that one's tp_clear breaks the cycle. A pybind11
// custom_type_setup type is there to keep callables that its methods store.
// A later store matters where it puts an object into an owning member (one that only ever
// holds exact strings or numbers leads nowhere), or where the scan cannot tell which member.
bool needsClear(const FactSet &facts, const GcSupport &gc) {
  auto owns = [&](const std::string &member) {
    return llvm::any_of(facts.pythonReferences, [&](const PythonReference &r) {
      return r.cppType == gc.cppType && r.owning && (member.empty() || r.member == member);
    });
  };
  if (gc.mechanism != "tp_traverse")
    return owns("");
  return llvm::any_of(gc.storesAfterCreation, [&](const LaterStore &store) {
    return owns(store.member);
  });
}

// Why Python can reach a live instance with new objects: "setter 'x', method 'add' stores 'y'".
std::string laterStores(const GcSupport &gc) {
  constexpr size_t Shown = 3;
  std::vector<std::string> shown;
  for (const LaterStore &store : gc.storesAfterCreation)
    if (shown.size() < Shown)
      shown.push_back(store.describe());
  std::string list = llvm::join(shown, ", ");
  if (gc.storesAfterCreation.size() > Shown)
    list += ", ...";
  return list.empty() ? list : " (" + list + ")";
}

// "not visited by tp_traverse 'f'", "not cleared by tp_clear 'g'", or both; empty if neither.
std::string gaps(const FactSet &facts, const GcSupport &gc, const PythonReference &reference) {
  std::vector<std::string> missing;
  if (!llvm::is_contained(gc.visitedMembers, reference.member))
    missing.push_back("not visited by tp_traverse " + quoted(gc.traverseFunction));
  if (!gc.clearFunction.empty() && !llvm::is_contained(gc.clearedMembers, reference.member) &&
      needsClear(facts, gc))
    missing.push_back("not cleared by tp_clear " + quoted(gc.clearFunction));
  return llvm::join(missing, " and ");
}

// The consequence of what is missing: unseen by the collector, or seen and never broken.
std::string consequence(const std::string &missing) {
  return llvm::StringRef(missing).contains("not visited")
             ? ": a cycle through it is never collected"
             : ": the GC finds a cycle through it but cannot break it there";
}
} // namespace

void IncompleteTraverseRule::check(const FactSet &facts, std::vector<Finding> &findings) const {
  for (const BoundType &type : facts.boundTypes) {
    const GcSupport *gc = activeGcSupport(facts, type.cppType);
    if (!gc || boundTypeOf(facts, type.cppType) != &type)
      continue; // no traversal is CCY201's finding; a type bound twice is checked once
    if (gc->clearFunction.empty() && needsClear(facts, *gc))
      findings.push_back(finding(gc->location,
                                 quoted(type.cppType) + " has tp_traverse " +
                                     quoted(gc->traverseFunction) +
                                     " but no tp_clear, and Python code can give it new "
                                     "objects after creation" +
                                     laterStores(*gc) +
                                     ": the GC can find a cycle through it but cannot break it",
                                 type, *gc));
    for (const PythonReference &reference : facts.pythonReferences) {
      if (reference.cppType != type.cppType || !reference.owning)
        continue;
      std::string missing = gaps(facts, *gc, reference);
      if (missing.empty())
        continue;
      Finding gap = finding(reference.location, "", type, *gc);
      std::string assumed = addOwnershipEvidence(facts, reference, gap);
      gap.message = "Python reference " + quoted(reference.member) + " of " +
                    quoted(type.cppType) + (assumed.empty() ? "" : " (" + assumed + ")") + " is " + missing + consequence(missing);
      findings.push_back(std::move(gap));
    }
  }
}

} // namespace capcycle
