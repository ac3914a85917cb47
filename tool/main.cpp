// The capcycle executable: command line -> source files -> frontends -> facts -> rules ->
// findings -> report. Orchestration only; every stage lives in its own library.
#include "BindingFacts.h"
#include "LoadedObjects.h"
#include "CommandLine.h"
#include "Configuration.h"
#include "PythonFrontend.h"
#include "SourceFiles.h"
#include "Suppressions.h"

#include "engine/ModelUsage.h"
#include "engine/RuleEngine.h"
#include "report/Baseline.h"
#include "report/Report.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <cstdlib>
#include <optional>
#include <tuple>

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

// Writes to -o FILE (replaced atomically, or written through: writeOutputFile), or to
// standard output.
llvm::Error emit(const CommandLine &cli, llvm::function_ref<void(llvm::raw_ostream &)> write) {
  if (cli.outputFile.empty()) {
    write(llvm::outs());
    llvm::outs().flush();
    return llvm::Error::success();
  }
  return writeOutputFile(cli.outputFile, write);
}

Notification errorAbout(std::string file, std::string message) {
  return {Notification::Level::Error, std::move(message), SourceLocation{std::move(file)}};
}

// The build directory whose compile database gives the C++ context: -p, else the
// configuration's compile-database. A missing -p directory is a usage error; a configured one
// may not exist yet (a fresh checkout, pre-commit before the first build), so that is reported
// and the scan goes on without it, as with a broken database.
llvm::Expected<std::string> buildDirectory(const CommandLine &cli, const Configuration &config,
                                           std::vector<Notification> &problems) {
  if (!cli.buildDir.empty()) {
    if (!llvm::sys::fs::is_directory(cli.buildDir))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "build directory '%s' (-p) does not exist",
                                     cli.buildDir.c_str());
    return cli.buildDir;
  }
  if (config.compileDatabase.empty() || llvm::sys::fs::is_directory(config.compileDatabase))
    return config.compileDatabase;
  problems.push_back(errorAbout(config.file, "compile-database '" + config.compileDatabase +
                                                 "' does not exist: the C++ side is not "
                                                 "analysed (build the project, or pass -p)"));
  return std::string();
}

// Every unit of the compile database is analysed, whatever the PATHs: the cross-language join
// needs the bindings' facts even when only a client is scanned (pre-commit passes only the
// staged files). What is reported is narrowed to the PATHs afterwards (keepReportedFiles).
// That costs a parse per unit only when the unit changed: facts are cached in the build
// directory unless --no-cache (clang-checks/FactsCache.h).
FactSet analyzeCpp(const CommandLine &cli, const std::vector<std::string> &files,
                   const std::string &buildDir, unsigned jobs) {
  // Flags after `--` without a database mean "compile these sources with these flags"
  // (clang-tidy's convention): then directories are searched for C++ sources too.
  bool cppDirectories = buildDir.empty() && !cli.clangArgs.empty();
  if (files.empty() && buildDir.empty() && !cppDirectories)
    return {};
  CppInput cpp;
  cpp.buildDir = buildDir;
  cpp.files = files;
  cpp.extraArgs = cli.clangArgs;
  cpp.jobs = jobs;
  cpp.useCache = !cli.noCache;
  for (const std::string &path : cli.paths)
    if (cppDirectories && llvm::sys::fs::is_directory(path))
      cpp.directories.push_back(path);
  return collectBindingFacts(cpp);
}

// The Python facts cache, where --cache-dir or $CAPCYCLE_CACHE_DIR names its directory; none
// with --no-cache. Not on by default yet: writing the entries costs a cold scan of the standard
// library about 1.7x its time without a cache, more than a warm scan saves (bench/README.md).
PythonFactsCache pythonFactsCache(const CommandLine &cli) {
  if (cli.noCache)
    return {};
  std::string root = cli.cacheDir;
  if (const char *variable = std::getenv("CAPCYCLE_CACHE_DIR"); root.empty() && variable)
    root = variable;
  if (root.empty())
    return {};
  // A rebuilt capcycle of the same version must extract again.
  std::string analyser = runningExecutable();
  llvm::sys::fs::file_status status;
  if (!analyser.empty() && !llvm::sys::fs::status(analyser, status))
    analyser += "\n" + std::to_string(status.getSize()) + "\n" +
                std::to_string(status.getLastModificationTime().time_since_epoch().count());
  return PythonFactsCache(root, analyser);
}

// `scanned` receives the files read directly (not those of a compile database).
llvm::Expected<FactSet> gatherFacts(const CommandLine &cli, const Configuration &config,
                                    std::vector<std::string> *scanned = nullptr) {
  auto sources = collectSourceFiles(cli.paths);
  if (!sources)
    return sources.takeError();
  // Excluded files are not even read, also when named (pre-commit names every staged file);
  // units of a compile database are filtered by their findings instead (runScan).
  for (auto *list : {&sources->python, &sources->cpp})
    llvm::erase_if(*list, [&](const std::string &path) { return config.isExcluded(path); });
  if (scanned) {
    *scanned = sources->python;
    llvm::append_range(*scanned, sources->cpp);
  }
  FactSet facts;
  auto buildDir = buildDirectory(cli, config, facts.notifications);
  if (!buildDir)
    return buildDir.takeError();
  unsigned jobs = cli.jobs ? cli.jobs : llvm::hardware_concurrency().compute_thread_count();
  jobs = std::max(1u, jobs);
  PythonFactsCache cache = pythonFactsCache(cli);
  PythonScanOptions python;
  python.jobs = jobs;
  python.cache = &cache;
  facts.append(analyzePythonFiles(sources->python, python));
  facts.append(analyzeCpp(cli, sources->cpp, *buildDir, jobs));
  return facts;
}

std::string currentDirectory() {
  llvm::SmallString<256> cwd;
  if (llvm::sys::fs::current_path(cwd))
    return ".";
  return std::string(cwd);
}

// --config FILE, or the nearest configuration above the first PATH, or none.
llvm::Expected<Configuration> projectConfiguration(const CommandLine &cli) {
  if (cli.noConfig)
    return Configuration{};
  std::string file = cli.configFile;
  if (file.empty()) {
    auto found = findConfigurationFile(cli.paths.front());
    if (!found)
      return found.takeError();
    if (!*found)
      return Configuration{};
    file = **found;
  }
  return loadConfiguration(file);
}

// Findings only in the files under the PATHs, like clang-tidy on the files it is given: the
// rest of a compile database (and the headers it includes) was read as context. No PATH (the
// default ".") keeps everything, also a database's sources outside the current directory.
// A finding without a file belongs to no PATH and is kept. Returns how many were left out.
size_t keepReportedFiles(std::vector<Finding> &findings, const std::vector<std::string> &paths) {
  if (paths == std::vector<std::string>{"."})
    return 0;
  std::vector<std::string> roots;
  for (const std::string &path : paths)
    roots.push_back(absoluteNormalized(path));
  size_t before = findings.size();
  llvm::erase_if(findings, [&](const Finding &finding) {
    if (finding.location.file.empty())
      return false;
    std::string file = absoluteNormalized(finding.location.file);
    return llvm::none_of(roots, [&](const std::string &root) { return isWithin(file, root); });
  });
  return before - findings.size();
}

// Said once, as clang-tidy says "Suppressed N warnings": nothing is dropped without a word.
std::optional<Notification> leftOutNote(size_t count) {
  if (count == 0)
    return std::nullopt;
  Notification note;
  note.level = Notification::Level::Note;
  note.message = std::to_string(count) + (count == 1 ? " finding" : " findings") +
                 " in files outside the PATHs (headers and other sources read as context) " +
                 (count == 1 ? "was" : "were") +
                 " left out; give a PATH that holds those files (or '.') to see them";
  return note;
}

// The stages after the rules: the PATHs' scope, inline suppressions (marking), unused ignores
// (CCY901), then the configuration's exclude and per-file-ignores (removing). The scope comes
// first, so the ignore comments of context files are never judged unused. Suppressions come
// before the configuration, so an ignore comment counts as used even when the configuration
// also turns its finding off.
size_t applyProjectPolicy(std::vector<Finding> &findings, const Configuration &config,
                          const RuleSelection &selection, bool warnUnusedIgnores,
                          const std::vector<std::string> &reportedPaths,
                          std::vector<std::string> scannedFiles) {
  size_t leftOut = keepReportedFiles(findings, reportedPaths);
  const RuleInfo *unusedIgnore = &findRule(UnusedIgnoreRuleId)->info;
  bool notIgnored = RuleSelection{{"ALL"}, selection.ignore}.isEnabled(*unusedIgnore);
  SuppressionOptions options;
  options.reportUnused =
      (warnUnusedIgnores && notIgnored) || selection.isEnabled(*unusedIgnore);
  options.scannedFiles = std::move(scannedFiles);
  auto ruleRan = [&](llvm::StringRef id) {
    const RuleEntry *rule = findRule(id);
    return rule && selection.isEnabled(rule->info);
  };
  options.ruleRan = ruleRan; // a function_ref: the lambda must outlive the call below
  applySuppressions(findings, options);
  llvm::erase_if(findings, [&](const Finding &finding) {
    if (config.isExcluded(finding.location.file))
      return true;
    std::vector<std::string> ignored = config.ignoredRulesFor(finding.location.file);
    const RuleEntry *rule = findRule(finding.ruleId);
    return !ignored.empty() && rule && RuleSelection{ignored, {}}.isEnabled(rule->info);
  });
  // CCY901 findings were appended: restore the engine's order.
  llvm::stable_sort(findings, [](const Finding &a, const Finding &b) {
    return std::tie(a.location.file, a.location.line, a.location.column, a.ruleId) <
           std::tie(b.location.file, b.location.line, b.location.column, b.ruleId);
  });
  return leftOut;
}

// The shipped models (or those of --models-dir), the configuration's, then --models.
// `userFiles` receives the files the user chose: a model of theirs that matches nothing is
// worth a warning, a shipped one for a library the project does not use is not.
llvm::Expected<ApiModels> loadProjectModels(const CommandLine &cli, const Configuration &config,
                                            std::vector<std::string> &userFiles) {
  std::vector<std::string> files;
  if (cli.modelsDir.empty())
    files = ApiModels::filesIn(CAPCYCLE_MODELS_DIR);
  else
    userFiles = ApiModels::filesIn(cli.modelsDir);
  llvm::append_range(userFiles, config.models);
  llvm::append_range(userFiles, cli.modelFiles);
  llvm::append_range(files, userFiles);
  llvm::Expected<ApiModels> models = ApiModels::load(files);
  if (models && !config.qtApi.empty()) {
    // qtpy's QT_API names (pyqt5, pyside2, ...) are the bindings' module names, lower-cased.
    static const std::map<std::string, std::string> modules = {
        {"pyqt5", "PyQt5"}, {"pyqt6", "PyQt6"}, {"pyside2", "PySide2"}, {"pyside6", "PySide6"}};
    if (!models->aliasLibrary("qtpy", modules.at(config.qtApi)))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     config.file + ": qt-api: no loaded model describes " +
                                         modules.at(config.qtApi));
  }
  return models;
}

// A model of the user's that declares connections but matched no call site probably misspells
// a type or a call name; without this it would pass silently.
std::vector<Notification> unmatchedModelWarnings(const std::vector<ModelUsage> &usage,
                                                 const std::vector<std::string> &userFiles) {
  std::vector<Notification> warnings;
  for (const ModelUsage &model : usage)
    if (model.declaresConnections && model.callSites == 0 &&
        llvm::is_contained(userFiles, model.file))
      warnings.push_back({Notification::Level::Warning,
                          "API model '" + model.id + "' matched no call site of the scan "
                          "(check its types, names and libraries)",
                          SourceLocation{model.file}});
  return warnings;
}

int runScan(const CommandLine &cli) {
  auto config = projectConfiguration(cli);
  if (!config)
    return fail(config.takeError());
  RuleSelection selection{cli.select.empty() ? config->select.value_or(std::vector<std::string>{})
                                             : cli.select,
                          cli.ignore.empty() ? config->ignore.value_or(std::vector<std::string>{})
                                             : cli.ignore};
  std::string unknown = selection.unknownSelector();
  if (!unknown.empty())
    return fail("'" + unknown + "' names no rule (see capcycle rules)");
  std::vector<std::string> userModelFiles;
  auto models = loadProjectModels(cli, *config, userModelFiles);
  if (!models)
    return fail(models.takeError());
  std::optional<Baseline> baseline;
  if (!cli.baselineFile.empty()) {
    auto loaded = loadBaseline(cli.baselineFile);
    if (!loaded)
      return fail(loaded.takeError());
    baseline = std::move(*loaded);
  }
  std::vector<std::string> scannedFiles;
  auto facts = gatherFacts(cli, *config, &scannedFiles);
  if (!facts)
    return fail(facts.takeError());

  if (!userModelFiles.empty())
    llvm::append_range(facts->notifications,
                       unmatchedModelWarnings(measureModelUsage(*facts, *models), userModelFiles));
  ReportInput report{runRules(*facts, *models, selection), std::move(facts->notifications),
                     currentDirectory(), CAPCYCLE_VERSION, /*fingerprints=*/{},
                     /*dropSuppressed=*/cli.dropSuppressed};
  size_t leftOut = applyProjectPolicy(
      report.findings, *config, selection,
      cli.warnUnusedIgnores || config->warnUnusedIgnores.value_or(false), cli.paths,
      std::move(scannedFiles));
  if (std::optional<Notification> note = leftOutNote(leftOut))
    report.notifications.push_back(std::move(*note));
  // Fingerprints over the whole list, before the baseline removes any: a finding keeps the
  // fingerprint it had in the baseline's report (Report.h, ReportInput::fingerprints).
  report.fingerprints = findingFingerprints(report.findings, report.sourceRoot);
  if (baseline) {
    std::vector<Finding> kept;
    std::vector<std::string> keptFingerprints;
    for (size_t i = 0; i < report.findings.size(); ++i)
      if (!baseline->fingerprints.contains(report.fingerprints[i])) {
        kept.push_back(std::move(report.findings[i]));
        keptFingerprints.push_back(std::move(report.fingerprints[i]));
      }
    report.findings = std::move(kept);
    report.fingerprints = std::move(keptFingerprints);
  }

  // --quiet keeps errors on stderr (a unit that could not be read at all) but not warnings.
  ReportInput stderrReport;
  for (const Notification &notification : report.notifications)
    if (!cli.quiet || notification.level == Notification::Level::Error)
      stderrReport.notifications.push_back(notification);
  writeTextNotifications(stderrReport, llvm::errs(),
                         {useColor(cli, llvm::sys::Process::StandardErrIsDisplayed())});
  bool colorOut = cli.outputFile.empty() && useColor(cli, llvm::sys::Process::StandardOutIsDisplayed());
  if (llvm::Error error = emit(cli, [&](llvm::raw_ostream &out) {
        switch (cli.format) {
        case OutputFormat::Text:
          if (cli.statistics)
            return writeStatistics(report, out);
          return writeTextReport(report, out, {colorOut, /*notes=*/!cli.quiet});
        case OutputFormat::Sarif: return writeSarifReport(report, out);
        case OutputFormat::Json: return writeJsonReport(report, out);
        case OutputFormat::Markdown: return; // `rules` only; the parser refuses it for scan
        }
      }))
    return fail(std::move(error));
  Level failOn = cli.failOn.value_or(config->failOn.value_or(Level::Note));
  bool failing = llvm::any_of(report.findings, [&](const Finding &finding) {
    return !finding.suppressed && finding.level >= failOn;
  });
  if (!failing || cli.exitZero)
    return ExitClean;
  return ExitFindings;
}

int runFacts(const CommandLine &cli) {
  // The configuration's exclude and compile-database apply, as for scan.
  auto config = projectConfiguration(cli);
  if (!config)
    return fail(config.takeError());
  auto facts = gatherFacts(cli, *config);
  if (!facts)
    return fail(facts.takeError());
  if (llvm::Error error = emit(cli, [&](llvm::raw_ostream &out) {
        out << llvm::formatv("{0:2}", toJSON(*facts)) << "\n";
      }))
    return fail(std::move(error));
  return ExitClean;
}

// `capcycle models`: which libraries capcycle recognised in the code, and how much.
int runModels(const CommandLine &cli) {
  auto config = projectConfiguration(cli);
  if (!config)
    return fail(config.takeError());
  std::vector<std::string> userModelFiles;
  auto models = loadProjectModels(cli, *config, userModelFiles);
  if (!models)
    return fail(models.takeError());
  auto facts = gatherFacts(cli, *config);
  if (!facts)
    return fail(facts.takeError());
  std::vector<ModelUsage> usage = measureModelUsage(*facts, *models);
  ReportInput problems;
  problems.notifications = std::move(facts->notifications);
  llvm::append_range(problems.notifications, unmatchedModelWarnings(usage, userModelFiles));
  writeTextNotifications(problems, llvm::errs(),
                         {useColor(cli, llvm::sys::Process::StandardErrIsDisplayed())});
  if (llvm::Error error = emit(cli, [&](llvm::raw_ostream &out) {
        if (cli.format == OutputFormat::Json) {
          llvm::json::Array rows;
          for (const ModelUsage &model : usage)
            rows.push_back(llvm::json::Object{{"id", model.id},
                                              {"name", model.name},
                                              {"file", model.file},
                                              {"callSites", model.callSites},
                                              {"cycles", model.cycles}});
          out << llvm::formatv("{0:2}", llvm::json::Value(std::move(rows))) << "\n";
          return;
        }
        out << llvm::formatv("{0,-24} {1,10}  {2,6}  {3}\n", "MODEL", "CALL SITES", "CYCLES",
                             "FILE");
        for (const ModelUsage &model : usage)
          out << llvm::formatv("{0,-24} {1,10}  {2,6}  {3}\n", model.id, model.callSites,
                               model.cycles,
                               model.file.empty() ? "(derived from the scanned sources)"
                                                  : model.file);
      }))
    return fail(std::move(error));
  return ExitClean;
}

int runRules(const CommandLine &cli) {
  if (cli.format == OutputFormat::Markdown) {
    writeRulesMarkdown(llvm::outs());
    return ExitClean;
  }
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
  case Command::Models: return runModels(*cli);
  case Command::Scan: return runScan(*cli);
  }
  return ExitError;
}
