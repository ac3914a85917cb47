// The rule catalogue, the docs and the fixtures must never drift apart: every row has a doc
// page and a fixture folder with bad and good code, and every page or folder has a row.
#include "engine/Rule.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <set>

using namespace capcycle;

namespace {

const std::string SourceDir = CAPCYCLE_SOURCE_DIR;

std::set<std::string> entries(const std::string &dir, bool directories) {
  std::set<std::string> names;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec))
    if ((it->type() == llvm::sys::fs::file_type::directory_file) == directories)
      names.insert(llvm::sys::path::filename(it->path()).str());
  return names;
}

bool isRuleId(llvm::StringRef name) {
  return name.size() == 6 && name.starts_with("CCY");
}

TEST(Catalogue, EveryRuleHasDocPageAndFixtures) {
  for (const RuleEntry &row : ruleCatalogue()) {
    std::string id = row.info.id;
    std::string doc = SourceDir + "/docs/rules/" + id + ".md";
    EXPECT_TRUE(llvm::sys::fs::exists(doc)) << "missing " << doc;
    auto text = llvm::MemoryBuffer::getFile(doc);
    if (text) {
      llvm::StringRef body = (*text)->getBuffer();
      for (const char *section : {"## What it finds", "## Why it matters", "## Example",
                                  "## How to fix it", "## How to silence it"})
        EXPECT_TRUE(body.contains(section)) << doc << " lacks " << section;
      EXPECT_TRUE(body.contains(row.info.name)) << doc << " does not name " << row.info.name;
    }
    std::string fixtures = SourceDir + "/tests/fixtures/" + id;
    std::set<std::string> files = entries(fixtures, false);
    bool bad = false, good = false;
    for (const std::string &file : files) {
      bad |= llvm::StringRef(file).contains("_bad");
      good |= llvm::StringRef(file).contains("_ok");
    }
    EXPECT_TRUE(bad) << fixtures << " needs a *_bad fixture";
    EXPECT_TRUE(good) << fixtures << " needs a *_ok fixture";
  }
}

TEST(Catalogue, EveryDocPageAndFixtureFolderHasARule) {
  for (const std::string &page : entries(SourceDir + "/docs/rules", false)) {
    llvm::StringRef id = llvm::StringRef(page).drop_back(3);
    if (isRuleId(id)) {
      EXPECT_NE(findRule(id), nullptr) << "docs/rules/" << page << " documents no rule";
    }
  }
  for (const std::string &folder : entries(SourceDir + "/tests/fixtures", true))
    if (isRuleId(folder)) {
      EXPECT_NE(findRule(folder), nullptr) << "tests/fixtures/" << folder << " tests no rule";
    }
}

TEST(Catalogue, IdsAreUniqueAndOrdered) {
  const auto &rows = ruleCatalogue();
  for (size_t i = 1; i < rows.size(); ++i)
    EXPECT_LT(llvm::StringRef(rows[i - 1].info.id), llvm::StringRef(rows[i].info.id));
}

} // namespace
