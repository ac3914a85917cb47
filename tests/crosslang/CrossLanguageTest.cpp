// Runtime truth for the cross-language fixtures (tests/crosslang/fixtures) and the speech
// example (examples/speech): capcycle's static verdict must agree with what CPython does.
//
// For each fixture, `capcycle scan --format json` runs on the client and its C++ source; the
// verdict is "leaks" when CCY001 is reported on the client's connect line. The client then runs
// in the interpreter the extension modules were built for (runtime_check.py): its start()
// returns the object owning the signal, and after `del` + two gc.collect() a weakref.ref to it
// either still resolves (it leaked) or not (it was freed). Static and runtime verdicts must be
// equal, both ways; so must the fixture's own `# expect: CCY001` label and CPython.
// Separately, every finding must be an `# expect:` / `// expect:` comment and vice versa.
#include "Expectations.h"
#include "Subprocess.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

using namespace capcycle::testing;

namespace {

const char *const kFixtureDir = "tests/crosslang/fixtures/";
const char *const kRuntimeCheck = "tests/crosslang/runtime_check.py";

struct CrossFixture {
  const char *name;   // <name>_client.py, and <name>.cpp when hasCpp
  bool hasCpp;
  const char *storage; // what the variant is, for messages
  // Infer-style bookkeeping of a known disagreement with CPython: "FP" (capcycle says leak, the
  // object is freed) or "FN" (the reverse). The test then asserts the disagreement, so fixing
  // the analyzer makes it fail until the mark is removed.
  const char *known = "";
};

std::ostream &operator<<(std::ostream &out, const CrossFixture &fixture) {
  return out << fixture.name;
}

const CrossFixture kFixtures[] = {
    {"function_member", true, "(a) py::function member, no tp_traverse"},
    {"custom_type_setup", true, "(b) py::custom_type_setup tp_traverse/tp_clear visiting the callbacks"},
    {"capi_traverse", true, "(c) C-API PyObject* callback with Py_TPFLAGS_HAVE_GC, tp_traverse, tp_clear"},
    {"capi_no_traverse", true, "(d) C-API PyObject* callback without tp_traverse"},
    {"python_signal", false, "(e) pure-Python signal (callbacks in a list)"},
    {"signal_type_traverse", true,
     "(f) tp_traverse on the signal's type, signal held by value in a type without GC support"},
};

std::string clientOf(const CrossFixture &f) { return std::string(kFixtureDir) + f.name + "_client.py"; }
std::string cppOf(const CrossFixture &f) { return std::string(kFixtureDir) + f.name + ".cpp"; }

// Rule ids by (file, line), and the same findings as "CCY101 (note)" for messages.
void reportedFindings(const llvm::json::Value &report, FindingTable &ids, FindingTable &levels) {
  const llvm::json::Object *root = report.getAsObject();
  if (!root || !root->getArray("findings"))
    return;
  for (const llvm::json::Value &f : *root->getArray("findings")) {
    const llvm::json::Object &finding = *f.getAsObject();
    const llvm::json::Object &location = *finding.getObject("location");
    FindingKey key{location.getString("file")->str(), unsigned(*location.getInteger("line"))};
    std::string id = finding.getString("ruleId")->str();
    ids[key].push_back(id);
    levels[key].push_back(id + " (" + finding.getString("level").value_or("?").str() + ")");
  }
}

bool hasRule(const FindingTable &table, const FindingKey &key, const std::string &rule) {
  auto it = table.find(key);
  return it != table.end() && llvm::is_contained(it->second, rule);
}

std::string rulesAt(const FindingTable &table, const FindingKey &key) {
  auto it = table.find(key);
  if (it == table.end() || it->second.empty())
    return "nothing";
  std::string all;
  for (const std::string &id : it->second)
    all += (all.empty() ? "" : ", ") + id;
  return all;
}

// The 1-based line of the client's one connect call (`x.connect(` at the call site, not the
// `def connect(` of a Python signal class).
unsigned connectLine(const std::string &client) {
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(readFile(client)).split(lines, '\n');
  unsigned found = 0;
  for (size_t i = 0; i < lines.size(); ++i)
    if (lines[i].contains(".connect(")) {
      EXPECT_EQ(found, 0u) << client << " has more than one connect call";
      found = unsigned(i + 1);
    }
  EXPECT_NE(found, 0u) << client << " has no connect call";
  return found;
}

// `capcycle scan --select ALL --format json CLIENT [CPP] -- -I<python> -std=c++17`, once per
// file set.
struct Scan {
  int status = -1;
  std::string err;
  FindingTable findings; // rule ids
  FindingTable leveled;  // "CCY101 (note)"
};

const Scan &scan(const std::vector<std::string> &files, bool allRules) {
  static std::map<std::pair<std::vector<std::string>, bool>, Scan> cache;
  auto [it, inserted] = cache.try_emplace({files, allRules});
  if (!inserted)
    return it->second;
  std::vector<std::string> args{"scan"};
  args.insert(args.end(), files.begin(), files.end());
  if (allRules) {
    args.push_back("--select");
    args.push_back("ALL");
  }
  for (const char *arg : {"--format", "json", "--", "-std=c++17"})
    args.push_back(arg);
  args.push_back(std::string("-I") + CAPCYCLE_TEST_PYTHON_INCLUDE);
  RunResult result = runCapcycle(args);
  it->second.status = result.status;
  it->second.err = result.err;
  reportedFindings(parseJson(result.out), it->second.findings, it->second.leveled);
  return it->second;
}

const Scan &scanFixture(const CrossFixture &f) {
  std::vector<std::string> files{clientOf(f)};
  if (f.hasCpp)
    files.push_back(cppOf(f));
  return scan(files, true);
}

// runtime_check.py in the interpreter the modules were built for; its one line of JSON.
std::optional<llvm::json::Object> runtimeCheck(const std::vector<std::string> &args) {
  std::vector<std::string> argv{"-I", "-B", kRuntimeCheck};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult result = run(CAPCYCLE_CROSSLANG_PYTHON, argv);
  if (result.status != 0) {
    ADD_FAILURE() << CAPCYCLE_CROSSLANG_PYTHON << " " << kRuntimeCheck << " exited "
                  << result.status << ":\n" << result.err << result.out;
    return std::nullopt;
  }
  llvm::json::Value value = parseJson(result.out);
  if (!value.getAsObject())
    return std::nullopt;
  return std::move(*value.getAsObject());
}

class CrossLanguage : public ::testing::TestWithParam<CrossFixture> {};

// One test per fixture (each scan of a pybind11 unit costs seconds of Clang): first the
// runtime truth, then every finding against the `expect:` comments.
TEST_P(CrossLanguage, AgreesWithCPython) {
  const CrossFixture &f = GetParam();
  std::string client = clientOf(f);
  unsigned line = connectLine(client);
  ASSERT_NE(line, 0u);

  const Scan &result = scanFixture(f);
  ASSERT_TRUE(result.status == 0 || result.status == 1) << result.err;
  FindingKey connect{client, line};
  bool staticLeak = hasRule(result.findings, connect, "CCY001");

  auto runtime = runtimeCheck({"object", CAPCYCLE_CROSSLANG_MODULE_DIR, client});
  ASSERT_TRUE(runtime);
  std::optional<bool> alive = runtime->getBoolean("alive");
  ASSERT_TRUE(alive) << "runtime_check.py printed no \"alive\"";

  FindingTable labels;
  addExpectations(client, readFile(client), labels);
  bool labelledLeak = hasRule(labels, connect, "CCY001");

  std::string where = client + ":" + std::to_string(line);
  std::string cpython = *alive ? "the object survived del + gc.collect() (weakref alive)"
                               : "the object was freed by del + gc.collect()";
  EXPECT_EQ(labelledLeak, *alive) << "[fixture label] the label must say what CPython does";
  if (*f.known) {
    EXPECT_NE(staticLeak, *alive) << "known " << f.known << " " << f.storage
                                  << " now agrees with CPython: remove its mark";
    EXPECT_EQ(std::string(f.known), *alive ? "FN" : "FP");
    return; // its findings are known to be wrong; nothing more to compare
  }
  EXPECT_EQ(staticLeak, *alive) << "[runtime truth] " << f.storage << ": capcycle reports "
                                << rulesAt(result.leveled, connect) << " at " << where << ", but "
                                << cpython;
  EXPECT_EQ(labelledLeak, *alive) << "[fixture label] " << f.storage << ": labelled "
                                  << rulesAt(labels, connect) << " at " << where << ", but "
                                  << cpython;
  // A cycle the collector frees is at most a note: CCY101 at warning means GC-opaque storage.
  if (!*alive && result.leveled.count(connect)) {
    for (const std::string &finding : result.leveled.at(connect)) {
      if (llvm::StringRef(finding).starts_with("CCY101")) {
        EXPECT_EQ(finding, "CCY101 (note)") << "[runtime truth] " << f.storage << ": " << finding
                                            << " at " << where << ", but " << cpython;
      }
    }
  }

  FindingTable expected = labels;
  if (f.hasCpp)
    addExpectations(cppOf(f), readFile(cppOf(f)), expected);
  EXPECT_EQ(result.err, "") << "the fixture must compile cleanly";
  for (const std::string &problem : compareFindings(expected, result.findings))
    ADD_FAILURE() << "[expectations] " << f.storage << ": " << problem;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, CrossLanguage, ::testing::ValuesIn(kFixtures),
                         [](const ::testing::TestParamInfo<CrossFixture> &info) {
                           return std::string(info.param.name);
                         });

// The speech example, as its README runs it: default rules, client and module together.
const char *const kSpeechModule = "examples/speech/speech_module.cpp";
const int kIterations = 5;
// Interpreter noise (arenas, caches) next to a buffer of tens of MiB.
const long kSlack = 1 << 20;

struct SpeechRun {
  std::vector<long> rss; // before the first call, then after each
  long bufferBytes = 0;
  long live = -1;
};

std::optional<SpeechRun> runSpeechClient(const std::string &client) {
  auto result = runtimeCheck({"rss", CAPCYCLE_CROSSLANG_MODULE_DIR, client,
                              std::to_string(kIterations)});
  if (!result)
    return std::nullopt;
  SpeechRun run;
  if (const llvm::json::Array *rss = result->getArray("rss"))
    for (const llvm::json::Value &v : *rss)
      run.rss.push_back(v.getAsInteger().value_or(0));
  run.bufferBytes = result->getInteger("buffer_bytes").value_or(0);
  run.live = result->getInteger("live").value_or(-1);
  if (run.rss.size() != size_t(kIterations) + 1 || run.bufferBytes <= 0) {
    ADD_FAILURE() << "runtime_check.py rss: unexpected output";
    return std::nullopt;
  }
  return run;
}

std::string mib(long bytes) { return std::to_string(bytes / (1 << 20)) + " MiB"; }

// One test, one scan of both clients with the module (default rules, as the README runs it).
TEST(SpeechExample, LeakingClientLeaksItsBufferEveryCallAndFixedClientStaysFlat) {
  std::string leaking = "examples/speech/leaking_client.py";
  std::string fixed = "examples/speech/fixed_client.py";
  const Scan &result = scan({leaking, fixed, kSpeechModule}, false);
  EXPECT_EQ(result.status, 1) << result.err;
  EXPECT_EQ(result.err, "") << "the module must compile cleanly";

  {
    SCOPED_TRACE(leaking);
    FindingKey connect{leaking, connectLine(leaking)};
    EXPECT_TRUE(hasRule(result.findings, connect, "CCY001"))
        << "capcycle reports " << rulesAt(result.leveled, connect) << " at " << leaking << ":"
        << connect.second;
    auto run = runSpeechClient(leaking);
    ASSERT_TRUE(run);
    for (int i = 1; i <= kIterations; ++i)
      EXPECT_GE(run->rss[i] - run->rss[i - 1], run->bufferBytes - kSlack)
          << "call " << i << ": VmRSS " << mib(run->rss[i - 1]) << " -> " << mib(run->rss[i])
          << ", but every leaked transcriber holds " << mib(run->bufferBytes);
    EXPECT_EQ(run->live, kIterations) << "transcribers alive after " << kIterations << " calls";
  }
  {
    SCOPED_TRACE(fixed);
    for (const auto &[key, ids] : result.findings)
      EXPECT_NE(key.first, fixed) << "capcycle reports " << rulesAt(result.leveled, key) << " at "
                                  << key.first << ":" << key.second;
    auto run = runSpeechClient(fixed);
    ASSERT_TRUE(run);
    long highest = *std::max_element(run->rss.begin(), run->rss.end());
    EXPECT_LT(highest - run->rss[0], run->bufferBytes)
        << "VmRSS grew from " << mib(run->rss[0]) << " to " << mib(highest) << " over "
        << kIterations << " calls";
    EXPECT_EQ(run->live, 0) << "transcribers alive after " << kIterations << " calls";
  }
}

} // namespace
