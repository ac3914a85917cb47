#include "PythonFrontend.h"

#include <gtest/gtest.h>

#include "llvm/ADT/STLExtras.h"

#include <algorithm>

using namespace capcycle;

namespace {

// Registrations through `connect` only: method calls taking an attribute (`a.append(e.text)`)
// are registrations too, which the models then ignore.
FactSet analyze(llvm::StringRef source) {
  FactSet facts = analyzePythonSource("t.py", source);
  llvm::erase_if(facts.callbackRegistrations, [](const CallbackRegistration &r) {
    return r.form == "call" && r.name != "connect" && r.name != "append";
  });
  return facts;
}

std::vector<std::string> captureNames(const CallbackRegistration &c) {
  std::vector<std::string> names;
  for (const Capture &capture : c.captures)
    names.push_back(capture.binding.name);
  std::sort(names.begin(), names.end());
  return names;
}

bool capturesReceiver(const CallbackRegistration &c) {
  return std::any_of(c.captures.begin(), c.captures.end(), [&](const Capture &capture) {
    return capture.binding.bindingId == c.receiver.root.bindingId && !capture.weak;
  });
}

TEST(PythonFrontend, NestedDefCapturesEnclosingLocals) {
  FactSet facts = analyze(R"(def transcribe(path):
    transcriber = Transcriber(path)
    segments = []
    def on_text(evt):
        segments.append(evt)
        transcriber.stop()
    transcriber.transcribed.connect(on_text)
)");
  ASSERT_EQ(facts.callbackRegistrations.size(), 1u);
  const CallbackRegistration &c = facts.callbackRegistrations[0];
  EXPECT_EQ(c.receiver.text, "transcriber.transcribed");
  EXPECT_EQ(c.receiver.attributes, std::vector<std::string>{"transcribed"});
  EXPECT_EQ(c.name, "connect");
  EXPECT_EQ(c.form, "call");
  EXPECT_EQ(c.callbackArgument, 0);
  EXPECT_EQ(c.callbackName, "on_text");
  EXPECT_EQ(c.callbackKind, "nested-function");
  EXPECT_EQ(captureNames(c), (std::vector<std::string>{"segments", "transcriber"}));
  EXPECT_TRUE(capturesReceiver(c));
  EXPECT_EQ(c.site, (SourceLocation{"t.py", 7, 5, 7, 45}));
  EXPECT_EQ(c.receiver.root.definedAt, (SourceLocation{"t.py", 2, 5, 2, 16}));
  EXPECT_EQ(c.callbackDefinition, (SourceLocation{"t.py", 4, 9, 4, 16}));
  EXPECT_EQ(c.captures[1].referencedAt, (SourceLocation{"t.py", 6, 9, 6, 20}));
}

TEST(PythonFrontend, LambdaCapturingReceiver) {
  FactSet facts = analyze(R"(def f():
    r = Recognizer()
    r.recognized.connect(lambda evt: r.stop())
)");
  ASSERT_EQ(facts.callbackRegistrations.size(), 1u);
  EXPECT_EQ(facts.callbackRegistrations[0].callbackKind, "lambda");
  EXPECT_TRUE(capturesReceiver(facts.callbackRegistrations[0]));
}

TEST(PythonFrontend, LambdaParameterShadowsReceiver) {
  FactSet facts = analyze(R"(def f():
    r = Recognizer()
    r.recognized.connect(lambda r: r.stop())
)");
  EXPECT_TRUE(facts.callbackRegistrations.empty()) << "the lambda captures nothing";
}

TEST(PythonFrontend, DefaultArgumentIsACapture) {
  FactSet facts = analyze(R"(def f():
    r = Recognizer()
    r.recognized.connect(lambda evt, rec=r: rec.stop())
)");
  ASSERT_EQ(facts.callbackRegistrations.size(), 1u);
  EXPECT_TRUE(capturesReceiver(facts.callbackRegistrations[0]));
}

TEST(PythonFrontend, ModuleGlobalsAreNotCaptures) {
  FactSet facts = analyze(R"(r = Recognizer()
def on_text(evt):
    r.stop()
r.recognized.connect(on_text)
)");
  EXPECT_TRUE(facts.callbackRegistrations.empty()) << "a callback holding nothing is no fact";
}

TEST(PythonFrontend, ClassBodyDoesNotEncloseMethods) {
  FactSet facts = analyze(R"(def f():
    r = Recognizer()
    class Handler:
        r = None
        def attach(self):
            def cb(evt):
                return r
            r.recognized.connect(cb)
)");
  ASSERT_EQ(facts.callbackRegistrations.size(), 1u);
  const CallbackRegistration &c = facts.callbackRegistrations[0];
  EXPECT_EQ(c.receiver.root.definedAt.line, 2u) << "r must resolve past the class body";
  EXPECT_TRUE(capturesReceiver(c));
}

TEST(PythonFrontend, LateBindingOfNestedDef) {
  FactSet facts = analyze(R"(def f():
    r = Recognizer()
    r.recognized.connect(lambda e: handle(e))
    def handle(e):
        r.stop()
)");
  ASSERT_EQ(facts.callbackRegistrations.size(), 1u);
  // The lambda holds `handle`, a local def below it, whose closure holds `r`.
  EXPECT_EQ(captureNames(facts.callbackRegistrations[0]),
            (std::vector<std::string>{"handle", "r"}));
  EXPECT_TRUE(capturesReceiver(facts.callbackRegistrations[0]));
}

TEST(PythonFrontend, NonlocalRebindingIsTheSameBinding) {
  FactSet facts = analyze(R"(def f():
    r = Recognizer()
    def cb(e):
        nonlocal r
        r = None
    r.recognized.connect(cb)
)");
  ASSERT_EQ(facts.callbackRegistrations.size(), 1u);
  EXPECT_TRUE(capturesReceiver(facts.callbackRegistrations[0]));
}

TEST(PythonFrontend, LocalAssignmentInCallbackIsNotACapture) {
  FactSet facts = analyze(R"(def f():
    r = Recognizer()
    def cb(e):
        r = e.sender
        r.stop()
    r.recognized.connect(cb)
)");
  EXPECT_TRUE(facts.callbackRegistrations.empty()) << "cb's r is its own local";
}

const CallbackRegistration &only(const FactSet &facts) {
  EXPECT_EQ(facts.callbackRegistrations.size(), 1u);
  static CallbackRegistration none;
  return facts.callbackRegistrations.empty() ? none : facts.callbackRegistrations[0];
}

TEST(PythonFrontend, ImportsAndConstructorsTypeTheReceiver) {
  FactSet facts = analyze(R"(import azure.cognitiveservices.speech as speechsdk
def f(config):
    r = speechsdk.SpeechRecognizer(speech_config=config)
    alias = r
    alias.recognized.connect(lambda e: r.stop())
)");
  const CallbackRegistration &c = only(facts);
  EXPECT_EQ(c.receiver.root.name, "r") << "a single `alias = r` is the same object";
  EXPECT_EQ(c.receiver.types,
            (std::vector<std::string>{"azure.cognitiveservices.speech.SpeechRecognizer", ""}));
  EXPECT_TRUE(capturesReceiver(c));
}

TEST(PythonFrontend, SelfAttributeChainsAndBoundMethods) {
  FactSet facts = analyze(R"(from PyQt5.QtWidgets import QPushButton
class Dialog:
    def __init__(self):
        self.button = QPushButton("OK")
        self.button.clicked.connect(self.on_click)
    def on_click(self):
        pass
)");
  const CallbackRegistration &c = only(facts);
  EXPECT_EQ(c.receiver.text, "self.button.clicked");
  ASSERT_EQ(c.receiver.types.size(), 3u);
  EXPECT_EQ(c.receiver.types[0], "t.py::Dialog");
  EXPECT_EQ(c.receiver.types[1], "PyQt5.QtWidgets.QPushButton");
  EXPECT_EQ(c.callbackKind, "bound-method");
  ASSERT_EQ(c.captures.size(), 1u);
  EXPECT_EQ(c.captures[0].via, "bound-method");
  EXPECT_EQ(c.captures[0].binding.name, "self");
}

TEST(PythonFrontend, PartialInstanceAndFactoryCallbacks) {
  FactSet facts = analyze(R"(import functools
class Handler:
    def __init__(self, owner, label):
        self.owner = owner
    def __call__(self, evt):
        pass
def make_handler(target, unused):
    def handle(evt):
        target.stop()
    return handle
def f(r, other):
    r.a.connect(functools.partial(print, r))
    r.b.connect(Handler(other, r))
    r.c.connect(Handler(r, other))
    r.d.connect(make_handler(other, r))
    r.e.connect(make_handler(r, other))
)");
  std::vector<std::string> kinds;
  std::vector<bool> holdsR;
  for (const CallbackRegistration &c : facts.callbackRegistrations) {
    kinds.push_back(c.callbackKind);
    holdsR.push_back(capturesReceiver(c));
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"partial", "instance", "instance", "closure", "closure"}));
  EXPECT_EQ(holdsR, (std::vector<bool>{true, false, true, false, true}));
}

TEST(PythonFrontend, WeakReferencesAreMarkedWeak) {
  FactSet facts = analyze(R"(import weakref
def f(r):
    r.sig.connect(lambda e, ref=weakref.ref(r): ref().stop())
)");
  const CallbackRegistration &c = only(facts);
  ASSERT_EQ(c.captures.size(), 1u);
  EXPECT_TRUE(c.captures[0].weak);
}

TEST(PythonFrontend, BreakersOnEveryPathOnly) {
  FactSet facts = analyze(R"(def f(t, flag):
    t.sig.connect(lambda e: t.stop())
    if flag:
        t.sig.disconnect_all()
    try:
        t.run()
    finally:
        t.sig.disconnect_all()
    t = None
)");
  const CallbackRegistration &c = only(facts);
  std::vector<unsigned> lines;
  for (const CycleBreaker &b : c.breakers)
    lines.push_back(b.location.line);
  EXPECT_EQ(lines, (std::vector<unsigned>{6, 8, 9})) << "not the call under `if`";
}

TEST(PythonFrontend, AssignmentAppendAndConstructorForms) {
  FactSet facts = analyze(R"(import tkinter as tk
def f(client, root):
    client.on_message = lambda c, u, m: client.publish("ack")
    client.handlers += lambda: client.stop()
    client.callbacks.append(lambda: client.stop())
    button = tk.Button(root, command=lambda: button.flash())
)");
  std::vector<std::string> forms;
  for (const CallbackRegistration &c : facts.callbackRegistrations)
    forms.push_back(c.form + " " + c.name);
  EXPECT_EQ(forms, (std::vector<std::string>{"call append", "constructor-call tkinter.Button",
                                             "assignment on_message",
                                             "augmented-assignment handlers"}));
}

TEST(PythonFrontend, SyntaxErrorIsANotificationNotFacts) {
  FactSet facts = analyze("def f(:\n    r.sig.connect(lambda: r)\n");
  EXPECT_TRUE(facts.callbackRegistrations.empty());
  ASSERT_EQ(facts.notifications.size(), 1u);
  EXPECT_EQ(facts.notifications[0].location.line, 1u);
  EXPECT_NE(facts.notifications[0].message.find("syntax error"), std::string::npos);
}

// CPython ignores indentation inside brackets; tree-sitter-python 0.23.6 rejects a continuation
// line dedented below its block. Such a file is analysed, at its own lines and columns.
TEST(PythonFrontend, DedentedContinuationLinesInsideBracketsAreValid) {
  FactSet facts = analyze("def f(r):\n"
                          "    total = (1 +\n"
                          " 2)  # a comment\n"
                          "    r.sig.connect(\n"
                          " lambda: r)\n");
  EXPECT_TRUE(facts.notifications.empty());
  ASSERT_EQ(facts.callbackRegistrations.size(), 1u);
  EXPECT_EQ(facts.callbackRegistrations[0].site.line, 4u);
  EXPECT_EQ(facts.callbackRegistrations[0].site.column, 5u);
  EXPECT_EQ(facts.callbackRegistrations[0].callbackDefinition.line, 5u);
  EXPECT_EQ(facts.callbackRegistrations[0].callbackDefinition.column, 2u);
  // A real error inside brackets is still one, at its line.
  FactSet broken = analyze("def f(r):\n    total = (1 +\n 2 2)\n");
  ASSERT_EQ(broken.notifications.size(), 1u);
  EXPECT_NE(broken.notifications[0].message.find("syntax error"), std::string::npos);
}

TEST(PythonFrontend, BinaryAndNonUtf8AreNotifications) {
  FactSet binary = analyze(llvm::StringRef("\x7f" "ELF\0\0\0", 7));
  ASSERT_EQ(binary.notifications.size(), 1u);
  EXPECT_NE(binary.notifications[0].message.find("binary"), std::string::npos);
  FactSet latin1 = analyze("x = 1\nname = 'caf\xe9'\n");
  ASSERT_EQ(latin1.notifications.size(), 1u);
  EXPECT_NE(latin1.notifications[0].message.find("UTF-8"), std::string::npos);
  EXPECT_EQ(latin1.notifications[0].location.line, 2u);
  EXPECT_EQ(latin1.notifications[0].location.column, 12u);
}

TEST(PythonFrontend, DeepNestingDoesNotOverflowTheStack) {
  std::string source = "x = " + std::string(10000, '(') + "1" + std::string(10000, ')') + "\n";
  FactSet facts = analyze(source);
  EXPECT_TRUE(facts.callbackRegistrations.empty());
}

TEST(PythonFrontend, OversizedFileIsSkippedWithAMessage) {
  PythonScanOptions options;
  options.maxFileBytes = 16;
  FactSet facts = analyzePythonSource("big.py", "x = 1\ny = 2\nz = 3\nw = 4\n", options);
  ASSERT_EQ(facts.notifications.size(), 1u);
  EXPECT_NE(facts.notifications[0].message.find("limit"), std::string::npos);
}

TEST(PythonFrontend, MissingFileIsAnErrorNotification) {
  FactSet facts = analyzePythonFiles({"/nonexistent/capcycle/x.py"}, {});
  ASSERT_EQ(facts.notifications.size(), 1u);
  EXPECT_EQ(facts.notifications[0].level, Notification::Level::Error);
}

TEST(PythonFrontend, ParallelScanKeepsFileOrder) {
  std::vector<std::string> files(8, CAPCYCLE_SOURCE_DIR "/examples/transcriber/transcribe.py");
  FactSet serial = analyzePythonFiles(files, {1});
  FactSet parallel = analyzePythonFiles(files, {4});
  EXPECT_EQ(serial, parallel);
  EXPECT_EQ(serial.callbackRegistrations.size(), 24u); // two connects and one append per file
}

} // namespace

TEST(PythonFrontend, TeardownMethodsOfTheOwnersClassAreLifecycleBreakers) {
  FactSet facts = analyze(R"(
class Player:
    def __init__(self, pipeline):
        self.bus = None
        self.bus = pipeline.get_bus()
        self.bus_id = self.bus.connect("message", self.on_message)

    def on_message(self, bus, message):
        self.bus.remove_signal_watch()

    def stop(self):
        self.bus.disconnect(self.bus_id)

    def close(self):
        self.bus = None
)");
  ASSERT_EQ(facts.callbackRegistrations.size(), 1u);
  std::vector<std::string> seen;
  for (const LifecycleBreaker &later : facts.callbackRegistrations[0].lifecycleBreakers) {
    seen.push_back(later.method + " " + later.breaker.kind + " " + later.breaker.target.attributes.back());
    EXPECT_EQ(later.breaker.target.root.bindingId,
              facts.callbackRegistrations[0].receiver.root.bindingId)
        << "rebased onto the registering method's self";
  }
  // __init__'s `self.bus = None` initialises; on_message is no teardown.
  EXPECT_EQ(seen, (std::vector<std::string>{"Player.stop call disconnect", "Player.close assign-none bus"}));
  EXPECT_EQ(facts.callbackRegistrations[0].lifecycleBreakers[0].breaker.arguments, 1u);
}
