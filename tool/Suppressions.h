// Inline suppressions, a stage after the rules: `# capcycle: ignore[CCY101]` (Python) or
// `// capcycle: ignore[CCY201]` (C++) on a finding's line, or alone on the line above it,
// silences that finding; a bare `capcycle: ignore` silences every rule there. Silenced
// findings are marked, not removed (SARIF keeps them as suppressed results).
//
// The comments are read from the source lines of the files with findings: rules never see
// syntax, and the frontends need not carry comments as facts for this.
#pragma once

#include "engine/Finding.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace capcycle {

struct IgnoreComment {
  unsigned line = 0;   // 1-based
  unsigned column = 0; // 1-based, of the comment marker (`#` or `//`)
  bool ownLine = false; // nothing but the comment on its line: it also covers the next line
  std::vector<std::string> ruleIds; // empty: a bare `ignore`, every rule
  std::string text;                 // `capcycle: ignore[CCY101]`, for messages
};

// The ignore comments of one source file; `cpp` selects `//` comments instead of `#`.
// Text inside string literals that looks like a comment counts too, as with ruff's `noqa`.
std::vector<IgnoreComment> findIgnoreComments(llvm::StringRef text, bool cpp);

// The catalogue id of unused-ignore findings.
inline constexpr llvm::StringLiteral UnusedIgnoreRuleId = "CCY901";

struct SuppressionOptions {
  // Report ignore comments that silence nothing (CCY901), in the files with findings and in
  // `scannedFiles`.
  bool reportUnused = false;
  std::vector<std::string> scannedFiles;
  // Whether a rule ran: an ignore naming a rule that was not selected cannot be judged unused.
  llvm::function_ref<bool(llvm::StringRef ruleId)> ruleRan;
};

// Marks the findings that ignore comments silence and, with reportUnused, appends a CCY901
// finding per comment that silenced nothing (or names no rule). Files that cannot be read are
// skipped: their frontend has already said so.
void applySuppressions(std::vector<Finding> &findings, const SuppressionOptions &options);

} // namespace capcycle
