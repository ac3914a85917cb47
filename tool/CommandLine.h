// The command-line contract (DESIGN.md, "Command line"): parsed by hand so that every usage
// error is one line naming the problem, and exit status 2.
#pragma once

#include "engine/Finding.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace capcycle {

enum class Command { Scan, Facts, Models, Rules, Help, Version };
enum class OutputFormat { Text, Sarif, Json, Markdown }; // Markdown: `rules` only

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
  std::string configFile;              // --config; empty: search from the first PATH
  bool noConfig = false;               // --no-config: ignore every configuration file
  bool quiet = false;                  // --quiet: primary lines only, no warnings on stderr
  bool statistics = false;             // --statistics: counts per rule instead of findings
  bool warnUnusedIgnores = false;      // report ignore comments that silence nothing (CCY901)
  bool dropSuppressed = false;         // --drop-suppressed: leave them out of SARIF too
  std::string baselineFile;            // --baseline: report only findings not in this report
  std::optional<Level> failOn;         // --fail-on: lowest level that makes the exit status 1
  bool noCache = false;                // --no-cache: parse every file and unit, keep no facts
  std::string cacheDir;                // --cache-dir: the Python facts cache's directory
};

llvm::Expected<CommandLine> parseCommandLine(const std::vector<std::string> &args);

extern const char *const UsageText;

} // namespace capcycle
