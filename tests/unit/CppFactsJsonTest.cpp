// The C++ facts (BoundMember, PythonReference, GcSupport, CallableStore, SignalOwnership,
// NativeRelease) survive the JSON form of `capcycle facts` field by field.
#include "facts/Facts.h"

#include "llvm/Support/FormatVariadic.h"

#include <gtest/gtest.h>

using namespace capcycle;

namespace {

FactSet cppFacts() {
  FactSet facts;
  facts.boundTypes.push_back({"asr::Recognizer", "Recognizer", "asr", {"b.cpp", 40, 3, 40, 50}});
  facts.boundMembers.push_back({"asr::Recognizer", "recognized", "property",
                                "asr::Recognizer::recognized", "recognized_", "asr::Signal",
                                {"b.cpp", 41, 30, 41, 42}});
  facts.pythonReferences.push_back({"asr::Signal", "callbacks_", "pybind11::function",
                                    "std::vector", true, false, {"b.cpp", 12, 3, 12, 40}});
  facts.gcSupport.push_back({"Timer", "tp_traverse", true, "Timer_traverse", "Timer_clear",
                             {"callback", "context"}, {"callback"}, {"c.cpp", 30, 20, 30, 50}});
  facts.callableStores.push_back({"asr::Signal", "callbacks_", "asr::Signal::connect",
                                  {"connect", "add"}, {"b.cpp", 9, 40, 9, 80}});
  facts.signalOwnerships.push_back(
      {"asr::Recognizer", "recognized", "recognized_", "asr::Signal", {"b.cpp", 41, 30, 41, 42}});
  facts.nativeReleases.push_back({"asr::Recognizer", "engine_", "delete",
                                  "asr::Recognizer::~Recognizer", true, {"close"},
                                  {"b.cpp", 20, 19, 20, 33}});
  return facts;
}

TEST(CppFactsJson, RoundTripKeepsEveryField) {
  FactSet original = cppFacts();
  std::string text = llvm::formatv("{0}", toJSON(original)).str();
  auto parsed = llvm::json::parse(text);
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  FactSet restored;
  llvm::json::Path::Root root;
  ASSERT_TRUE(fromJSON(*parsed, restored, root));
  EXPECT_EQ(original, restored);
}

TEST(CppFactsJson, FieldNamesAreTheDocumentedOnes) {
  llvm::json::Value value = toJSON(cppFacts());
  const llvm::json::Object &root = *value.getAsObject();
  const llvm::json::Object &gc = *(*root.getArray("gcSupport"))[0].getAsObject();
  EXPECT_EQ(gc.getBoolean("gcFlag"), true);
  EXPECT_EQ(gc.getString("traverseFunction"), "Timer_traverse");
  EXPECT_EQ((*gc.getArray("visitedMembers"))[1].getAsString(), "context");
  const llvm::json::Object &release = *(*root.getArray("nativeReleases"))[0].getAsObject();
  EXPECT_EQ(release.getBoolean("finalizer"), true);
  EXPECT_EQ((*release.getArray("explicitlyReleasedBy"))[0].getAsString(), "close");
}

TEST(CppFactsJson, RejectsAMissingCppFactList) {
  for (const char *list : {"boundMembers", "pythonReferences", "gcSupport", "callableStores",
                           "signalOwnerships", "nativeReleases"}) {
    llvm::json::Value value = toJSON(cppFacts());
    value.getAsObject()->erase(list);
    FactSet restored;
    llvm::json::Path::Root root;
    EXPECT_FALSE(fromJSON(value, restored, root)) << list;
  }
}

TEST(CppFactsJson, RejectsAWronglyTypedField) {
  llvm::json::Value value = toJSON(cppFacts());
  llvm::json::Object &reference =
      *(*value.getAsObject()->getArray("pythonReferences"))[0].getAsObject();
  reference["owning"] = "yes";
  FactSet restored;
  llvm::json::Path::Root root;
  EXPECT_FALSE(fromJSON(value, restored, root));
}

} // namespace
