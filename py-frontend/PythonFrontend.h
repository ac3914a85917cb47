// py-frontend/: the Python side of capcycle. Parses .py files with tree-sitter (grammar
// tree-sitter-python from npm, compiled into this library), builds one ScopeModel per file and
// collects facts from it. Depends on the fact model (rules/facts) only: never on clang-checks,
// the rules or the reporters.
#pragma once

#include "PythonFactsCache.h"
#include "facts/Facts.h"

#include <string>
#include <vector>

namespace capcycle {

struct PythonScanOptions {
  unsigned jobs = 1;
  // Larger files are reported and skipped: generated code of this size holds no hand-written
  // callbacks, and a linter that stalls on one file fails the whole pre-commit run.
  uint64_t maxFileBytes = 32ull << 20;
  // Per-file facts are read from and written to this cache (PythonFactsCache.h); null: none.
  const PythonFactsCache *cache = nullptr;
};

// Facts for one file's source text (the file is read by the caller; `path` names it in
// locations). Syntax errors and undecodable text become notifications, never exceptions.
FactSet analyzePythonSource(llvm::StringRef path, llvm::StringRef source,
                            const PythonScanOptions &options = {});

// Reads and analyses every file; facts come back in the order of `files` whatever `jobs` is.
FactSet analyzePythonFiles(const std::vector<std::string> &files,
                           const PythonScanOptions &options);

} // namespace capcycle
