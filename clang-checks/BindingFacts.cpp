#include "BindingFacts.h"

#include "BindingLinks.h"
#include "BodySkippingAction.h"
#include "BoundMemberCollector.h"
#include "BoundTypeCollector.h"
#include "CPythonTypeCollector.h"
#include "CallableStoreCollector.h"
#include "CustomTypeSetupCollector.h"
#include "MemberStoreCollector.h"
#include "ModuleHandOffCollector.h"
#include "FactLocation.h"
#include "FactsCache.h"
#include "FirstErrorRecorder.h"
#include "NativeReleaseCollector.h"
#include "PythonReferenceCollector.h"
#include "UnknownFlags.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/FileManager.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <memory>
#include <set>

namespace capcycle {

namespace {
using clang::tooling::CompilationDatabase;
using clang::tooling::CompileCommand;

// One compiler run: the command, and how facts name its files.
struct TranslationUnitJob {
  CompileCommand command;
  TranslationUnitPaths paths;
};

// What analysing one unit gave: its facts, and the files a cache entry of them must watch
// (empty when the result is not to be cached).
struct UnitAnalysis {
  FactSet facts;
  std::vector<std::string> inputs;
};

// `base/../src/a.cpp` as `/project/src/a.cpp`. Removing `a/..` by text is wrong when `a` is a
// symbolic link (its `..` is the link target's parent), so that is kept only when it names the
// same file; otherwise the path keeps its `..`, which the file system resolves correctly.
std::string absolutePath(llvm::StringRef path, llvm::StringRef base) {
  llvm::SmallString<256> absolute(path);
  if (!llvm::sys::path::is_absolute(absolute))
    llvm::sys::fs::make_absolute(base, absolute);
  llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/false);
  llvm::SmallString<256> textual(absolute);
  llvm::sys::path::remove_dots(textual, /*remove_dot_dot=*/true);
  if (textual == absolute)
    return std::string(absolute);
  bool same = false;
  if (!llvm::sys::fs::exists(absolute) ||
      (!llvm::sys::fs::equivalent(textual, absolute, same) && same))
    return std::string(textual);
  return std::string(absolute);
}

std::string currentDirectory() {
  llvm::SmallString<256> directory;
  if (llvm::sys::fs::current_path(directory))
    return ".";
  return std::string(directory);
}

Notification errorAbout(std::string file, std::string message) {
  return {Notification::Level::Error, std::move(message), SourceLocation{std::move(file)}};
}

std::unique_ptr<CompilationDatabase>
loadCompilationDatabase(llvm::StringRef buildDir, std::vector<Notification> &notifications) {
  if (buildDir.empty())
    return nullptr;
  llvm::SmallString<256> databasePath(absolutePath(buildDir, currentDirectory()));
  llvm::sys::path::append(databasePath, "compile_commands.json");
  if (!llvm::sys::fs::exists(databasePath)) {
    notifications.push_back(errorAbout(
        std::string(databasePath), "no compilation database here (is this the build directory?)"));
    return nullptr;
  }
  // LLVM's reader parses with its YAML scanner, which prints syntax errors to stderr; a JSON
  // check first turns them into a notification with the position.
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> text =
      llvm::MemoryBuffer::getFile(databasePath);
  if (!text) {
    notifications.push_back(
        errorAbout(std::string(databasePath), "cannot read: " + text.getError().message()));
    return nullptr;
  }
  if (llvm::Expected<llvm::json::Value> parsed = llvm::json::parse((*text)->getBuffer()); !parsed) {
    notifications.push_back(
        errorAbout(std::string(databasePath), "cannot read compilation database: invalid JSON " +
                                                  llvm::toString(parsed.takeError())));
    return nullptr;
  }
  std::string problem;
  std::unique_ptr<CompilationDatabase> database =
      clang::tooling::JSONCompilationDatabase::loadFromFile(
          databasePath, problem, clang::tooling::JSONCommandLineSyntax::AutoDetect);
  if (!database) {
    notifications.push_back(
        errorAbout(std::string(databasePath), "cannot read compilation database: " + problem));
    return nullptr;
  }
  // What clang-tidy's database loader also does: expand @response files (long CMake/Ninja
  // commands), and take --target/--driver-mode from compiler names like x86_64-linux-gnu-g++.
  database =
      clang::tooling::expandResponseFiles(std::move(database), llvm::vfs::getRealFileSystem());
  return clang::tooling::inferTargetAndDriverMode(std::move(database));
}

// Every command of the database. Facts name these files absolutely: a database "file" may be
// relative to its "directory", which means nothing to the user.
void planDatabaseUnits(const CompilationDatabase &database,
                       std::vector<TranslationUnitJob> &jobs) {
  for (CompileCommand &command : database.getAllCompileCommands()) {
    std::string file = absolutePath(command.Filename, command.Directory);
    TranslationUnitPaths paths{file, command.Directory};
    jobs.push_back({std::move(command), std::move(paths)});
  }
}

// A file given directly keeps the name the user gave it.
void planGivenFile(const std::string &file, const CompilationDatabase *database,
                   const std::vector<std::string> &extraArgs,
                   std::vector<TranslationUnitJob> &jobs) {
  std::string directory = currentDirectory();
  std::vector<CompileCommand> commands;
  if (database)
    commands = database->getCompileCommands(absolutePath(file, directory));
  if (commands.empty()) {
    // A C extension module is C: `clang`, and the C++ dialect flags of `--` (given for the C++
    // files of the same scan) left out, as a build would compile each with its own flags.
    bool isC = llvm::sys::path::extension(file) == ".c";
    std::vector<std::string> commandLine{isC ? "clang" : "clang++"};
    for (const std::string &arg : extraArgs)
      if (!isC || !(llvm::StringRef(arg).starts_with("-std=c++") ||
                    llvm::StringRef(arg).starts_with("-std=gnu++")))
        commandLine.push_back(arg);
    commandLine.push_back(file);
    commands.emplace_back(directory, file, std::move(commandLine), "");
  }
  for (CompileCommand &command : commands) {
    TranslationUnitPaths paths{file, command.Directory};
    jobs.push_back({std::move(command), std::move(paths)});
  }
}

bool isCppSource(llvm::StringRef path) {
  llvm::StringRef extension = llvm::sys::path::extension(path);
  return extension == ".cpp" || extension == ".cc" || extension == ".cxx" || extension == ".c++" ||
         extension == ".C" || extension == ".c";
}

// Hidden folders (.git, .venv) and node_modules hold no translation units of the project.
bool isSkippedDirectory(llvm::StringRef name) {
  return name.starts_with(".") || name == "node_modules" || name == "__pycache__";
}

std::vector<std::string> cppSourcesUnder(const std::vector<std::string> &directories) {
  std::vector<std::string> sources;
  for (const std::string &root : directories) {
    std::vector<std::string> found;
    std::error_code problem;
    for (llvm::sys::fs::recursive_directory_iterator it(root, problem), end; it != end && !problem;
         it.increment(problem)) {
      llvm::StringRef path = it->path();
      if (it->type() == llvm::sys::fs::file_type::directory_file) {
        if (isSkippedDirectory(llvm::sys::path::filename(path)))
          it.no_push();
      } else if (isCppSource(path)) {
        llvm::SmallString<256> clean(path);
        llvm::sys::path::remove_dots(clean);
        found.push_back(std::string(clean));
      }
    }
    llvm::sort(found); // directory order differs between file systems; facts must not
    llvm::append_range(sources, found);
  }
  return sources;
}

std::vector<TranslationUnitJob> planTranslationUnits(const CppInput &input,
                                                     const CompilationDatabase *database) {
  std::vector<TranslationUnitJob> jobs;
  if (database)
    planDatabaseUnits(*database, jobs);
  std::set<std::string> planned;
  for (const TranslationUnitJob &job : jobs)
    planned.insert(job.paths.mainFile);
  std::string directory = currentDirectory();
  std::vector<std::string> files = input.files;
  llvm::append_range(files, cppSourcesUnder(input.directories));
  for (const std::string &file : files)
    if (planned.insert(absolutePath(file, directory)).second)
      planGivenFile(file, database, input.extraArgs, jobs);
  return jobs;
}

clang::tooling::ArgumentsAdjuster analysisArguments(const std::string &resourceDir) {
  using namespace clang::tooling;
  // Appended, so they win over the build's own flags: the builtin headers must be those of the
  // Clang we run (not of the compiler the build used), and a -Werror build must not turn
  // warnings into "this TU failed". Without carets, Clang also stops printing its
  // "N errors generated." summary to stderr. Old C that GCC builds with warnings is an error
  // by default in Clang (function pointer casts, int conversions, implicit declarations):
  // capcycle needs the AST, not object code, so those stay warnings.
  ArgumentsAdjuster ours = getInsertArgumentAdjuster(
      CommandLineArguments{"-resource-dir=" + resourceDir, "-Wno-error",
                           "-Wno-error=incompatible-function-pointer-types",
                           "-Wno-error=incompatible-pointer-types", "-Wno-error=int-conversion",
                           "-Wno-error=implicit-function-declaration",
                           "-Wno-error=implicit-int", "-Wno-error=return-type",
                           "-fno-caret-diagnostics"},
      ArgumentInsertPosition::END);
  return combineAdjusters(
      combineAdjusters(getClangStripOutputAdjuster(), getClangStripDependencyFileAdjuster()),
      combineAdjusters(combineAdjusters(getStripUnknownFlagsAdjuster(), getClangSyntaxOnlyAdjuster()),
                       ours));
}

// A file system whose working directory is the command's, without changing the process's.
llvm::IntrusiveRefCntPtr<clang::FileManager> filesSeenFrom(const std::string &directory) {
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> fileSystem(
      llvm::vfs::createPhysicalFileSystem().release());
  fileSystem->setCurrentWorkingDirectory(directory);
  return llvm::makeIntrusiveRefCnt<clang::FileManager>(clang::FileSystemOptions(), fileSystem);
}

// Every file Clang read for the unit, absolute: the main file and each header it included.
// `..` stays: after a symbolic link (/lib -> usr/lib, where the driver finds GCC's headers) it
// is not the lexical parent.
std::vector<std::string> filesRead(const clang::FileManager &files, const std::string &directory) {
  llvm::SmallVector<clang::OptionalFileEntryRef> entries;
  files.GetUniqueIDMapping(entries);
  std::vector<std::string> read;
  for (clang::OptionalFileEntryRef entry : entries) {
    if (!entry)
      continue;
    llvm::SmallString<256> path(entry->getName());
    llvm::sys::fs::make_absolute(directory, path);
    read.push_back(std::string(path));
  }
  return read;
}

UnitAnalysis analyzeTranslationUnit(const TranslationUnitJob &job,
                                    std::vector<std::string> arguments) {
  UnitAnalysis analysis;
  FactSet &facts = analysis.facts;
  if (!llvm::sys::fs::exists(absolutePath(job.command.Filename, job.command.Directory))) {
    facts.notifications.push_back(errorAbout(job.paths.mainFile, "no such file"));
    return analysis;
  }
  if (arguments.empty()) {
    facts.notifications.push_back(errorAbout(job.paths.mainFile, "empty compile command"));
    return analysis;
  }

  // Every collector registers its matchers on one MatchFinder: the AST is walked once.
  clang::ast_matchers::MatchFinder finder;
  BoundTypeCollector boundTypes(job.paths, facts.boundTypes);
  ModuleHandOffCollector moduleHandOffs(job.paths, facts.moduleHandOffs);
  BoundMemberCollector boundMembers(job.paths, facts.boundMembers);
  CPythonTypeCollector cpythonTypes(job.paths, facts);
  PythonReferenceCollector pythonReferences(job.paths, facts.pythonReferences);
  CustomTypeSetupCollector customTypeSetups(job.paths, facts.gcSupport);
  CallableStoreCollector callableStores(job.paths, facts.callableStores);
  NativeReleaseCollector nativeReleases(job.paths, facts.nativeReleases);
  MemberStoreCollector memberStores(job.paths, facts.memberStores, facts.externalCalls);
  boundTypes.registerMatchers(finder);
  moduleHandOffs.registerMatchers(finder);
  boundMembers.registerMatchers(finder);
  cpythonTypes.registerMatchers(finder);
  pythonReferences.registerMatchers(finder);
  customTypeSetups.registerMatchers(finder);
  callableStores.registerMatchers(finder);
  nativeReleases.registerMatchers(finder);
  memberStores.registerMatchers(finder);
  const char *fullParse = std::getenv("CAPCYCLE_PARSE_ALL_BODIES");
  std::unique_ptr<clang::tooling::FrontendActionFactory> action =
      bodySkippingActionFactory(finder, !fullParse || llvm::StringRef(fullParse) != "1");
  llvm::IntrusiveRefCntPtr<clang::FileManager> files = filesSeenFrom(job.command.Directory);
  FirstErrorRecorder diagnostics(job.paths);
  clang::tooling::ToolInvocation invocation(std::move(arguments), action.get(), files.get(),
                                            std::make_shared<clang::PCHContainerOperations>());
  invocation.setDiagnosticConsumer(&diagnostics);
  bool parsed = invocation.run();

  if (diagnostics.firstError())
    facts.notifications.push_back(*diagnostics.firstError());
  else if (!parsed)
    facts.notifications.push_back(
        errorAbout(job.paths.mainFile, "clang could not process this file"));
  // A missing header may exist after the next build (a generated one) or install, with no
  // file the unit read changed: such a result is not worth keeping.
  if (!diagnostics.includeNotFound())
    analysis.inputs = filesRead(*files, job.command.Directory);
  return analysis;
}

UnitAnalysis analyzeCatching(const TranslationUnitJob &job, std::vector<std::string> arguments) {
  try {
    return analyzeTranslationUnit(job, std::move(arguments));
  } catch (const std::exception &problem) {
    UnitAnalysis failed;
    failed.facts.notifications.push_back(
        errorAbout(job.paths.mainFile, std::string("internal error: ") + problem.what()));
    return failed;
  }
}

// A crash inside Clang (an assertion, a bug on odd code) costs that unit, not the scan: the
// other units and the Python side are still reported, as clangd survives a crashing file.
// A crashed unit is not cached either: the next scan tries it again.
UnitAnalysis analyzeContained(const TranslationUnitJob &job, std::vector<std::string> arguments) {
  UnitAnalysis analysis;
  llvm::CrashRecoveryContext recovery;
  if (recovery.RunSafely([&] { analysis = analyzeCatching(job, std::move(arguments)); }))
    return analysis;
  UnitAnalysis crashed; // whatever the unit produced before the crash is not to be trusted
  crashed.facts.notifications.push_back(errorAbout(
      job.paths.mainFile, "clang crashed while analysing this file; its C++ facts are missing"));
  return crashed;
}

// A unit's facts from its cache entry while that is valid; otherwise from Clang, then stored.
FactSet analyzeUnit(const TranslationUnitJob &job,
                    const clang::tooling::ArgumentsAdjuster &adjustArguments,
                    const FactsCache &cache) {
  std::vector<std::string> arguments =
      adjustArguments(job.command.CommandLine, job.command.Filename);
  std::string entry = FactsCache::entryName(arguments, job.paths);
  if (std::optional<FactSet> cached = cache.lookup(entry))
    return std::move(*cached);
  llvm::sys::TimePoint<> started = std::chrono::system_clock::now();
  UnitAnalysis analysis = analyzeContained(job, std::move(arguments));
  cache.store(entry, analysis.facts, analysis.inputs, started);
  return std::move(analysis.facts);
}

// Entries unused for a month go: every scan with the cache runs every unit of the database, so
// an entry no scan used that long belongs to flags or sources that no longer exist.
void pruneCache(const FactsCache &cache, const std::vector<TranslationUnitJob> &jobs,
                const clang::tooling::ArgumentsAdjuster &adjustArguments) {
  if (!cache.enabled())
    return;
  std::vector<std::string> used;
  for (const TranslationUnitJob &job : jobs)
    used.push_back(FactsCache::entryName(
        adjustArguments(job.command.CommandLine, job.command.Filename), job.paths));
  cache.prune(used, std::chrono::system_clock::now(), std::chrono::hours(24 * 30));
}

// Each unit has its own CompilerInstance and AST, as in clangd, so units share nothing but
// the (read-only) plan; results keep the plan's order so output does not depend on timing.
std::vector<FactSet> analyzeInParallel(const std::vector<TranslationUnitJob> &jobs,
                                       const clang::tooling::ArgumentsAdjuster &adjustArguments,
                                       const FactsCache &cache, unsigned threads) {
  std::vector<FactSet> results(jobs.size());
  if (jobs.size() <= 1 || threads == 1) {
    for (size_t i = 0; i < jobs.size(); ++i)
      results[i] = analyzeUnit(jobs[i], adjustArguments, cache);
    return results;
  }
  llvm::DefaultThreadPool pool(llvm::hardware_concurrency(threads));
  for (size_t i = 0; i < jobs.size(); ++i)
    pool.async([&, i] { results[i] = analyzeUnit(jobs[i], adjustArguments, cache); });
  pool.wait();
  return results;
}

} // namespace

FactSet collectBindingFacts(const CppInput &input) {
  // Installs the signal handlers that let analyzeContained survive a crashing unit.
  static const bool crashRecoveryEnabled = (llvm::CrashRecoveryContext::Enable(), true);
  (void)crashRecoveryEnabled;
  FactSet facts;
  try {
    std::unique_ptr<CompilationDatabase> database =
        loadCompilationDatabase(input.buildDir, facts.notifications);
    clang::tooling::ArgumentsAdjuster adjustArguments = analysisArguments(findClangResourceDir());
    std::vector<TranslationUnitJob> jobs = planTranslationUnits(input, database.get());
    // The cache belongs to the build directory of a database that loaded: generated output,
    // not under version control. Without one there is nowhere to keep it.
    FactsCache cache = input.useCache && database ? FactsCache(input.buildDir) : FactsCache();
    for (FactSet &unitFacts : analyzeInParallel(jobs, adjustArguments, cache, input.jobs))
      facts.append(std::move(unitFacts));
    pruneCache(cache, jobs, adjustArguments);
  } catch (const std::exception &problem) {
    facts.notifications.push_back(
        errorAbout(input.buildDir, std::string("internal error: ") + problem.what()));
  }
  linkBindingFacts(facts);
  return facts;
}

} // namespace capcycle
