// Private to the reporters: where a finding's file sits relative to the source root, and the
// fingerprint that identifies a finding across scans. JSON and SARIF must agree on both, so
// they are computed in one place.
#pragma once

#include "engine/Finding.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"

#include <optional>
#include <string>
#include <vector>

namespace capcycle::report {

// The SARIF partialFingerprints key of findingFingerprints(): our own, because
// primaryLocationLineHash belongs to GitHub's upload action, which warns when a log carries a
// value its algorithm would not have computed. Baselines read it back.
inline constexpr llvm::StringLiteral SarifFingerprintKey = "capcycle/v1";

// Relative paths mean what they meant on the command line: relative to the current directory.
// `..` is removed lexically so that "root/a/../b.py" is recognised as inside the root.
inline std::string absoluteNormalizedPath(llvm::StringRef path) {
  llvm::SmallString<256> result(path);
  llvm::sys::fs::make_absolute(result);
  llvm::sys::path::remove_dots(result, /*remove_dot_dot=*/true);
  llvm::sys::path::native(result, llvm::sys::path::Style::posix);
  return std::string(result);
}

// `file` relative to `root` with '/' separators, or nothing when the file is outside the root
// (or there is no root). Compared by whole components: "/src2/x.py" is not inside "/src".
inline std::optional<std::string> pathRelativeToRoot(llvm::StringRef file, llvm::StringRef root) {
  if (root.empty() || file.empty())
    return std::nullopt;
  std::string absoluteFile = absoluteNormalizedPath(file);
  std::string prefix = absoluteNormalizedPath(root);
  if (!llvm::StringRef(prefix).ends_with("/"))
    prefix += '/';
  if (!llvm::StringRef(absoluteFile).starts_with(prefix) || absoluteFile.size() == prefix.size())
    return std::nullopt;
  return absoluteFile.substr(prefix.size());
}

// The path a fingerprint is made from: relative when possible, so that two checkouts of the
// same repository in different directories produce the same fingerprints.
inline std::string fingerprintPath(llvm::StringRef file, llvm::StringRef root) {
  if (auto relative = pathRelativeToRoot(file, root))
    return *relative;
  return absoluteNormalizedPath(file);
}

// A hash of rule id, file, message and column, but not the line: adding unrelated lines above
// a finding must not make code scanning close the old alert and open a new one. Findings that
// would still collide (same message twice in one file, same column) get ":2", ":3"... in
// report order, like GitHub's own primaryLocationLineHash, so that they stay distinct alerts.
inline std::vector<std::string> findingFingerprints(const std::vector<Finding> &findings,
                                                    llvm::StringRef root) {
  std::vector<std::string> fingerprints;
  llvm::StringMap<unsigned> occurrences;
  for (const Finding &finding : findings) {
    std::string path = fingerprintPath(finding.location.file, root);
    llvm::SHA256 hash;
    // NUL separators keep ("ab", "c") and ("a", "bc") apart.
    for (llvm::StringRef part : {llvm::StringRef(finding.ruleId), llvm::StringRef(path),
                                 llvm::StringRef(finding.message)}) {
      hash.update(part);
      hash.update(llvm::StringRef("\0", 1));
    }
    hash.update(std::to_string(finding.location.column));
    std::string digest = llvm::toHex(hash.final(), /*LowerCase=*/true);
    unsigned occurrence = ++occurrences[digest];
    fingerprints.push_back(digest + ":" + std::to_string(occurrence));
  }
  return fingerprints;
}

} // namespace capcycle::report
