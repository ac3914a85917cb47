#include "checks/CppBoundTypes.h"

#include "llvm/ADT/STLExtras.h"

namespace capcycle {

const BoundType *boundTypeOf(const FactSet &facts, const std::string &cppType) {
  // Only where every type made from that struct (in every unit) keeps its instances in C.
  bool described = false, private_ = true;
  for (const GcSupport &gc : facts.gcSupport)
    if (gc.cppType == cppType) {
      described = true;
      private_ = private_ && gc.instancesStayInC;
    }
  if (described && private_)
    return nullptr;
  auto it = llvm::find_if(facts.boundTypes,
                          [&](const BoundType &type) { return type.cppType == cppType; });
  return it == facts.boundTypes.end() ? nullptr : &*it;
}

std::string pythonQualifiedName(const BoundType &type) {
  return type.module.empty() ? type.pythonName : type.module + "." + type.pythonName;
}

const GcSupport *activeGcSupport(const FactSet &facts, const std::string &cppType) {
  auto it = llvm::find_if(facts.gcSupport, [&](const GcSupport &gc) {
    return gc.cppType == cppType && gc.traverseRuns();
  });
  return it == facts.gcSupport.end() ? nullptr : &*it;
}

} // namespace capcycle

namespace capcycle {

std::string addOwnershipEvidence(const FactSet &facts, const PythonReference &reference,
                                 Finding &finding) {
  if (!reference.container.empty() || !llvm::StringRef(reference.heldAs).ends_with("*"))
    return "";
  auto isThisMember = [&](const MemberStore &store) {
    return store.cppType == reference.cppType && store.member == reference.member;
  };
  bool released = llvm::any_of(facts.memberStores, [&](const MemberStore &store) {
    return isThisMember(store) && store.value == "release";
  });
  constexpr size_t Shown = 3;
  size_t shown = 0;
  std::vector<SourceLocation> seen;
  for (const MemberStore &store : facts.memberStores) {
    if (!isThisMember(store) || shown == Shown || llvm::is_contained(seen, store.location))
      continue;
    std::string quotedMember = "'" + reference.member + "'";
    if (store.value == "new") {
      finding.path.push_back(
          {store.location, quotedMember + " is given a new reference here" +
                               (store.copyOf.empty() ? "" : " (to what '" + store.copyOf +
                                                                "' holds)")});
    } else if (store.value == "borrowed" && released) {
      finding.path.push_back({store.location, quotedMember + " is given a borrowed reference "
                                              "here, which the type releases as its own"});
    } else {
      continue;
    }
    seen.push_back(store.location);
    ++shown;
  }
  if (shown > 0)
    return "";
  return released ? "the scanned code never stores into it but releases it as its own: "
                    "ownership assumed"
                  : "never written in the scanned code: ownership assumed";
}

} // namespace capcycle
