// The C++ facts cache through the binary: a project with a compile database is scanned twice;
// the second scan reads BUILD_DIR/capcycle-cache/ instead of parsing, reports the same, and
// parses again exactly the units whose files changed. Whatever happens to the cache, the scan
// reports what it would report without one.
#include "CppProjects.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <unistd.h>

using namespace capcycle::testing;

namespace {

const std::string CrashingUnit =
    std::string(CAPCYCLE_SOURCE_DIR) + "/tests/clang/fixtures/crashes_clang.cpp";

// A pybind11 type holding a Python callable in a member the GC cannot see: CCY201 at the
// member, line 6 column 3 of widget.h.
std::string widgetHeader(const std::string &member) {
  return "#pragma once\n"
         "#include <pybind11/pybind11.h>\n"
         "\n"
         "namespace ui {\n"
         "struct Widget {\n"
         "  pybind11::function " + member + ";\n"
         "};\n"
         "} // namespace ui\n";
}

const char *const WidgetModule = "#include \"widget.h\"\n"
                                 "\n"
                                 "PYBIND11_MODULE(widgets, m) {\n"
                                 "  pybind11::class_<ui::Widget>(m, \"Widget\");\n"
                                 "}\n";

bool sameRun(const RunResult &a, const RunResult &b) {
  return a.status == b.status && a.out == b.out && a.err == b.err;
}

std::string shown(const RunResult &result) {
  return "exit " + std::to_string(result.status) + "\n--- stdout\n" + result.out +
         "--- stderr\n" + result.err;
}

class FactsCacheProject : public ::testing::Test {
protected:
  TempDir project;
  std::string build = project.file("build");
  std::string cache = project.file("build/capcycle-cache");

  // Sources written by a test are dated in the past: a file modified within the second before
  // a scan is too recent for an entry (the cache could not tell a second edit in that tick).
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::create_directories(build));
    project.write("widget.h", widgetHeader("callback_"));
    project.write("widget.cpp", WidgetModule);
    project.write("broken.cpp", "int volume = 3 +;\n");
    setModified({"widget.h", "widget.cpp", "broken.cpp"}, "2 hours ago");
    useDatabase({project.file("widget.cpp"), project.file("broken.cpp")});
  }

  void useDatabase(const std::vector<std::string> &sources) {
    project.write("build/compile_commands.json", compileDatabase(build, sources));
  }

  void setModified(const std::vector<std::string> &files, const std::string &when) {
    std::vector<std::string> args{"-d", when};
    for (const std::string &file : files)
      args.push_back(project.file(file));
    ASSERT_EQ(run("/usr/bin/touch", args).status, 0);
  }

  RunResult capcycle(const std::string &command, std::vector<std::string> options = {}) {
    std::vector<std::string> args{command, project.path(), "-p", build};
    if (command == "scan")
      args.push_back("--no-config");
    llvm::append_range(args, options);
    return runCapcycle(args);
  }

  std::vector<std::string> entries() const {
    std::vector<std::string> found;
    std::error_code problem;
    for (llvm::sys::fs::directory_iterator it(cache, problem), end; it != end && !problem;
         it.increment(problem))
      found.push_back(it->path());
    llvm::sort(found);
    return found;
  }

  // The entry whose facts mention `text`; empty if none does.
  std::string entryMentioning(llvm::StringRef text) const {
    for (const std::string &entry : entries())
      if (llvm::StringRef(readFile(entry)).contains(text))
        return entry;
    return {};
  }

  // Replaces `from` by `to` in the facts of the entry that mentions `from`. The entry stays
  // valid: only the entry file changes, not the files it records.
  void plant(llvm::StringRef from, llvm::StringRef to) {
    std::string entry = entryMentioning(from);
    ASSERT_FALSE(entry.empty()) << "no entry mentions " << from.str();
    std::string text = readFile(entry);
    text.replace(text.find(from), from.size(), to.str());
    overwrite(entry, text);
  }

  void overwrite(const std::string &entry, const std::string &content) {
    project.write(entry.substr(project.path().size() + 1), content);
  }

  // Every entry is a whole entry of this capcycle: rewritten where it was broken.
  void expectWholeEntries(size_t count) {
    std::vector<std::string> found = entries();
    EXPECT_EQ(found.size(), count);
    for (const std::string &entry : found) {
      EXPECT_TRUE(llvm::StringRef(entry).ends_with(".json")) << entry << ": a temporary left over";
      llvm::json::Value stored = parseJson(readFile(entry));
      const llvm::json::Object *object = stored.getAsObject();
      ASSERT_NE(object, nullptr) << entry;
      EXPECT_NE(object->getObject("facts"), nullptr) << entry;
      EXPECT_NE(object->getArray("inputs"), nullptr) << entry;
    }
  }
};

// The first scan writes one entry per unit; the second reports the same from them, and what it
// reports is what a scan without the cache reports. Facts planted in the entries come back:
// the second run read them instead of parsing, error notifications included.
TEST_F(FactsCacheProject, SecondRunReportsTheSameFromTheEntries) {
  project.write("client.py", readFile("examples/speech/leaking_client.py"));
  project.write("speech_module.cpp", readFile("examples/speech/speech_module.cpp"));
  setModified({"speech_module.cpp"}, "2 hours ago");
  std::string module = project.file("speech_module.cpp"), header = project.file("widget.h");
  useDatabase({module, project.file("widget.cpp"), project.file("broken.cpp")});

  RunResult cold = capcycle("scan", {"--format", "json"});
  std::vector<std::string> expected{"CCY001 " + project.file("client.py") + ":26",
                                    "CCY201 " + module + ":44", "CCY203 " + module + ":56",
                                    "CCY201 " + header + ":6"};
  llvm::sort(expected);
  EXPECT_EQ(cold.status, 1) << shown(cold);
  EXPECT_EQ(findingsOf(cold), expected) << shown(cold);
  std::string brokenLine =
      "capcycle: error: " + project.file("broken.cpp") + ":1:17: expected expression\n";
  EXPECT_EQ(cold.err, brokenLine);
  EXPECT_EQ(entries().size(), 3u);

  RunResult warm = capcycle("scan", {"--format", "json"});
  EXPECT_TRUE(sameRun(warm, cold)) << shown(warm);
  RunResult text = capcycle("scan"), textUncached = capcycle("scan", {"--no-cache"});
  EXPECT_TRUE(sameRun(text, textUncached)) << shown(text) << shown(textUncached);
  RunResult facts = capcycle("facts"), factsUncached = capcycle("facts", {"--no-cache"});
  EXPECT_TRUE(sameRun(facts, factsUncached)) << shown(facts) << shown(factsUncached);
  EXPECT_EQ(facts.status, 0) << shown(facts);

  plant("\"pythonName\":\"Widget\"", "\"pythonName\":\"CachedWidget\"");
  plant("expected expression", "expected expression (planted in the cache)");
  EXPECT_NE(capcycle("facts").out.find("\"pythonName\": \"CachedWidget\""), std::string::npos);
  EXPECT_EQ(capcycle("scan").err, "capcycle: error: " + project.file("broken.cpp") +
                                      ":1:17: expected expression (planted in the cache)\n");
}

// Editing a header (same size, new content and time) makes only the units that read it parse
// again: the other entry is still read, the header's unit reports the new member.
TEST_F(FactsCacheProject, EditingAnIncludedHeaderInvalidatesItsUnitOnly) {
  RunResult first = capcycle("facts");
  EXPECT_NE(first.out.find("\"member\": \"callback_\""), std::string::npos) << shown(first);
  plant("expected expression", "expected expression (planted in the cache)");

  project.write("widget.h", widgetHeader("listener_"));
  setModified({"widget.h"}, "1 hour ago");
  RunResult edited = capcycle("facts");
  EXPECT_NE(edited.out.find("\"member\": \"listener_\""), std::string::npos) << shown(edited);
  EXPECT_EQ(edited.out.find("callback_"), std::string::npos) << shown(edited);
  EXPECT_NE(edited.out.find("(planted in the cache)"), std::string::npos)
      << "the unit that does not include widget.h must still come from its entry";
  EXPECT_FALSE(entryMentioning("listener_").empty()) << "the stale entry is rewritten";
  EXPECT_EQ(entries().size(), 2u);
}

// Entries that are empty, not JSON, cut short, or JSON of another shape or format are misses:
// the scan reports what it reports without a cache, and rewrites them.
TEST_F(FactsCacheProject, BrokenEntriesAreIgnoredAndRewritten) {
  RunResult uncached = capcycle("scan", {"--no-cache"});
  EXPECT_EQ(uncached.status, 1) << shown(uncached);
  EXPECT_FALSE(llvm::sys::fs::exists(cache));
  capcycle("scan");
  std::vector<std::string> written = entries();
  ASSERT_EQ(written.size(), 2u);
  std::string valid = readFile(written[0]);
  std::string otherFormat = valid;
  std::string format = "\"factsFormat\":";
  ASSERT_NE(otherFormat.find(format), std::string::npos) << valid;
  otherFormat.insert(otherFormat.find(format) + format.size(), "9");

  const std::pair<std::string, std::string> rounds[] = {
      {"", std::string("\x7f" "ELF\0\xff\xfe garbage", 15)},
      {"[]", "{\"capcycle\": \"" CAPCYCLE_VERSION "\", \"factsFormat\": 1, \"inputs\": 3}"},
      {otherFormat, valid.substr(0, valid.size() / 2)}};
  for (const auto &[first, second] : rounds) {
    overwrite(written[0], first);
    overwrite(written[1], second);
    RunResult scan = capcycle("scan");
    EXPECT_TRUE(sameRun(scan, uncached)) << shown(scan);
    expectWholeEntries(2);
  }
}

TEST_F(FactsCacheProject, NoCacheNeitherWritesNorReadsEntries) {
  RunResult scan = capcycle("scan", {"--no-cache"});
  EXPECT_EQ(scan.status, 1) << shown(scan);
  EXPECT_EQ(capcycle("facts", {"--no-cache"}).status, 0);
  EXPECT_FALSE(llvm::sys::fs::exists(cache));

  capcycle("facts");
  ASSERT_EQ(entries().size(), 2u);
  plant("\"pythonName\":\"Widget\"", "\"pythonName\":\"CachedWidget\"");
  std::string planted = readFile(entryMentioning("CachedWidget"));
  RunResult facts = capcycle("facts", {"--no-cache"});
  EXPECT_EQ(facts.out.find("CachedWidget"), std::string::npos) << shown(facts);
  EXPECT_NE(facts.out.find("\"pythonName\": \"Widget\""), std::string::npos) << shown(facts);
  EXPECT_EQ(readFile(entryMentioning("CachedWidget")), planted) << "--no-cache rewrote an entry";
}

TEST_F(FactsCacheProject, ACacheThatCannotBeCreatedDoesNotFailTheScan) {
  RunResult uncached = capcycle("scan", {"--no-cache"});
  project.write("build/capcycle-cache", "not a directory\n");
  RunResult scan = capcycle("scan");
  EXPECT_TRUE(sameRun(scan, uncached)) << shown(scan);
  EXPECT_EQ(readFile(cache), "not a directory\n");
}

TEST_F(FactsCacheProject, AReadOnlyBuildDirectoryDoesNotFailTheScan) {
  if (geteuid() == 0)
    GTEST_SKIP() << "root writes into a directory whatever its mode";
  RunResult uncached = capcycle("scan", {"--no-cache"});
  ASSERT_FALSE(llvm::sys::fs::setPermissions(build, llvm::sys::fs::perms(0555)));
  RunResult scan = capcycle("scan");
  llvm::sys::fs::setPermissions(build, llvm::sys::fs::perms(0755));
  EXPECT_TRUE(sameRun(scan, uncached)) << shown(scan);
  EXPECT_FALSE(llvm::sys::fs::exists(cache));
}

// A crash says nothing about the unit: the next scan tries it again.
TEST_F(FactsCacheProject, AUnitThatCrashedClangIsNotCached) {
  useDatabase({project.file("widget.cpp"), CrashingUnit});
  std::string crashLine = "capcycle: error: " + CrashingUnit +
                          ": clang crashed while analysing this file; its C++ facts are missing\n";
  RunResult first = capcycle("scan");
  EXPECT_EQ(first.err, crashLine) << shown(first);
  EXPECT_EQ(entries().size(), 1u);
  EXPECT_FALSE(entryMentioning("\"pythonName\":\"Widget\"").empty());
  RunResult second = capcycle("scan");
  EXPECT_TRUE(sameRun(second, first)) << shown(second);
  EXPECT_EQ(entries().size(), 1u);
}

} // namespace
