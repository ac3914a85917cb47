#include "report/FindingIdentity.h"
#include "report/Report.h"

namespace capcycle {

std::vector<std::string> findingFingerprints(const std::vector<Finding> &findings,
                                             llvm::StringRef sourceRoot) {
  return report::findingFingerprints(findings, sourceRoot);
}

} // namespace capcycle
