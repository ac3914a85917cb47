// Runtime truth for the cross-language fixtures (tests/crosslang/fixtures) and the speech
// example (examples/speech): capcycle's static verdict must agree with what CPython does.
//
// For each fixture, `capcycle scan --format json` runs on the client and its C++ source. The
// cycle finding on the client's connect line (CCY001 or CCY101) says whether Python's cyclic
// garbage collector can free the cycle (`collectable`), which predicts one of three fates:
//   no cycle finding            -> reference counting frees the object at `del`;
//   collectable: true           -> `del` does not, a gc.collect() does;
//   collectable: false          -> it survives gc.collect(): it leaked for good.
// The client then runs in the interpreter the extension modules were built for
// (runtime_check.py): its start() returns the object owning the signal, and a weakref.ref to it
// is checked after `del` (collector paused) and after two gc.collect(). The predicted and the
// observed fate must be equal. A CCY001 on a collectable cycle claims a pinned native handle:
// the client's native_handles() must then count it alive after `del`. A collectable CCY101 is a
// note. Separately, every finding must be an `# expect:` / `// expect:` comment and vice versa.
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
  // Infer-style bookkeeping of a known disagreement with CPython ("FP": capcycle predicts a
  // longer life than CPython shows, "FN": a shorter one). The test then asserts the
  // disagreement, so fixing the analyzer makes it fail until the mark is removed.
  const char *known = "";
  // The C++ of another fixture whose module this client imports; by default <name>.cpp.
  const char *cppName = nullptr;
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
    {"finalizer_pinned", true,
     "(g) Python subclass of a type whose destructor alone frees its buffer, pure-Python signal"},
    {"readwrite_function", true, "(h) callback assigned to a def_readwrite py::function member"},
    {"readwrite_std_function", true,
     "(i) callback assigned to a def_readwrite std::function member (functional caster)"},
    {"readwrite_cleared", true, "(j) the attribute of (i) set back to None before returning", "",
     "readwrite_std_function"},
    {"property_setter", true, "(k) callback assigned to a def_property whose setter stores it"},
    {"capi_member", true, "(l) callback assigned to a writable PyMemberDef T_OBJECT_EX member"},
    {"capi_getset_setter", true,
     "(m) callback assigned to a PyGetSetDef property whose setter stores it, with tp_traverse"},
    {"constructor_argument", true,
     "(n) callback passed to a py::init constructor that keeps it in a std::function member"},
    {"factory_constructor", true,
     "(o) callback passed by keyword to a py::init factory whose std::make_unique keeps it"},
};

std::string clientOf(const CrossFixture &f) { return std::string(kFixtureDir) + f.name + "_client.py"; }
std::string cppOf(const CrossFixture &f) {
  return std::string(kFixtureDir) + (f.cppName ? f.cppName : f.name) + ".cpp";
}

// Rule ids by (file, line), the same findings as "CCY101 (note)" for messages, and what the
// cycle findings say of collectability.
void reportedFindings(const llvm::json::Value &report, FindingTable &ids, FindingTable &levels,
                      std::map<FindingKey, std::optional<bool>> &collectable) {
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
    if (id == "CCY001" || id == "CCY101")
      collectable[key] = finding.getBoolean("collectable");
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

// The 1-based line of the client's one registration: a connect call (`x.connect(` at the call
// site, not the `def connect(` of a Python signal class), a lambda assigned to an attribute
// (`job.on_done = lambda ...`) or passed to a constructor (`Ticker(10, lambda: ...)`).
unsigned connectLine(const std::string &client) {
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(readFile(client)).split(lines, '\n');
  unsigned found = 0;
  for (size_t i = 0; i < lines.size(); ++i)
    if (lines[i].contains(".connect(") || lines[i].contains(" = lambda") ||
        lines[i].contains(", lambda") || lines[i].contains("=lambda")) {
      EXPECT_EQ(found, 0u) << client << " has more than one registration";
      found = unsigned(i + 1);
    }
  EXPECT_NE(found, 0u) << client << " has no registration";
  return found;
}

// `capcycle scan --select ALL --format json CLIENT [CPP] -- -I<python> -std=c++17`, once per
// file set.
struct Scan {
  int status = -1;
  std::string err;
  FindingTable findings; // rule ids
  FindingTable leveled;  // "CCY101 (note)"
  std::map<FindingKey, std::optional<bool>> collectable; // cycle findings only
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
  reportedFindings(parseJson(result.out), it->second.findings, it->second.leveled,
                   it->second.collectable);
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

// What becomes of the object that owns the signal once its last reference is dropped.
enum class Fate { FreedByDel, FreedByCollection, Survives, Unknown };

const char *describe(Fate fate) {
  switch (fate) {
  case Fate::FreedByDel: return "freed by reference counting at del";
  case Fate::FreedByCollection: return "kept by del, freed by gc.collect()";
  case Fate::Survives: return "alive after del + gc.collect()";
  case Fate::Unknown: break;
  }
  return "a cycle of unknown collectability";
}

Fate predictedFate(const Scan &scan, const FindingKey &connect) {
  auto it = scan.collectable.find(connect);
  if (it == scan.collectable.end())
    return Fate::FreedByDel;
  if (!it->second)
    return Fate::Unknown;
  return *it->second ? Fate::FreedByCollection : Fate::Survives;
}

Fate observedFate(const llvm::json::Object &runtime) {
  if (runtime.getBoolean("freed_by_del").value_or(false))
    return Fate::FreedByDel;
  return runtime.getBoolean("alive").value_or(true) ? Fate::Survives : Fate::FreedByCollection;
}

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
  std::string where = client + ":" + std::to_string(line);

  auto runtime = runtimeCheck({"object", CAPCYCLE_CROSSLANG_MODULE_DIR, client});
  ASSERT_TRUE(runtime);
  ASSERT_TRUE(runtime->getBoolean("freed_by_del") && runtime->getBoolean("alive"))
      << "runtime_check.py printed no \"freed_by_del\" or \"alive\"";
  Fate predicted = predictedFate(result, connect);
  Fate observed = observedFate(*runtime);
  if (*f.known) {
    EXPECT_NE(predicted, observed) << "known " << f.known << " " << f.storage
                                   << " now agrees with CPython: remove its mark";
    return; // its findings are known to be wrong; nothing more to compare
  }
  EXPECT_EQ(predicted, observed) << "[runtime truth] " << f.storage << ": capcycle reports "
                                 << rulesAt(result.leveled, connect) << " at " << where
                                 << ", which means " << describe(predicted) << ", but CPython: "
                                 << describe(observed);

  bool nativeLeak = hasRule(result.findings, connect, "CCY001");
  if (nativeLeak && observed == Fate::FreedByCollection) {
    // Collectable, so the claim is the pinned native handle: `del` must not release it.
    std::optional<int64_t> handles = runtime->getInteger("native_handles_after_del");
    ASSERT_TRUE(handles) << "[runtime truth] " << f.storage << ": CCY001 on a collectable cycle "
                         << "at " << where << "; the client must define native_handles()";
    EXPECT_GT(*handles, 0) << "[runtime truth] " << f.storage << ": CCY001 at " << where
                           << " claims a pinned native handle, but none was alive after del";
  }
  // A cycle the collector frees pins nothing else: at most a note.
  if (observed == Fate::FreedByCollection && !nativeLeak && result.leveled.count(connect)) {
    for (const std::string &finding : result.leveled.at(connect)) {
      if (llvm::StringRef(finding).starts_with("CCY101")) {
        EXPECT_EQ(finding, "CCY101 (note)") << "[runtime truth] " << f.storage << ": " << finding
                                            << " at " << where << ", but the collector frees it";
      }
    }
  }

  // The labels are compared with the findings, which were compared with CPython above.
  FindingTable expected;
  addExpectations(client, readFile(client), expected);
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

// Without the module's source, the client's transcriber is still known (`speech.Transcriber()`),
// but not how its signal stores callbacks: the shape gives CCY101 at warning. The module's
// facts upgrade the same line to CCY001.
TEST(SpeechExample, PythonSideAloneIsAWarningTheCppSideUpgradesIt) {
  std::string leaking = "examples/speech/leaking_client.py";
  FindingKey connect{leaking, connectLine(leaking)};
  const Scan &alone = scan({leaking}, false);
  EXPECT_EQ(rulesAt(alone.leveled, connect), "CCY101 (warning)");
  const Scan &both = scan({leaking, kSpeechModule}, false);
  EXPECT_EQ(rulesAt(both.leveled, connect), "CCY001 (error)");
}

} // namespace
