#include "BindingLinks.h"

#include "ModuleScopes.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <map>
#include <set>

namespace capcycle {

namespace {
template <typename Record> void dropRepeated(std::vector<Record> &records) {
  std::vector<Record> unique;
  for (Record &record : records)
    if (!llvm::is_contained(unique, record))
      unique.push_back(std::move(record));
  records = std::move(unique);
}

// The Python methods bound to cppFunction (a constructor is called as the type, not by name).
std::vector<std::string> pythonNamesOf(const FactSet &facts, const std::string &cppFunction) {
  std::vector<std::string> names;
  for (const BoundMember &member : facts.boundMembers)
    if (member.cppFunction == cppFunction && member.kind != "constructor" &&
        !llvm::is_contained(names, member.pythonName))
      names.push_back(member.pythonName);
  return names;
}

// A property setter, or a constructor Python calls through `py::init<...>()`: Python's
// `obj.x = cb` / `T(cb)` run it, though no method name is bound to it.
bool calledWithoutAName(const FactSet &facts, const std::string &cppFunction) {
  return llvm::any_of(facts.boundMembers, [&](const BoundMember &bound) {
    return (!bound.setterFunction.empty() && bound.setterFunction == cppFunction) ||
           (bound.kind == "constructor" && bound.cppFunction == cppFunction);
  });
}

// A bound method or a property setter stores a callable in the member, or Python assigns the
// member itself (`.def_readwrite("on_done", &Job::on_done)`: `job.on_done = cb` converts cb).
bool storedFromPython(const FactSet &facts, const std::string &cppType, const std::string &member) {
  return llvm::any_of(facts.callableStores,
                      [&](const CallableStore &store) {
                        return store.cppType == cppType && store.member == member &&
                               (!store.pythonMethods.empty() ||
                                calledWithoutAName(facts, store.cppFunction));
                      }) ||
         llvm::any_of(facts.boundMembers, [&](const BoundMember &bound) {
           return bound.cppType == cppType && bound.kind == "readwrite" &&
                  bound.returnedMember == member;
         });
}

// A traversal the GC runs (GcSupport::traverseRuns).
bool visits(const FactSet &facts, const std::string &cppType, const std::string &member) {
  return llvm::any_of(facts.gcSupport, [&](const GcSupport &gc) {
    return gc.cppType == cppType && gc.traverseRuns() &&
           llvm::is_contained(gc.visitedMembers, member);
  });
}

// A C-API object without traversal of its own whose members another type's traverse visits in
// every instance it reaches (functools' lru_cache walking its list links): the links are owned
// by that object, and the GC sees their references through it.
bool visitedOnItsBehalf(const FactSet &facts, const PythonReference &reference) {
  std::string name = reference.cppType + "::" + reference.member;
  return llvm::none_of(facts.gcSupport, [&](const GcSupport &gc) {
           return gc.cppType == reference.cppType && gc.traverseRuns();
         }) &&
         llvm::any_of(facts.gcSupport, [&](const GcSupport &gc) {
           return gc.cppType != reference.cppType && gc.traverseRuns() &&
                  llvm::is_contained(gc.visitedMembers, name);
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
    return visits(facts, reference.cppType, reference.member) ||
           visitedOnItsBehalf(facts, reference);
  return llvm::all_of(owners, [&](const std::string &owner) {
    return visits(facts, owner, reference.cppType + "::" + reference.member);
  });
}

bool isWeakList(const FactSet &facts, const PythonReference &reference) {
  return llvm::any_of(facts.gcSupport, [&](const GcSupport &gc) {
    return gc.cppType == reference.cppType && gc.weakListMember == reference.member;
  });
}

// Whether the member is written and every value written is atomic: an exact str, bytes, int,
// float, bool or callback-less weak reference, or a copy of a member that only holds those.
// Whether every store into the member is atomic or rooted (MemberStore::value): nothing it
// holds can make a cycle that the GC would have to collect.
bool storesOnlyAtomic(const FactSet &facts, const std::string &cppType, const std::string &member,
                      int depth) {
  bool stored = false;
  for (const MemberStore &store : facts.memberStores) {
    if (store.cppType != cppType || store.member != member || store.value == "release" ||
        store.value == "none")
      continue;
    stored = true;
    bool atomicCopy = !store.copyOf.empty() && store.copyOf != member && depth < 4 &&
                      storesOnlyAtomic(facts, cppType, store.copyOf, depth + 1);
    if (store.value != "atomic" && store.value != "rooted" && !atomicCopy)
      return false;
  }
  return stored;
}

// A raw PyObject pointer owns its referent only where the code says so (MemberStoreCollector.h):
// a member only ever handed borrowed pointers and never released is a borrowed link, and one
// only ever given exact str/bytes/int/float objects cannot lead back to its owner. A member
// Python assigns itself (a writable PyMemberDef) owns whatever Python puts there; one the
// scan never writes keeps the benefit of the doubt.
bool ownsByItsStores(const FactSet &facts, const PythonReference &reference) {
  if (!reference.container.empty() || !llvm::StringRef(reference.heldAs).ends_with("*"))
    return true;
  if (llvm::any_of(facts.boundMembers, [&](const BoundMember &member) {
        return member.cppType == reference.cppType && member.kind == "readwrite" &&
               member.returnedMember == reference.member;
      }))
    return true;
  if (storesOnlyAtomic(facts, reference.cppType, reference.member, 0))
    return false;
  bool stored = false, released = false, owned = false, provablyUnwritten = false, pinned = false;
  for (const MemberStore &store : facts.memberStores) {
    if (store.cppType != reference.cppType || store.member != reference.member)
      continue;
    if (store.value == "none") {
      provablyUnwritten = true;
      continue;
    }
    if (store.value == "pinned") {
      pinned = true;
      continue;
    }
    released |= store.value == "release";
    stored |= store.value != "release";
    owned |= store.value != "release" && store.value != "borrowed";
  }
  // Always NULL: releasing it gives nothing back. Set only while the object holds a reference
  // to itself (SelfPins.h): the GC never frees it meanwhile, whether it sees the member or not.
  if ((provablyUnwritten || pinned) && !stored)
    return false;
  return !stored || owned || released;
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
      std::vector<std::string> names = pythonNamesOf(facts, other.releasedIn);
      // `ctx.keylog_filename = None` runs the setter that frees the old handle.
      for (const BoundMember &member : facts.boundMembers)
        if (member.setterFunction == other.releasedIn)
          names.push_back(member.pythonName + " (setter)");
      for (std::string &name : names)
        if (!llvm::is_contained(finalizer.explicitlyReleasedBy, name))
          finalizer.explicitlyReleasedBy.push_back(std::move(name));
    }
  }
}
// The modules each binding function receives: each caller's module, and the submodule it hands
// on. A chain of binding functions is followed to its module bodies; recursion ends it, and
// each function is worked out once (many callers of many callers stay linear) — unless a
// recursion was cut short below it, which would leave its answer incomplete.
class ReceivedModules {
public:
  explicit ReceivedModules(const FactSet &facts) : facts(facts) {}

  std::vector<std::string> of(const std::string &function) {
    if (auto it = known.find(function); it != known.end())
      return it->second;
    size_t cutsBefore = cuts;
    std::vector<std::string> modules;
    if (std::optional<std::string> module = moduleDefinedBy(function)) {
      modules.push_back(*module);
    } else if (!llvm::is_contained(following, function)) {
      following.push_back(function);
      for (const ModuleHandOff &handOff : facts.moduleHandOffs) {
        if (handOff.callee != function)
          continue;
        for (const std::string &module : of(handOff.caller)) {
          std::string received = submoduleName(module, handOff.submodule);
          if (!llvm::is_contained(modules, received))
            modules.push_back(std::move(received));
        }
      }
      following.pop_back();
    } else {
      ++cuts; // a call cycle: its modules come from where it was entered
      return {};
    }
    if (cuts == cutsBefore)
      known[function] = modules;
    return modules;
  }

private:
  const FactSet &facts;
  std::map<std::string, std::vector<std::string>> known;
  std::vector<std::string> following;
  size_t cuts = 0;
};

// A class bound in a binding function is bound once per module that function receives; with
// none in the scan its module stays empty (still a class exposed to Python, for CCY20x).
void linkBoundTypeModules(FactSet &facts) {
  ReceivedModules received(facts);
  std::vector<BoundType> linked;
  for (BoundType &type : facts.boundTypes) {
    if (type.bindingFunction.empty() || !type.module.empty()) {
      linked.push_back(std::move(type));
      continue;
    }
    std::vector<std::string> modules = received.of(type.bindingFunction);
    if (modules.empty())
      linked.push_back(type);
    for (const std::string &module : modules) {
      linked.push_back(type);
      linked.back().module = submoduleName(module, type.submodule);
    }
  }
  facts.boundTypes = std::move(linked);
}
// A store that followed its function's calls in one unit holds what it holds without that
// assumption where another unit of the scan calls the function too.
void resolveCallerAssumptions(FactSet &facts) {
  std::set<std::string> calledElsewhere;
  for (const ExternalCall &call : facts.externalCalls)
    calledElsewhere.insert(call.callee);
  for (MemberStore &store : facts.memberStores)
    if (!store.onlyCalledHere.empty() && calledElsewhere.count(store.onlyCalledHere))
      store.value = store.valueIfCalledElsewhere;
}
} // namespace

void linkBindingFacts(FactSet &facts) {
  resolveCallerAssumptions(facts);
  dropRepeated(facts.moduleHandOffs);
  linkBoundTypeModules(facts);
  dropRepeated(facts.boundTypes);
  dropRepeated(facts.boundMembers);
  dropRepeated(facts.pythonReferences);
  dropRepeated(facts.gcSupport);
  dropRepeated(facts.callableStores);
  dropRepeated(facts.nativeReleases);
  dropRepeated(facts.memberStores);
  dropRepeated(facts.externalCalls);
  for (CallableStore &store : facts.callableStores)
    store.pythonMethods = pythonNamesOf(facts, store.cppFunction);
  for (PythonReference &reference : facts.pythonReferences)
    if (reference.heldAs == "std::function")
      reference.owning = storedFromPython(facts, reference.cppType, reference.member);
  linkSignalOwnerships(facts);
  for (PythonReference &reference : facts.pythonReferences) {
    reference.owning =
        reference.owning && !isWeakList(facts, reference) && ownsByItsStores(facts, reference);
    reference.traversed = visited(facts, reference);
  }
  linkExplicitReleases(facts);
}

} // namespace capcycle
