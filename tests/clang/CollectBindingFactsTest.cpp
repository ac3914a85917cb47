// collectBindingFacts on bad input: every problem is a Notification naming the file, nothing
// goes to stderr, and the other translation units still produce facts.
#include "ClangChecksTestSupport.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace capcycle {
namespace {

using test::fixture;
using test::givenFiles;
using test::pybindFlags;
using test::ScratchDirectory;

// second_module.cpp, line 11:   py::class_<audio::Microphone>(m, "Microphone");
BoundType microphoneIn(const std::string &file) {
  return BoundType{"audio::Microphone", "Microphone", "audiocore", {file, 11, 3, 11, 49}};
}

bool hasBoundType(const FactSet &facts, const BoundType &type) {
  return std::find(facts.boundTypes.begin(), facts.boundTypes.end(), type) !=
         facts.boundTypes.end();
}

std::vector<std::string> pythonNames(const FactSet &facts) {
  std::vector<std::string> names;
  for (const BoundType &type : facts.boundTypes)
    names.push_back(type.pythonName);
  return names;
}

std::string compileDatabaseEntry(const std::string &directory, const std::string &file,
                                 const std::vector<std::string> &flags) {
  llvm::json::Array arguments{"clang++"};
  for (const std::string &flag : flags)
    arguments.push_back(flag);
  arguments.push_back("-c");
  arguments.push_back(file);
  llvm::json::Value entry = llvm::json::Object{
      {"directory", directory}, {"file", file}, {"arguments", std::move(arguments)}};
  return llvm::formatv("{0}", entry).str();
}

TEST(CollectBindingFacts, SyntaxErrorIsANotificationAndOtherUnitsStillYieldFacts) {
  std::string broken = fixture("syntax_error.cpp");
  std::string good = fixture("second_module.cpp");
  testing::internal::CaptureStderr();
  FactSet facts = collectBindingFacts(givenFiles({broken, good}));
  std::string printed = testing::internal::GetCapturedStderr();

  EXPECT_EQ(printed, "") << "Clang's diagnostics must be captured, not printed";
  ASSERT_EQ(facts.notifications.size(), 1u);
  const Notification &error = facts.notifications.front();
  EXPECT_EQ(error.level, Notification::Level::Error);
  // line 10:   int volume = 3 +;
  EXPECT_EQ(error.message, "expected expression");
  EXPECT_EQ(error.location, (SourceLocation{broken, 10, 19, 10, 20}));
  EXPECT_TRUE(hasBoundType(facts, microphoneIn(good)));
  // What parsed before the error still counts. line 9:   py::class_<Player>(m, "Player");
  EXPECT_TRUE(hasBoundType(facts, BoundType{"Player", "Player", "player", {broken, 9, 3, 9, 34}}));
}

// A database written by a GCC build: flags only GCC knows are dropped (Clang's driver would
// reject the unit), the flags Clang knows still apply (the -D the source requires).
TEST(CollectBindingFacts, GccOnlyFlagsOfTheDatabaseAreDropped) {
  ScratchDirectory build;
  std::string source = build.write("gcc_built.cpp", R"(#include <pybind11/pybind11.h>
#ifndef WITH_MICROPHONE
#error "the -D of the compile command was dropped"
#endif
struct Microphone {};
PYBIND11_MODULE(gccbuilt, m) { pybind11::class_<Microphone>(m, "Microphone"); }
)");
  std::vector<std::string> flags = pybindFlags();
  for (const char *gccOnly : {"-fipa-pta", "-fconcepts-diagnostics-depth=3",
                              "-mno-direct-extern-access", "-fno-gnu-unique", "-DWITH_MICROPHONE",
                              "-flto-partition=none"})
    flags.push_back(gccOnly);
  build.write("compile_commands.json",
              "[" + compileDatabaseEntry(build.path, source, flags) + "]");
  CppInput input;
  input.buildDir = build.path;
  FactSet facts = collectBindingFacts(input);

  EXPECT_TRUE(facts.notifications.empty()) << facts.notifications.front().message;
  EXPECT_EQ(pythonNames(facts), std::vector<std::string>{"Microphone"});
}

// A database entry `../../src/bind.cpp` run from a build directory reached through a symbolic
// link: `..` is the link target's parent, so removing `link/..` by text would name a file
// that does not exist. The unit runs, under the path that reaches it.
TEST(CollectBindingFacts, DotDotAfterASymbolicLinkIsResolvedByTheFileSystem) {
  ScratchDirectory project;
  std::string source = project.write("src/bind.cpp", R"(#include <pybind11/pybind11.h>
struct Microphone {};
PYBIND11_MODULE(linked, m) { pybind11::class_<Microphone>(m, "Microphone"); }
)");
  ASSERT_FALSE(llvm::sys::fs::create_directories(project.path + "/real/build"));
  std::string link = project.path + "/link";
  ASSERT_FALSE(llvm::sys::fs::create_link(project.path + "/real/build", link));
  project.write("real/build/compile_commands.json",
                "[" + compileDatabaseEntry(link, "../../src/bind.cpp", pybindFlags()) + "]");
  CppInput input;
  input.buildDir = link;
  FactSet facts = collectBindingFacts(input);

  EXPECT_TRUE(facts.notifications.empty()) << facts.notifications.front().message;
  ASSERT_EQ(facts.boundTypes.size(), 1u);
  bool same = false;
  EXPECT_FALSE(llvm::sys::fs::equivalent(facts.boundTypes[0].location.file.str(), source, same));
  EXPECT_TRUE(same) << facts.boundTypes[0].location.file << " is not " << source;
}

TEST(CollectBindingFacts, NonexistentFileIsANotification) {
  std::string good = fixture("second_module.cpp");
  FactSet facts = collectBindingFacts(givenFiles({"/nonexistent/missing_bindings.cpp", good}));

  ASSERT_EQ(facts.notifications.size(), 1u);
  EXPECT_EQ(facts.notifications.front().level, Notification::Level::Error);
  EXPECT_EQ(facts.notifications.front().message, "no such file");
  EXPECT_EQ(facts.notifications.front().location.file, "/nonexistent/missing_bindings.cpp");
  EXPECT_EQ(facts.boundTypes, std::vector<BoundType>{microphoneIn(good)});
}

TEST(CollectBindingFacts, BrokenCompileDatabaseIsANotificationAndGivenFilesStillRun) {
  ScratchDirectory build;
  std::string database = build.write("compile_commands.json", "[ { \"directory\": \"/tmp\", ");
  std::string good = fixture("second_module.cpp");
  CppInput input = givenFiles({good});
  input.buildDir = build.path;
  testing::internal::CaptureStderr();
  FactSet facts = collectBindingFacts(input);
  std::string printed = testing::internal::GetCapturedStderr();

  EXPECT_EQ(printed, "");
  ASSERT_EQ(facts.notifications.size(), 1u);
  const Notification &error = facts.notifications.front();
  EXPECT_EQ(error.level, Notification::Level::Error);
  EXPECT_EQ(error.location.file, database);
  EXPECT_TRUE(
      llvm::StringRef(error.message).starts_with("cannot read compilation database: "))
      << error.message;
  EXPECT_EQ(facts.boundTypes, std::vector<BoundType>{microphoneIn(good)});
}

TEST(CollectBindingFacts, MissingCompileDatabaseIsANotification) {
  ScratchDirectory build;
  CppInput input;
  input.buildDir = build.path;
  FactSet facts = collectBindingFacts(input);

  ASSERT_EQ(facts.notifications.size(), 1u);
  EXPECT_EQ(facts.notifications.front().level, Notification::Level::Error);
  EXPECT_EQ(facts.notifications.front().location.file, build.path + "/compile_commands.json");
  EXPECT_TRUE(facts.boundTypes.empty());
}

TEST(CollectBindingFacts, CompileDatabaseDrivesTheRun) {
  ScratchDirectory build;
  std::string speech = fixture("speech_bindings.cpp");
  std::string audio = fixture("second_module.cpp");
  // One entry with an absolute file, one with a file relative to its "directory"; the flags
  // come from the database only (no extraArgs).
  build.write("compile_commands.json",
              "[" + compileDatabaseEntry(build.path, speech, pybindFlags()) + ",\n" +
                  compileDatabaseEntry(CAPCYCLE_TEST_FIXTURES, "second_module.cpp", pybindFlags()) +
                  "]");
  CppInput input;
  input.buildDir = build.path;
  FactSet facts = collectBindingFacts(input);

  EXPECT_TRUE(facts.notifications.empty()) << facts.notifications.front().message;
  EXPECT_EQ(pythonNames(facts),
            (std::vector<std::string>{"Engine", "Transcriber", "Recognizer", "Microphone"}));
  // The relative database entry is reported by its absolute path.
  EXPECT_TRUE(hasBoundType(facts, microphoneIn(audio)));
}

TEST(CollectBindingFacts, FileGivenTwiceIsAnalysedOnce) {
  std::string audio = fixture("second_module.cpp");
  FactSet facts = collectBindingFacts(givenFiles({audio, audio}));

  EXPECT_TRUE(facts.notifications.empty());
  EXPECT_EQ(facts.boundTypes, std::vector<BoundType>{microphoneIn(audio)});
}

TEST(FindClangResourceDir, HoldsTheBuiltinHeaders) {
  std::string resourceDir = findClangResourceDir();
  EXPECT_TRUE(llvm::sys::fs::exists(resourceDir + "/include/stddef.h")) << resourceDir;
}

} // namespace
} // namespace capcycle
