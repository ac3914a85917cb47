#include "FactsCache.h"

#include "LoadedObjects.h"
#include "facts/CacheFiles.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdlib>

namespace capcycle {

namespace {
using llvm::json::Array;
using llvm::json::Object;
using llvm::json::ObjectMapper;
using llvm::json::Value;

// Clang's driver adds include directories from these (GCC's convention).
constexpr const char *IncludePathVariables[] = {"CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH"};

// A file as the cache records it. Nanoseconds where the file system has them: whole seconds
// would miss an edit that keeps the size within the second of the recorded one.
struct Stamp {
  std::string path;
  int64_t size = 0;
  int64_t modified = 0; // nanoseconds since the epoch

  friend bool operator==(const Stamp &, const Stamp &) = default;
};

int64_t nanosecondsSinceEpoch(llvm::sys::TimePoint<> time) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
}

std::optional<Stamp> stampOf(const std::string &path) {
  llvm::sys::fs::file_status status;
  if (llvm::sys::fs::status(path, status))
    return std::nullopt;
  return Stamp{path, static_cast<int64_t>(status.getSize()),
               nanosecondsSinceEpoch(status.getLastModificationTime())};
}

Value toJSON(const Stamp &stamp) {
  return Object{{"path", stamp.path}, {"size", stamp.size}, {"modified", stamp.modified}};
}

bool fromJSON(const Value &value, Stamp &out, llvm::json::Path path) {
  ObjectMapper m(value, path);
  return m && m.map("path", out.path) && m.map("size", out.size) &&
         m.map("modified", out.modified);
}

bool unchanged(const Stamp &recorded) { return stampOf(recorded.path) == recorded; }

// The inputs as they are now, or nullopt when one is gone or too recent to vouch for what
// the analysis read (FactsCache::store).
std::optional<Array> stampsOf(const std::vector<std::string> &inputs,
                              llvm::sys::TimePoint<> started) {
  int64_t recent = nanosecondsSinceEpoch(started - std::chrono::seconds(1));
  Array stamps;
  for (const std::string &input : inputs) {
    std::optional<Stamp> stamp = stampOf(input);
    if (!stamp || stamp->modified >= recent)
      return std::nullopt;
    stamps.push_back(toJSON(*stamp));
  }
  return stamps;
}

// What an entry file holds.
struct Entry {
  std::string capcycle;
  int64_t factsFormat = 0;
  std::vector<Stamp> inputs;
  FactSet facts;
};

bool fromJSON(const Value &value, Entry &out, llvm::json::Path path) {
  ObjectMapper m(value, path);
  return m && m.map("capcycle", out.capcycle) && m.map("factsFormat", out.factsFormat) &&
         m.map("inputs", out.inputs) && m.map("facts", out.facts);
}

std::optional<Entry> readEntry(const std::string &file) {
  std::optional<Value> json = readJSONFile(file);
  Entry entry;
  llvm::json::Path::Root root;
  if (!json || !fromJSON(*json, entry, root))
    return std::nullopt;
  return entry;
}
} // namespace

FactsCache::FactsCache(llvm::StringRef buildDir) {
  if (buildDir.empty())
    return;
  llvm::SmallString<256> path(buildDir);
  llvm::sys::fs::make_absolute(path);
  llvm::sys::path::append(path, DirectoryName);
  directory = std::string(path);
  for (const std::string &file : {runningExecutable(), loadedObjectPath("libclang-cpp.so")})
    if (std::optional<Stamp> stamp = file.empty() ? std::nullopt : stampOf(file))
      analyser.push_back(toJSON(*stamp));
}

std::string FactsCache::entryName(llvm::ArrayRef<std::string> arguments,
                                  const TranslationUnitPaths &paths) {
  EntryName name;
  name.field(CAPCYCLE_VERSION).field(std::to_string(FactsFormatVersion));
  for (const char *variable : IncludePathVariables) {
    const char *value = std::getenv(variable);
    name.field(value ? std::string("=") + value : std::string()); // set but empty means "."
  }
  name.field(paths.directory).field(paths.mainFile);
  for (const std::string &argument : arguments)
    name.field(argument);
  return name.final();
}

std::string FactsCache::entryPath(llvm::StringRef entry) const {
  return entryFile(directory, entry);
}

std::optional<FactSet> FactsCache::lookup(llvm::StringRef entry) const {
  if (!enabled())
    return std::nullopt;
  std::optional<Entry> stored = readEntry(entryPath(entry));
  if (!stored || stored->capcycle != CAPCYCLE_VERSION ||
      stored->factsFormat != FactsFormatVersion || !llvm::all_of(stored->inputs, unchanged))
    return std::nullopt;
  return std::move(stored->facts);
}

void FactsCache::store(llvm::StringRef entry, const FactSet &facts,
                       const std::vector<std::string> &inputs,
                       llvm::sys::TimePoint<> started) const {
  if (!enabled() || inputs.empty())
    return;
  std::optional<Array> stamps = stampsOf(inputs, started);
  if (!stamps || llvm::sys::fs::create_directories(directory))
    return;
  llvm::append_range(*stamps, analyser);
  writeAtomically(entryPath(entry), Object{{"capcycle", CAPCYCLE_VERSION},
                                           {"factsFormat", FactsFormatVersion},
                                           {"inputs", std::move(*stamps)},
                                           {"facts", toJSON(facts)}});
}

void FactsCache::prune(llvm::ArrayRef<std::string> used, llvm::sys::TimePoint<> now,
                       std::chrono::hours age) const {
  if (enabled())
    pruneEntries(directory, used, now, age);
}

} // namespace capcycle
