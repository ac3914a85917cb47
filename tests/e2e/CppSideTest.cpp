// The C++ side through the binary: `capcycle facts` on real pybind11 code, and broken C++
// input that is reported while the rest of the scan goes on.
#include "Subprocess.h"

#include <gtest/gtest.h>

using namespace capcycle::testing;

namespace {

const std::string PythonInclude = std::string("-I") + CAPCYCLE_TEST_PYTHON_INCLUDE;

TEST(CppSide, FactsListsPybind11BoundTypes) {
  RunResult result = runCapcycle(
      {"facts", "tests/clang/fixtures/second_module.cpp", "--", PythonInclude, "-std=c++17"});
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.err, "");
  llvm::json::Value facts = parseJson(result.out);
  ASSERT_NE(facts.getAsObject(), nullptr);
  const llvm::json::Array *types = facts.getAsObject()->getArray("boundTypes");
  ASSERT_TRUE(types && types->size() == 1);
  const llvm::json::Object &type = *(*types)[0].getAsObject();
  EXPECT_EQ(type.getString("cppType"), "audio::Microphone");
  EXPECT_EQ(type.getString("pythonName"), "Microphone");
  EXPECT_EQ(type.getString("module"), "audiocore");
  // line 11: `  py::class_<audio::Microphone>(m, "Microphone");`
  const llvm::json::Object &location = *type.getObject("location");
  EXPECT_EQ(location.getString("file"), "tests/clang/fixtures/second_module.cpp");
  EXPECT_EQ(location.getInteger("line"), 11);
  EXPECT_EQ(location.getInteger("column"), 3);
}

TEST(CppSide, BrokenTranslationUnitIsAnErrorLineAndTheScanGoesOn) {
  RunResult result =
      runCapcycle({"scan", "examples/transcriber", "tests/clang/fixtures/syntax_error.cpp", "--",
                   PythonInclude, "-std=c++17"});
  EXPECT_EQ(result.status, 1) << "the Python finding must still be reported: " << result.err;
  EXPECT_NE(result.out.find("[CCY001]"), std::string::npos);
  EXPECT_EQ(result.err, "capcycle: error: tests/clang/fixtures/syntax_error.cpp:10:19: "
                        "expected expression\n");
}

TEST(CppSide, CompileDatabaseProblems) {
  RunResult missingDir = runCapcycle({"scan", "examples", "-p", "no/such/build"});
  EXPECT_EQ(missingDir.status, 2);
  EXPECT_NE(missingDir.err.find("no/such/build"), std::string::npos);

  TempDir build;
  build.write("compile_commands.json", "[ {\"directory\": ");
  RunResult broken = runCapcycle({"scan", "examples", "-p", build.path()});
  EXPECT_EQ(broken.status, 1) << "a broken database must not hide Python findings";
  EXPECT_NE(broken.err.find("compile_commands.json"), std::string::npos) << broken.err;
  EXPECT_EQ(broken.err.rfind("capcycle: error: ", 0), 0u) << broken.err;
}

} // namespace
