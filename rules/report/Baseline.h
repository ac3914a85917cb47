// --baseline FILE: a previous capcycle report (JSON or SARIF) whose findings are not reported
// again, so a team can adopt capcycle on a large codebase and fail only on new findings.
// Findings are matched by fingerprint (report/FindingIdentity.h), which ignores line numbers:
// code added above an old finding does not make it new.
#pragma once

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"

namespace capcycle {

struct Baseline {
  llvm::StringSet<> fingerprints;
};

// An unreadable file, one that is not JSON, or a report of another tool is an error naming
// the file (and the line, for broken JSON).
llvm::Expected<Baseline> loadBaseline(llvm::StringRef path);

} // namespace capcycle
