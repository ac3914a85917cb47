// The C++ frontend's entry point: Clang over every translation unit, facts out.
#pragma once

#include "facts/Facts.h"

#include <string>
#include <vector>

namespace capcycle {

// What the user asked to scan on the C++ side.
struct CppInput {
  std::string buildDir;                 // -p DIR with compile_commands.json; empty if none
  std::vector<std::string> files;       // translation units given directly (.cpp/.cc/.cxx)
  std::vector<std::string> extraArgs;   // compile flags given after `--` (used for `files`)
  std::vector<std::string> directories; // searched recursively for C++ sources, compiled like `files`
  unsigned jobs = 0;                    // translation units analysed at once; 0: one per core
  bool useCache = true;                 // facts of unchanged units from buildDir (FactsCache.h)
};

// Runs Clang over every translation unit and returns facts. Never throws or aborts: a TU that
// fails to parse, a missing or broken compile_commands.json, a file that does not exist each
// become an error Notification naming the file and the problem, and the other TUs still
// produce facts. A TU with errors still yields the facts of what parsed.
//
// Which TUs run: every compile command of the database in buildDir, then each of `files` not
// already among them. A file of `files` uses its database command when the database has one,
// otherwise `clang++ <extraArgs> <file>`. C++ sources found under `directories` are added to
// `files`.
// Units run in parallel (`jobs`); facts come back in the order the units were planned, and
// the C++ facts of all units are joined at the end (BindingLinks.h).
// When the compile database loads and `useCache` is set, every unit, database or given, first
// looks for its facts in BUILD_DIR/capcycle-cache/ and is parsed only when its entry is
// missing or stale; what it yields is stored there (FactsCache.h).
FactSet collectBindingFacts(const CppInput &input);

// Clang's resource directory (builtin headers such as stddef.h), found at run time next to the
// loaded libclang-cpp, with a compile-time fallback. Passed to every TU so that headers like
// <Python.h> parse wherever the capcycle binary itself is installed.
std::string findClangResourceDir();

} // namespace capcycle
