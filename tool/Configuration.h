// Project configuration: `.capcycle.yaml`, or the `[tool.capcycle]` table of `pyproject.toml`,
// found by walking up from the scanned path (or named with --config). The command line
// overrides it: a flag that is given replaces the configuration's value.
#pragma once

#include "engine/Finding.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/GlobPattern.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace capcycle {

// A glob from the configuration, matched against paths relative to the configuration file's
// directory. `*` also matches `/` (so `tests/*` is everything under tests/); a pattern matches
// a path when it matches the whole path or one of its parent directories (`vendor` excludes
// vendor/a/b.py), and a pattern without `/` also matches any single path component
// (`*_pb2.py`, `build`).
struct PathGlob {
  // Shared and never moved: llvm::GlobPattern keeps a StringRef into the text it was made
  // from, which a moved std::string (small-string storage) would leave dangling.
  std::shared_ptr<const std::string> text;
  llvm::GlobPattern pattern;
};

struct PerFileIgnore {
  PathGlob glob;
  std::vector<std::string> ruleIds; // ids or prefixes, like --ignore
};

struct Configuration {
  std::string file;      // empty: no configuration file
  std::string directory; // absolute; globs and model paths are relative to it
  std::optional<std::vector<std::string>> select;
  std::optional<std::vector<std::string>> ignore;
  std::vector<PathGlob> exclude;
  std::vector<PerFileIgnore> perFileIgnores;
  std::vector<std::string> models; // made absolute against `directory`
  std::optional<Level> failOn;
  std::optional<bool> warnUnusedIgnores;
  // compile-database: the build directory whose compile_commands.json gives the C++ context
  // when -p is not given; made absolute against `directory`. Empty: none.
  std::string compileDatabase;
  // qt-api: the Qt binding the project's `qtpy` imports select ("pyqt5", "pyqt6", "pyside2",
  // "pyside6", as qtpy's QT_API names them). Empty: qtpy's default, PyQt5 first.
  std::string qtApi;

  bool isExcluded(llvm::StringRef path) const;
  // Rule ids and prefixes per-file-ignores turns off for `path`.
  std::vector<std::string> ignoredRulesFor(llvm::StringRef path) const;
};

// The nearest `.capcycle.yaml`, or `pyproject.toml` with a `[tool.capcycle]` table, in the
// directory of `start` (a file or directory) or one of its parents; nullopt when there is none.
// A pyproject.toml that is not valid TOML is an error: it might have held our table.
llvm::Expected<std::optional<std::string>> findConfigurationFile(llvm::StringRef start);

// Reads .yaml/.yml files as YAML and anything else as a pyproject.toml. An unknown key, a
// value of the wrong type, an unknown rule id or a bad glob is an error naming
// `file:line` and the key.
llvm::Expected<Configuration> loadConfiguration(llvm::StringRef file);

std::optional<Level> parseLevel(llvm::StringRef name);

} // namespace capcycle
