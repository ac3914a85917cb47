#include "FactLocation.h"

#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/Support/Path.h"

namespace capcycle {

std::string TranslationUnitPaths::reportedName(const clang::SourceManager &sources,
                                               clang::FileID file) const {
  if (file == sources.getMainFileID())
    return mainFile;
  clang::OptionalFileEntryRef entry = sources.getFileEntryRefForID(file);
  if (!entry)
    return {};
  llvm::SmallString<256> path(entry->getName());
  if (!llvm::sys::path::is_absolute(path))
    llvm::sys::fs::make_absolute(directory, path);
  llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
  return std::string(path);
}

namespace {
struct FilePosition {
  clang::FileID file;
  unsigned line = 0;
  unsigned column = 0;
};

FilePosition filePosition(clang::SourceLocation location, const clang::SourceManager &sources) {
  auto [file, offset] = sources.getDecomposedLoc(location);
  return {file, sources.getLineNumber(file, offset), sources.getColumnNumber(file, offset)};
}
} // namespace

std::optional<SourceLocation> factRange(clang::SourceRange range,
                                        const clang::SourceManager &sources,
                                        const clang::LangOptions &language,
                                        const TranslationUnitPaths &paths) {
  clang::CharSourceRange chars = clang::Lexer::makeFileCharRange(
      clang::CharSourceRange::getTokenRange(range), sources, language);
  if (chars.isInvalid()) {
    // makeFileCharRange refuses ranges that start and end in different macro expansions;
    // the expansion range (the macro calls) still points at what the user wrote.
    chars = sources.getExpansionRange(range);
    chars = clang::Lexer::makeFileCharRange(chars, sources, language);
  }
  if (chars.isInvalid())
    return std::nullopt;
  FilePosition begin = filePosition(chars.getBegin(), sources);
  FilePosition end = filePosition(chars.getEnd(), sources);
  std::string file = paths.reportedName(sources, begin.file);
  if (file.empty() || begin.file != end.file)
    return std::nullopt;
  return SourceLocation{file, begin.line, begin.column, end.line, end.column};
}

std::optional<SourceLocation> factPoint(clang::SourceLocation point,
                                        const clang::SourceManager &sources,
                                        const TranslationUnitPaths &paths) {
  if (point.isInvalid())
    return std::nullopt;
  FilePosition position = filePosition(sources.getFileLoc(point), sources);
  std::string file = paths.reportedName(sources, position.file);
  if (file.empty() || position.line == 0)
    return std::nullopt;
  return SourceLocation{file, position.line, position.column, position.line, position.column + 1};
}

} // namespace capcycle
