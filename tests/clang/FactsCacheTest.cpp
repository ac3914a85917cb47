// The C++ facts cache: an entry is used only while every file it records is unchanged, anything
// unreadable or foreign in its place is a miss, and nothing it does can fail a scan. The first
// tests use FactsCache alone on small files; the last ones go through collectBindingFacts with
// a compile database of real pybind11 units.
#include "ClangChecksTestSupport.h"
#include "FactsCache.h"
#include "LoadedObjects.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

namespace capcycle {
namespace {

using test::fixture;
using test::pybindFlags;
using test::ScratchDirectory;

FactSet sampleFacts() {
  FactSet facts;
  facts.boundTypes.push_back({"audio::Microphone", "Microphone", "audiocore",
                              {"/src/audio.cpp", 11, 3, 11, 49}});
  facts.notifications.push_back(
      {Notification::Level::Error, "expected expression", {"/src/audio.cpp", 10, 19, 10, 20}});
  return facts;
}

// Long after the test wrote its files: they are old enough to vouch for their content.
llvm::sys::TimePoint<> muchLater() {
  return std::chrono::system_clock::now() + std::chrono::hours(1);
}

void setModified(const std::string &file, llvm::sys::TimePoint<> time) {
  int fd = -1;
  ASSERT_FALSE(llvm::sys::fs::openFileForWrite(file, fd, llvm::sys::fs::CD_OpenExisting,
                                               llvm::sys::fs::OF_Append));
  EXPECT_FALSE(llvm::sys::fs::setLastAccessAndModificationTime(fd, time));
  llvm::sys::Process::SafelyCloseFileDescriptor(fd);
}

std::string contentOf(const std::string &file) {
  auto buffer = llvm::MemoryBuffer::getFile(file);
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

class FactsCacheTest : public ::testing::Test {
protected:
  ScratchDirectory build, sources;
  std::string header = sources.write("widget.h", "struct Widget {};\n");
  std::string mainFile = sources.write("widget.cpp", "#include \"widget.h\"\n");
  FactsCache cache{build.path};
  std::string entry =
      FactsCache::entryName({"clang++", "-fsyntax-only", mainFile}, {mainFile, sources.path});

  void storeSample() { cache.store(entry, sampleFacts(), {mainFile, header}, muchLater()); }

  // The stored entry with `edit` applied to its JSON, written back in place.
  void editEntry(llvm::function_ref<void(llvm::json::Object &)> edit) {
    llvm::Expected<llvm::json::Value> stored = llvm::json::parse(contentOf(cache.entryPath(entry)));
    ASSERT_TRUE(bool(stored)) << llvm::toString(stored.takeError());
    edit(*stored->getAsObject());
    build.write("capcycle-cache/" + entry + ".json", llvm::formatv("{0}", *stored).str());
  }
};

TEST_F(FactsCacheTest, StoredFactsAreFoundWhileTheirFilesAreUnchanged) {
  EXPECT_EQ(cache.lookup(entry), std::nullopt);
  storeSample();
  EXPECT_EQ(cache.entryPath(entry), build.path + "/capcycle-cache/" + entry + ".json");
  EXPECT_EQ(cache.lookup(entry), sampleFacts());
  // Another unit's entry is another file.
  std::string other = FactsCache::entryName({"clang++", "-fsyntax-only", header}, {header, "/"});
  EXPECT_EQ(cache.lookup(other), std::nullopt);
  // No temporary file is left beside the entry.
  std::error_code problem;
  llvm::sys::fs::directory_iterator it(build.path + "/capcycle-cache", problem);
  ASSERT_FALSE(problem);
  EXPECT_EQ(it->path(), cache.entryPath(entry));
  EXPECT_EQ(it.increment(problem), llvm::sys::fs::directory_iterator());
}

TEST_F(FactsCacheTest, AnEditedHeaderMakesTheEntryStale) {
  storeSample();
  sources.write("widget.h", "struct Widget { int size; };\n");
  EXPECT_EQ(cache.lookup(entry), std::nullopt);
}

TEST_F(FactsCacheTest, ATouchedFileOfTheSameSizeMakesTheEntryStale) {
  storeSample();
  setModified(header, std::chrono::system_clock::now() - std::chrono::hours(2));
  EXPECT_EQ(cache.lookup(entry), std::nullopt);
}

TEST_F(FactsCacheTest, ARemovedHeaderMakesTheEntryStale) {
  storeSample();
  llvm::sys::fs::remove(header);
  EXPECT_EQ(cache.lookup(entry), std::nullopt);
}

// A second edit within the timestamp tick of the first would go unseen: files modified just
// before (or during) the analysis do not make an entry.
TEST_F(FactsCacheTest, FilesModifiedJustBeforeTheAnalysisAreNotStored) {
  cache.store(entry, sampleFacts(), {mainFile, header}, std::chrono::system_clock::now());
  EXPECT_FALSE(llvm::sys::fs::exists(cache.entryPath(entry)));
  setModified(header, std::chrono::system_clock::now() - std::chrono::hours(1));
  setModified(mainFile, std::chrono::system_clock::now() - std::chrono::hours(1));
  cache.store(entry, sampleFacts(), {mainFile, header}, std::chrono::system_clock::now());
  EXPECT_EQ(cache.lookup(entry), sampleFacts());
}

TEST_F(FactsCacheTest, NothingIsStoredWithoutInputsOrWithAMissingOne) {
  cache.store(entry, sampleFacts(), {}, muchLater());
  EXPECT_FALSE(llvm::sys::fs::exists(cache.entryPath(entry)));
  cache.store(entry, sampleFacts(), {mainFile, sources.path + "/gone.h"}, muchLater());
  EXPECT_FALSE(llvm::sys::fs::exists(cache.entryPath(entry)));
}

// A rebuilt or upgraded capcycle must extract again: its executable is recorded like a source.
TEST_F(FactsCacheTest, TheAnalyserItselfIsAnInput) {
  storeSample();
  std::string executable = runningExecutable();
  ASSERT_FALSE(executable.empty());
  bool recorded = false;
  editEntry([&](llvm::json::Object &stored) {
    for (llvm::json::Value &input : *stored.getArray("inputs")) {
      llvm::json::Object &file = *input.getAsObject();
      if (file.getString("path") == executable) {
        recorded = true;
        file["modified"] = *file.getInteger("modified") + 1;
      }
    }
  });
  EXPECT_TRUE(recorded) << contentOf(cache.entryPath(entry));
  EXPECT_EQ(cache.lookup(entry), std::nullopt);
}

TEST_F(FactsCacheTest, UnreadableOrForeignEntriesAreMissesAndGetRewritten) {
  storeSample();
  std::string valid = contentOf(cache.entryPath(entry));
  ASSERT_FALSE(valid.empty());
  const std::string broken[] = {
      "",
      std::string("\0\xff\xfe{\"capcycle\"", 14),
      valid.substr(0, valid.size() / 2),
      "[]",
      "{\"capcycle\": \"" CAPCYCLE_VERSION "\", \"factsFormat\": 1}",
      "{\"facts\": {}}"};
  for (const std::string &content : broken) {
    build.write("capcycle-cache/" + entry + ".json", content);
    EXPECT_EQ(cache.lookup(entry), std::nullopt) << content;
    storeSample();
    EXPECT_EQ(cache.lookup(entry), sampleFacts()) << "not rewritten after " << content;
  }
}

TEST_F(FactsCacheTest, EntriesOfAnotherVersionOrFormatAreMisses) {
  storeSample();
  editEntry([](llvm::json::Object &stored) { stored["factsFormat"] = FactsFormatVersion + 1; });
  EXPECT_EQ(cache.lookup(entry), std::nullopt);
  storeSample();
  editEntry([](llvm::json::Object &stored) { stored["capcycle"] = "0.0.1"; });
  EXPECT_EQ(cache.lookup(entry), std::nullopt);
  // The same edits that keep the values: the entry is read (the test can tell a miss).
  storeSample();
  editEntry([](llvm::json::Object &stored) {
    stored["factsFormat"] = FactsFormatVersion;
    stored["capcycle"] = CAPCYCLE_VERSION;
  });
  EXPECT_EQ(cache.lookup(entry), sampleFacts());
}

TEST_F(FactsCacheTest, ADirectoryThatCannotBeCreatedIsPassedOver) {
  build.write("capcycle-cache", "a file where the directory should be\n");
  storeSample();
  EXPECT_EQ(cache.lookup(entry), std::nullopt);
  EXPECT_EQ(contentOf(build.path + "/capcycle-cache"), "a file where the directory should be\n");
}

TEST_F(FactsCacheTest, ADisabledCacheKeepsNothing) {
  FactsCache disabled;
  disabled.store(entry, sampleFacts(), {mainFile, header}, muchLater());
  EXPECT_EQ(disabled.lookup(entry), std::nullopt);
  EXPECT_FALSE(llvm::sys::fs::exists(build.path + "/capcycle-cache"));
}

// After a scan: what it did not use and was written more than the given age ago goes, and so do
// temporaries of interrupted writes; what it used, what is recent, and other files stay.
TEST_F(FactsCacheTest, PruningRemovesOldUnusedEntriesAndLeftoverTemporaries) {
  storeSample();
  auto now = std::chrono::system_clock::now();
  auto daysAgo = [&](int days) { return now - std::chrono::hours(24 * days); };
  std::string oldUnused = build.write("capcycle-cache/aaaa.json", "{}");
  std::string recentUnused = build.write("capcycle-cache/bbbb.json", "{}");
  std::string leftover = build.write("capcycle-cache/cccc.json.tmp-1a2b3c", "{");
  std::string freshTemporary = build.write("capcycle-cache/dddd.json.tmp-4d5e6f", "{");
  std::string notAnEntry = build.write("capcycle-cache/README", "kept\n");
  setModified(cache.entryPath(entry), daysAgo(90)); // used by this scan: kept however old
  setModified(oldUnused, daysAgo(31));
  setModified(recentUnused, daysAgo(29));
  setModified(leftover, now - std::chrono::hours(2));
  setModified(notAnEntry, daysAgo(90));

  cache.prune({entry}, now, std::chrono::hours(24 * 30));
  EXPECT_TRUE(llvm::sys::fs::exists(cache.entryPath(entry)));
  EXPECT_FALSE(llvm::sys::fs::exists(oldUnused));
  EXPECT_TRUE(llvm::sys::fs::exists(recentUnused));
  EXPECT_FALSE(llvm::sys::fs::exists(leftover));
  EXPECT_TRUE(llvm::sys::fs::exists(freshTemporary)) << "a write in progress";
  EXPECT_TRUE(llvm::sys::fs::exists(notAnEntry));
  EXPECT_EQ(cache.lookup(entry), sampleFacts());

  FactsCache disabled;
  disabled.prune({}, now, std::chrono::hours(0)); // nothing to prune, nothing touched
  EXPECT_TRUE(llvm::sys::fs::exists(recentUnused));
}

TEST(FactsCacheEntryName, ChangesWithEverythingThatDecidesTheFacts) {
  std::vector<std::string> arguments{"clang++", "-std=c++17", "-fsyntax-only", "a.cpp"};
  TranslationUnitPaths paths{"a.cpp", "/project"};
  std::string name = FactsCache::entryName(arguments, paths);
  EXPECT_EQ(name.size(), 64u) << "a hex SHA-256";
  EXPECT_EQ(FactsCache::entryName(arguments, paths), name);
  std::vector<std::string> otherFlags{"clang++", "-std=c++20", "-fsyntax-only", "a.cpp"};
  EXPECT_NE(FactsCache::entryName(otherFlags, paths), name);
  EXPECT_NE(FactsCache::entryName(arguments, {"a.cpp", "/elsewhere"}), name);
  EXPECT_NE(FactsCache::entryName(arguments, {"/project/a.cpp", "/project"}), name);
  // Fields cannot run into each other.
  std::vector<std::string> joined{"clang++-std=c++17", "-fsyntax-only", "a.cpp"};
  EXPECT_NE(FactsCache::entryName(joined, paths), name);

  const char *saved = std::getenv("CPLUS_INCLUDE_PATH");
  std::string previous = saved ? saved : "";
  setenv("CPLUS_INCLUDE_PATH", "/opt/include", 1);
  EXPECT_NE(FactsCache::entryName(arguments, paths), name);
  setenv("CPLUS_INCLUDE_PATH", "", 1);
  EXPECT_NE(FactsCache::entryName(arguments, paths), name) << "empty means the current directory";
  saved ? setenv("CPLUS_INCLUDE_PATH", previous.c_str(), 1) : unsetenv("CPLUS_INCLUDE_PATH");
  EXPECT_EQ(FactsCache::entryName(arguments, paths), name);
}

// --- through collectBindingFacts --------------------------------------------------------------

std::string databaseEntry(const std::string &file, std::vector<std::string> flags) {
  llvm::json::Array arguments{"clang++"};
  for (std::string &flag : flags)
    arguments.push_back(std::move(flag));
  arguments.push_back(file);
  return llvm::formatv("{0}", llvm::json::Value(llvm::json::Object{
                                  {"directory", CAPCYCLE_TEST_FIXTURES},
                                  {"file", file},
                                  {"arguments", std::move(arguments)}}))
      .str();
}

// A compile database of `entries` in `build`, as collectBindingFacts takes it.
CppInput databaseIn(const ScratchDirectory &build, llvm::ArrayRef<std::string> entries) {
  build.write("compile_commands.json", "[" + llvm::join(entries, ",\n") + "]");
  CppInput input;
  input.buildDir = build.path;
  return input;
}

std::vector<std::string> entriesIn(const std::string &buildDir) {
  std::vector<std::string> entries;
  std::error_code problem;
  for (llvm::sys::fs::directory_iterator it(buildDir + "/capcycle-cache", problem), end;
       it != end && !problem; it.increment(problem))
    entries.push_back(it->path());
  llvm::sort(entries);
  return entries;
}

// The cache is read: facts planted in the entry come back, and only with the cache on.
TEST(CollectBindingFactsCache, SecondRunReadsTheEntry) {
  ScratchDirectory build;
  CppInput input = databaseIn(build, {databaseEntry(fixture("second_module.cpp"), pybindFlags())});
  FactSet first = collectBindingFacts(input);
  ASSERT_EQ(first.boundTypes.size(), 1u);
  EXPECT_EQ(first.boundTypes[0].pythonName, "Microphone");
  std::vector<std::string> entries = entriesIn(build.path);
  ASSERT_EQ(entries.size(), 1u);

  std::string planted = contentOf(entries[0]);
  size_t at = planted.find("\"Microphone\"");
  ASSERT_NE(at, std::string::npos);
  planted.replace(at, 12, "\"CachedMicrophone\"");
  build.write("capcycle-cache/" + llvm::sys::path::filename(entries[0]).str(), planted);

  FactSet second = collectBindingFacts(input);
  ASSERT_EQ(second.boundTypes.size(), 1u);
  EXPECT_EQ(second.boundTypes[0].pythonName, "CachedMicrophone");
  input.useCache = false;
  EXPECT_EQ(collectBindingFacts(input), first);
  EXPECT_EQ(contentOf(entries[0]), planted) << "--no-cache must not rewrite entries";
}

// A header the next build generates (or a package installs) would change the result without
// any file the unit read changing.
TEST(CollectBindingFactsCache, UnitWithAMissingIncludeIsNotCached) {
  ScratchDirectory build;
  std::vector<std::string> missing = pybindFlags();
  missing.insert(missing.end(), {"-include", "not_generated_yet.h"});
  FactSet facts = collectBindingFacts(
      databaseIn(build, {databaseEntry(fixture("second_module.cpp"), missing),
                         databaseEntry(fixture("second_module.cpp"), pybindFlags())}));
  ASSERT_EQ(facts.notifications.size(), 1u);
  EXPECT_EQ(facts.notifications[0].message, "'not_generated_yet.h' file not found");
  std::vector<std::string> entries = entriesIn(build.path);
  ASSERT_EQ(entries.size(), 1u) << "only the unit that compiled";
  EXPECT_EQ(contentOf(entries[0]).find("not_generated_yet.h"), std::string::npos);
}

} // namespace
} // namespace capcycle
