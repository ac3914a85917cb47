// The C++ facts of each translation unit, kept between scans: a scan with a compile database
// analyses every unit of it (the context of the cross-language join), and pre-commit runs such
// a scan on every commit, in batches; parsing only the units whose files changed keeps that
// from costing seconds per unit each time.
#pragma once

#include "FactLocation.h"
#include "facts/Facts.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Chrono.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <vector>

namespace capcycle {

// Entries live in BUILD_DIR/capcycle-cache/, one file per unit, named by the SHA-256 of what
// decides the unit's facts besides its files (entryName). An entry holds the unit's whole
// FactSet, notifications included, and every file the unit read with its size and modification
// time, as well as capcycle's executable and the libclang-cpp it runs (a rebuilt or upgraded
// analyser must extract again, as ccache checks its compiler); it is used only while every
// one of them is unchanged.
//
// Never a reason for a scan to fail: a directory that cannot be created or written is passed
// over, and an entry that cannot be read, is not JSON or not an entry of this capcycle is a
// miss, rewritten after the unit is analysed.
class FactsCache {
public:
  static constexpr llvm::StringLiteral DirectoryName = "capcycle-cache";

  FactsCache() = default; // disabled: every lookup misses, nothing is stored
  explicit FactsCache(llvm::StringRef buildDir);

  // The name of a unit's entry: capcycle's version, the facts' format, the final Clang
  // arguments, the directory they run in, how facts name the main file, and the environment
  // variables from which Clang's driver adds include directories.
  static std::string entryName(llvm::ArrayRef<std::string> arguments,
                               const TranslationUnitPaths &paths);

  std::optional<FactSet> lookup(llvm::StringRef entry) const;

  // `inputs`: every file the unit read, absolute. Nothing is stored without inputs (the entry
  // would never go stale), nor when one of them was modified less than a second before
  // `started`, when the unit's analysis began, or since: a second edit within the same
  // timestamp tick (whole seconds on some file systems) would leave its recorded time as it
  // was, so such a file cannot vouch for its content, as ccache says of include files.
  void store(llvm::StringRef entry, const FactSet &facts, const std::vector<std::string> &inputs,
             llvm::sys::TimePoint<> started) const;

  // After a scan that ran every unit of the database: removes the entries it did not use
  // (`used`: their names) that were written before `now - age` (units of flags or sources that
  // are gone), and temporaries left by a write that was interrupted an hour before `now` or
  // more. A parallel scan that loses an entry this way analyses that unit again.
  void prune(llvm::ArrayRef<std::string> used, llvm::sys::TimePoint<> now,
             std::chrono::hours age) const;

  bool enabled() const { return !directory.empty(); }
  std::string entryPath(llvm::StringRef entry) const;

private:
  std::string directory;     // empty: disabled
  llvm::json::Array analyser; // capcycle's own files, stamped when the scan began
};

} // namespace capcycle
