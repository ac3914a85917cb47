// What capcycle's caches share (the C++ facts cache in the build directory, the Python facts
// cache at the project root): entries written whole or not at all, read back as JSON where
// anything unreadable is a miss, and old entries pruned.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Chrono.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/SHA256.h"

#include <chrono>
#include <optional>
#include <string>

namespace capcycle {

// An entry's name: the SHA-256 of what decides its content, in fields that cannot run into each
// other (each `field` ends with a NUL, which none contains; `last` may hold any bytes).
class EntryName {
public:
  EntryName &field(llvm::StringRef text);
  std::string last(llvm::StringRef bytes);
  std::string final() { return last(""); }

private:
  llvm::SHA256 hash;
};

// DIRECTORY/ENTRY.json
std::string entryFile(llvm::StringRef directory, llvm::StringRef entry);

// Through a temporary file and a rename: parallel scans (pre-commit's batches, an editor) may
// write the same entry at once, and a reader must see a whole entry or none. A failure leaves
// nothing behind.
void writeAtomically(const std::string &file, const llvm::json::Value &content);

// The file's JSON, or nullopt where it is missing, unreadable or not JSON.
std::optional<llvm::json::Value> readJSONFile(const std::string &file);

// Removes the entries (`NAME.json`) of `directory` that are not in `used` and were written
// before `now - age`, and temporaries of an interrupted write an hour old or more. An entry
// another scan removed first is fine.
void pruneEntries(llvm::StringRef directory, llvm::ArrayRef<std::string> used,
                  llvm::sys::TimePoint<> now, std::chrono::hours age);

// Makes `directory` a cache directory as tools agree on: a CACHEDIR.TAG (so backup tools skip
// it) and a .gitignore of everything (so nobody commits it), written once. False where the
// directory cannot be created.
bool makeCacheDirectory(llvm::StringRef directory);

} // namespace capcycle
