// Per-file Python facts kept between scans, as ruff keeps .ruff_cache/: a second scan of an
// unchanged tree reads each file, hashes it and reads its facts back instead of parsing it.
// The cross-file stage (project/) then runs on the cached facts as on fresh ones.
#pragma once

#include "facts/Facts.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Chrono.h"

#include <atomic>
#include <optional>
#include <string>

namespace capcycle {

// Entries live in ROOT/python/, one file per (path, content) named by the SHA-256 of what
// decides the file's facts: capcycle's version and executable, the facts' format, the frontend
// options that change facts, the path as facts spell it, and the file's bytes. So an edited,
// renamed or moved file is a new entry, and an entry is never stale, only unused; unused
// entries older than 30 days are pruned after a scan. ROOT holds a CACHEDIR.TAG and a
// .gitignore of everything.
//
// Never a reason for a scan to fail: a directory that cannot be created or written is passed
// over, and an entry that cannot be read, is not JSON or not an entry of this capcycle is a
// miss, rewritten after the file is analysed.
class PythonFactsCache {
public:
  PythonFactsCache() = default; // disabled: every lookup misses, nothing is stored
  // `analyser`: what tells this capcycle from another build of the same version (the running
  // executable's size and modification time).
  PythonFactsCache(llvm::StringRef root, std::string analyser);

  std::string entryName(llvm::StringRef path, llvm::StringRef source,
                        uint64_t maxFileBytes) const;
  std::optional<FactSet> lookup(llvm::StringRef entry) const;
  void store(llvm::StringRef entry, const FactSet &facts) const;
  // After a scan: removes the entries it did not use that were written 30 days ago or more.
  void prune(llvm::ArrayRef<std::string> used, llvm::sys::TimePoint<> now) const;

  bool enabled() const { return !root.empty(); }

private:
  std::string entryPath(llvm::StringRef entry) const;

  std::string root;      // empty: disabled
  std::string directory; // ROOT/python
  std::string analyser;
  mutable std::atomic<bool> prepared{false}; // the directories exist (or cannot be made)
};

} // namespace capcycle
