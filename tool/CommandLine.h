// The command-line contract (DESIGN.md, "Command line"): parsed by hand so that every usage
// error is one line naming the problem, and exit status 2.
#pragma once

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace capcycle {

enum class Command { Scan, Facts, Rules, Help, Version };
enum class OutputFormat { Text, Sarif, Json };

struct CommandLine {
  Command command = Command::Help;
  std::vector<std::string> paths;      // files or directories; "." when none given
  std::string buildDir;                // -p: directory holding compile_commands.json
  std::vector<std::string> clangArgs;  // everything after `--`
  OutputFormat format = OutputFormat::Text;
  std::string outputFile;              // -o; empty means stdout
  std::vector<std::string> select;
  std::vector<std::string> ignore;
  bool exitZero = false;
  unsigned jobs = 0;                   // 0: one per core
  std::vector<std::string> modelFiles; // --models: extra API model files
  std::string modelsDir;               // --models-dir: replaces the shipped models
  enum class Color { Auto, Always, Never } color = Color::Auto;
};

llvm::Expected<CommandLine> parseCommandLine(const std::vector<std::string> &args);

extern const char *const UsageText;

} // namespace capcycle
