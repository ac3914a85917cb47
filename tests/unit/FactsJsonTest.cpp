#include "facts/Facts.h"

#include "llvm/Support/FormatVariadic.h"

#include <gtest/gtest.h>

using namespace capcycle;

namespace {

FactSet sampleFacts() {
  FactSet facts;
  CallbackRegistration r;
  r.site = {"a.py", 10, 5, 10, 40};
  r.form = "call";
  BindingRef t{"t", "a.py:3:1:t", {"a.py", 4, 5, 4, 6}};
  r.receiver = {t, {"transcribed"}, {"speech.Transcriber", ""}, "t.transcribed"};
  r.name = "connect";
  r.callbackArgument = 0;
  r.callbackName = "on_text";
  r.callbackKind = "nested-function";
  r.callbackDefinition = {"a.py", 6, 9, 6, 16};
  r.callbackArgumentLocation = {"a.py", 10, 31, 10, 38};
  r.captures = {{t, {}, {"a.py", 7, 9, 7, 10}, "free-variable", false},
                {{"done", "a.py:3:1:done", {"a.py", 5, 5, 5, 9}}, {"event"}, {"a.py", 8, 9, 8, 13},
                 "default-argument", true}};
  r.breakers = {{"call", {t, {"transcribed", "disconnect_all"}, {"", "", ""}, "t.transcribed.disconnect_all"},
                 {"a.py", 12, 9, 12, 40}}};
  facts.callbackRegistrations.push_back(r);
  facts.finalizerReleases.push_back({"Handle", "a.py:1:1:Handle", {"a.py", 1, 7, 1, 13},
                                     {"a.py", 3, 9, 3, 30}, "lib.free(self._h)", false, true});
  facts.boundTypes.push_back({"speech::Transcriber", "Transcriber", "speech", {"m.cpp", 20, 3, 20, 50}});
  facts.boundTypes.push_back({"speech::Microphone", "Microphone", "", {"a.cpp", 4, 3, 4, 40}, "bind_audio", "io"});
  facts.moduleHandOffs.push_back({"pybind11_init_speech", "bind_audio", "", {"m.cpp", 30, 3, 30, 16}});
  facts.notifications.push_back({Notification::Level::Error, "syntax error", {"b.py", 2, 1, 2, 1}});
  return facts;
}

TEST(FactsJson, RoundTripKeepsEveryField) {
  FactSet original = sampleFacts();
  std::string text = llvm::formatv("{0}", toJSON(original)).str();
  auto parsed = llvm::json::parse(text);
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  FactSet restored;
  llvm::json::Path::Root root;
  ASSERT_TRUE(fromJSON(*parsed, restored, root));
  EXPECT_EQ(original, restored);
}

TEST(FactsJson, RejectsUnknownNotificationLevel) {
  llvm::json::Value value = toJSON(sampleFacts());
  llvm::json::Object *notification =
      (*value.getAsObject()->getArray("notifications"))[0].getAsObject();
  (*notification)["level"] = "fatal";
  FactSet restored;
  llvm::json::Path::Root root;
  EXPECT_FALSE(fromJSON(value, restored, root));
}

TEST(FactsJson, RejectsMissingField) {
  llvm::json::Value value = toJSON(sampleFacts());
  value.getAsObject()->erase("boundTypes");
  FactSet restored;
  llvm::json::Path::Root root;
  EXPECT_FALSE(fromJSON(value, restored, root));
}

TEST(FactsJson, AppendKeepsOrder) {
  FactSet a = sampleFacts(), b = sampleFacts();
  b.boundTypes[0].pythonName = "Other";
  a.append(std::move(b));
  ASSERT_EQ(a.boundTypes.size(), 4u);
  EXPECT_EQ(a.boundTypes[2].pythonName, "Other");
  EXPECT_EQ(a.callbackRegistrations.size(), 2u);
  EXPECT_EQ(a.finalizerReleases.size(), 2u);
}

} // namespace
