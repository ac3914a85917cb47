#include "Subprocess.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <optional>

namespace capcycle::testing {

std::string readFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

llvm::json::Value parseJson(const std::string &text) {
  auto value = llvm::json::parse(text);
  if (!value) {
    ADD_FAILURE() << "not JSON: " << llvm::toString(value.takeError()) << "\n" << text.substr(0, 500);
    return nullptr;
  }
  return std::move(*value);
}

RunResult run(const std::string &program, const std::vector<std::string> &args) {
  TempDir temp;
  std::string outFile = temp.file("stdout"), errFile = temp.file("stderr");
  std::vector<llvm::StringRef> argv = {program};
  argv.insert(argv.end(), args.begin(), args.end());
  std::optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), llvm::StringRef(outFile),
                                                llvm::StringRef(errFile)};
  std::string message;
  RunResult result;
  result.status = llvm::sys::ExecuteAndWait(program, argv, std::nullopt, redirects, 0, 0, &message);
  if (result.status < 0)
    ADD_FAILURE() << "could not run " << program << ": " << message;
  result.out = readFile(outFile);
  result.err = readFile(errFile);
  return result;
}

RunResult runCapcycle(const std::vector<std::string> &args) { return run(CAPCYCLE_BINARY, args); }

TempDir::TempDir() {
  llvm::SmallString<128> path;
  if (llvm::sys::fs::createUniqueDirectory("capcycle-test", path))
    ADD_FAILURE() << "cannot create a temporary directory";
  dir = std::string(path);
}

TempDir::~TempDir() { llvm::sys::fs::remove_directories(dir); }

void TempDir::write(const std::string &name, const std::string &content) const {
  std::error_code ec;
  llvm::raw_fd_ostream out(file(name), ec);
  ASSERT_FALSE(ec) << ec.message();
  out << content;
}

std::vector<std::string> sarifValidatorProblems(const std::string &sarifFile) {
  TempDir temp;
  std::string report = temp.file("validation.sarif");
  // The validator exits 0 even when it finds errors: its own SARIF log is the verdict.
  RunResult result = run(CAPCYCLE_SARIF_MULTITOOL, {"validate", "--rule-kind", "Sarif;Gh",
                                                    sarifFile, "-o", report, "--log",
                                                    "ForceOverwrite"});
  std::vector<std::string> problems;
  llvm::json::Value log = parseJson(readFile(report));
  const llvm::json::Object *root = log.getAsObject();
  if (!root) {
    problems.push_back("validator wrote no log (exit " + std::to_string(result.status) +
                       "): " + result.out + result.err);
    return problems;
  }
  for (const llvm::json::Value &runValue : *root->getArray("runs")) {
    const llvm::json::Array *results = runValue.getAsObject()->getArray("results");
    for (const llvm::json::Value &r : results ? *results : llvm::json::Array()) {
      const llvm::json::Object &object = *r.getAsObject();
      std::string level = object.getString("level").value_or("warning").str();
      if (level != "error" && level != "warning")
        continue;
      std::string text;
      if (const llvm::json::Object *message = object.getObject("message"))
        for (const llvm::json::Value &arg :
             message->getArray("arguments") ? *message->getArray("arguments") : llvm::json::Array())
          text += " " + arg.getAsString().value_or("").str();
      problems.push_back(level + " " + object.getString("ruleId").value_or("?").str() + text);
    }
  }
  return problems;
}

} // namespace capcycle::testing
