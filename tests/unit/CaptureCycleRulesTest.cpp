// CCY101, CCY103 and CCY001 on hand-made facts and small hand-written models: which
// registrations close a cycle, at which level, and which are broken.
#include "engine/ModelUsage.h"
#include "engine/RuleEngine.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <map>

using namespace capcycle;

namespace {

const char *const SpeechModel = R"(schema_version: 1
id: speech
name: Speech
libraries: [speech]
evidence: test model
connections:
  - form: signal-method
    names: [connect]
    signals: ["*"]
    callback_argument: 0
    storage: gc-opaque
    bound_methods: strong
    evidence: test
disconnections:
  - form: signal-method
    names: [disconnect_all]
    evidence: test
finalizer_only_handles:
  - types: [Transcriber]
    evidence: test
)";

const char *const WidgetModel = R"(schema_version: 1
id: widgets
name: Widgets
libraries: [widgets]
evidence: test model
connections:
  - form: signal-method
    names: [connect]
    callback_argument: 0
    storage: gc-visible
    bound_methods: weak
    evidence: test
)";

const char *const ShapeModel = R"(schema_version: 1
id: shapes
name: Shapes
libraries: ["*"]
evidence: test model
connections:
  - form: method
    names: [add_listener]
    callback_argument: 0
    storage: unknown
    evidence: test
)";

ApiModels loadModels(std::vector<const char *> texts) {
  std::vector<std::string> files;
  for (const char *text : texts) {
    llvm::SmallString<128> path;
    llvm::sys::fs::createTemporaryFile("model", "yaml", path);
    std::error_code ec;
    llvm::raw_fd_ostream(path, ec) << text;
    files.push_back(std::string(path));
  }
  auto models = ApiModels::load(files);
  EXPECT_TRUE(bool(models)) << llvm::toString(models.takeError());
  for (const std::string &file : files)
    llvm::sys::fs::remove(file);
  return models ? std::move(*models) : ApiModels();
}

BindingRef binding(const std::string &name) {
  return {name, "t.py:1:1:" + name, {"t.py", 3, 5, 3, 5 + unsigned(name.size())}};
}

// `t.<signal>.connect(cb)` with t made by `type`, cb capturing `t`.
CallbackRegistration registration(const std::string &type, const std::string &callbackKind = "lambda",
                                  const std::string &via = "free-variable") {
  CallbackRegistration r;
  r.site = {"t.py", 20, 5, 20, 40};
  r.form = "call";
  r.receiver = {binding("t"), {"transcribed"}, {type, ""}, "t.transcribed"};
  r.name = "connect";
  r.callbackArgument = 0;
  r.callbackName = callbackKind == "lambda" ? "<lambda>" : "t.on_text";
  r.callbackKind = callbackKind;
  r.callbackArgumentLocation = {"t.py", 20, 29, 20, 39};
  r.captures = {{binding("t"), {}, {"t.py", 20, 37, 20, 38}, via, false}};
  return r;
}

std::vector<Finding> scan(const CallbackRegistration &r, const ApiModels &models,
                          RuleSelection selection = {}) {
  FactSet facts;
  facts.callbackRegistrations.push_back(r);
  return runRules(facts, models, selection);
}

TEST(CaptureCycleRules, ModelledSignalCapturingItsOwnerIsCCY101) {
  ApiModels models = loadModels({WidgetModel});
  auto findings = scan(registration("widgets.Button"), models);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].ruleId, "CCY101");
  EXPECT_EQ(findings[0].level, Level::Note) << "gc-visible storage only delays the memory";
  EXPECT_EQ(findings[0].message, "lambda connected to signal 't.transcribed' captures 't': "
                                 "reference cycle t -> transcribed -> <lambda> -> t");
  ASSERT_EQ(findings[0].path.size(), 3u);
  EXPECT_EQ(findings[0].path[0].location.line, 3u);
  EXPECT_EQ(findings[0].path[1].location.column, 29u);
  EXPECT_EQ(findings[0].path[2].location.column, 37u);
}

TEST(CaptureCycleRules, FinalizerOnlyHandleMakesItCCY001) {
  ApiModels models = loadModels({SpeechModel});
  auto findings = scan(registration("speech.Transcriber"), models);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].ruleId, "CCY001");
  EXPECT_EQ(findings[0].level, Level::Error);
  EXPECT_EQ(findings[0].path.size(), 4u) << "the finalizer is the fourth step";
  auto other = scan(registration("speech.Synthesizer"), models);
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].ruleId, "CCY101");
  EXPECT_EQ(other[0].level, Level::Warning) << "gc-opaque storage";
}

TEST(CaptureCycleRules, LocalClassWithFinalizerOnlyReleaseMakesItCCY001) {
  // self (a Handle of this file, freed only in __del__) -> self.button -> clicked -> lambda -> self
  ApiModels models = loadModels({WidgetModel});
  FactSet facts;
  CallbackRegistration r = registration("");
  r.receiver = {binding("self"), {"button", "clicked"}, {"t.py:1:1:Handle", "widgets.Button", ""},
                "self.button.clicked"};
  r.captures[0].binding = binding("self");
  facts.callbackRegistrations.push_back(r);
  facts.finalizerReleases.push_back({"Handle", "t.py:1:1:Handle", {"t.py", 1, 7, 1, 13},
                                     {"t.py", 5, 9, 5, 30}, "lib.free(self._h)", false, false});
  RuleSelection cyclesOnly{{}, {"CCY102"}}; // Handle itself is also a CCY102 finding
  auto findings = runRules(facts, models, cyclesOnly);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].ruleId, "CCY001");
  EXPECT_EQ(findings[0].message,
            "lambda connected to signal 'self.button.clicked' captures 'self': reference cycle "
            "self -> self.button -> clicked -> <lambda> -> self; the cycle keeps 'self' (Handle) "
            "and its native handle alive until a garbage collection finds the cycle: reference "
            "counting never frees it");
  EXPECT_EQ(findings[0].collectable, true) << "the widget model's storage is gc-visible";
  EXPECT_EQ(findings[0].path.back().location, (SourceLocation{"t.py", 5, 9, 5, 30}));

  facts.finalizerReleases[0].hasClose = true; // an explicit close() releases it without GC
  findings = runRules(facts, models, cyclesOnly);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].ruleId, "CCY101");
}

TEST(CaptureCycleRules, WeakBoundMethodsAndWeakReferencesCloseNoCycle) {
  ApiModels models = loadModels({WidgetModel, SpeechModel});
  EXPECT_TRUE(scan(registration("widgets.Button", "bound-method", "bound-method"), models).empty());
  EXPECT_EQ(scan(registration("speech.Synth", "bound-method", "bound-method"), models).size(), 1u)
      << "the speech model holds bound methods strongly";
  CallbackRegistration weak = registration("speech.Synth");
  weak.captures[0].weak = true;
  EXPECT_TRUE(scan(weak, models).empty());
}

TEST(CaptureCycleRules, DisconnectOrRebindOnEveryPathBreaksTheCycle) {
  ApiModels models = loadModels({SpeechModel});
  CallbackRegistration r = registration("speech.Synth");
  r.breakers = {{"call", {binding("t"), {"transcribed", "disconnect_all"}, {}, ""}, {"t.py", 30, 9, 30, 9}}};
  EXPECT_TRUE(scan(r, models).empty());
  r.breakers = {{"call", {binding("t"), {"other_signal", "disconnect_all"}, {}, ""}, {"t.py", 30, 9, 30, 9}}};
  EXPECT_EQ(scan(r, models).size(), 1u) << "disconnecting another signal breaks nothing";
  r.breakers = {{"rebind-none", {binding("t"), {}, {}, "t"}, {"t.py", 30, 9, 30, 9}}};
  EXPECT_TRUE(scan(r, models).empty());
}

TEST(CaptureCycleRules, DroppingTheOwnersAttributeBreaksTheCycle) {
  // self.t.transcribed.connect(cb capturing self), then `self.t = None` on every path.
  ApiModels models = loadModels({SpeechModel});
  CallbackRegistration r = registration("");
  r.receiver = {binding("self"), {"t", "transcribed"}, {"", "speech.Synth", ""}, "self.t.transcribed"};
  r.captures[0].binding = binding("self");
  ASSERT_EQ(scan(r, models).size(), 1u);
  r.breakers = {{"assign-none", {binding("self"), {"t"}, {}, "self.t"}, {"t.py", 30, 9, 30, 9}}};
  EXPECT_TRUE(scan(r, models).empty()) << "self no longer owns what stores the callback";
  r.breakers = {{"assign-none", {binding("self"), {"u"}, {}, "self.u"}, {"t.py", 30, 9, 30, 9}}};
  EXPECT_EQ(scan(r, models).size(), 1u) << "another attribute breaks nothing";
}

TEST(CaptureCycleRules, CycleUndoneInATeardownMethodIsANoteNamingIt) {
  ApiModels models = loadModels({SpeechModel});
  CallbackRegistration r = registration("speech.Synth");
  r.lifecycleBreakers = {
      {"Session.close",
       {"call", {binding("t"), {"transcribed", "disconnect_all"}, {}, ""}, {"t.py", 40, 9, 40, 30}}}};
  auto findings = scan(r, models);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].ruleId, "CCY101");
  EXPECT_EQ(findings[0].level, Level::Note) << "gc-opaque, but the class's close() breaks it";
  EXPECT_NE(findings[0].message.find("broken only when 'Session.close()' runs"), std::string::npos)
      << findings[0].message;
  EXPECT_EQ(findings[0].path.back().location.line, 40u);
  r.lifecycleBreakers[0].breaker.target.attributes = {"other_signal", "disconnect_all"};
  findings = scan(r, models);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].level, Level::Warning) << "close() disconnects another signal";
}

TEST(CaptureCycleRules, ADisconnectionThatNeedsAnArgumentIgnoresTheBareCall) {
  ApiModels models = loadModels({R"(schema_version: 1
id: pyside-like
name: PySide-like
libraries: [speech]
evidence: test model
connections:
  - form: signal-method
    names: [connect]
    callback_argument: 0
    storage: gc-opaque
    evidence: test
disconnections:
  - form: signal-method
    names: [disconnect]
    needs_argument: true
    evidence: test
)"});
  CallbackRegistration r = registration("speech.Synth");
  r.breakers = {{"call", {binding("t"), {"transcribed", "disconnect"}, {}, ""}, {"t.py", 30, 9, 30, 9}, 0}};
  EXPECT_EQ(scan(r, models).size(), 1u) << "a bare disconnect() keeps the callables";
  r.breakers[0].arguments = 1;
  EXPECT_TRUE(scan(r, models).empty());
}

TEST(CaptureCycleRules, ShapeOnlyMatchesAreCCY103AndOffByDefault) {
  ApiModels models = loadModels({ShapeModel});
  CallbackRegistration r = registration("");
  r.receiver = {binding("t"), {}, {""}, "t"};
  r.name = "add_listener";
  EXPECT_TRUE(scan(r, models).empty());
  auto findings = scan(r, models, {{"CCY103"}, {}});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].ruleId, "CCY103");
}

TEST(CaptureCycleRules, ShapeOnlyMatchOnAnImportedObjectIsCCY101Warning) {
  // `t = speech.Transcriber()` with no model of `speech`: the object is known, its storage not.
  ApiModels models = loadModels({ShapeModel});
  CallbackRegistration r = registration("");
  r.receiver = {binding("t"), {}, {"speech.Transcriber"}, "t"};
  r.name = "add_listener";
  auto findings = scan(r, models, {{"ALL"}, {}});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].ruleId, "CCY101");
  EXPECT_EQ(findings[0].level, Level::Warning) << "storage unknown";
  EXPECT_EQ(findings[0].collectable, std::nullopt);
}

TEST(CaptureCycleRules, CaptureOfAnotherObjectIsNoCycle) {
  ApiModels models = loadModels({SpeechModel});
  CallbackRegistration r = registration("speech.Synth");
  r.captures[0].binding = binding("segments");
  EXPECT_TRUE(scan(r, models).empty());
  r.captures[0].binding = binding("t");
  r.captures[0].attributes = {"helper"}; // holds t.helper, which does not own t.transcribed
  EXPECT_TRUE(scan(r, models).empty());
}

// `capcycle models`: which model each call site went to, and which of them closed a cycle.
TEST(ModelUsage, CountsCallSitesAndCyclesPerModel) {
  ApiModels models = loadModels({WidgetModel, SpeechModel, ShapeModel});
  FactSet facts;
  facts.callbackRegistrations.push_back(registration("widgets.Button")); // a cycle
  CallbackRegistration other = registration("speech.Transcriber");
  other.captures[0].binding = binding("segments"); // stored, but no cycle
  facts.callbackRegistrations.push_back(other);
  std::vector<ModelUsage> usage = measureModelUsage(facts, models);
  ASSERT_EQ(usage.size(), 3u);
  std::map<std::string, std::pair<unsigned, unsigned>> counts;
  for (const ModelUsage &model : usage)
    counts[model.id] = {model.callSites, model.cycles};
  EXPECT_EQ(counts["widgets"], (std::pair<unsigned, unsigned>{1, 1}));
  EXPECT_EQ(counts["speech"], (std::pair<unsigned, unsigned>{1, 0}));
  EXPECT_EQ(counts["shapes"], (std::pair<unsigned, unsigned>{0, 0}));
}

} // namespace
