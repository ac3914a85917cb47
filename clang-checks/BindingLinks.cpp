#include "BindingLinks.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>

namespace capcycle {

namespace {
template <typename Record> void dropRepeated(std::vector<Record> &records) {
  std::vector<Record> unique;
  for (Record &record : records)
    if (!llvm::is_contained(unique, record))
      unique.push_back(std::move(record));
  records = std::move(unique);
}

std::vector<std::string> pythonNamesOf(const FactSet &facts, const std::string &cppFunction) {
  std::vector<std::string> names;
  for (const BoundMember &member : facts.boundMembers)
    if (member.cppFunction == cppFunction && !llvm::is_contained(names, member.pythonName))
      names.push_back(member.pythonName);
  return names;
}

bool storedFromPython(const FactSet &facts, const std::string &cppType, const std::string &member) {
  return llvm::any_of(facts.callableStores, [&](const CallableStore &store) {
    return store.cppType == cppType && store.member == member && !store.pythonMethods.empty();
  });
}

// A traversal the GC runs: without Py_TPFLAGS_HAVE_GC tp_traverse is never called.
bool visits(const FactSet &facts, const std::string &cppType, const std::string &member) {
  return llvm::any_of(facts.gcSupport, [&](const GcSupport &gc) {
    return gc.cppType == cppType && gc.gcFlag && !gc.traverseFunction.empty() &&
           llvm::is_contained(gc.visitedMembers, member);
  });
}

// A signal object that lives inside its owner (SignalOwnership) is reached by the GC only
// through the owner's instance, so the owner's traversal decides (its visitedMembers name
// "Signal::member"); the signal type's own traverse runs only on stand-alone signals.
bool visited(const FactSet &facts, const PythonReference &reference) {
  std::vector<std::string> owners;
  for (const SignalOwnership &ownership : facts.signalOwnerships)
    if (ownership.signalType == reference.cppType && !llvm::is_contained(owners, ownership.ownerType))
      owners.push_back(ownership.ownerType);
  if (owners.empty())
    return visits(facts, reference.cppType, reference.member);
  return llvm::all_of(owners, [&](const std::string &owner) {
    return visits(facts, owner, reference.cppType + "::" + reference.member);
  });
}

bool storesCallablesFromPython(const FactSet &facts, const std::string &cppType) {
  return llvm::any_of(facts.callableStores, [&](const CallableStore &store) {
    return store.cppType == cppType && !store.pythonMethods.empty();
  });
}

void linkSignalOwnerships(FactSet &facts) {
  for (const BoundMember &member : facts.boundMembers) {
    if (member.returnedMemberType.empty() ||
        !storesCallablesFromPython(facts, member.returnedMemberType))
      continue;
    SignalOwnership ownership{member.cppType, member.pythonName, member.returnedMember,
                              member.returnedMemberType, member.location};
    if (!llvm::is_contained(facts.signalOwnerships, ownership))
      facts.signalOwnerships.push_back(std::move(ownership));
  }
}

void linkExplicitReleases(FactSet &facts) {
  for (NativeRelease &finalizer : facts.nativeReleases) {
    if (!finalizer.finalizer)
      continue;
    for (const NativeRelease &other : facts.nativeReleases) {
      if (other.finalizer || other.cppType != finalizer.cppType ||
          other.member != finalizer.member || other.releaseCall != finalizer.releaseCall)
        continue;
      for (std::string &name : pythonNamesOf(facts, other.releasedIn))
        if (!llvm::is_contained(finalizer.explicitlyReleasedBy, name))
          finalizer.explicitlyReleasedBy.push_back(std::move(name));
    }
  }
}
} // namespace

void linkBindingFacts(FactSet &facts) {
  dropRepeated(facts.boundMembers);
  dropRepeated(facts.pythonReferences);
  dropRepeated(facts.gcSupport);
  dropRepeated(facts.callableStores);
  dropRepeated(facts.nativeReleases);
  for (CallableStore &store : facts.callableStores)
    store.pythonMethods = pythonNamesOf(facts, store.cppFunction);
  for (PythonReference &reference : facts.pythonReferences)
    if (reference.heldAs == "std::function")
      reference.owning = storedFromPython(facts, reference.cppType, reference.member);
  linkSignalOwnerships(facts);
  for (PythonReference &reference : facts.pythonReferences)
    reference.traversed = visited(facts, reference);
  linkExplicitReleases(facts);
}

} // namespace capcycle
