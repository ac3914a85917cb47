// The capcycle executable: command line -> source files -> frontends -> facts -> rules ->
// findings -> report. Orchestration only; every stage lives in its own library.
#include "BindingFacts.h"
#include "CommandLine.h"
#include "PythonFrontend.h"
#include "SourceFiles.h"

#include "engine/RuleEngine.h"
#include "report/Report.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace capcycle;

namespace {

constexpr int ExitClean = 0, ExitFindings = 1, ExitError = 2;

int fail(const llvm::Twine &message) {
  llvm::errs() << "capcycle: error: " << message << "\n";
  return ExitError;
}

int fail(llvm::Error error) { return fail(llvm::toString(std::move(error))); }

bool useColor(const CommandLine &cli, bool terminal) {
  if (cli.color != CommandLine::Color::Auto)
    return cli.color == CommandLine::Color::Always;
  const char *noColor = std::getenv("NO_COLOR");
  return terminal && !(noColor && *noColor);
}

// Writes to -o FILE atomically, or to standard output.
llvm::Error emit(const CommandLine &cli, llvm::function_ref<void(llvm::raw_ostream &)> write) {
  if (cli.outputFile.empty()) {
    write(llvm::outs());
    llvm::outs().flush();
    return llvm::Error::success();
  }
  return writeFileAtomically(cli.outputFile, write);
}

llvm::Expected<FactSet> gatherFacts(const CommandLine &cli) {
  auto sources = collectSourceFiles(cli.paths);
  if (!sources)
    return sources.takeError();
  if (!cli.buildDir.empty() && !llvm::sys::fs::is_directory(cli.buildDir))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "build directory '%s' (-p) does not exist",
                                   cli.buildDir.c_str());
  unsigned jobs = cli.jobs ? cli.jobs : llvm::hardware_concurrency().compute_thread_count();
  FactSet facts = analyzePythonFiles(sources->python, {std::max(1u, jobs)});
  // Flags after `--` without -p mean "compile these sources with these flags" (clang-tidy's
  // convention): then directories are searched for C++ sources too.
  bool cppDirectories = cli.buildDir.empty() && !cli.clangArgs.empty();
  if (!sources->cpp.empty() || !cli.buildDir.empty() || cppDirectories) {
    CppInput cpp;
    cpp.buildDir = cli.buildDir;
    cpp.files = sources->cpp;
    cpp.extraArgs = cli.clangArgs;
    cpp.jobs = std::max(1u, jobs);
    for (const std::string &path : cli.paths)
      if (cppDirectories && llvm::sys::fs::is_directory(path))
        cpp.directories.push_back(path);
    if (cli.paths != std::vector<std::string>{"."})
      cpp.pathFilter = cli.paths;
    facts.append(collectBindingFacts(cpp));
  }
  return facts;
}

std::string currentDirectory() {
  llvm::SmallString<256> cwd;
  if (llvm::sys::fs::current_path(cwd))
    return ".";
  return std::string(cwd);
}

int runScan(const CommandLine &cli) {
  RuleSelection selection{cli.select, cli.ignore};
  std::string unknown = selection.unknownSelector();
  if (!unknown.empty())
    return fail("'" + unknown + "' names no rule (see capcycle rules)");
  std::vector<std::string> modelFiles =
      ApiModels::filesIn(cli.modelsDir.empty() ? CAPCYCLE_MODELS_DIR : cli.modelsDir);
  llvm::append_range(modelFiles, cli.modelFiles);
  auto models = ApiModels::load(modelFiles);
  if (!models)
    return fail(models.takeError());
  auto facts = gatherFacts(cli);
  if (!facts)
    return fail(facts.takeError());

  ReportInput report{runRules(*facts, *models, selection), std::move(facts->notifications),
                     currentDirectory(), CAPCYCLE_VERSION};
  writeTextNotifications(report, llvm::errs(),
                         {useColor(cli, llvm::sys::Process::StandardErrIsDisplayed())});
  bool colorOut = cli.outputFile.empty() && useColor(cli, llvm::sys::Process::StandardOutIsDisplayed());
  if (llvm::Error error = emit(cli, [&](llvm::raw_ostream &out) {
        switch (cli.format) {
        case OutputFormat::Text: return writeTextReport(report, out, {colorOut});
        case OutputFormat::Sarif: return writeSarifReport(report, out);
        case OutputFormat::Json: return writeJsonReport(report, out);
        }
      }))
    return fail(std::move(error));
  if (report.findings.empty() || cli.exitZero)
    return ExitClean;
  return ExitFindings;
}

int runFacts(const CommandLine &cli) {
  auto facts = gatherFacts(cli);
  if (!facts)
    return fail(facts.takeError());
  if (llvm::Error error = emit(cli, [&](llvm::raw_ostream &out) {
        out << llvm::formatv("{0:2}", toJSON(*facts)) << "\n";
      }))
    return fail(std::move(error));
  return ExitClean;
}

int runRules(const CommandLine &cli) {
  if (cli.format == OutputFormat::Json) {
    llvm::json::Array rows;
    for (const RuleEntry &row : ruleCatalogue())
      rows.push_back(llvm::json::Object{{"id", row.info.id},
                                        {"name", row.info.name},
                                        {"level", levelName(row.info.defaultLevel)},
                                        {"side", row.info.side},
                                        {"enabledByDefault", row.info.enabledByDefault},
                                        {"description", row.info.shortDescription}});
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(rows))) << "\n";
    return ExitClean;
  }
  for (const RuleEntry &row : ruleCatalogue())
    llvm::outs() << llvm::formatv("{0,-7} {1,-24} {2,-8} {3,-7} {4,-3}  {5}\n", row.info.id,
                                  row.info.name, levelName(row.info.defaultLevel), row.info.side,
                                  row.info.enabledByDefault ? "on" : "off",
                                  row.info.shortDescription);
  return ExitClean;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  std::vector<std::string> args(argv + 1, argv + argc);
  auto cli = parseCommandLine(args);
  if (!cli)
    return fail(cli.takeError());
  switch (cli->command) {
  case Command::Help: llvm::outs() << UsageText; return ExitClean;
  case Command::Version: llvm::outs() << "capcycle " << CAPCYCLE_VERSION << "\n"; return ExitClean;
  case Command::Rules: return runRules(*cli);
  case Command::Facts: return runFacts(*cli);
  case Command::Scan: return runScan(*cli);
  }
  return ExitError;
}
