#include "Suppressions.h"

#include "SourceFiles.h"
#include "engine/Rule.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <map>

namespace capcycle {
namespace {

// After the marker: optional blanks, `capcycle:`, optional blanks, `ignore`, then either
// `[IDS]` or a word boundary (so `ignore-file` or `ignored` are not suppressions).
std::optional<IgnoreComment> parseComment(llvm::StringRef afterMarker) {
  llvm::StringRef rest = afterMarker.ltrim(" \t");
  if (!rest.consume_front("capcycle:"))
    return std::nullopt;
  rest = rest.ltrim(" \t");
  if (!rest.consume_front("ignore"))
    return std::nullopt;
  IgnoreComment comment;
  if (rest.starts_with("[")) {
    size_t close = rest.find(']');
    if (close == llvm::StringRef::npos)
      return std::nullopt;
    llvm::SmallVector<llvm::StringRef> ids;
    rest.substr(1, close - 1).split(ids, ',', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef id : ids)
      if (!id.trim().empty())
        comment.ruleIds.push_back(id.trim().upper());
    if (comment.ruleIds.empty())
      return std::nullopt; // `ignore[]` silences nothing; never read it as "everything"
    rest = rest.substr(close + 1);
  } else if (!rest.empty() && (llvm::isAlnum(rest[0]) || rest[0] == '-' || rest[0] == '_')) {
    return std::nullopt;
  }
  comment.text = afterMarker.ltrim(" \t").drop_back(rest.size()).rtrim().str();
  return comment;
}

bool isPythonFile(llvm::StringRef path) {
  llvm::StringRef extension = llvm::sys::path::extension(path);
  return extension == ".py" || extension == ".pyi";
}

struct FileComments {
  std::string path; // as the first finding or scanned file spelled it
  std::vector<IgnoreComment> comments;
  std::vector<std::vector<bool>> idUsed; // per comment, per rule id
  std::vector<bool> used;                // per comment, by any finding
};

class SuppressionStage {
public:
  explicit SuppressionStage(const SuppressionOptions &options) : options(options) {}

  void run(std::vector<Finding> &findings) {
    for (Finding &finding : findings)
      if (!finding.location.file.empty() && finding.location.line != 0)
        suppress(finding);
    if (!options.reportUnused)
      return;
    for (const std::string &file : options.scannedFiles)
      commentsOf(file);
    for (auto &[key, file] : files)
      reportUnused(file, findings);
  }

private:
  const SuppressionOptions &options;
  std::map<std::string, FileComments> files; // by absolute path: reports are in path order

  FileComments &commentsOf(llvm::StringRef path) {
    auto [it, inserted] = files.try_emplace(absoluteNormalized(path));
    FileComments &file = it->second;
    if (!inserted)
      return file;
    file.path = path.str();
    // Headers and C++ sources take `//` comments; anything that is not Python is C++ here,
    // because the two frontends read nothing else.
    if (auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true))
      file.comments = findIgnoreComments((*buffer)->getBuffer(), !isPythonFile(path));
    for (const IgnoreComment &comment : file.comments)
      file.idUsed.emplace_back(comment.ruleIds.size(), false);
    file.used.assign(file.comments.size(), false);
    return file;
  }

  void suppress(Finding &finding) {
    FileComments &file = commentsOf(finding.location.file);
    unsigned line = finding.location.line;
    for (size_t i = 0; i < file.comments.size(); ++i) {
      const IgnoreComment &comment = file.comments[i];
      if (comment.line != line && !(comment.ownLine && comment.line + 1 == line))
        continue;
      if (comment.ruleIds.empty()) {
        finding.suppressed = file.used[i] = true;
        continue;
      }
      for (size_t id = 0; id < comment.ruleIds.size(); ++id)
        if (comment.ruleIds[id] == finding.ruleId)
          finding.suppressed = file.used[i] = file.idUsed[i][id] = true;
    }
  }

  void reportUnused(const FileComments &file, std::vector<Finding> &findings) {
    for (size_t i = 0; i < file.comments.size(); ++i) {
      const IgnoreComment &comment = file.comments[i];
      std::string message;
      if (comment.ruleIds.empty()) {
        if (!file.used[i])
          message = "'" + comment.text + "' silences nothing: no finding on this line";
      } else {
        std::vector<std::string> unknown, unused;
        for (size_t id = 0; id < comment.ruleIds.size(); ++id) {
          const std::string &ruleId = comment.ruleIds[id];
          if (!findRule(ruleId))
            unknown.push_back(ruleId);
          else if (!file.idUsed[i][id] && options.ruleRan(ruleId))
            unused.push_back(ruleId);
        }
        if (!unknown.empty())
          message = "'" + comment.text + "' names no rule: " + llvm::join(unknown, ", ") +
                    " (see capcycle rules)";
        else if (!unused.empty())
          message = "'" + comment.text + "' silences nothing: no " +
                    llvm::join(unused, " or ") + " finding on this line";
      }
      if (message.empty())
        continue;
      if (comment.ownLine && message.find("on this line") != std::string::npos)
        message += " or the next";
      Finding finding;
      finding.ruleId = UnusedIgnoreRuleId.str();
      finding.level = findRule(UnusedIgnoreRuleId)
                          ? findRule(UnusedIgnoreRuleId)->info.defaultLevel
                          : Level::Warning;
      finding.message = std::move(message);
      finding.location.file = file.path;
      finding.location.line = comment.line;
      finding.location.column = comment.column;
      findings.push_back(std::move(finding));
    }
  }
};

} // namespace

std::vector<IgnoreComment> findIgnoreComments(llvm::StringRef text, bool cpp) {
  llvm::StringRef marker = cpp ? "//" : "#";
  std::vector<IgnoreComment> comments;
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n');
  for (size_t index = 0; index < lines.size(); ++index) {
    llvm::StringRef line = lines[index];
    // Every marker on the line: `x = "#"  # capcycle: ignore` has two.
    for (size_t at = line.find(marker); at != llvm::StringRef::npos;
         at = line.find(marker, at + marker.size())) {
      std::optional<IgnoreComment> comment = parseComment(line.substr(at + marker.size()));
      if (!comment)
        continue;
      comment->line = index + 1;
      comment->column = at + 1;
      comment->ownLine = line.substr(0, at).trim().empty();
      comments.push_back(std::move(*comment));
      break; // one suppression per line; the rest of the line is its comment
    }
  }
  return comments;
}

void applySuppressions(std::vector<Finding> &findings, const SuppressionOptions &options) {
  SuppressionStage(options).run(findings);
}

} // namespace capcycle
