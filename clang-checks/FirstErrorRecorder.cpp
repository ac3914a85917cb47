#include "FirstErrorRecorder.h"

#include "clang/Basic/DiagnosticLex.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallString.h"

namespace capcycle {

namespace {
bool isIncludeNotFound(unsigned id) {
  return id == clang::diag::err_pp_file_not_found ||
         id == clang::diag::err_pp_file_not_found_angled_include_not_fatal ||
         id == clang::diag::err_pp_file_not_found_typo_not_fatal;
}
} // namespace

void FirstErrorRecorder::HandleDiagnostic(clang::DiagnosticsEngine::Level level,
                                          const clang::Diagnostic &diagnostic) {
  clang::DiagnosticConsumer::HandleDiagnostic(level, diagnostic); // keeps the error count
  missingInclude = missingInclude || isIncludeNotFound(diagnostic.getID());
  if (level < clang::DiagnosticsEngine::Error || error)
    return;
  error = notificationFor(diagnostic);
}

Notification FirstErrorRecorder::notificationFor(const clang::Diagnostic &diagnostic) const {
  llvm::SmallString<256> text;
  diagnostic.FormatDiagnostic(text);
  Notification notification;
  notification.level = Notification::Level::Error;
  std::optional<SourceLocation> at;
  if (diagnostic.hasSourceManager())
    at = factPoint(diagnostic.getLocation(), diagnostic.getSourceManager(), paths);
  if (!at) {
    // A driver error (unknown flag) or a whole-file problem: no position, name the TU.
    notification.location.file = paths.mainFile;
    notification.message = std::string(text);
    return notification;
  }
  notification.location = *at;
  // The location travels beside the message (reporters print it): keep the text clang's own.
  notification.message = std::string(text);
  if (at->file != paths.mainFile)
    notification.message += " (in translation unit " + paths.mainFile + ")";
  return notification;
}

} // namespace capcycle
