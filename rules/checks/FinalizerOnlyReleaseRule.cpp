#include "checks/FinalizerOnlyReleaseRule.h"

#include "llvm/ADT/StringSet.h"

namespace capcycle {

const RuleInfo FinalizerOnlyReleaseRule::Info = {
    "CCY102",
    "finalizer-only-release",
    Level::Warning,
    "python",
    true,
    "A Python class releases a native resource only in __del__ and offers no close() or "
    "context manager.",
    "The class frees native memory or a native handle only in its finalizer. A finalizer runs "
    "only when the object is collected: a reference cycle, an exception traceback or a global "
    "keeps the object alive, and the native memory behind it, which Python neither sees nor "
    "counts, grows. Without close() or __exit__ callers cannot release it on time.",
};

namespace {

// Long or multi-line release calls are shortened in the message; the path note points at the
// whole call anyway.
std::string shortened(llvm::StringRef text) {
  constexpr size_t Limit = 60;
  return text.size() <= Limit ? text.str() : (text.take_front(Limit - 3) + "...").str();
}

std::string locationKey(const SourceLocation &l) {
  return l.file + ":" + std::to_string(l.line) + ":" + std::to_string(l.column);
}

Finding describe(const FinalizerRelease &release) {
  const std::string cls = "'" + release.className + "'";
  const std::string call = "'" + shortened(release.releaseText) + "'";
  Finding finding;
  finding.ruleId = FinalizerOnlyReleaseRule::Info.id;
  finding.level = FinalizerOnlyReleaseRule::Info.defaultLevel;
  finding.location = release.classLocation;
  finding.message = "class " + cls + " releases its native resource only in __del__ (" + call +
                    ") and offers no close() or __exit__";
  finding.path = {
      {release.releaseCall, call + ": released only here, when the object is collected"},
      {release.classLocation,
       cls + " offers no close() and no __exit__: callers cannot release it on time"},
  };
  return finding;
}

} // namespace

void FinalizerOnlyReleaseRule::check(const FactSet &facts, std::vector<Finding> &findings) const {
  // A subclass that inherits the releasing __del__ shares its release call with the base:
  // one finding per release site, at the first class (the base, defined first), is enough —
  // adding close() to the base fixes both.
  llvm::StringSet<> reportedReleases;
  for (const FinalizerRelease &release : facts.finalizerReleases) {
    if (release.hasClose || release.hasContextManager)
      continue;
    if (reportedReleases.insert(locationKey(release.releaseCall)).second)
      findings.push_back(describe(release));
  }
}

} // namespace capcycle
