// The C++ side through the binary: `capcycle facts` on real pybind11 code, broken C++ input
// that is reported while the rest of the scan goes on, and a compile database as context: all
// its units are analysed, only the files under the PATHs are reported on.
#include "CppProjects.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"

#include <gtest/gtest.h>

using namespace capcycle::testing;

namespace {

TEST(CppSide, FactsListsPybind11BoundTypes) {
  RunResult result = runCapcycle(
      {"facts", "tests/clang/fixtures/second_module.cpp", "--", PythonInclude, "-std=c++17"});
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.err, "");
  llvm::json::Value facts = parseJson(result.out);
  ASSERT_NE(facts.getAsObject(), nullptr);
  const llvm::json::Array *types = facts.getAsObject()->getArray("boundTypes");
  ASSERT_TRUE(types && types->size() == 1);
  const llvm::json::Object &type = *(*types)[0].getAsObject();
  EXPECT_EQ(type.getString("cppType"), "audio::Microphone");
  EXPECT_EQ(type.getString("pythonName"), "Microphone");
  EXPECT_EQ(type.getString("module"), "audiocore");
  // line 11: `  py::class_<audio::Microphone>(m, "Microphone");`
  const llvm::json::Object &location = *type.getObject("location");
  EXPECT_EQ(location.getString("file"), "tests/clang/fixtures/second_module.cpp");
  EXPECT_EQ(location.getInteger("line"), 11);
  EXPECT_EQ(location.getInteger("column"), 3);
}

TEST(CppSide, BrokenTranslationUnitIsAnErrorLineAndTheScanGoesOn) {
  RunResult result =
      runCapcycle({"scan", "examples/transcriber", "tests/clang/fixtures/syntax_error.cpp", "--",
                   PythonInclude, "-std=c++17"});
  EXPECT_EQ(result.status, 1) << "the Python finding must still be reported: " << result.err;
  EXPECT_NE(result.out.find("[CCY001]"), std::string::npos);
  EXPECT_EQ(result.err, "capcycle: error: tests/clang/fixtures/syntax_error.cpp:10:19: "
                        "expected expression\n");
}

TEST(CppSide, UnitThatCrashesClangIsAnErrorLineAndTheScanGoesOn) {
  RunResult result = runCapcycle({"scan", "examples/transcriber",
                                  "tests/clang/fixtures/crashes_clang.cpp",
                                  "tests/clang/fixtures/second_module.cpp", "-j", "2", "--",
                                  PythonInclude, "-std=c++17"});
  EXPECT_EQ(result.status, 1) << "the Python finding must still be reported: " << result.err;
  EXPECT_NE(result.out.find("[CCY001]"), std::string::npos) << result.out;
  EXPECT_EQ(result.err, "capcycle: error: tests/clang/fixtures/crashes_clang.cpp: clang crashed "
                        "while analysing this file; its C++ facts are missing\n");
  // The other unit's facts survive the crash of its neighbour.
  RunResult facts = runCapcycle({"facts", "tests/clang/fixtures/crashes_clang.cpp",
                                 "tests/clang/fixtures/second_module.cpp", "--", PythonInclude,
                                 "-std=c++17"});
  EXPECT_EQ(facts.status, 0) << facts.err;
  EXPECT_NE(facts.out.find("audio::Microphone"), std::string::npos) << facts.out;
}

TEST(CppSide, CompileDatabaseProblems) {
  RunResult missingDir = runCapcycle({"scan", "examples", "-p", "no/such/build"});
  EXPECT_EQ(missingDir.status, 2);
  EXPECT_NE(missingDir.err.find("no/such/build"), std::string::npos);

  TempDir build;
  build.write("compile_commands.json", "[ {\"directory\": ");
  RunResult broken = runCapcycle({"scan", "examples", "-p", build.path()});
  EXPECT_EQ(broken.status, 1) << "a broken database must not hide Python findings";
  EXPECT_NE(broken.err.find("compile_commands.json"), std::string::npos) << broken.err;
  EXPECT_EQ(broken.err.rfind("capcycle: error: ", 0), 0u) << broken.err;
}

// --- a compile database as context -------------------------------------------------------------

// examples/speech: leaking_client.py connects a callback capturing its transcriber (CCY001 at
// 26:5 once the C++ side shows that the signal stores it); speech_module.cpp has a
// std::vector<py::function> member without GC traversal (CCY201 at 44:3) and a buffer only the
// destructor frees (CCY203 at 56:5).
const std::string SpeechClient = "examples/speech/leaking_client.py";
const std::string SpeechModule = std::string(CAPCYCLE_SOURCE_DIR) + "/examples/speech/speech_module.cpp";

// Whether the first finding's path has a step in `file`: the cross-language join happened.
bool pathVisits(const RunResult &result, llvm::StringRef file) {
  llvm::json::Value report = parseJson(result.out);
  const llvm::json::Object *root = report.getAsObject();
  const llvm::json::Array *findings = root ? root->getArray("findings") : nullptr;
  if (!findings || findings->empty())
    return false;
  const llvm::json::Array *path = (*findings)[0].getAsObject()->getArray("path");
  return path && llvm::any_of(*path, [&](const llvm::json::Value &step) {
           return step.getAsObject()->getObject("location")->getString("file") == file;
         });
}

std::string withLine(const std::string &text, unsigned line, const std::string &suffix) {
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(text).split(lines, '\n');
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i)
    out += lines[i].str() + (i + 1 == line ? suffix : "") + (i + 1 < lines.size() ? "\n" : "");
  return out;
}

// What pre-commit does: only the staged client is passed. The bindings still join (CCY001 with a
// step in the module), and the module's own findings, in a file not passed, are not reported.
TEST(CompileDatabaseContext, OnlyTheClientPassedStillJoinsTheBindings) {
  TempDir build;
  build.write("compile_commands.json", compileDatabase(build.path(), {SpeechModule}));

  RunResult client = runCapcycle({"scan", SpeechClient, "-p", build.path(), "--format", "json"});
  EXPECT_EQ(client.status, 1) << client.err;
  // The module's two findings are not reported, and that is said once (as clang-tidy says
  // "Suppressed N warnings"); --quiet keeps stderr for errors.
  EXPECT_EQ(client.err, "capcycle: note: 2 findings in files outside the PATHs (headers and "
                        "other sources read as context) were left out; give a PATH that holds "
                        "those files (or '.') to see them\n");
  RunResult quiet =
      runCapcycle({"scan", SpeechClient, "-p", build.path(), "--format", "json", "--quiet"});
  EXPECT_EQ(quiet.err, "");
  EXPECT_EQ(findingsOf(client), std::vector<std::string>{"CCY001 " + SpeechClient + ":26"});
  EXPECT_TRUE(pathVisits(client, SpeechModule)) << client.out;

  // The module named too (relative here, absolute in the facts): its findings are reported.
  std::vector<std::string> all{"CCY001 " + SpeechClient + ":26", "CCY201 " + SpeechModule + ":44",
                               "CCY203 " + SpeechModule + ":56"};
  llvm::sort(all);
  RunResult both = runCapcycle({"scan", "examples/speech/speech_module.cpp", SpeechClient, "-p",
                                build.path(), "--format", "json"});
  EXPECT_EQ(both.status, 1) << both.err;
  EXPECT_EQ(findingsOf(both), all);
  // A directory holding both, spelled with `./` and a trailing slash.
  RunResult directory =
      runCapcycle({"scan", "./examples/speech/", "-p", build.path(), "--format", "json"});
  EXPECT_EQ(findingsOf(directory), all);

  // Without a database the client alone has no C++ side to join: no CCY001 (the Python side
  // may still say what it sees on its own).
  RunResult alone = runCapcycle({"scan", SpeechClient, "--format", "json"});
  EXPECT_FALSE(llvm::is_contained(findingsOf(alone), "CCY001 " + SpeechClient + ":26"))
      << alone.out;
}

// No PATH (the default "."): everything is reported, also a database's sources outside the
// current directory.
TEST(CompileDatabaseContext, NoPathReportsSourcesOutsideTheCurrentDirectory) {
  TempDir project, elsewhere;
  project.write("client.py", readFile(SpeechClient));
  elsewhere.write("speech_module.cpp", readFile(SpeechModule));
  std::string module = elsewhere.file("speech_module.cpp");
  elsewhere.write("compile_commands.json", compileDatabase(elsewhere.path(), {module}));
  RunResult result = run("/bin/sh", {"-c", "cd \"$1\" && exec \"$2\" scan -p \"$3\" --format json",
                                     "sh", project.path(), CAPCYCLE_BINARY, elsewhere.path()});
  EXPECT_EQ(result.status, 1) << result.err;
  EXPECT_EQ(findingsOf(result), (std::vector<std::string>{"CCY001 client.py:26",
                                                           "CCY201 " + module + ":44",
                                                           "CCY203 " + module + ":56"}));
}

// Ignore comments of a context file are not judged (it is not reported on); named, they are.
TEST(CompileDatabaseContext, UnusedIgnoresOnlyInTheFilesPassed) {
  TempDir project;
  project.write("client.py", readFile(SpeechClient));
  // Line 44 has CCY201, not CCY203: the comment silences nothing.
  project.write("speech_module.cpp",
                withLine(readFile(SpeechModule), 44, "  // capcycle: ignore[CCY203]"));
  std::string client = project.file("client.py"), module = project.file("speech_module.cpp");
  project.write("compile_commands.json", compileDatabase(project.path(), {module}));

  RunResult clientOnly = runCapcycle({"scan", client, "-p", project.path(), "--no-config",
                                      "--warn-unused-ignores", "--format", "json"});
  EXPECT_EQ(findingsOf(clientOnly), std::vector<std::string>{"CCY001 " + client + ":26"});

  RunResult both = runCapcycle({"scan", client, module, "-p", project.path(), "--no-config",
                                "--warn-unused-ignores", "--format", "json"});
  std::vector<std::string> all{"CCY001 " + client + ":26", "CCY201 " + module + ":44",
                               "CCY203 " + module + ":56", "CCY901 " + module + ":44"};
  llvm::sort(all);
  EXPECT_EQ(findingsOf(both), all);
}

// `compile-database` names the database once, relative to the configuration file, for scans
// that pass no -p: pre-commit's, run from the repository root with the staged files.
TEST(CompileDatabaseContext, ConfigurationNamesTheDatabase) {
  TempDir project, empty;
  llvm::sys::fs::create_directories(project.file("build"));
  project.write("client.py", readFile(SpeechClient));
  project.write("speech_module.cpp", readFile(SpeechModule));
  project.write("build/compile_commands.json",
                compileDatabase(project.file("build"), {project.file("speech_module.cpp")}));
  empty.write("compile_commands.json", "[]");
  auto scanClient = [&](const std::vector<std::string> &options) {
    std::vector<std::string> args{"-c", "cd \"$1\" && shift && exec \"$@\"", "sh", project.path(),
                                  CAPCYCLE_BINARY, "scan", "client.py", "--format", "json"};
    llvm::append_range(args, options);
    return run("/bin/sh", args);
  };
  const std::vector<std::string> joined{"CCY001 client.py:26"};
  auto notJoined = [&](const RunResult &result) {
    return !llvm::is_contained(findingsOf(result), joined.front());
  };

  project.write(".capcycle.yaml", "compile-database: build\n");
  RunResult yaml = scanClient({});
  EXPECT_EQ(yaml.status, 1) << yaml.err;
  EXPECT_EQ(yaml.err.find("error"), std::string::npos) << yaml.err;
  EXPECT_EQ(findingsOf(yaml), joined);
  EXPECT_TRUE(notJoined(scanClient({"-p", empty.path()}))) << "-p replaces compile-database";
  EXPECT_TRUE(notJoined(scanClient({"--no-config"})));

  llvm::sys::fs::remove(project.file(".capcycle.yaml"));
  project.write("pyproject.toml", "[tool.capcycle]\ncompile-database = \"build\"\n");
  EXPECT_EQ(findingsOf(scanClient({})), joined);

  // Not built yet: said on stderr, and the Python side is still scanned. The configuration is
  // found from the working directory, which the system reports without symbolic links.
  project.write("pyproject.toml", "[tool.capcycle]\ncompile-database = \"out\"\n");
  RunResult unbuilt = scanClient({});
  EXPECT_TRUE(notJoined(unbuilt)) << unbuilt.out;
  llvm::SmallString<256> root;
  ASSERT_FALSE(llvm::sys::fs::real_path(project.path(), root));
  EXPECT_EQ(unbuilt.err, "capcycle: error: " + std::string(root) +
                             "/pyproject.toml: compile-database '" + std::string(root) + "/out" +
                             "' does not exist: the C++ side is not analysed (build the "
                             "project, or pass -p)\n");
}

} // namespace

namespace {
// A module laid out the way larger pybind11 projects are: the module body in one unit hands a
// submodule to a binding function defined in another unit (`studio.io.Microphone`).
const char *const StudioHeader = R"(#pragma once
#include <pybind11/pybind11.h>
void bind_devices(pybind11::module_ &m);
)";
const char *const StudioModule = R"(#include "studio.h"
PYBIND11_MODULE(studio, m) {
  pybind11::module_ io = m.def_submodule("io");
  bind_devices(io);
}
)";
const char *const StudioDevices = R"(#include "studio.h"
#include <vector>
namespace py = pybind11;
struct LevelSignal {
  void connect(py::function callback) { callbacks.push_back(callback); }
  std::vector<py::function> callbacks;
};
struct Microphone {
  LevelSignal level_changed;
  void stop() {}
};
void bind_devices(py::module_ &m) {
  py::class_<LevelSignal>(m, "LevelSignal").def("connect", &LevelSignal::connect);
  py::class_<Microphone>(m, "Microphone")
      .def(py::init<>())
      .def_property_readonly("level_changed", [](Microphone &mic) -> LevelSignal & {
        return mic.level_changed;
      }, py::return_value_policy::reference_internal)
      .def("stop", &Microphone::stop);
}
)";
const char *const StudioClient = R"(import studio

def record():
    mic = studio.io.Microphone()
    mic.level_changed.connect(lambda level: mic.stop())
)";
} // namespace

// The class is bound in a function of another unit, in a submodule: the client's
// `studio.io.Microphone` still joins it (CCY001 with a step in the binding unit). Without the
// module body's unit, nothing tells the Python name, and the join does not happen.
TEST(CompileDatabaseContext, ClassesBoundInBindingFunctionsOfOtherUnitsJoin) {
  TempDir project;
  project.write("studio.h", StudioHeader);
  project.write("module.cpp", StudioModule);
  project.write("devices.cpp", StudioDevices);
  project.write("client.py", StudioClient);
  std::string client = project.file("client.py"), devices = project.file("devices.cpp");
  project.write("compile_commands.json",
                compileDatabase(project.path(), {project.file("module.cpp"), devices}));

  RunResult joined =
      runCapcycle({"scan", client, "-p", project.path(), "--no-config", "--format", "json"});
  EXPECT_EQ(joined.status, 1) << joined.err;
  EXPECT_EQ(joined.err.find("error"), std::string::npos) << joined.err; // at most the left-out note
  EXPECT_EQ(findingsOf(joined), std::vector<std::string>{"CCY001 " + client + ":5"}) << joined.out;
  EXPECT_TRUE(pathVisits(joined, devices)) << joined.out;

  project.write("compile_commands.json", compileDatabase(project.path(), {devices}));
  RunResult unitAlone =
      runCapcycle({"scan", client, "-p", project.path(), "--no-config", "--format", "json"});
  EXPECT_FALSE(llvm::is_contained(findingsOf(unitAlone), "CCY001 " + client + ":5"))
      << unitAlone.out;
}
