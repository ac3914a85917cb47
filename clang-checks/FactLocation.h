// Turning Clang source positions into fact locations (facts/Facts.h: 1-based, endColumn one
// past the end, files named the way the user knows them).
#pragma once

#include "facts/Facts.h"

#include "clang/Basic/SourceLocation.h"

#include <optional>
#include <string>

namespace clang {
class LangOptions;
class SourceManager;
} // namespace clang

namespace capcycle {

// How files of one translation unit are named in facts: the main file exactly as the user or
// the compile command gave it; any other file (a header) by its path, made absolute against
// the directory the compile command runs in.
struct TranslationUnitPaths {
  std::string mainFile;
  std::string directory;

  std::string reportedName(const clang::SourceManager &sources, clang::FileID file) const;
};

// The range as it appears in a file: a range inside macro expansions is mapped to the text
// the user wrote (the macro argument, or the whole macro call). nullopt when it has no place
// in a file (e.g. built-in or command-line text).
std::optional<SourceLocation> factRange(clang::SourceRange range,
                                        const clang::SourceManager &sources,
                                        const clang::LangOptions &language,
                                        const TranslationUnitPaths &paths);

// One position (a diagnostic's), at the file place of its macro expansion; endLine/endColumn
// equal line/column + 1.
std::optional<SourceLocation> factPoint(clang::SourceLocation point,
                                        const clang::SourceManager &sources,
                                        const TranslationUnitPaths &paths);

} // namespace capcycle
