#include "checks/FinalizerOnlyHandleRule.h"

#include "checks/CppBoundTypes.h"

#include "llvm/ADT/STLExtras.h"

namespace capcycle {

const RuleInfo FinalizerOnlyHandleRule::Info = {
    "CCY203",
    "finalizer-only-handle",
    Level::Warning,
    "c++",
    true,
    "A type exposed to Python releases its native resource only in its destructor or "
    "tp_dealloc; no explicit close is bound.",
    "Python code cannot give the resource back on time: it is released only when the wrapper "
    "is collected. A reference cycle through the wrapper (a callback that captures it), a "
    "traceback or a global delays that indefinitely — forever when the cycle is GC-opaque — "
    "and the native memory is invisible to Python's memory accounting.",
};

namespace {
std::string quoted(const std::string &text) { return "'" + text + "'"; }

Finding describe(const BoundType &type, const NativeRelease &release) {
  Finding finding;
  finding.ruleId = FinalizerOnlyHandleRule::Info.id;
  finding.level = FinalizerOnlyHandleRule::Info.defaultLevel;
  finding.location = release.location;
  finding.message = quoted(release.cppType) + " releases " + quoted(release.member) + " (" +
                    release.releaseCall + ") only in its finalizer " +
                    quoted(release.releasedIn) +
                    "; no method bound to Python (close, __exit__, ...) reaches that release";
  finding.path = {{type.location, quoted(release.cppType) + " is exposed to Python as " +
                                      quoted(pythonQualifiedName(type))}};
  return finding;
}

// Whether an instance can be part of a reference cycle, which is what keeps a finalizer from
// running: it owns Python references, stores callables, owns signals, or Python code can
// subclass it (a subclass instance can hold anything). A hash context or a compressor state
// that can do none of these is freed when its last reference goes.
bool canBeInCycle(const FactSet &facts, const std::string &cppType) {
  auto is = [&](const auto &fact) { return fact.cppType == cppType; };
  if (llvm::any_of(facts.pythonReferences,
                   [&](const PythonReference &r) { return is(r) && r.owning; }) ||
      llvm::any_of(facts.callableStores, is) ||
      llvm::any_of(facts.signalOwnerships,
                   [&](const SignalOwnership &s) { return s.ownerType == cppType; }))
    return true;
  // A type without GcSupport facts is a pybind11 class: subclassable unless py::is_final.
  return llvm::none_of(facts.gcSupport, is) ||
         llvm::any_of(facts.gcSupport, [&](const GcSupport &gc) { return is(gc) && gc.subclassable; });
}

bool sameRelease(const NativeRelease &a, const NativeRelease &b) {
  return a.cppType == b.cppType && a.member == b.member && a.releaseCall == b.releaseCall;
}
} // namespace

void FinalizerOnlyHandleRule::check(const FactSet &facts, std::vector<Finding> &findings) const {
  std::vector<const NativeRelease *> reported;
  for (const NativeRelease &release : facts.nativeReleases) {
    const BoundType *type = boundTypeOf(facts, release.cppType);
    if (!type || !release.finalizer || !release.explicitlyReleasedBy.empty() ||
        !canBeInCycle(facts, release.cppType))
      continue;
    // One finding per resource, even when the finalizer reaches it twice.
    if (llvm::any_of(reported, [&](const NativeRelease *seen) { return sameRelease(*seen, release); }))
      continue;
    reported.push_back(&release);
    findings.push_back(describe(*type, release));
  }
}

} // namespace capcycle
