// Reporters turn findings (and the notifications of files that could not be analysed) into
// text for terminals and editors, SARIF 2.1.0 for code scanning, and JSON for scripts.
// They read findings and the rule catalogue only; they never re-run rules or frontends.
#pragma once

#include "engine/Finding.h"
#include "facts/Facts.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace capcycle {

struct ReportInput {
  std::vector<Finding> findings;           // already sorted by the engine
  std::vector<Notification> notifications; // files skipped or read in part
  std::string sourceRoot;                  // absolute directory URIs are made relative to
  std::string toolVersion;                 // e.g. "0.1.0"
  // Parallel to `findings`; computed by the reporters when empty. Precomputed when findings
  // were removed (a baseline): fingerprints number colliding findings in order, so they must
  // be taken over the whole list for a finding to keep its fingerprint.
  std::vector<std::string> fingerprints;
  // Suppressed findings never reach text or JSON; SARIF keeps them (with `suppressions`)
  // unless this is set, because code scanning ignores `suppressions` and would show them.
  bool dropSuppressed = false;
};

struct TextStyle {
  bool color = false;
  bool notes = true; // --quiet: only the primary line of each finding
};

// gcc style: `path:line:col: warning: message [CCY101]`, then `path:line:col: note: ...` per
// path step. Understood by vim's errorformat, Emacs compilation mode and VS Code's $gcc.
void writeTextReport(const ReportInput &input, llvm::raw_ostream &out, const TextStyle &style);
// One line per notification, `capcycle: warning: path:line:col: message`, meant for stderr.
void writeTextNotifications(const ReportInput &input, llvm::raw_ostream &err,
                            const TextStyle &style);
void writeJsonReport(const ReportInput &input, llvm::raw_ostream &out);
// --statistics: one line per rule with findings, `count  ID  name`, most frequent first.
void writeStatistics(const ReportInput &input, llvm::raw_ostream &out);
// `capcycle rules --format markdown`: the rules index of docs/rules/README.md.
void writeRulesMarkdown(llvm::raw_ostream &out);
// The fingerprints the reporters write for `findings` (JSON `fingerprint`, SARIF
// partialFingerprints), computed over the whole list.
std::vector<std::string> findingFingerprints(const std::vector<Finding> &findings,
                                             llvm::StringRef sourceRoot);
void writeSarifReport(const ReportInput &input, llvm::raw_ostream &out);

// Writes a report to `path` (`-o`). A regular file, or one that does not exist yet, is replaced
// through a temporary file in its directory and a rename, so a reader never sees a half-written
// report, even when the scan is interrupted; a symbolic link is followed and its target
// replaced. A device, FIFO or socket (/dev/null, /dev/stdout, a named pipe) is written through,
// never renamed over; so is a regular file in a directory where no temporary file can be made.
llvm::Error writeOutputFile(llvm::StringRef path,
                            llvm::function_ref<void(llvm::raw_ostream &)> write);

} // namespace capcycle
