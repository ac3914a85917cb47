#include "PythonFrontend.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace capcycle;

namespace {

FactSet analyze(llvm::StringRef source) { return analyzePythonSource("t.py", source); }

std::vector<std::string> captureNames(const SignalConnection &c) {
  std::vector<std::string> names;
  for (const Capture &capture : c.captures)
    names.push_back(capture.binding.name);
  std::sort(names.begin(), names.end());
  return names;
}

bool capturesReceiver(const SignalConnection &c) {
  return std::any_of(c.captures.begin(), c.captures.end(), [&](const Capture &capture) {
    return capture.binding.bindingId == c.receiver.bindingId;
  });
}

TEST(PythonFrontend, NestedDefCapturesEnclosingLocals) {
  FactSet facts = analyze(R"(def transcribe(path):
    transcriber = Transcriber(path)
    segments = []
    def on_text(evt):
        segments.append(evt.text)
        transcriber.stop()
    transcriber.transcribed.connect(on_text)
)");
  ASSERT_EQ(facts.signalConnections.size(), 1u);
  const SignalConnection &c = facts.signalConnections[0];
  EXPECT_EQ(c.receiverText, "transcriber");
  EXPECT_EQ(c.signal, "transcribed");
  EXPECT_EQ(c.callbackName, "on_text");
  EXPECT_EQ(c.callbackKind, "nested-function");
  EXPECT_EQ(captureNames(c), (std::vector<std::string>{"segments", "transcriber"}));
  EXPECT_TRUE(capturesReceiver(c));
  EXPECT_EQ(c.connectCall, (SourceLocation{"t.py", 7, 5, 7, 45}));
  EXPECT_EQ(c.receiver.definedAt, (SourceLocation{"t.py", 2, 5, 2, 16}));
  EXPECT_EQ(c.callbackDefinition, (SourceLocation{"t.py", 4, 9, 4, 16}));
  EXPECT_EQ(c.captures[1].referencedAt, (SourceLocation{"t.py", 6, 9, 6, 20}));
}

TEST(PythonFrontend, LambdaCapturingReceiver) {
  FactSet facts = analyze(R"(def f():
    r = Recognizer()
    r.recognized.connect(lambda evt: r.stop())
)");
  ASSERT_EQ(facts.signalConnections.size(), 1u);
  EXPECT_EQ(facts.signalConnections[0].callbackKind, "lambda");
  EXPECT_TRUE(capturesReceiver(facts.signalConnections[0]));
}

TEST(PythonFrontend, LambdaParameterShadowsReceiver) {
  FactSet facts = analyze(R"(def f():
    r = Recognizer()
    r.recognized.connect(lambda r: r.stop())
)");
  ASSERT_EQ(facts.signalConnections.size(), 1u);
  EXPECT_FALSE(capturesReceiver(facts.signalConnections[0]));
}

TEST(PythonFrontend, DefaultArgumentIsACapture) {
  FactSet facts = analyze(R"(def f():
    r = Recognizer()
    r.recognized.connect(lambda evt, rec=r: rec.stop())
)");
  ASSERT_EQ(facts.signalConnections.size(), 1u);
  EXPECT_TRUE(capturesReceiver(facts.signalConnections[0]));
}

TEST(PythonFrontend, ModuleGlobalsAreNotCaptures) {
  FactSet facts = analyze(R"(r = Recognizer()
def on_text(evt):
    r.stop()
r.recognized.connect(on_text)
)");
  ASSERT_EQ(facts.signalConnections.size(), 1u);
  EXPECT_TRUE(facts.signalConnections[0].captures.empty());
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
  ASSERT_EQ(facts.signalConnections.size(), 1u);
  const SignalConnection &c = facts.signalConnections[0];
  EXPECT_EQ(c.receiver.definedAt.line, 2u) << "r must resolve past the class body";
  EXPECT_TRUE(capturesReceiver(c));
}

TEST(PythonFrontend, LateBindingOfNestedDef) {
  FactSet facts = analyze(R"(def f():
    r = Recognizer()
    r.recognized.connect(lambda e: handle(e))
    def handle(e):
        r.stop()
)");
  ASSERT_EQ(facts.signalConnections.size(), 1u);
  // The lambda captures `handle`, a local def below it. That `handle` in turn holds `r` (a
  // cycle through two closures) is not followed yet: a known false negative.
  EXPECT_EQ(captureNames(facts.signalConnections[0]), (std::vector<std::string>{"handle"}));
}

TEST(PythonFrontend, NonlocalRebindingIsTheSameBinding) {
  FactSet facts = analyze(R"(def f():
    r = Recognizer()
    def cb(e):
        nonlocal r
        r = None
    r.recognized.connect(cb)
)");
  ASSERT_EQ(facts.signalConnections.size(), 1u);
  EXPECT_TRUE(capturesReceiver(facts.signalConnections[0]));
}

TEST(PythonFrontend, LocalAssignmentInCallbackIsNotACapture) {
  FactSet facts = analyze(R"(def f():
    r = Recognizer()
    def cb(e):
        r = e.sender
        r.stop()
    r.recognized.connect(cb)
)");
  ASSERT_EQ(facts.signalConnections.size(), 1u);
  EXPECT_FALSE(capturesReceiver(facts.signalConnections[0]));
}

TEST(PythonFrontend, SyntaxErrorIsANotificationNotFacts) {
  FactSet facts = analyze("def f(:\n    r.sig.connect(lambda: r)\n");
  EXPECT_TRUE(facts.signalConnections.empty());
  ASSERT_EQ(facts.notifications.size(), 1u);
  EXPECT_EQ(facts.notifications[0].location.line, 1u);
  EXPECT_NE(facts.notifications[0].message.find("syntax error"), std::string::npos);
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
  EXPECT_TRUE(facts.signalConnections.empty());
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
  EXPECT_EQ(serial.signalConnections.size(), 16u);
}

} // namespace
