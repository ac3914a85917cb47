#include "CommandLine.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"

namespace capcycle {

const char *const UsageText = R"(capcycle - finds callback-capture reference cycles in Python binding code

usage:
  capcycle scan  [PATH...] [-p BUILD_DIR] [--format text|sarif|json] [-o FILE]
                 [--config FILE | --no-config] [--select IDS] [--ignore IDS]
                 [--models FILE] [--baseline FILE] [--fail-on LEVEL] [--exit-zero]
                 [--quiet] [--statistics] [--warn-unused-ignores] [--drop-suppressed]
                 [-j N] [--no-cache] [--cache-dir DIR] [-- CLANG_FLAGS...]
  capcycle facts [PATH...] [-p BUILD_DIR] [-o FILE] [-j N] [--no-cache] [--cache-dir DIR]
                 [--config FILE | --no-config] [-- CLANG_FLAGS...]
  capcycle models [PATH...] [-p BUILD_DIR] [--format text|json] [--config FILE | --no-config]
                 [--models FILE] [--models-dir D] [-j N] [--no-cache] [-- CLANG_FLAGS...]
  capcycle rules [--format text|json|markdown]
  capcycle --version | --help

`models` lists the API models (shipped, the configuration's, --models, and those derived from
the scanned sources) with how many call sites of PATH each matched and how many closed a cycle.

PATH          .py files and directories (searched for .py files), C++ files (.cpp, .cc,
              .cxx) and C files (.c, compiled as C); default: the current directory. Findings are reported only in files
              under the PATHs (with no PATH: everywhere)
-p BUILD_DIR  directory with compile_commands.json: all its C++ translation units are
              analysed, as context for the PATHs (default: compile-database in the
              configuration); their facts are kept in BUILD_DIR/capcycle-cache/ and a
              unit is parsed again only when a file it read changed
--no-cache    parse every file and unit; read and write no cache (neither
              BUILD_DIR/capcycle-cache/ nor the Python facts cache)
--cache-dir D keep the Python files' facts in D (also: $CAPCYCLE_CACHE_DIR; default:
              none); a file is parsed again only when its content changed
-- FLAGS      compile flags for C++ files given as PATH (like clang-tidy)
--format      output format: text (gcc style, default), sarif (SARIF 2.1.0), json
-o FILE       write the report to FILE instead of standard output: a regular file is
              replaced atomically, a device, FIFO or /dev/stdout written through
--config FILE read the configuration from FILE (.capcycle.yaml, or pyproject.toml with
              [tool.capcycle]) instead of searching upwards from the first PATH
--no-config   use no configuration file
--select IDS  comma-separated rule ids or prefixes to run (ALL: every rule); default: the
              rules enabled by default (see `capcycle rules`)
--ignore IDS  comma-separated rule ids or prefixes not to run
--models FILE an extra API model file (rules/models/SCHEMA.md); may be repeated
--models-dir D read the API models from D instead of the shipped ones
--baseline FILE  a previous JSON or SARIF report: report only findings not in it
--fail-on L   exit 1 only for findings at level L or above: note (default), warning, error
--exit-zero   exit 0 even when there are findings (2 still means an error)
-q, --quiet   text: only each finding's primary line (no notes); no warnings on stderr
--statistics  text: the number of findings per rule instead of the findings
--warn-unused-ignores  report `capcycle: ignore` comments that silence nothing (CCY901)
--drop-suppressed  leave findings silenced inline out of SARIF too (text and JSON never
              show them; SARIF keeps them with `suppressions` by default)
-j N          analyse N files in parallel (default: one per core)
--color=WHEN  auto (default: on a terminal, unless NO_COLOR is set), always, never

exit status: 0 no findings (at or above --fail-on), 1 findings, 2 usage, configuration or
fatal error
)";

namespace {

llvm::Error usageError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::vector<std::string> splitIds(llvm::StringRef list) {
  llvm::SmallVector<llvm::StringRef> parts;
  list.split(parts, ',', -1, /*KeepEmpty=*/false);
  std::vector<std::string> ids;
  for (llvm::StringRef part : parts)
    ids.push_back(part.trim().upper());
  return ids;
}

class Parser {
public:
  explicit Parser(const std::vector<std::string> &args) : args(args) {}

  llvm::Expected<CommandLine> parse() {
    if (args.empty())
      return out.command = Command::Help, out;
    llvm::StringRef first = args[0];
    if (first == "--help" || first == "-h" || first == "help")
      return out.command = Command::Help, out;
    if (first == "--version")
      return out.command = Command::Version, out;
    if (first == "scan")
      out.command = Command::Scan;
    else if (first == "facts")
      out.command = Command::Facts;
    else if (first == "models")
      out.command = Command::Models;
    else if (first == "rules")
      out.command = Command::Rules;
    else
      return usageError("unknown command '" + first +
                        "' (expected scan, facts, models or rules; see capcycle --help)");
    for (index = 1; index < args.size(); ++index)
      if (llvm::Error error = option(args[index]))
        return error;
    if (out.paths.empty())
      out.paths.push_back(".");
    return out;
  }

private:
  const std::vector<std::string> &args;
  size_t index = 0;
  CommandLine out;

  // The value of `--name=value` or of `--name value`.
  llvm::Expected<std::string> value(llvm::StringRef arg, llvm::StringRef name) {
    if (arg.size() > name.size() && arg[name.size()] == '=')
      return arg.substr(name.size() + 1).str();
    if (index + 1 >= args.size())
      return usageError("option " + name + " needs a value");
    return args[++index];
  }

  static bool is(llvm::StringRef arg, llvm::StringRef name) {
    return arg == name || arg.starts_with((name + "=").str());
  }

  llvm::Error option(llvm::StringRef arg) {
    bool scanning = out.command != Command::Rules;
    // Commands that load the API models and the project's configuration.
    bool modelling = out.command == Command::Scan || out.command == Command::Models;
    if (arg == "--") {
      out.clangArgs.assign(args.begin() + index + 1, args.end());
      index = args.size();
      return llvm::Error::success();
    }
    if (arg == "--help" || arg == "-h")
      return out.command = Command::Help, llvm::Error::success();
    if (is(arg, "--format"))
      return withValue(arg, "--format", [&](llvm::StringRef v) { return format(v); });
    if (scanning && (is(arg, "-o") || is(arg, "--output")))
      return withValue(arg, arg.starts_with("-o") ? "-o" : "--output",
                       [&](llvm::StringRef v) { return out.outputFile = v.str(), ok(); });
    if (scanning && (arg == "-p" || arg.starts_with("-p=")))
      return withValue(arg, "-p", [&](llvm::StringRef v) { return out.buildDir = v.str(), ok(); });
    if (scanning && arg.size() > 2 && arg.starts_with("-j") && llvm::isDigit(arg[2]))
      return jobs(arg.substr(2)); // -j2, as make and ninja spell it
    if (scanning && (arg == "-j" || arg.starts_with("-j=")))
      return withValue(arg, "-j", [&](llvm::StringRef v) { return jobs(v); });
    if (scanning && arg == "--no-cache")
      return out.noCache = true, ok();
    if (scanning && is(arg, "--cache-dir"))
      return withValue(arg, "--cache-dir",
                       [&](llvm::StringRef v) { return out.cacheDir = v.str(), ok(); });
    if (out.command == Command::Scan && is(arg, "--select"))
      return withValue(arg, "--select",
                       [&](llvm::StringRef v) { return append(out.select, v), ok(); });
    if (out.command == Command::Scan && is(arg, "--ignore"))
      return withValue(arg, "--ignore",
                       [&](llvm::StringRef v) { return append(out.ignore, v), ok(); });
    if (modelling && is(arg, "--models"))
      return withValue(arg, "--models",
                       [&](llvm::StringRef v) { return out.modelFiles.push_back(v.str()), ok(); });
    if (modelling && is(arg, "--models-dir"))
      return withValue(arg, "--models-dir",
                       [&](llvm::StringRef v) { return out.modelsDir = v.str(), ok(); });
    if (out.command == Command::Scan && arg == "--exit-zero")
      return out.exitZero = true, ok();
    if (scanning && is(arg, "--config"))
      return withValue(arg, "--config",
                       [&](llvm::StringRef v) { return out.configFile = v.str(), ok(); });
    if (scanning && arg == "--no-config")
      return out.noConfig = true, ok();
    if (out.command == Command::Scan && is(arg, "--baseline"))
      return withValue(arg, "--baseline",
                       [&](llvm::StringRef v) { return out.baselineFile = v.str(), ok(); });
    if (out.command == Command::Scan && is(arg, "--fail-on"))
      return withValue(arg, "--fail-on", [&](llvm::StringRef v) { return failOn(v); });
    if (out.command == Command::Scan && (arg == "-q" || arg == "--quiet"))
      return out.quiet = true, ok();
    if (out.command == Command::Scan && arg == "--statistics")
      return out.statistics = true, ok();
    if (out.command == Command::Scan && arg == "--warn-unused-ignores")
      return out.warnUnusedIgnores = true, ok();
    if (out.command == Command::Scan && arg == "--drop-suppressed")
      return out.dropSuppressed = true, ok();
    if (is(arg, "--color"))
      return withValue(arg, "--color", [&](llvm::StringRef v) { return color(v); });
    if (arg.starts_with("-") && arg != "-")
      return usageError("unknown option '" + arg + "' for capcycle " + args[0] +
                        " (see capcycle --help)");
    if (!scanning)
      return usageError("capcycle rules takes no paths");
    out.paths.push_back(arg.str());
    return ok();
  }

  static llvm::Error ok() { return llvm::Error::success(); }

  template <typename Fn> llvm::Error withValue(llvm::StringRef arg, llvm::StringRef name, Fn fn) {
    auto v = value(arg, name);
    if (!v)
      return v.takeError();
    return fn(*v);
  }

  static void append(std::vector<std::string> &list, llvm::StringRef v) {
    for (std::string &id : splitIds(v))
      list.push_back(std::move(id));
  }

  llvm::Error format(llvm::StringRef v) {
    if (v == "text")
      out.format = OutputFormat::Text;
    else if (v == "sarif" && (out.command == Command::Scan || out.command == Command::Facts))
      out.format = OutputFormat::Sarif;
    else if (v == "json")
      out.format = OutputFormat::Json;
    else if (v == "markdown" && out.command == Command::Rules)
      out.format = OutputFormat::Markdown;
    else
      return usageError("unknown format '" + v + "' for capcycle " + args[0] +
                        (out.command == Command::Rules    ? " (expected text, json or markdown)"
                         : out.command == Command::Models ? " (expected text or json)"
                                                          : " (expected text, sarif or json)"));
    return ok();
  }

  llvm::Error jobs(llvm::StringRef v) {
    unsigned n = 0;
    if (v.getAsInteger(10, n) || n == 0)
      return usageError("-j needs a positive number, not '" + v + "'");
    out.jobs = n;
    return ok();
  }

  llvm::Error failOn(llvm::StringRef v) {
    if (v == "note")
      out.failOn = Level::Note;
    else if (v == "warning")
      out.failOn = Level::Warning;
    else if (v == "error")
      out.failOn = Level::Error;
    else
      return usageError("--fail-on needs note, warning or error, not '" + v + "'");
    return ok();
  }

  llvm::Error color(llvm::StringRef v) {
    if (v == "auto")
      out.color = CommandLine::Color::Auto;
    else if (v == "always")
      out.color = CommandLine::Color::Always;
    else if (v == "never")
      out.color = CommandLine::Color::Never;
    else
      return usageError("--color needs auto, always or never, not '" + v + "'");
    return ok();
  }
};

} // namespace

llvm::Expected<CommandLine> parseCommandLine(const std::vector<std::string> &args) {
  return Parser(args).parse();
}

} // namespace capcycle
