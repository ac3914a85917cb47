// BoundTypeCollector on real pybind11 code: exactly these facts, at these ranges (the fixture
// lines are quoted next to each expectation).
#include "ClangChecksTestSupport.h"

#include <gtest/gtest.h>

namespace capcycle {
namespace {

using test::fixture;
using test::givenFiles;

BoundType bound(std::string cppType, std::string pythonName, std::string module,
                SourceLocation at) {
  return BoundType{std::move(cppType), std::move(pythonName), std::move(module), std::move(at)};
}

TEST(BoundTypeCollector, TemporaryWithHolderAndBaseAndNamedVariable) {
  std::string file = fixture("speech_bindings.cpp");
  FactSet facts = collectBindingFacts(givenFiles({file}));

  EXPECT_TRUE(facts.notifications.empty()) << facts.notifications.front().message;
  std::vector<BoundType> expected{
      // 40:   py::class_<speech::Transcriber, ...>(m, "Transcriber", py::dynamic_attr())
      //       ^ column 3; the line ends with the expression's `)` at column 125
      bound("speech::Transcriber", "Transcriber", "speechcore", {file, 40, 3, 40, 126}),
      // 43:   py::class_<speech::RecognizerAlias> recognizer(m, "Recognizer");
      //       ^ column 3: the whole declaration, up to the `;` at column 66. The alias resolves.
      bound("speech::Recognizer", "Recognizer", "speechcore", {file, 43, 3, 43, 66}),
      // bindOutsideModule_FN (line 35) and py::enum_ (line 45): no fact.
  };
  EXPECT_EQ(facts.boundTypes, expected);
}

TEST(BoundTypeCollector, ClassInsideUserMacroPointsAtTheMacroCall) {
  std::string file = fixture("macro_bindings.cpp");
  FactSet facts = collectBindingFacts(givenFiles({file}));

  EXPECT_TRUE(facts.notifications.empty()) << facts.notifications.front().message;
  std::vector<BoundType> expected{
      // 15:   BIND_CLASS(geometry::Point, "Point");   the macro call: column 3 up to the `;` at 39
      bound("geometry::Point", "Point", "geometry", {file, 15, 3, 15, 39}),
      // 16:   py::class_<geometry::Line>(m, "Line").def(py::init<>());
      //       ^ column 3: only the py::class_ part, up to `.def` at column 40
      bound("geometry::Line", "Line", "geometry", {file, 16, 3, 16, 40}),
  };
  EXPECT_EQ(facts.boundTypes, expected);
}

} // namespace
} // namespace capcycle
