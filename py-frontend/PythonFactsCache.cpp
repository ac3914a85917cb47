#include "PythonFactsCache.h"

#include "facts/CacheFiles.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace capcycle {

namespace {
using llvm::json::Object;
using llvm::json::ObjectMapper;
using llvm::json::Value;

// What an entry file holds.
struct Entry {
  std::string capcycle;
  int64_t factsFormat = 0;
  FactSet facts;
};

bool fromJSON(const Value &value, Entry &out, llvm::json::Path path) {
  ObjectMapper m(value, path);
  return m && m.map("capcycle", out.capcycle) && m.map("factsFormat", out.factsFormat) &&
         m.map("facts", out.facts);
}
} // namespace

PythonFactsCache::PythonFactsCache(llvm::StringRef cacheRoot, std::string analyser)
    : analyser(std::move(analyser)) {
  if (cacheRoot.empty())
    return;
  llvm::SmallString<256> path(cacheRoot);
  llvm::sys::fs::make_absolute(path);
  root = std::string(path);
  llvm::sys::path::append(path, "python");
  directory = std::string(path);
}

std::string PythonFactsCache::entryName(llvm::StringRef path, llvm::StringRef source,
                                        uint64_t maxFileBytes) const {
  return EntryName()
      .field(CAPCYCLE_VERSION)
      .field(std::to_string(FactsFormatVersion))
      .field(analyser)
      .field(std::to_string(maxFileBytes))
      .field(path)
      .last(source);
}

std::string PythonFactsCache::entryPath(llvm::StringRef entry) const {
  return entryFile(directory, entry);
}

std::optional<FactSet> PythonFactsCache::lookup(llvm::StringRef entry) const {
  if (!enabled())
    return std::nullopt;
  std::optional<Value> json = readJSONFile(entryPath(entry));
  Entry stored;
  llvm::json::Path::Root parsed;
  if (!json || !fromJSON(*json, stored, parsed) || stored.capcycle != CAPCYCLE_VERSION ||
      stored.factsFormat != FactsFormatVersion)
    return std::nullopt;
  return std::move(stored.facts);
}

void PythonFactsCache::store(llvm::StringRef entry, const FactSet &facts) const {
  if (!enabled())
    return;
  // Several threads may get here first; making the directories twice is harmless.
  if (!prepared.load() && makeCacheDirectory(root) &&
      !llvm::sys::fs::create_directories(directory))
    prepared.store(true);
  if (!prepared.load())
    return;
  writeAtomically(entryPath(entry), Object{{"capcycle", CAPCYCLE_VERSION},
                                           {"factsFormat", FactsFormatVersion},
                                           {"facts", toJSON(facts)}});
}

void PythonFactsCache::prune(llvm::ArrayRef<std::string> used, llvm::sys::TimePoint<> now) const {
  if (enabled())
    pruneEntries(directory, used, now, std::chrono::hours(24 * 30));
}

} // namespace capcycle
