// The model files: the shipped ones load, and a broken one is rejected with file:line.
#include "engine/ApiModels.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace capcycle;

namespace {

std::string errorFor(const std::string &text) {
  llvm::SmallString<128> path;
  llvm::sys::fs::createTemporaryFile("model", "yaml", path);
  {
    std::error_code ec;
    llvm::raw_fd_ostream(path, ec) << text;
  }
  auto models = ApiModels::load({std::string(path)});
  llvm::sys::fs::remove(path);
  if (models)
    return "";
  std::string message = llvm::toString(models.takeError());
  return message.substr(message.find(".yaml:") + 5);
}

const std::string Header = "schema_version: 1\nid: m\nname: M\nlibraries: [m]\nevidence: e\n";

TEST(ApiModels, ShippedModelsLoadAndCarryEvidence) {
  auto models = ApiModels::load(ApiModels::filesIn(CAPCYCLE_MODELS_DIR));
  ASSERT_TRUE(bool(models)) << llvm::toString(models.takeError());
  EXPECT_GE(models->all().size(), 8u);
  for (const ApiModel &model : models->all()) {
    EXPECT_FALSE(model.evidence.empty()) << model.id;
    for (const ModelConnection &c : model.connections)
      EXPECT_FALSE(c.evidence.empty()) << model.id << " " << c.id;
  }
}

TEST(ApiModels, UnknownKeyIsNamedWithItsLine) {
  EXPECT_EQ(errorFor(Header + "connections:\n  - form: method\n    names: [x]\n    storage: unknown\n"
                              "    evidence: e\n    bogus: 1\n"),
            ":11: unknown key 'bogus' in a connection");
}

TEST(ApiModels, WrongValuesAreRejected) {
  EXPECT_EQ(errorFor(Header + "connections:\n  - form: sideways\n    names: [x]\n    storage: unknown\n"
                              "    evidence: e\n"),
            ":7: unknown form 'sideways'");
  EXPECT_EQ(errorFor(Header + "connections:\n  - form: method\n    names: x\n    storage: unknown\n"
                              "    evidence: e\n"),
            ":8: 'names' must be a list of strings");
  EXPECT_EQ(errorFor(Header + "connections:\n  - form: method\n    names: [x]\n    storage: leaky\n"
                              "    evidence: e\n"),
            ":9: storage must be gc-opaque, gc-visible or unknown");
  EXPECT_EQ(errorFor("schema_version: 2\nid: m\nname: M\nlibraries: [m]\nevidence: e\n"),
            ":1: unsupported schema_version (expected 1)");
  EXPECT_NE(errorFor("id: [unclosed\n"), "");
}

TEST(ApiModels, EveryClaimNeedsEvidence) {
  EXPECT_EQ(errorFor(Header + "finalizer_only_handles:\n  - types: [T]\n"),
            ":7: missing 'evidence'");
}

} // namespace
