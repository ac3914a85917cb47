// .capcycle.yaml and [tool.capcycle] in pyproject.toml: the same keys mean the same in both,
// discovery walks up from the scanned path, and every mistake names file, line and key.
#include "Configuration.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace capcycle;

namespace {

class ConfigurationTest : public ::testing::Test {
protected:
  std::string dir;
  void SetUp() override {
    llvm::SmallString<128> path;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("capcycle-config", path));
    llvm::SmallString<128> real;
    llvm::sys::fs::real_path(path, real);
    dir = std::string(real);
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  std::string write(const std::string &name, const std::string &text) {
    std::string file = dir + "/" + name;
    llvm::sys::fs::create_directories(llvm::StringRef(file).rsplit('/').first);
    std::error_code ec;
    llvm::raw_fd_ostream out(file, ec);
    out << text;
    return file;
  }

  // The one-line error of loading `file`, or "" when it loads.
  static std::string errorOf(const std::string &file) {
    auto config = loadConfiguration(file);
    return config ? "" : llvm::toString(config.takeError());
  }
};

TEST_F(ConfigurationTest, YamlKeys) {
  std::string file = write(".capcycle.yaml", "select: [CCY1, ccy001]\n"
                                             "ignore:\n  - CCY103\n"
                                             "exclude: ['vendor', '*_pb2.py', 'gen/*']\n"
                                             "per-file-ignores:\n  'tests/*': [CCY101]\n"
                                             "models: [models/ours.yaml]\n"
                                             "fail-on: warning\n"
                                             "warn-unused-ignores: true\n"
                                             "compile-database: build\n");
  auto config = loadConfiguration(file);
  ASSERT_TRUE(!!config) << llvm::toString(config.takeError());
  EXPECT_EQ(config->select, (std::vector<std::string>{"CCY1", "CCY001"}));
  EXPECT_EQ(config->ignore, (std::vector<std::string>{"CCY103"}));
  EXPECT_EQ(config->models, (std::vector<std::string>{dir + "/models/ours.yaml"}));
  EXPECT_EQ(config->failOn, Level::Warning);
  EXPECT_EQ(config->warnUnusedIgnores, true);
  EXPECT_EQ(config->compileDatabase, dir + "/build") << "relative to the file, not the cwd";
  EXPECT_TRUE(config->isExcluded(dir + "/vendor/lib/a.py"));
  EXPECT_TRUE(config->isExcluded(dir + "/src/x_pb2.py"));
  EXPECT_TRUE(config->isExcluded(dir + "/gen/deep/b.py"));
  EXPECT_FALSE(config->isExcluded(dir + "/src/vendored.py"));
  EXPECT_FALSE(config->isExcluded(dir + "/src/gen/c.py")) << "'gen/*' is anchored at the root";
  EXPECT_FALSE(config->isExcluded("/elsewhere/vendor/a.py")) << "outside the project";
  EXPECT_EQ(config->ignoredRulesFor(dir + "/tests/unit/t.py"),
            (std::vector<std::string>{"CCY101"}));
  EXPECT_TRUE(config->ignoredRulesFor(dir + "/src/t.py").empty());
}

TEST_F(ConfigurationTest, PyprojectMeansTheSame) {
  std::string file = write("pyproject.toml", "[project]\nname = 'x'\n\n"
                                             "[tool.capcycle]\n"
                                             "select = ['ALL']\n"
                                             "exclude = ['vendor']\n"
                                             "fail-on = 'error'\n"
                                             "compile-database = './out/../cmake-build'\n"
                                             "[tool.capcycle.per-file-ignores]\n"
                                             "'tests/*' = ['CCY1']\n");
  auto config = loadConfiguration(file);
  ASSERT_TRUE(!!config) << llvm::toString(config.takeError());
  EXPECT_EQ(config->select, (std::vector<std::string>{"ALL"}));
  EXPECT_FALSE(config->ignore.has_value());
  EXPECT_EQ(config->failOn, Level::Error);
  EXPECT_EQ(config->compileDatabase, dir + "/cmake-build");
  EXPECT_TRUE(config->isExcluded(dir + "/vendor/a.py"));
  EXPECT_EQ(config->ignoredRulesFor(dir + "/tests/a.py"), (std::vector<std::string>{"CCY1"}));
}

TEST_F(ConfigurationTest, MistakesNameFileLineAndKey) {
  std::string yaml = dir + "/.capcycle.yaml";
  write(".capcycle.yaml", "select: [CCY101]\nexlude: [vendor]\n");
  EXPECT_EQ(errorOf(yaml), yaml + ":2: unknown key 'exlude' (expected select, ignore, exclude, "
                                  "per-file-ignores, models, fail-on, warn-unused-ignores, "
                                  "compile-database or qt-api)");
  write(".capcycle.yaml", "\nselect: CCY101\n");
  EXPECT_EQ(errorOf(yaml), yaml + ":2: 'select' must be a list of strings");
  write(".capcycle.yaml", "ignore:\n  - CCY101\n  - CCY999\n");
  EXPECT_EQ(errorOf(yaml), yaml + ":3: 'CCY999' in 'ignore' names no rule (see capcycle rules)");
  write(".capcycle.yaml", "fail-on: sometimes\n");
  EXPECT_EQ(errorOf(yaml), yaml + ":1: 'fail-on' must be note, warning or error");
  write(".capcycle.yaml", "warn-unused-ignores: 'yes'\n");
  EXPECT_EQ(errorOf(yaml), yaml + ":1: 'warn-unused-ignores' must be true or false");
  write(".capcycle.yaml", "\ncompile-database: [build]\n");
  EXPECT_EQ(errorOf(yaml), yaml + ":2: 'compile-database' must name a directory");
  write(".capcycle.yaml", "compile-database: ''\n");
  EXPECT_EQ(errorOf(yaml), yaml + ":1: 'compile-database' must name a directory");
  write(".capcycle.yaml", "per-file-ignores: [a]\n");
  EXPECT_EQ(errorOf(yaml), yaml + ":1: 'per-file-ignores' must map globs to lists of rule ids");
  write(".capcycle.yaml", "select: [CCY101\n");
  EXPECT_TRUE(llvm::StringRef(errorOf(yaml)).starts_with(yaml + ":2: ")) << errorOf(yaml);

  std::string toml = dir + "/pyproject.toml";
  write("pyproject.toml", "[tool.capcycle]\nselect = ['CCY101']\n\nexclude = 'vendor'\n");
  EXPECT_EQ(errorOf(toml), toml + ":4: 'exclude' must be a list of strings");
  write("pyproject.toml", "[tool.capcycle]\nfrobnicate = 1\n");
  EXPECT_TRUE(llvm::StringRef(errorOf(toml)).starts_with(toml + ":2: unknown key 'frobnicate'"))
      << errorOf(toml);
  write("pyproject.toml", "[tool.capcycle]\nselect = [\n");
  EXPECT_TRUE(llvm::StringRef(errorOf(toml)).starts_with(toml + ":")) << errorOf(toml);

  EXPECT_EQ(errorOf(dir + "/missing.yaml"),
            "cannot read configuration '" + dir + "/missing.yaml': No such file or directory");
}

TEST_F(ConfigurationTest, DiscoveryWalksUpAndSkipsForeignPyprojects) {
  write("project/.capcycle.yaml", "select: [CCY101]\n");
  write("project/pkg/pyproject.toml", "[tool.black]\nline-length = 100\n");
  write("project/pkg/sub/a.py", "x = 1\n");
  auto found = findConfigurationFile(dir + "/project/pkg/sub/a.py");
  ASSERT_TRUE(!!found) << llvm::toString(found.takeError());
  EXPECT_EQ(*found, std::optional<std::string>(dir + "/project/.capcycle.yaml"));

  write("project/pkg/pyproject.toml", "[tool.capcycle]\nselect = ['CCY1']\n");
  found = findConfigurationFile(dir + "/project/pkg/sub");
  ASSERT_TRUE(!!found);
  EXPECT_EQ(*found, std::optional<std::string>(dir + "/project/pkg/pyproject.toml"));

  write("project/pkg/pyproject.toml", "[tool.capcycle\n");
  found = findConfigurationFile(dir + "/project/pkg/sub");
  ASSERT_FALSE(!!found);
  EXPECT_TRUE(llvm::StringRef(llvm::toString(found.takeError()))
                  .starts_with(dir + "/project/pkg/pyproject.toml:1: "));
}

} // namespace
