#include "checks/GcOpaqueReferenceRule.h"

#include "checks/CppBoundTypes.h"

namespace capcycle {

const RuleInfo GcOpaqueReferenceRule::Info = {
    "CCY201",
    "gc-opaque-reference",
    Level::Warning,
    "c++",
    true,
    "A type exposed to Python holds strong Python references but has no GC traversal.",
    "A member of type PyObject*, py::object, py::function (or a container of them), or a "
    "std::function holding a Python callable, keeps Python objects alive where Python's cyclic "
    "garbage collector cannot see it, because the type has no tp_traverse. A callback stored "
    "there that captures its owner makes a cycle that is never collected, together with every "
    "native resource of the owner.",
};

namespace {
std::string quoted(const std::string &text) { return "'" + text + "'"; }

std::string describeHeld(const PythonReference &reference) {
  return reference.container.empty() ? reference.heldAs
                                     : reference.container + " of " + reference.heldAs;
}

std::string missingTraversal(const FactSet &facts, const std::string &cppType) {
  for (const GcSupport &gc : facts.gcSupport)
    if (gc.cppType == cppType && !gc.traverseFunction.empty() && !gc.traverseRuns())
      return "its tp_traverse " + quoted(gc.traverseFunction) +
             " is never called without Py_TPFLAGS_HAVE_GC";
  return "it has no GC traversal (tp_traverse)";
}

Finding describe(const FactSet &facts, const BoundType &type, const PythonReference &reference) {
  Finding finding;
  finding.ruleId = GcOpaqueReferenceRule::Info.id;
  finding.level = GcOpaqueReferenceRule::Info.defaultLevel;
  finding.location = reference.location;
  finding.path.push_back({type.location, quoted(reference.cppType) + " is exposed to Python as " +
                                             quoted(pythonQualifiedName(type))});
  std::string assumed = addOwnershipEvidence(facts, reference, finding);
  finding.message = "member " + quoted(reference.member) + " of " + quoted(reference.cppType) +
                    " holds a strong Python reference (" + describeHeld(reference) +
                    (assumed.empty() ? "" : "; " + assumed) + ") but " + missingTraversal(facts, reference.cppType) +
                    ": the GC cannot see it, so a reference cycle through it is never collected";
  for (const CallableStore &store : facts.callableStores)
    if (store.cppType == reference.cppType && store.member == reference.member)
      for (const std::string &method : store.pythonMethods)
        finding.path.push_back({store.location, quoted(type.pythonName + "." + method) +
                                                    " stores a Python callable in " +
                                                    quoted(reference.member)});
  return finding;
}
} // namespace

void GcOpaqueReferenceRule::check(const FactSet &facts, std::vector<Finding> &findings) const {
  for (const PythonReference &reference : facts.pythonReferences) {
    const BoundType *type = boundTypeOf(facts, reference.cppType);
    // `traversed` also covers a signal embedded in an owner whose traversal visits it.
    if (!reference.owning || !type || reference.traversed ||
        activeGcSupport(facts, reference.cppType))
      continue;
    findings.push_back(describe(facts, *type, reference));
  }
}

} // namespace capcycle
