// The join between languages on hand-made facts: C++ facts of module `speech` make its
// Python names a model, and a Python cycle through them becomes CCY001 with both languages'
// locations on its path.
#include "engine/BindingModels.h"
#include "engine/RuleEngine.h"

#include <gtest/gtest.h>

#include <tuple>

using namespace capcycle;

namespace {

SourceLocation at(const char *file, unsigned line) { return {file, line, 3, line, 20}; }

// speech.Transcriber().transcribed is an EventSignal whose connect() keeps a py::function in
// `callbacks_`; ~Transcriber() deletes `buffer_`.
FactSet speechModule(bool traversed, bool closeBound) {
  FactSet facts;
  facts.boundTypes = {{"speech::EventSignal", "EventSignal", "speech", at("speech.cpp", 30)},
                      {"speech::Transcriber", "Transcriber", "speech", at("speech.cpp", 33)}};
  facts.boundMembers = {{"speech::EventSignal", "disconnect_all", "method",
                         "speech::EventSignal::disconnect_all", "", "", at("speech.cpp", 32)}};
  facts.pythonReferences = {{"speech::EventSignal", "callbacks_", "pybind11::function",
                             "std::vector", true, traversed, at("speech.cpp", 15)}};
  facts.callableStores = {{"speech::EventSignal", "callbacks_", "speech::EventSignal::connect",
                           {"connect"}, at("speech.cpp", 11)}};
  facts.signalOwnerships = {{"speech::Transcriber", "transcribed", "transcribed_",
                             "speech::EventSignal", at("speech.cpp", 35)}};
  std::vector<std::string> releasedBy;
  if (closeBound)
    releasedBy.push_back("close");
  facts.nativeReleases = {{"speech::Transcriber", "buffer_", "delete",
                           "speech::Transcriber::~Transcriber", true, releasedBy,
                           at("speech.cpp", 21)}};
  return facts;
}

// client.py: t = speech.Transcriber(); t.transcribed.connect(lambda text: t)
CallbackRegistration client() {
  BindingRef t{"t", "client.py:4:1:t", {"client.py", 5, 5, 5, 6}};
  CallbackRegistration r;
  r.site = {"client.py", 7, 5, 7, 60};
  r.form = "call";
  r.receiver = {t, {"transcribed"}, {"speech.Transcriber", ""}, "t.transcribed"};
  r.name = "connect";
  r.callbackArgument = 0;
  r.callbackName = "<lambda>";
  r.callbackKind = "lambda";
  r.callbackArgumentLocation = {"client.py", 7, 27, 7, 59};
  r.captures = {{t, {}, {"client.py", 7, 58, 7, 59}, "free-variable", false}};
  return r;
}

TEST(BindingModels, DerivesSignalConnectionsAndFinalizerOnlyTypes) {
  std::vector<ApiModel> models = deriveBindingModels(speechModule(false, false));
  ASSERT_EQ(models.size(), 1u);
  const ApiModel &speech = models[0];
  EXPECT_EQ(speech.libraries, std::vector<std::string>{"speech"});
  // t.transcribed.connect(cb), and EventSignal.connect(cb) on a signal object held directly.
  ASSERT_EQ(speech.connections.size(), 2u);
  const ModelConnection &signal = speech.connections[0];
  EXPECT_EQ(signal.form, "signal-method");
  EXPECT_EQ(signal.types, std::vector<std::string>{"Transcriber"});
  EXPECT_EQ(signal.signals, std::vector<std::string>{"transcribed"});
  EXPECT_EQ(signal.names, std::vector<std::string>{"connect"});
  EXPECT_EQ(signal.storage, Storage::GcOpaque);
  EXPECT_EQ(signal.storeLocation.line, 11u);
  EXPECT_EQ(speech.connections[1].form, "method");
  EXPECT_EQ(speech.connections[1].types, std::vector<std::string>{"EventSignal"});
  EXPECT_EQ(speech.finalizerOnlyTypes, std::vector<std::string>{"Transcriber"});
  ASSERT_EQ(speech.disconnections.size(), 1u);
  EXPECT_EQ(speech.disconnections[0].names, std::vector<std::string>{"disconnect_all"});
}

TEST(BindingModels, CycleThroughScannedCppIsCCY001WithBothLanguagesOnThePath) {
  FactSet facts = speechModule(false, false);
  facts.callbackRegistrations.push_back(client());
  auto findings = runRules(facts, ApiModels(), {{"CCY0", "CCY1"}, {}});
  ASSERT_EQ(findings.size(), 1u);
  const Finding &f = findings[0];
  EXPECT_EQ(f.ruleId, "CCY001");
  std::vector<std::string> files;
  for (const PathStep &step : f.path)
    files.push_back(step.location.file + ":" + std::to_string(step.location.line));
  // owner, Python connect, C++ store, Python capture, C++ destructor
  EXPECT_EQ(files, (std::vector<std::string>{"client.py:5", "client.py:7", "speech.cpp:11",
                                             "client.py:7", "speech.cpp:21"}));
}

TEST(BindingModels, OpaqueStorageAloneIsCCY001AndTraversedStorageIsANote) {
  FactSet facts = speechModule(false, true); // close() bound: no finalizer-only handle
  facts.callbackRegistrations.push_back(client());
  auto findings = runRules(facts, ApiModels(), {{"CCY0", "CCY1"}, {}});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].ruleId, "CCY001") << "the GC can never collect this cycle";

  facts = speechModule(true, true); // a complete traverse: collectable
  facts.callbackRegistrations.push_back(client());
  findings = runRules(facts, ApiModels(), {{"CCY0", "CCY1"}, {}});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].ruleId, "CCY101");
  EXPECT_EQ(findings[0].level, Level::Note);
}

TEST(BindingModels, DisconnectAllInFinallyBreaksIt) {
  FactSet facts = speechModule(false, false);
  CallbackRegistration r = client();
  r.breakers = {{"call", {r.receiver.root, {"transcribed", "disconnect_all"}, {}, ""},
                 {"client.py", 11, 9, 11, 50}}};
  facts.callbackRegistrations.push_back(r);
  EXPECT_TRUE(runRules(facts, ApiModels(), {{"CCY0", "CCY1"}, {}}).empty());
}

} // namespace

namespace {
// jobs.Job exposes four members with .def_readwrite: a py::function and a std::function a
// Python callable was assigned to, a py::handle (borrowed), and a vector of py::function.
FactSet jobsModule() {
  FactSet facts;
  facts.boundTypes = {{"jobs::Job", "Job", "jobs", at("jobs.cpp", 40)}};
  auto readwrite = [](const char *member, unsigned line) {
    return BoundMember{"jobs::Job", member, "readwrite", std::string("jobs::Job::") + member,
                       member, "", at("jobs.cpp", line)};
  };
  facts.boundMembers = {readwrite("on_done", 41), readwrite("on_progress", 42),
                        readwrite("owner", 43), readwrite("listeners", 44)};
  facts.pythonReferences = {
      {"jobs::Job", "on_done", "pybind11::function", "", true, false, at("jobs.cpp", 10)},
      {"jobs::Job", "on_progress", "std::function", "", true, true, at("jobs.cpp", 11)},
      {"jobs::Job", "owner", "pybind11::handle", "", false, false, at("jobs.cpp", 12)},
      {"jobs::Job", "listeners", "pybind11::function", "std::vector", true, false,
       at("jobs.cpp", 13)}};
  return facts;
}
} // namespace

// `job.on_done = cb` stores cb where the member's storage says; a borrowed handle keeps nothing
// alive and a container attribute is assigned a converted copy of a list: no connection.
TEST(BindingModels, ReadwriteCallableMembersAreAttributeConnections) {
  std::vector<ApiModel> models = deriveBindingModels(jobsModule());
  ASSERT_EQ(models.size(), 1u);
  const std::vector<ModelConnection> &connections = models[0].connections;
  ASSERT_EQ(connections.size(), 2u);
  EXPECT_EQ(connections[0].form, "attribute-assignment");
  EXPECT_EQ(connections[0].types, std::vector<std::string>{"Job"});
  EXPECT_EQ(connections[0].names, std::vector<std::string>{"on_done"});
  EXPECT_EQ(connections[0].storage, Storage::GcOpaque);
  EXPECT_EQ(connections[0].storeLocation, at("jobs.cpp", 10));
  EXPECT_EQ(connections[1].names, std::vector<std::string>{"on_progress"});
  EXPECT_EQ(connections[1].storage, Storage::GcVisible);
}

// A class bound in a binding function that no module body of the scan reaches has no Python
// name to import: it makes no model.
TEST(BindingModels, ClassesWithoutAModuleMakeNoModel) {
  FactSet facts = jobsModule();
  facts.boundTypes[0].module = "";
  facts.boundTypes[0].bindingFunction = "bind_jobs";
  EXPECT_TRUE(deriveBindingModels(facts).empty());
}

// `.def_property("on_timeout", getter, setter)`: assigning the attribute calls the setter, which
// stores its callable in `on_timeout_` (a CallableStore no Python method reaches).
TEST(BindingModels, PropertySettersThatStoreACallableAreAttributeConnections) {
  FactSet facts;
  facts.boundTypes = {{"timers::Timer", "Timer", "timers", at("timers.cpp", 40)}};
  BoundMember property{"timers::Timer", "on_timeout", "property", "timers::Timer::on_timeout",
                       "", "", at("timers.cpp", 41)};
  property.setterFunction = "timers::Timer::set_on_timeout";
  facts.boundMembers = {property};
  facts.pythonReferences = {{"timers::Timer", "on_timeout_", "pybind11::function", "", true,
                             false, at("timers.cpp", 20)}};
  facts.callableStores = {{"timers::Timer", "on_timeout_", "timers::Timer::set_on_timeout", {},
                           at("timers.cpp", 12)}};

  std::vector<ApiModel> models = deriveBindingModels(facts);
  ASSERT_EQ(models.size(), 1u);
  ASSERT_EQ(models[0].connections.size(), 1u);
  const ModelConnection &connection = models[0].connections[0];
  EXPECT_EQ(connection.form, "attribute-assignment");
  EXPECT_EQ(connection.types, std::vector<std::string>{"Timer"});
  EXPECT_EQ(connection.names, std::vector<std::string>{"on_timeout"});
  EXPECT_EQ(connection.storage, Storage::GcOpaque);
  EXPECT_EQ(connection.storeLocation, at("timers.cpp", 12));
}

namespace {
// timers.Ticker(period, on_tick): `py::init<int, F>()` with py::arg names; the constructor keeps
// argument 1 in `onTick_`, a std::function no traversal visits.
FactSet tickerModule() {
  FactSet facts;
  facts.boundTypes = {{"timers::Ticker", "Ticker", "timers", at("timers.cpp", 40)}};
  BoundMember init{"timers::Ticker", "__init__", "constructor",
                   "timers::Ticker::Ticker(int, std::function<void ()>)", "", "",
                   at("timers.cpp", 41)};
  init.argumentNames = {"period", "on_tick"};
  facts.boundMembers = {init};
  facts.pythonReferences = {{"timers::Ticker", "onTick_", "std::function", "", true, false,
                             at("timers.cpp", 20)}};
  facts.callableStores = {{"timers::Ticker", "onTick_", init.cppFunction, {},
                           at("timers.cpp", 12), 1}};
  return facts;
}

// ticker = timers.Ticker(10, <callback>) or Ticker(10, on_tick=<callback>), capturing ticker.
CallbackRegistration tickerClient(int argument, std::string keyword) {
  BindingRef ticker{"ticker", "client.py:4:1:ticker", {"client.py", 5, 5, 5, 11}};
  CallbackRegistration r;
  r.site = {"client.py", 5, 14, 5, 60};
  r.form = "constructor-call";
  r.receiver = {ticker, {}, {"timers.Ticker"}, "ticker"};
  r.name = "timers.Ticker";
  r.callbackArgument = argument;
  r.callbackKeyword = std::move(keyword);
  r.callbackName = "<lambda>";
  r.callbackKind = "lambda";
  r.callbackArgumentLocation = {"client.py", 5, 30, 5, 59};
  r.captures = {{ticker, {}, {"client.py", 5, 40, 5, 46}, "free-variable", false}};
  return r;
}
} // namespace

// The stored argument is found by position or by its py::arg name; another argument is not it.
TEST(BindingModels, ConstructorArgumentsKeptByTheConstructorAreConnections) {
  for (auto [argument, keyword, expected] :
       std::vector<std::tuple<int, std::string, size_t>>{
           {1, "", 1}, {-1, "on_tick", 1}, {0, "", 0}, {-1, "period", 0}}) {
    FactSet facts = tickerModule();
    facts.callbackRegistrations.push_back(tickerClient(argument, keyword));
    auto findings = runRules(facts, ApiModels(), {{"CCY0", "CCY1"}, {}});
    ASSERT_EQ(findings.size(), expected) << "argument " << argument << " keyword " << keyword;
    if (expected)
      EXPECT_EQ(findings[0].ruleId, "CCY001");
  }
}
