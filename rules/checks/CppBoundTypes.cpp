#include "checks/CppBoundTypes.h"

#include "llvm/ADT/STLExtras.h"

namespace capcycle {

const BoundType *boundTypeOf(const FactSet &facts, const std::string &cppType) {
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
