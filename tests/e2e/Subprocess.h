// Runs the built capcycle (or the SARIF validator) the way a user's shell would, capturing
// exit status, standard output and standard error.
#pragma once

#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace capcycle::testing {

struct RunResult {
  int status = -1;
  std::string out;
  std::string err;
};

RunResult run(const std::string &program, const std::vector<std::string> &args);
RunResult runCapcycle(const std::vector<std::string> &args);

std::string readFile(const std::string &path);
llvm::json::Value parseJson(const std::string &text);

// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  const std::string &path() const { return dir; }
  std::string file(const std::string &name) const { return dir + "/" + name; }
  void write(const std::string &name, const std::string &content) const;

private:
  std::string dir;
};

// Errors and warnings the official SARIF validator reports for `sarifFile` (rule kinds
// Sarif and Gh: the spec plus GitHub code scanning's ingestion rules), one line each.
std::vector<std::string> sarifValidatorProblems(const std::string &sarifFile);

} // namespace capcycle::testing
