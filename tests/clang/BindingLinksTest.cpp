// linkBindingFacts on hand-made facts: the modules that ModuleHandOff facts give classes bound
// in binding functions.
#include "BindingLinks.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace capcycle {
namespace {

BoundType boundIn(const std::string &function, const std::string &name) {
  BoundType type{"cpp::" + name, name, "", {"bind.cpp", 1, 1, 1, 2}};
  type.bindingFunction = function;
  return type;
}

ModuleHandOff handOff(const std::string &caller, const std::string &callee,
                      const std::string &submodule = "") {
  return {caller, callee, submodule, {"bind.cpp", 1, 1, 1, 2}};
}

std::vector<std::string> modulesOf(const FactSet &facts, const std::string &name) {
  std::vector<std::string> modules;
  for (const BoundType &type : facts.boundTypes)
    if (type.pythonName == name)
      modules.push_back(type.module);
  return modules;
}

// bind_a and bind_b call each other; the module body calls bind_a. Both receive `studio`.
TEST(BindingLinks, MutuallyRecursiveBindingFunctionsReceiveTheModule) {
  FactSet facts;
  facts.boundTypes = {boundIn("bind_a", "A"), boundIn("bind_b", "B")};
  facts.moduleHandOffs = {handOff("pybind11_init_studio", "bind_a"), handOff("bind_a", "bind_b"),
                          handOff("bind_b", "bind_a")};
  linkBindingFacts(facts);
  EXPECT_EQ(modulesOf(facts, "A"), std::vector<std::string>{"studio"});
  EXPECT_EQ(modulesOf(facts, "B"), std::vector<std::string>{"studio"});
}

// One binding function called by two module bodies, once with a submodule: one BoundType per
// module it is bound in.
TEST(BindingLinks, AFunctionCalledFromTwoModulesBindsItsClassInBoth) {
  FactSet facts;
  facts.boundTypes = {boundIn("bind_common", "Clock")};
  facts.moduleHandOffs = {handOff("pybind11_init_audio", "bind_common"),
                          handOff("pybind11_init_video", "bind_common", "time")};
  linkBindingFacts(facts);
  EXPECT_EQ(modulesOf(facts, "Clock"), (std::vector<std::string>{"audio", "video.time"}));
}

// Forty levels of two functions, each called by both functions of the level above: followed
// caller by caller this has 2^40 paths; each function is worked out once.
TEST(BindingLinks, ManyCallersOfManyCallersStayLinear) {
  FactSet facts;
  std::vector<std::string> above{"pybind11_init_deep"};
  for (int level = 0; level < 40; ++level) {
    std::vector<std::string> here{"left" + std::to_string(level), "right" + std::to_string(level)};
    for (const std::string &caller : above)
      for (const std::string &callee : here)
        facts.moduleHandOffs.push_back(handOff(caller, callee));
    above = here;
  }
  facts.boundTypes = {boundIn("left39", "Leaf")};
  linkBindingFacts(facts);
  EXPECT_EQ(modulesOf(facts, "Leaf"), std::vector<std::string>{"deep"});
}

} // namespace
} // namespace capcycle
