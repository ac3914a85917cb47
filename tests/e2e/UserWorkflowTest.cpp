// capcycle where users run it: configuration files, inline suppressions, baselines, SARIF for
// code scanning (fingerprints that survive edits above a finding), pre-commit with the real
// `pre-commit`, vim's quickfix list, and the rules index of the docs.
#include "Subprocess.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <gtest/gtest.h>

using namespace capcycle::testing;

namespace {

// A PySide6 lambda that captures its own button: CCY101 at line 4, column 5 (the connect
// call), in the default selection.
const std::string Cycle = "from PySide6.QtWidgets import QPushButton\n"
                          "def f():\n"
                          "    b = QPushButton()\n"
                          "    b.clicked.connect(lambda: b.hide())\n";
// The same without the cycle: Qt holds a bound method weakly.
const std::string Fixed = "from PySide6.QtWidgets import QPushButton\n"
                          "def f():\n"
                          "    b = QPushButton()\n"
                          "    b.clicked.connect(b.hide)\n";

std::vector<llvm::StringRef> lines(const std::string &text) {
  llvm::SmallVector<llvm::StringRef> parts;
  llvm::StringRef(text).split(parts, '\n', -1, false);
  return {parts.begin(), parts.end()};
}

bool contains(const std::string &text, llvm::StringRef part) {
  return llvm::StringRef(text).contains(part);
}

const llvm::json::Array &sarifResults(const llvm::json::Value &log) {
  static const llvm::json::Array none;
  const llvm::json::Object *root = log.getAsObject();
  const llvm::json::Array *runs = root ? root->getArray("runs") : nullptr;
  if (!runs || runs->empty() || !(*runs)[0].getAsObject()->getArray("results"))
    return ADD_FAILURE() << "no runs[0].results", none;
  return *(*runs)[0].getAsObject()->getArray("results");
}

void expectValidSarif(const std::string &file) {
  for (const std::string &problem : sarifValidatorProblems(file))
    ADD_FAILURE() << "Sarif.Multitool on " << file << ": " << problem;
}

// Runs a shell script with `args` as $1, $2...: for the tools (git, pre-commit, vim) whose
// setup is a few commands.
RunResult shell(const std::string &script, const std::vector<std::string> &args = {}) {
  std::vector<std::string> argv{"-c", script, "sh"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run("/bin/sh", argv);
}

// --- configuration --------------------------------------------------------------------------

TEST(Configuration, YamlSelectsExcludesAndTheCommandLineOverrides) {
  TempDir project;
  llvm::sys::fs::create_directories(project.file("vendor"));
  llvm::sys::fs::create_directories(project.file("src"));
  project.write("src/cycle.py", Cycle);
  project.write("vendor/cycle.py", Cycle);
  project.write(".capcycle.yaml", "ignore: [CCY101]\nexclude: [vendor]\n");

  RunResult configured = runCapcycle({"scan", project.path()});
  EXPECT_EQ(configured.status, 0) << configured.out << configured.err;
  EXPECT_EQ(configured.out, "");

  // --ignore replaces the configuration's ignore list; exclude still applies, also to a file
  // named explicitly (pre-commit names every staged file).
  RunResult overridden = runCapcycle(
      {"scan", project.file("src/cycle.py"), project.file("vendor/cycle.py"), "--ignore", "CCY102"});
  EXPECT_EQ(overridden.status, 1) << overridden.err;
  ASSERT_EQ(lines(overridden.out).size(), 4u) << overridden.out; // the finding, 3 notes
  EXPECT_TRUE(llvm::StringRef(overridden.out)
                  .starts_with(project.file("src/cycle.py") + ":4:5: warning: "))
      << overridden.out;

  RunResult isolated = runCapcycle({"scan", project.file("vendor/cycle.py"), "--no-config"});
  EXPECT_EQ(isolated.status, 1) << "--no-config reads no configuration";
}

TEST(Configuration, PyprojectPerFileIgnoresFailOnAndExplicitConfig) {
  TempDir project;
  llvm::sys::fs::create_directories(project.file("tests"));
  project.write("tests/test_cycle.py", Cycle);
  project.write("app.py", Cycle);
  project.write("pyproject.toml", "[project]\nname = 'demo'\n\n[tool.capcycle]\n"
                                  "per-file-ignores = { 'tests/*' = ['CCY101'] }\n");
  RunResult result = runCapcycle({"scan", project.path()});
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(lines(result.out).size(), 4u) << result.out; // one finding, 3 notes
  EXPECT_TRUE(contains(result.out, "app.py:4:5: warning:")) << result.out;
  EXPECT_FALSE(contains(result.out, "test_cycle.py")) << result.out;

  // fail-on: error — a warning is still shown but no longer fails the run.
  TempDir elsewhere;
  elsewhere.write("strict.yaml", "fail-on: error\n");
  RunResult lenient =
      runCapcycle({"scan", project.file("app.py"), "--config", elsewhere.file("strict.yaml")});
  EXPECT_EQ(lenient.status, 0) << lenient.err;
  EXPECT_TRUE(contains(lenient.out, "app.py:4:5: warning:")) << lenient.out;
  EXPECT_EQ(runCapcycle({"scan", project.file("app.py"), "--config",
                         elsewhere.file("strict.yaml"), "--fail-on", "warning"})
                .status,
            1)
      << "--fail-on overrides fail-on";
}

TEST(Configuration, BrokenConfigurationIsExitTwoNamingFileLineAndKey) {
  TempDir project;
  project.write("app.py", Cycle);
  project.write(".capcycle.yaml", "select: [CCY101]\nexclud: [vendor]\n");
  RunResult result = runCapcycle({"scan", project.file("app.py")});
  EXPECT_EQ(result.status, 2);
  EXPECT_EQ(result.out, "");
  ASSERT_EQ(lines(result.err).size(), 1u) << result.err;
  EXPECT_TRUE(llvm::StringRef(result.err)
                  .starts_with("capcycle: error: " + project.file(".capcycle.yaml") +
                               ":2: unknown key 'exclud'"))
      << result.err;
  EXPECT_EQ(runCapcycle({"scan", project.file("app.py"), "--exit-zero"}).status, 2);
  RunResult missing = runCapcycle({"scan", project.file("app.py"), "--config", "no/such.yaml"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_TRUE(contains(missing.err, "no/such.yaml")) << missing.err;
}

// qtpy re-exports the binding it selects: PyQt5 by default (whose signals the GC sees: the
// cycle is a note), PySide2 when the project says `qt-api: pyside2` (a warning: PySide keeps
// the lambda where the GC cannot see it).
TEST(Configuration, QtApiNamesTheBindingQtpySelects) {
  TempDir project;
  project.write("app.py", "from qtpy.QtWidgets import QPushButton\n"
                          "\n"
                          "class Panel:\n"
                          "    def __init__(self):\n"
                          "        self.button = QPushButton()\n"
                          "        self.button.clicked.connect(lambda: self.close())\n"
                          "\n"
                          "    def close(self):\n"
                          "        pass\n");
  RunResult byDefault = runCapcycle({"scan", project.path(), "--no-config"});
  EXPECT_TRUE(contains(byDefault.out, "app.py:6:9: note: ")) << byDefault.out;
  EXPECT_TRUE(contains(byDefault.out, "PyQt5")) << byDefault.out;
  project.write(".capcycle.yaml", "qt-api: pyside2\n");
  RunResult pyside = runCapcycle({"scan", project.path()});
  EXPECT_TRUE(contains(pyside.out, "app.py:6:9: warning: ")) << pyside.out;
  EXPECT_TRUE(contains(pyside.out, "PySide2")) << pyside.out;
  project.write(".capcycle.yaml", "qt-api: tkinter\n");
  RunResult wrong = runCapcycle({"scan", project.path()});
  EXPECT_EQ(wrong.status, 2);
  EXPECT_TRUE(contains(wrong.err, ":1: 'qt-api' must be one of pyqt5, pyqt6, pyside2, pyside6"))
      << wrong.err;
}

// --- inline suppressions -----------------------------------------------------------------------

TEST(Suppressions, SilencedInTextAndJsonKeptInSarif) {
  TempDir project;
  project.write("app.py", "from PySide6.QtWidgets import QPushButton\n"
                          "def f():\n"
                          "    b = QPushButton()\n"
                          "    b.clicked.connect(lambda: b.hide())  # capcycle: ignore[CCY101]\n");
  RunResult text = runCapcycle({"scan", project.path(), "--no-config"});
  EXPECT_EQ(text.status, 0) << text.out;
  EXPECT_EQ(text.out, "");
  RunResult json = runCapcycle({"scan", project.path(), "--no-config", "--format", "json"});
  EXPECT_EQ(json.status, 0);
  EXPECT_EQ(parseJson(json.out).getAsObject()->getArray("findings")->size(), 0u);

  std::string sarif = project.file("out.sarif");
  EXPECT_EQ(runCapcycle({"scan", project.file("app.py"), "--format", "sarif", "-o", sarif}).status,
            0);
  llvm::json::Value log = parseJson(readFile(sarif));
  const llvm::json::Array &results = sarifResults(log);
  ASSERT_EQ(results.size(), 1u);
  const llvm::json::Array *suppressions = results[0].getAsObject()->getArray("suppressions");
  ASSERT_TRUE(suppressions && suppressions->size() == 1u);
  EXPECT_EQ((*suppressions)[0].getAsObject()->getString("kind"), "inSource");
  expectValidSarif(sarif);

  std::string dropped = project.file("dropped.sarif");
  runCapcycle({"scan", project.file("app.py"), "--format", "sarif", "-o", dropped,
               "--drop-suppressed"});
  EXPECT_EQ(sarifResults(parseJson(readFile(dropped))).size(), 0u);
  expectValidSarif(dropped);
}

TEST(Suppressions, UnusedIgnoreIsReportedOnlyWhenAsked) {
  TempDir project;
  project.write("app.py", "from PySide6.QtWidgets import QPushButton\n"
                          "def f():\n"
                          "    b = QPushButton()\n"
                          "    # capcycle: ignore[CCY101]\n"
                          "    b.clicked.connect(b.hide)\n");
  EXPECT_EQ(runCapcycle({"scan", project.path(), "--no-config"}).status, 0);
  RunResult warned =
      runCapcycle({"scan", project.file("app.py"), "--no-config", "--warn-unused-ignores"});
  EXPECT_EQ(warned.status, 1);
  EXPECT_EQ(warned.out, project.file("app.py") +
                            ":4:5: warning: 'capcycle: ignore[CCY101]' silences nothing: no "
                            "CCY101 finding on this line or the next [CCY901]\n");
  EXPECT_EQ(runCapcycle({"scan", project.file("app.py"), "--no-config", "--warn-unused-ignores",
                         "--ignore", "CCY901"})
                .status,
            0);
}

// --- SARIF for code scanning ---------------------------------------------------------------------

// The fingerprint code scanning keys alerts on must not change when lines are added above a
// finding, or every edit would close the alert and open a new one.
TEST(Sarif, FingerprintsSurviveLinesInsertedAbove) {
  TempDir project;
  std::string original = readFile("tests/fixtures/CCY101/alias_bad.py");
  ASSERT_FALSE(original.empty());
  project.write("alias.py", original);
  auto scan = [&](const std::string &name) {
    std::string sarif = project.file(name);
    RunResult result =
        runCapcycle({"scan", project.file("alias.py"), "--format", "sarif", "-o", sarif});
    EXPECT_EQ(result.status, 1) << result.err;
    expectValidSarif(sarif);
    return parseJson(readFile(sarif));
  };
  llvm::json::Value before = scan("before.sarif");
  project.write("alias.py", "import os\nimport sys\n\n\nLIMIT = 3\n" + original);
  llvm::json::Value after = scan("after.sarif");

  const llvm::json::Array &a = sarifResults(before), &b = sarifResults(after);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  auto line = [](const llvm::json::Value &result) {
    return *result.getAsObject()->getArray("locations")->front().getAsObject()
                ->getObject("physicalLocation")->getObject("region")->getInteger("startLine");
  };
  auto fingerprint = [](const llvm::json::Value &result) {
    return result.getAsObject()->getObject("partialFingerprints")->getString("capcycle/v1")->str();
  };
  EXPECT_EQ(line(a[0]), 9); // `w.clicked.connect(...)`, line 9 of the fixture
  EXPECT_EQ(line(b[0]), 14);
  EXPECT_EQ(fingerprint(a[0]), fingerprint(b[0]));
}

TEST(Sarif, RuleHelpIsTheDocPage) {
  TempDir temp;
  std::string sarif = temp.file("out.sarif");
  runCapcycle({"scan", "examples", "--format", "sarif", "-o", sarif});
  llvm::json::Value log = parseJson(readFile(sarif));
  const llvm::json::Array *rules = log.getAsObject()->getArray("runs")->front().getAsObject()
                                       ->getObject("tool")->getObject("driver")->getArray("rules");
  ASSERT_NE(rules, nullptr);
  bool sawCcy101 = false;
  for (const llvm::json::Value &rule : *rules) {
    const llvm::json::Object &object = *rule.getAsObject();
    std::string id = object.getString("id")->str();
    std::string page = readFile("docs/rules/" + id + ".md");
    ASSERT_FALSE(page.empty()) << id;
    // The page, then where it lives (its relative links resolve only there).
    EXPECT_TRUE(object.getObject("help")->getString("markdown")->starts_with(page)) << id;
    EXPECT_TRUE(object.getObject("help")->getString("text")->starts_with(page)) << id;
    sawCcy101 |= id == "CCY101";
  }
  EXPECT_TRUE(sawCcy101);
  expectValidSarif(sarif);
}

// --- baseline ------------------------------------------------------------------------------------

TEST(Baseline, OnlyNewFindingsAreReported) {
  TempDir project;
  project.write("old.py", Cycle);
  std::string json = project.file("baseline.json"), sarif = project.file("baseline.sarif");
  ASSERT_EQ(runCapcycle({"scan", project.path(), "--no-config", "--format", "json", "-o", json})
                .status,
            1);
  ASSERT_EQ(runCapcycle({"scan", project.path(), "--no-config", "--format", "sarif", "-o", sarif})
                .status,
            1);

  // Code added above the old finding, and a new cycle in a new file.
  project.write("old.py", "import logging\n\n" + Cycle);
  project.write("new.py", Cycle);
  for (const std::string &baseline : {json, sarif}) {
    RunResult result = runCapcycle({"scan", project.path(), "--no-config", "--baseline", baseline});
    EXPECT_EQ(result.status, 1) << baseline << ": " << result.err;
    ASSERT_EQ(lines(result.out).size(), 4u) << baseline << ":\n" << result.out;
    EXPECT_TRUE(llvm::StringRef(result.out).starts_with(project.file("new.py") + ":4:5: warning:"))
        << result.out;
  }
  project.write("new.py", Fixed);
  EXPECT_EQ(runCapcycle({"scan", project.path(), "--no-config", "--baseline", json}).status, 0);

  project.write("broken.json", "{\n  \"findings\": [\n    {\"fingerprint\": }\n  ]\n}\n");
  RunResult broken =
      runCapcycle({"scan", project.path(), "--no-config", "--baseline", project.file("broken.json")});
  EXPECT_EQ(broken.status, 2);
  EXPECT_TRUE(llvm::StringRef(broken.err)
                  .starts_with("capcycle: error: baseline " + project.file("broken.json") + ":3:"))
      << broken.err;
  EXPECT_EQ(lines(broken.err).size(), 1u) << broken.err;
  RunResult missing = runCapcycle({"scan", project.path(), "--baseline", project.file("none.json")});
  EXPECT_EQ(missing.status, 2);
  EXPECT_TRUE(contains(missing.err, "none.json")) << missing.err;
}

// --- terminals and editors -------------------------------------------------------------------------

TEST(Text, QuietAndStatistics) {
  RunResult quiet = runCapcycle({"scan", "examples", "--quiet"});
  EXPECT_EQ(quiet.status, 1);
  std::vector<llvm::StringRef> primary = lines(quiet.out);
  ASSERT_EQ(primary.size(), 2u) << quiet.out;
  EXPECT_TRUE(primary[0].starts_with(
      "examples/speech/leaking_client.py:26:5: warning: "))
      << quiet.out;
  EXPECT_TRUE(primary[1].starts_with(
      "examples/transcriber/transcribe.py:33:5: error: "))
      << quiet.out;

  RunResult statistics = runCapcycle({"scan", "examples", "--statistics"});
  EXPECT_EQ(statistics.status, 1);
  EXPECT_EQ(statistics.out,
            "    1  CCY001  native-leak-cycle\n    1  CCY101  self-signal-capture\n");
}

// Colour needs a terminal: `script` gives the command one.
TEST(Text, ColourOnATerminalUnlessNoColor) {
  if (!llvm::sys::findProgramByName("script"))
    GTEST_SKIP() << "util-linux `script` is not installed";
  // A container or chroot without /dev/pts gives `script` no terminal to open.
  if (shell("script -qec true /dev/null", {}).status != 0)
    GTEST_SKIP() << "`script` cannot open a pseudo-terminal here (no /dev/pts?)";
  std::string command = std::string(CAPCYCLE_BINARY) + " scan examples";
  RunResult coloured = shell("script -qec \"$1\" /dev/null", {command});
  EXPECT_TRUE(contains(coloured.out, "\033[1;31merror:")) << coloured.out;
  RunResult plain = shell("NO_COLOR=1 script -qec \"$1\" /dev/null", {command});
  EXPECT_TRUE(contains(plain.out, "transcribe.py:33:5: error: ")) << plain.out;
  EXPECT_FALSE(contains(plain.out, "\033[")) << plain.out;
}

// vim's default 'errorformat' must place every finding in the quickfix list where it is.
TEST(Editors, VimQuickfixListHasEveryFindingAtItsPosition) {
  if (!llvm::sys::findProgramByName("vim"))
    GTEST_FAIL() << "vim is not installed (scripts/setup installs vim-nox)";
  TempDir temp;
  std::string report = temp.file("report.txt"), entries = temp.file("qf.txt");
  ASSERT_EQ(runCapcycle({"scan", "tests/fixtures/CCY101/self_chain_bad.py",
                         "tests/fixtures/CCY101/alias_bad.py", "-o", report})
                .status,
            1);
  RunResult vim = run(
      *llvm::sys::findProgramByName("vim"),
      {"-es", "-N", "-u", "NONE", "-i", "NONE", "-c", "cgetfile " + report, "-c",
       "call writefile(map(getqflist(), {i, e -> e.valid . ':' . bufname(e.bufnr) . ':' . "
       "e.lnum . ':' . e.col . ':' . e.text}), '" + entries + "')",
       "-c", "qa!"});
  EXPECT_EQ(vim.status, 0) << vim.out << vim.err;
  std::string quickfix = readFile(entries); // `got` points into it
  std::vector<llvm::StringRef> got = lines(quickfix);
  // Positions read off the fixtures: the connect call starts the finding; the notes point at
  // where the owner gets the object (`self.timer = QTimer()`), the stored lambda and the
  // captured name.
  const std::vector<std::string> primary = {
      "1:tests/fixtures/CCY101/alias_bad.py:9:5",
      "1:tests/fixtures/CCY101/self_chain_bad.py:9:9",
  };
  const std::vector<std::string> notes = {
      "1:tests/fixtures/CCY101/self_chain_bad.py:8:9:",
      "1:tests/fixtures/CCY101/self_chain_bad.py:9:36:",
      "1:tests/fixtures/CCY101/self_chain_bad.py:9:44:",
  };
  std::vector<std::string> gotPrimary;
  for (llvm::StringRef entry : got) {
    EXPECT_TRUE(entry.starts_with("1:")) << "not recognised by errorformat: " << entry.str();
    if (entry.contains("[CCY101]")) {
      EXPECT_TRUE(entry.contains(": warning: ")) << entry.str();
      gotPrimary.push_back(entry.substr(0, entry.find(": warning")).str());
    }
  }
  std::string reportText = readFile(report);
  EXPECT_EQ(got.size(), lines(reportText).size()) << "one quickfix entry per line";
  EXPECT_EQ(gotPrimary, primary);
  for (const std::string &note : notes)
    EXPECT_TRUE(llvm::any_of(got, [&](llvm::StringRef e) { return e.starts_with(note); }))
        << "no quickfix entry at " << note;
}

// --- pre-commit ----------------------------------------------------------------------------------

TEST(PreCommit, ManifestIsValid) {
  RunResult result = shell("pre-commit validate-manifest .pre-commit-hooks.yaml");
  EXPECT_EQ(result.status, 0) << result.out << result.err;
}

// The hook as users install it: a repository holding .pre-commit-hooks.yaml, referenced by
// `repo:` and `rev:` from the project's .pre-commit-config.yaml. `language: system` runs
// `capcycle` from PATH, so the build directory goes first on it.
TEST(PreCommit, CommitWithACycleIsRefusedAndTheFixPasses) {
  TempDir temp;
  temp.write("cycle.py", Cycle);
  temp.write("fixed.py", Fixed);
  // One stream, so that the hook's output (git sends it to stderr) stays in order with ours.
  const char *script = R"(set -u
exec 2>&1
bin="$1"; manifest="$2"; t="$3"
export PATH="$bin:$PATH" PRE_COMMIT_HOME="$t/cache" GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
git init -q "$t/hooks" && cp "$manifest" "$t/hooks/" && git -C "$t/hooks" add . &&
  git -C "$t/hooks" commit -qm hooks || exit 90
rev=$(git -C "$t/hooks" rev-parse HEAD)
git init -q "$t/project" && cd "$t/project" || exit 91
printf 'repos:\n- repo: %s\n  rev: %s\n  hooks:\n  - id: capcycle\n' "$t/hooks" "$rev" > .pre-commit-config.yaml
git add . && git commit -qm config && pre-commit install >/dev/null || exit 92
cp "$t/cycle.py" app.py && printf '#include <Python.h>\nstatic PyObject *cb;\n' > native.h
git add app.py native.h
if git commit -qm cycle; then echo "COMMITTED-CYCLE"; fi
echo "=== fix"
cp "$t/fixed.py" app.py && git add app.py
git commit -qm fixed && echo "COMMITTED-FIX"
git log --format=%s
)";
  RunResult result = shell(script, {llvm::sys::path::parent_path(CAPCYCLE_BINARY).str(),
                                    std::string(CAPCYCLE_SOURCE_DIR) + "/.pre-commit-hooks.yaml",
                                    temp.path()});
  std::string all = result.out + result.err;
  EXPECT_EQ(result.status, 0) << all;
  auto [refused, fixed] = llvm::StringRef(all).split("=== fix");
  EXPECT_FALSE(refused.contains("COMMITTED-CYCLE")) << all;
  EXPECT_TRUE(refused.contains("app.py:4:5: warning: lambda connected to signal 'b.clicked' "
                               "captures 'b'"))
      << all;
  EXPECT_FALSE(refused.contains("native.h")) << "a header is not Python: " << all;
  EXPECT_TRUE(fixed.contains("COMMITTED-FIX")) << all;
  EXPECT_TRUE(fixed.ends_with("fixed\nconfig\n")) << all;
}

// --- documentation ---------------------------------------------------------------------------------

TEST(Docs, RulesIndexIsGeneratedFromTheCatalogue) {
  RunResult markdown = runCapcycle({"rules", "--format", "markdown"});
  EXPECT_EQ(markdown.status, 0);
  EXPECT_EQ(markdown.out, readFile("docs/rules/README.md"))
      << "docs/rules/README.md is stale: regenerate it with "
         "`build/capcycle rules --format markdown > docs/rules/README.md`";
  EXPECT_TRUE(contains(markdown.out, "| [CCY101](CCY101.md) | `self-signal-capture` | python | "
                                     "warning | yes |"))
      << markdown.out;
}

} // namespace
