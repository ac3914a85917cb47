// The C++ binding facts beyond BoundType, on real pybind11 and C-API code. Every expected
// place is counted by hand from the fixture line quoted next to it.
#include "ClangChecksTestSupport.h"

#include "llvm/ADT/STLExtras.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace capcycle {
namespace {

using test::fixture;
using test::givenFiles;

template <typename Record>
::testing::AssertionResult contains(const std::vector<Record> &records, const Record &wanted) {
  if (llvm::is_contained(records, wanted))
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "missing " << llvm::formatv("{0:2}", toJSON(wanted)).str();
}

class RecognizerBindings : public ::testing::Test {
protected:
  static void SetUpTestSuite() { facts = new FactSet(collectBindingFacts(givenFiles({file()}))); }
  static void TearDownTestSuite() { delete facts; }
  static std::string file() { return fixture("recognizer_bindings.cpp"); }
  static SourceLocation at(unsigned line, unsigned column, unsigned endColumn) {
    return {file(), line, column, line, endColumn};
  }
  static FactSet *facts;
};
FactSet *RecognizerBindings::facts = nullptr;

TEST_F(RecognizerBindings, ParsesCleanly) {
  EXPECT_TRUE(facts->notifications.empty()) << facts->notifications.front().message;
}

TEST_F(RecognizerBindings, BoundMembers) {
  // 38:   py::class_<asr::Signal>(m, "Signal").def("connect", &asr::Signal::connect);
  EXPECT_TRUE(contains(facts->boundMembers,
                       BoundMember{"asr::Signal", "connect", "method", "asr::Signal::connect", "",
                                   "", at(38, 44, 53)}));
  // 40:       .def_property_readonly("recognized", &asr::Recognizer::recognized)
  EXPECT_TRUE(contains(facts->boundMembers,
                       BoundMember{"asr::Recognizer", "recognized", "property",
                                   "asr::Recognizer::recognized", "recognized_", "asr::Signal",
                                   at(40, 30, 42)}));
  // 41:       .def_readonly("canceled", &asr::Recognizer::canceled)
  EXPECT_TRUE(contains(facts->boundMembers,
                       BoundMember{"asr::Recognizer", "canceled", "readonly",
                                   "asr::Recognizer::canceled", "canceled", "asr::Signal",
                                   at(41, 21, 31)}));
  // 42:       .def("stop", &asr::Recognizer::stop);
  EXPECT_TRUE(contains(facts->boundMembers, BoundMember{"asr::Recognizer", "stop", "method",
                                                        "asr::Recognizer::stop", "", "",
                                                        at(42, 12, 18)}));
  EXPECT_EQ(facts->boundMembers.size(), 4u);
}

TEST_F(RecognizerBindings, PythonReferences) {
  // 21:   std::vector<std::function<void()>> slots_;   owning: `connect` stores a Python callable
  EXPECT_TRUE(contains(facts->pythonReferences,
                       PythonReference{"asr::Signal", "slots_", "std::function", "std::vector",
                                       true, false, at(21, 3, 44)}));
  // 22:   py::handle sender_;   borrowed
  EXPECT_TRUE(contains(facts->pythonReferences,
                       PythonReference{"asr::Signal", "sender_", "pybind11::handle", "", false,
                                       false, at(22, 3, 21)}));
  EXPECT_EQ(facts->pythonReferences.size(), 2u);
}

TEST_F(RecognizerBindings, CallableStoresFollowOneCall) {
  // 19:   void add(std::function<void()> g) { slots_.push_back(g); }
  SourceLocation store = at(19, 39, 58);
  EXPECT_TRUE(contains(facts->callableStores,
                       CallableStore{"asr::Signal", "slots_", "asr::Signal::connect", {"connect"},
                                     store}));
  EXPECT_TRUE(contains(facts->callableStores,
                       CallableStore{"asr::Signal", "slots_", "asr::Signal::add", {}, store}));
  EXPECT_EQ(facts->callableStores.size(), 2u);
}

TEST_F(RecognizerBindings, SignalsOwnedByTheRecognizer) {
  // In any order: a `.def` chain is matched from its last call inwards.
  EXPECT_TRUE(contains(facts->signalOwnerships,
                       SignalOwnership{"asr::Recognizer", "recognized", "recognized_",
                                       "asr::Signal", at(40, 30, 42)}));
  EXPECT_TRUE(contains(facts->signalOwnerships,
                       SignalOwnership{"asr::Recognizer", "canceled", "canceled", "asr::Signal",
                                       at(41, 21, 31)}));
  EXPECT_EQ(facts->signalOwnerships.size(), 2u);
}

TEST_F(RecognizerBindings, EngineReleasedOnlyByTheDestructor) {
  // 29:   ~Recognizer() { engine_destroy(engine_); }
  EXPECT_EQ(facts->nativeReleases,
            (std::vector<NativeRelease>{{"asr::Recognizer", "engine_", "engine_destroy",
                                         "asr::Recognizer::~Recognizer", true, {}, at(29, 19, 42)}}));
  EXPECT_TRUE(facts->gcSupport.empty()) << "no custom_type_setup: pybind11 adds no traversal";
}

class CapiTimer : public ::testing::Test {
protected:
  static void SetUpTestSuite() { facts = new FactSet(collectBindingFacts(givenFiles({file()}))); }
  static void TearDownTestSuite() { delete facts; }
  static std::string file() { return fixture("capi_timer.cpp"); }
  static SourceLocation at(unsigned line, unsigned column, unsigned endColumn) {
    return {file(), line, column, line, endColumn};
  }
  static FactSet *facts;
};
FactSet *CapiTimer::facts = nullptr;

TEST_F(CapiTimer, TypeFromPyTypeSpec) {
  EXPECT_TRUE(facts->notifications.empty()) << facts->notifications.front().message;
  // 50: static PyType_Spec Timer_spec = {"sched.Timer", ...
  // 51:                                  ..., Timer_slots};   the `}` is column 86
  EXPECT_EQ(facts->boundTypes,
            (std::vector<BoundType>{{"TimerObject", "Timer", "sched", {file(), 50, 1, 51, 87}}}));
}

TEST_F(CapiTimer, GcSlotsAndWhatTheyTouch) {
  // 43:     {Py_tp_traverse, (void *)Timer_traverse},
  // No setter, no storing method, no tp_init: nothing Python does later adds objects; no
  // weak list; Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC: not subclassable.
  EXPECT_EQ(facts->gcSupport,
            (std::vector<GcSupport>{{"TimerObject", "tp_traverse", true, "Timer_traverse",
                                     "Timer_clear", {"callback"}, {"callback", "context"},
                                     at(43, 22, 44), {}, "", false}}));
  // 7:   PyObject *callback;   visited      8:   PyObject *context;   not visited
  EXPECT_EQ(facts->pythonReferences,
            (std::vector<PythonReference>{
                {"TimerObject", "callback", "PyObject*", "", true, true, at(7, 3, 21)},
                {"TimerObject", "context", "PyObject*", "", true, false, at(8, 3, 20)}}));
}

TEST_F(CapiTimer, MethodAndGetsetTables) {
  // 32:     {"cancel", (PyCFunction)Timer_cancel, METH_NOARGS, nullptr},
  // 37:     {"context", (getter)Timer_get_context, nullptr, nullptr, nullptr},
  EXPECT_EQ(facts->boundMembers,
            (std::vector<BoundMember>{
                {"TimerObject", "cancel", "method", "Timer_cancel", "", "", at(32, 6, 14)},
                {"TimerObject", "context", "getset", "Timer_get_context", "", "", at(37, 6, 15)}}));
}

TEST_F(CapiTimer, DeallocReleasesTheBuffer) {
  // 24:   free(self->buffer);   (Py_TYPE(self)->tp_free on line 25 is CPython's own memory)
  EXPECT_EQ(facts->nativeReleases,
            (std::vector<NativeRelease>{
                {"TimerObject", "buffer", "free", "Timer_dealloc", true, {}, at(24, 3, 21)}}));
}

TEST(CollectBindingFacts, ParallelRunKeepsThePlannedOrder) {
  CppInput input = givenFiles({fixture("capi_timer.cpp"), fixture("second_module.cpp")});
  input.jobs = 2;
  FactSet facts = collectBindingFacts(input);
  ASSERT_EQ(facts.boundTypes.size(), 2u);
  EXPECT_EQ(facts.boundTypes[0].pythonName, "Timer");
  EXPECT_EQ(facts.boundTypes[1].pythonName, "Microphone");
}

TEST(CollectBindingFacts, DirectoryInputFindsCppSources) {
  test::ScratchDirectory sources;
  std::string unit = sources.write("ok.cpp", "struct Plain { int x; };\n");
  sources.write("notes.txt", "not C++");
  CppInput input;
  input.directories = {sources.path};
  FactSet facts = collectBindingFacts(input);
  EXPECT_TRUE(facts.notifications.empty()) << facts.notifications.front().message;

  std::string broken = sources.write("broken.cc", "int f( {\n");
  facts = collectBindingFacts(input);
  ASSERT_EQ(facts.notifications.size(), 1u) << "the .cc file is found and reported";
  EXPECT_EQ(facts.notifications.front().location.file, broken);
}

// `.def(py::init<Args...>(), py::arg(...)...)`: the constructor overload resolution picks for
// Args, the argument names, and the constructor argument kept in a member (a member
// initializer counts).
TEST(ConstructorBindings, InitPicksTheConstructorThatStoresItsArgument) {
  std::string file = fixture("constructor_bindings.cpp");
  FactSet facts = collectBindingFacts(givenFiles({file}));
  EXPECT_TRUE(facts.notifications.empty()) << facts.notifications.front().message;
  auto at = [&](unsigned line, unsigned column, unsigned endColumn) {
    return SourceLocation{file, line, column, line, endColumn};
  };
  auto constructor = [](std::string cppType, std::string cppFunction, SourceLocation location,
                        std::vector<std::string> names) {
    BoundMember member{std::move(cppType), "__init__", "constructor", std::move(cppFunction),
                       "", "", std::move(location)};
    member.argumentNames = std::move(names);
    return member;
  };
  std::string timer = "timing::Timer::Timer(double, std::function<void ()>)";
  std::string alarm = "timing::Alarm::Alarm(pybind11::function)";
  // 35:       .def(py::init<double, std::function<void()>>(), py::arg("interval"), py::arg("on_timeout") = nullptr)
  EXPECT_TRUE(contains(facts.boundMembers, constructor("timing::Timer", timer, at(35, 12, 53),
                                                       {"interval", "on_timeout"})));
  // 36:       .def(py::init<int>());   (the other overload; the copy constructor is never picked)
  EXPECT_TRUE(contains(facts.boundMembers, constructor("timing::Timer", "timing::Timer::Timer(int)",
                                                       at(36, 12, 27), {})));
  // 37:   py::class_<timing::Alarm>(m, "Alarm").def(py::init<py::function>());
  EXPECT_TRUE(contains(facts.boundMembers,
                       constructor("timing::Alarm", alarm, at(37, 45, 69), {})));

  // 15:       : interval_(interval), onTimeout_(std::move(onTimeout)) {}   argument 1, at the
  //                                     ^ column 30: the whole initializer, `)` at column 61
  EXPECT_TRUE(contains(facts.callableStores, CallableStore{"timing::Timer", "onTimeout_", timer,
                                                            {}, at(15, 30, 62), 1}));
  // 26:   explicit Alarm(py::function ring) { ring_ = ring; }   argument 0
  EXPECT_TRUE(contains(facts.callableStores,
                       CallableStore{"timing::Alarm", "ring_", alarm, {}, at(26, 39, 51), 0}));
  EXPECT_EQ(facts.callableStores.size(), 2u);
}

// `py::init(factory)`: the factory is the constructor Python calls (its parameters are Python's
// arguments), and what the constructor it runs keeps is stored by the factory, through
// std::make_unique, a temporary, or `new`.
TEST(ConstructorBindings, FactoriesStoreWhatTheConstructorTheyRunKeeps) {
  std::string file = fixture("factory_bindings.cpp");
  FactSet facts = collectBindingFacts(givenFiles({file}));
  EXPECT_TRUE(facts.notifications.empty()) << facts.notifications.front().message;
  auto kept = [&](const std::string &cppType, const std::string &member, unsigned line) {
    std::vector<std::pair<std::string, int>> found;
    for (const CallableStore &store : facts.callableStores)
      if (store.cppType == cppType && store.member == member && store.location.line == line)
        found.emplace_back(store.cppFunction, store.parameter);
    std::sort(found.begin(), found.end());
    return found;
  };
  std::string tickerFactory = "lambda at " + file + ":33:21";
  std::string beeperFactory = "lambda at " + file + ":36:48";
  // 12: ... : period_(period), onTick_(std::move(onTick)) {}   argument 1 of the constructor
  //     and of the factory at 33 (`std::make_unique<Ticker>(period, std::move(cb))`)
  EXPECT_EQ(kept("Ticker", "onTick_", 12),
            (std::vector<std::pair<std::string, int>>{
                {"Ticker::Ticker(int, std::function<void ()>)", 1}, {tickerFactory, 1}}));
  // 20: explicit Beeper(py::function beep) : beep_(std::move(beep)) {}   (factory at 36:
  //     `return Beeper(f);`)
  EXPECT_EQ(kept("Beeper", "beep_", 20),
            (std::vector<std::pair<std::string, int>>{{"Beeper::Beeper(pybind11::function)", 0},
                                                      {beeperFactory, 0}}));
  // 26: explicit Buzzer(py::function buzz) : buzz_(std::move(buzz)) {}   (make_buzzer at 30:
  //     `return new Buzzer(std::move(f));`)
  EXPECT_EQ(kept("Buzzer", "buzz_", 26),
            (std::vector<std::pair<std::string, int>>{{"Buzzer::Buzzer(pybind11::function)", 0},
                                                      {"make_buzzer", 0}}));
  EXPECT_EQ(facts.callableStores.size(), 6u) << "nothing from pybind11's own constructors";

  std::vector<std::pair<std::string, std::vector<std::string>>> constructors;
  for (const BoundMember &member : facts.boundMembers)
    if (member.kind == "constructor")
      constructors.emplace_back(member.cppFunction, member.argumentNames);
  EXPECT_EQ(constructors, (std::vector<std::pair<std::string, std::vector<std::string>>>{
                              {tickerFactory, {"period", "on_tick"}},
                              {beeperFactory, {}},
                              {"make_buzzer", {}}}));
}

} // namespace
} // namespace capcycle
