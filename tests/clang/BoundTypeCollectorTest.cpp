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
      // py::enum_ (line 45): no fact.
  };
  // 35: void bindOutsideModule(py::module_ &m) { py::class_<speech::Engine>(m, "Engine"); }
  //     ^ py::class_ at column 42, its `)` at column 80: no module body hands it a module.
  BoundType engine = bound("speech::Engine", "Engine", "", {file, 35, 42, 35, 81});
  engine.bindingFunction = "bindOutsideModule";
  expected.insert(expected.begin(), engine);
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

BoundType boundIn(std::string cppType, std::string pythonName, std::string module,
                  SourceLocation at, std::string bindingFunction) {
  BoundType type = bound(std::move(cppType), std::move(pythonName), std::move(module), at);
  type.bindingFunction = std::move(bindingFunction);
  return type;
}

// The module body (split_module.cpp) hands its module and a submodule to binding functions
// defined in another unit (split_devices.cpp), which hand them on: each class gets the module
// the chain of calls gives it, once both units are linked.
TEST(BoundTypeCollector, BindingFunctionsGetTheModuleTheirCallersHandThem) {
  std::string module = fixture("split_module.cpp"), devices = fixture("split_devices.cpp");
  FactSet facts = collectBindingFacts(givenFiles({module, devices}));

  EXPECT_TRUE(facts.notifications.empty()) << facts.notifications.front().message;
  // The lambda of split_devices.cpp:21 (`[](py::module_ &out) {...}`) is named by its place.
  std::string lambda = "lambda at " + devices + ":21:22";
  std::vector<BoundType> expected{
      // 10: void bind_signals(py::module_ &m) { py::class_<studio::Mixer>(m, "Mixer"); }
      //     called as `bind_signals(m)` in PYBIND11_MODULE(studio, m)
      boundIn("studio::Mixer", "Mixer", "studio", {module, 10, 37, 10, 74}, "bind_signals"),
      // 14: ... bind_files(py::module_ files) { py::class_<studio::Recorder>(files, ...) }
      //     (the module by value)
      //     reached by bind_devices(io) with io = m.def_submodule("io"), then
      //     bind_files(m.def_submodule("files"))
      boundIn("studio::Recorder", "Recorder", "studio.io.files", {devices, 14, 45, 14, 92},
              "bind_files"),
      // 16: void bind_unused(py::module_ &m) {...}: nothing calls it, the module stays unknown
      boundIn("studio::Unused", "Unused", "", {devices, 16, 36, 16, 75}, "bind_unused"),
      // 19:   py::class_<studio::Microphone>(m, "Microphone");   in bind_devices
      boundIn("studio::Microphone", "Microphone", "studio.io", {devices, 19, 3, 19, 50},
              "bind_devices"),
      // 21: auto bind_output = [](py::module_ &out) { py::class_<studio::Speaker>(out, ...) };
      //     called as bind_output(m) in bind_devices
      boundIn("studio::Speaker", "Speaker", "studio.io", {devices, 21, 45, 21, 88}, lambda),
  };
  EXPECT_EQ(facts.boundTypes, expected);

  std::vector<ModuleHandOff> handOffs{
      // 13:   bind_signals(m);   15:   bind_devices(io);   (py::print(m) is pybind11's own)
      {"pybind11_init_studio", "bind_signals", "", {module, 13, 3, 13, 18}},
      {"pybind11_init_studio", "bind_devices", "io", {module, 15, 3, 15, 19}},
      // 22:   bind_output(m);   20:   bind_files(m.def_submodule("files"));
      // (in the order the AST matchers meet them)
      {"bind_devices", lambda, "", {devices, 22, 3, 22, 17}},
      {"bind_devices", "bind_files", "files", {devices, 20, 3, 20, 39}},
  };
  EXPECT_EQ(facts.moduleHandOffs, handOffs);
}

} // namespace
} // namespace capcycle
