// The capcycle binary as a user meets it: the README's example, SARIF the official validator
// accepts, exit statuses, bad input that never stops the scan.
#include "Subprocess.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <map>

using namespace capcycle::testing;

namespace {

std::vector<llvm::StringRef> lines(const std::string &text) {
  llvm::SmallVector<llvm::StringRef> parts;
  llvm::StringRef(text).split(parts, '\n', -1, false);
  return {parts.begin(), parts.end()};
}

TEST(ScanCommand, TranscriberExampleShowsTheCycleEdgeByEdge) {
  RunResult result = runCapcycle({"scan", "examples/transcriber"});
  EXPECT_EQ(result.status, 1) << result.err;
  auto out = lines(result.out);
  ASSERT_EQ(out.size(), 5u) << result.out;
  EXPECT_TRUE(out[0].starts_with("examples/transcriber/transcribe.py:33:5: error: callback "
                                 "'on_transcribed' connected to signal "
                                 "'transcriber.transcribed' captures 'transcriber'"))
      << out[0].str();
  EXPECT_TRUE(out[0].ends_with(" [CCY001]")) << out[0].str();
  // object -> signal -> callback -> captured object -> the finalizer the cycle blocks
  EXPECT_TRUE(out[1].starts_with("examples/transcriber/transcribe.py:20:5: note: 'transcriber' owns signal"))
      << out[1].str();
  EXPECT_TRUE(out[2].starts_with("examples/transcriber/transcribe.py:33:37: note: signal 'transcriber.transcribed' stores callback 'on_transcribed'"))
      << out[2].str();
  EXPECT_TRUE(out[3].starts_with("examples/transcriber/transcribe.py:27:13: note: callback 'on_transcribed' captures 'transcriber'"))
      << out[3].str();
  EXPECT_TRUE(out[4].starts_with("examples/transcriber/transcribe.py:20:5: note: 'transcriber' is a ConversationTranscriber"))
      << out[4].str();
  EXPECT_EQ(result.err, "");
}

TEST(ScanCommand, FixedExampleIsClean) {
  RunResult result = runCapcycle({"scan", "examples/transcriber/transcribe_fixed.py"});
  EXPECT_EQ(result.status, 0) << result.out << result.err;
  EXPECT_EQ(result.out, "");
}

TEST(ScanCommand, SarifOfExamplesPassesTheOfficialValidator) {
  TempDir temp;
  std::string sarif = temp.file("out.sarif");
  RunResult result = runCapcycle({"scan", "examples", "--format", "sarif", "-o", sarif});
  EXPECT_EQ(result.status, 1) << result.err;
  EXPECT_EQ(result.out, "") << "-o must keep standard output empty";
  llvm::json::Value log = parseJson(readFile(sarif));
  ASSERT_NE(log.getAsObject(), nullptr);
  EXPECT_EQ(log.getAsObject()->getString("version"), "2.1.0");
  const llvm::json::Array *runs = log.getAsObject()->getArray("runs");
  ASSERT_TRUE(runs && runs->size() == 1);
  // The transcriber's CCY001 and the speech client's CCY101 (its module is not among the PATHs'
  // C++ sources without flags: the Python side alone).
  const llvm::json::Array *results = (*runs)[0].getAsObject()->getArray("results");
  ASSERT_TRUE(results && results->size() == 2);
  for (const std::string &problem : sarifValidatorProblems(sarif))
    ADD_FAILURE() << "Sarif.Multitool: " << problem;
}

TEST(ScanCommand, JsonAndFactsAreMachineReadable) {
  RunResult scan = runCapcycle({"scan", "examples", "--format", "json"});
  EXPECT_EQ(scan.status, 1);
  llvm::json::Value report = parseJson(scan.out);
  ASSERT_NE(report.getAsObject(), nullptr);
  EXPECT_EQ(report.getAsObject()->getArray("findings")->size(), 2u);

  RunResult facts = runCapcycle({"facts", "examples/transcriber"});
  EXPECT_EQ(facts.status, 0) << facts.err;
  llvm::json::Value factJson = parseJson(facts.out);
  ASSERT_NE(factJson.getAsObject(), nullptr);
  const llvm::json::Array *registrations = factJson.getAsObject()->getArray("callbackRegistrations");
  ASSERT_NE(registrations, nullptr);
  // Per file: two connects and `segments.append(evt.result.text)` (an attribute passed to a
  // method is a candidate bound method; no model stores it).
  EXPECT_EQ(registrations->size(), 6u);
}

TEST(ScanCommand, ExitStatusContract) {
  EXPECT_EQ(runCapcycle({"scan", "examples", "--exit-zero"}).status, 0);
  EXPECT_EQ(runCapcycle({"scan", "examples", "--ignore", "CCY001,CCY101"}).status, 0);

  RunResult missing = runCapcycle({"scan", "no/such/dir"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("no/such/dir"), std::string::npos) << missing.err;
  EXPECT_EQ(lines(missing.err).size(), 1u) << missing.err;

  RunResult badOption = runCapcycle({"scan", "--frobnicate"});
  EXPECT_EQ(badOption.status, 2);
  EXPECT_NE(badOption.err.find("--frobnicate"), std::string::npos);

  RunResult badRule = runCapcycle({"scan", "examples", "--select", "CCY999"});
  EXPECT_EQ(badRule.status, 2);
  EXPECT_NE(badRule.err.find("CCY999"), std::string::npos);

  EXPECT_EQ(runCapcycle({"scan", "examples", "--exit-zero", "--format", "nope"}).status, 2);
}

TEST(ScanCommand, OutputFileIsWrittenWholeOrNotAtAll) {
  TempDir temp;
  RunResult result =
      runCapcycle({"scan", "examples", "-o", temp.file("missing-dir/report.txt")});
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.err.find("missing-dir/report.txt"), std::string::npos) << result.err;
  EXPECT_FALSE(llvm::sys::fs::exists(temp.file("missing-dir")));

  std::string target = temp.file("report.txt");
  temp.write("report.txt", "old content");
  EXPECT_EQ(runCapcycle({"scan", "examples", "-o", target}).status, 1);
  EXPECT_NE(readFile(target).find("[CCY001]"), std::string::npos);
  std::error_code ec;
  int files = 0;
  for (llvm::sys::fs::directory_iterator it(temp.path(), ec), end; it != end && !ec;
       it.increment(ec))
    ++files;
  EXPECT_EQ(files, 1) << "a temporary file was left behind";
}

TEST(ScanCommand, BadInputIsReportedAndTheScanGoesOn) {
  TempDir temp;
  temp.write("cycle.py", "from PySide6.QtWidgets import QPushButton\ndef f():\n"
                         "    b = QPushButton()\n    b.clicked.connect(lambda: b.hide())\n");
  temp.write("syntax_error.py", "def f(:\n    pass\n");
  temp.write("binary.py", std::string("\x7f" "ELF\x02\x01\x01\0\0\0\0", 12));
  temp.write("latin1.py", "name = 'caf\xe9'\n");
  temp.write("nested.py", "x = " + std::string(10000, '(') + "1" + std::string(10000, ')') + "\n");
  std::string big = "def f():\n    r = R()\n";
  while (big.size() < 50u << 20)
    big += "    r.value = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]\n";
  temp.write("huge.py", big);

  RunResult result = runCapcycle({"scan", temp.path()});
  EXPECT_EQ(result.status, 1) << result.err;
  EXPECT_NE(result.out.find("cycle.py:4:5: warning:"), std::string::npos) << result.out;
  for (const char *file : {"syntax_error.py:1:", "binary.py", "latin1.py:1:12", "huge.py"})
    EXPECT_NE(result.err.find(file), std::string::npos) << file << " not reported:\n" << result.err;
  EXPECT_EQ(result.err.find("nested.py"), std::string::npos) << result.err;
  for (llvm::StringRef line : lines(result.err))
    EXPECT_TRUE(line.starts_with("capcycle: warning: ")) << line.str();
}

TEST(ScanCommand, RulesListsTheCatalogue) {
  RunResult text = runCapcycle({"rules"});
  EXPECT_EQ(text.status, 0);
  EXPECT_NE(text.out.find("CCY101"), std::string::npos);
  EXPECT_NE(text.out.find("self-signal-capture"), std::string::npos);
  RunResult json = runCapcycle({"rules", "--format", "json"});
  EXPECT_TRUE(parseJson(json.out).getAsArray());
  RunResult version = runCapcycle({"--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_TRUE(llvm::StringRef(version.out).starts_with("capcycle 0."));
}

// `capcycle models`: the transcriber example connects two Azure signals in each of its two
// files (4 call sites) and only transcribe.py's on_transcribed closes a cycle.
TEST(ModelsCommand, CountsCallSitesAndCyclesPerModel) {
  RunResult result = runCapcycle({"models", "examples/transcriber", "--format", "json"});
  EXPECT_EQ(result.status, 0) << result.err;
  llvm::json::Value rows = parseJson(result.out);
  ASSERT_NE(rows.getAsArray(), nullptr) << result.out;
  std::map<std::string, std::pair<int64_t, int64_t>> counts;
  for (const llvm::json::Value &row : *rows.getAsArray()) {
    const llvm::json::Object &model = *row.getAsObject();
    counts[model.getString("id")->str()] = {*model.getInteger("callSites"),
                                            *model.getInteger("cycles")};
  }
  EXPECT_EQ(counts["azure-speech"], (std::pair<int64_t, int64_t>{4, 1}));
  EXPECT_EQ(counts["qt-pyqt"], (std::pair<int64_t, int64_t>{0, 0}));

  RunResult text = runCapcycle({"models", "examples/transcriber"});
  EXPECT_EQ(text.status, 0) << text.err;
  EXPECT_TRUE(llvm::StringRef(text.out).starts_with("MODEL ")) << text.out;
}

// A model the user adds that matches nothing (here a misspelt class) is a warning; the scan
// goes on with the shape models, and the correctly spelt model is silent and takes over.
TEST(ModelsCommand, UserModelThatMatchesNothingIsAWarning) {
  TempDir temp;
  auto model = [](const std::string &type) {
    return "schema_version: 1\n"
           "id: our-speech\n"
           "name: our speech module\n"
           "libraries: [speech]\n"
           "evidence: written for the test\n"
           "connections:\n"
           "  - id: signals\n"
           "    form: signal-method\n"
           "    types: [" + type + "]\n"
           "    names: [connect]\n"
           "    signals: [transcribed]\n"
           "    callback_argument: 0\n"
           "    storage: gc-opaque\n"
           "    bound_methods: strong\n"
           "    evidence: the module keeps callbacks in C++\n";
  };
  temp.write("misspelt.yaml", model("Transcrber"));
  temp.write("right.yaml", model("Transcriber"));
  std::string client = "examples/speech/leaking_client.py";

  RunResult misspelt = runCapcycle({"scan", client, "--models", temp.file("misspelt.yaml")});
  EXPECT_EQ(misspelt.status, 1) << misspelt.err;
  EXPECT_EQ(misspelt.err, "capcycle: warning: " + temp.file("misspelt.yaml") +
                              ": API model 'our-speech' matched no call site of the scan "
                              "(check its types, names and libraries)\n");
  EXPECT_NE(misspelt.out.find("assumed from the shape of the call"), std::string::npos)
      << misspelt.out;

  RunResult right = runCapcycle({"scan", client, "--models", temp.file("right.yaml")});
  EXPECT_EQ(right.status, 1) << right.err;
  EXPECT_EQ(right.err, "");
  EXPECT_NE(right.out.find("where the garbage collector cannot see it (our speech module)"),
            std::string::npos)
      << right.out;

  RunResult listed = runCapcycle({"models", client, "--models", temp.file("misspelt.yaml")});
  EXPECT_EQ(listed.status, 0);
  EXPECT_NE(listed.err.find("matched no call site"), std::string::npos) << listed.err;
}

} // namespace
