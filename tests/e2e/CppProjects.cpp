#include "CppProjects.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <gtest/gtest.h>

namespace capcycle::testing {

std::string compileDatabase(const std::string &directory, const std::vector<std::string> &sources) {
  llvm::json::Array entries;
  for (const std::string &source : sources)
    entries.push_back(llvm::json::Object{
        {"directory", directory},
        {"file", source},
        {"arguments", llvm::json::Array{"c++", "-std=c++17", PythonInclude, "-c", source}}});
  return llvm::formatv("{0:2}", llvm::json::Value(std::move(entries))).str();
}

std::vector<std::string> findingsOf(const RunResult &result) {
  std::vector<std::string> found;
  llvm::json::Value report = parseJson(result.out);
  const llvm::json::Object *root = report.getAsObject();
  if (!root || !root->getArray("findings"))
    return ADD_FAILURE() << "no findings array: " << result.out, found;
  for (const llvm::json::Value &finding : *root->getArray("findings")) {
    const llvm::json::Object &object = *finding.getAsObject();
    const llvm::json::Object &location = *object.getObject("location");
    found.push_back(llvm::formatv("{0} {1}:{2}", *object.getString("ruleId"),
                                  *location.getString("file"), *location.getInteger("line")));
  }
  llvm::sort(found);
  return found;
}

} // namespace capcycle::testing
