// The Python facts cache through the binary: a project is scanned twice with the cache in a
// temporary directory (--cache-dir); the second scan reads each file's facts back and reports
// exactly what a scan without the cache reports — also after edits, renames and deletions, with
// a changed model, and over entries that are corrupted.
#include "Subprocess.h"

#include "facts/Facts.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

using namespace capcycle::testing;

namespace {

constexpr unsigned FactsFormat = capcycle::FactsFormatVersion;

const std::string Examples = std::string(CAPCYCLE_SOURCE_DIR) + "/examples/transcriber/";

std::string shown(const RunResult &result) {
  return "exit " + std::to_string(result.status) + "\n--- stdout\n" + result.out +
         "--- stderr\n" + result.err;
}

// The entries of the cache, by name.
std::vector<std::string> entries(const std::string &directory) {
  std::vector<std::string> names;
  std::error_code problem;
  for (llvm::sys::fs::directory_iterator it(directory, problem), end; it != end && !problem;
       it.increment(problem))
    if (llvm::StringRef(it->path()).ends_with(".json"))
      names.push_back(it->path());
  std::sort(names.begin(), names.end());
  return names;
}

class PythonFactsCacheProject : public ::testing::Test {
protected:
  TempDir project;
  std::string sources = project.file("src");
  std::string cache = project.file("cache");
  std::string entryDirectory = project.file("cache/python");

  void SetUp() override {
    llvm::sys::fs::create_directories(sources);
    project.write("src/transcribe.py", readFile(Examples + "transcribe.py"));
    project.write("src/transcribe_fixed.py", readFile(Examples + "transcribe_fixed.py"));
    project.write("src/other.py", "import threading\n\n"
                                  "class Job:\n"
                                  "    def __init__(self):\n"
                                  "        self.timer = threading.Timer(1, self.run)\n"
                                  "    def run(self):\n"
                                  "        pass\n");
  }

  RunResult scan(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"scan", sources, "--no-config", "--cache-dir", cache, "-j", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    return runCapcycle(args);
  }
  RunResult uncached(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"scan", sources, "--no-config", "--no-cache"};
    args.insert(args.end(), extra.begin(), extra.end());
    return runCapcycle(args);
  }
  void expectSame(const RunResult &cached, const RunResult &reference) {
    EXPECT_EQ(cached.status, reference.status) << shown(cached);
    EXPECT_EQ(cached.out, reference.out);
    EXPECT_EQ(cached.err, reference.err);
  }
};

TEST_F(PythonFactsCacheProject, ASecondScanReadsTheCacheAndReportsTheSame) {
  RunResult first = scan();
  ASSERT_EQ(first.status, 1) << shown(first); // transcribe.py's CCY001
  EXPECT_NE(first.out.find("transcribe.py:33:5: error"), std::string::npos) << shown(first);
  EXPECT_EQ(entries(entryDirectory).size(), 3u);
  EXPECT_TRUE(llvm::sys::fs::exists(cache + "/CACHEDIR.TAG"));
  EXPECT_NE(readFile(cache + "/.gitignore").find("*"), std::string::npos);
  RunResult second = scan();
  expectSame(second, first);
  expectSame(second, uncached());
  EXPECT_EQ(entries(entryDirectory).size(), 3u) << "an unchanged tree adds no entry";
  // The facts really come from the entry: emptied, the finding is gone.
  for (const std::string &entry : entries(entryDirectory))
    if (readFile(entry).find("transcribe.py") != std::string::npos)
      project.write("cache/python/" + llvm::sys::path::filename(entry).str(),
                    llvm::formatv("{0}", llvm::json::Value(llvm::json::Object{
                                             {"capcycle", CAPCYCLE_VERSION},
                                             {"factsFormat", FactsFormat},
                                             {"facts", capcycle::toJSON(capcycle::FactSet{})}}))
                        .str());
  RunResult fromEmptiedEntry = scan();
  EXPECT_EQ(fromEmptiedEntry.status, 0) << shown(fromEmptiedEntry);
}

TEST_F(PythonFactsCacheProject, EditsRenamesAndDeletionsGiveWhatAColdScanGives) {
  ASSERT_EQ(scan().status, 1);
  // Fix the leak, rename the fixed client, delete the third file.
  project.write("src/transcribe.py", readFile(Examples + "transcribe_fixed.py"));
  ASSERT_FALSE(llvm::sys::fs::rename(project.file("src/transcribe_fixed.py"),
                                     project.file("src/client.py")));
  ASSERT_FALSE(llvm::sys::fs::remove(project.file("src/other.py")));
  RunResult afterEdits = scan();
  EXPECT_EQ(afterEdits.status, 0) << shown(afterEdits);
  expectSame(afterEdits, uncached());
  // Two new entries (the edited file and the renamed one); the old ones stay until pruned.
  EXPECT_EQ(entries(entryDirectory).size(), 5u);
  // And back: the first entry is used again.
  project.write("src/transcribe.py", readFile(Examples + "transcribe.py"));
  RunResult reverted = scan();
  EXPECT_EQ(reverted.status, 1) << shown(reverted);
  expectSame(reverted, uncached());
  EXPECT_EQ(entries(entryDirectory).size(), 5u);
}

TEST_F(PythonFactsCacheProject, ChangedModelsAreReadOverCachedFacts) {
  ASSERT_EQ(scan().status, 1);
  // Without the shipped models (an empty --models-dir) transcribe.py's cycle is only
  // shape-matched: facts do not depend on the models, findings do.
  llvm::sys::fs::create_directories(project.file("no-models"));
  std::vector<std::string> noModels{"--models-dir", project.file("no-models")};
  RunResult cached = scan(noModels);
  expectSame(cached, uncached(noModels));
  EXPECT_EQ(cached.out.find("[CCY001]"), std::string::npos) << shown(cached);
}

TEST_F(PythonFactsCacheProject, CorruptedEntriesAreMissesAndRewritten) {
  RunResult first = scan();
  ASSERT_EQ(first.status, 1);
  std::vector<std::string> written = entries(entryDirectory);
  ASSERT_EQ(written.size(), 3u);
  project.write("cache/python/" + llvm::sys::path::filename(written[0]).str(), "{\"capcy");
  project.write("cache/python/" + llvm::sys::path::filename(written[1]).str(),
                "{\"capcycle\": \"0.0.0\", \"factsFormat\": 1, \"facts\": {}}");
  project.write("cache/python/" + llvm::sys::path::filename(written[2]).str(), "[1, 2, 3]");
  expectSame(scan(), first);
  for (const std::string &entry : entries(entryDirectory))
    EXPECT_NE(readFile(entry).find("\"capcycle\":\"" CAPCYCLE_VERSION "\""), std::string::npos)
        << entry << " was not rewritten";
}

TEST_F(PythonFactsCacheProject, NoCacheWritesNothing) {
  RunResult result = runCapcycle({"scan", sources, "--no-config", "--no-cache", "--cache-dir", cache});
  EXPECT_EQ(result.status, 1) << shown(result);
  EXPECT_FALSE(llvm::sys::fs::exists(cache));
}

TEST_F(PythonFactsCacheProject, AnUnwritableCacheDirectoryDoesNotFailTheScan) {
  project.write("cache", "a file where the cache directory should be\n");
  RunResult result = scan();
  EXPECT_EQ(result.status, 1) << shown(result);
  expectSame(result, uncached());
}

} // namespace
