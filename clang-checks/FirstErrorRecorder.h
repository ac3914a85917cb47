// Clang's diagnostics for one translation unit, kept instead of printed: capcycle's output is
// its report, and a TU that did not parse is a Notification, not text on stderr.
#pragma once

#include "FactLocation.h"
#include "facts/Facts.h"

#include "clang/Basic/Diagnostic.h"

#include <optional>

namespace capcycle {

// Keeps the first error (the one that explains the others) as an error Notification whose
// message reads `file:line:col: <clang message>`; drops warnings and notes.
class FirstErrorRecorder : public clang::DiagnosticConsumer {
public:
  explicit FirstErrorRecorder(TranslationUnitPaths paths) : paths(std::move(paths)) {}

  void HandleDiagnostic(clang::DiagnosticsEngine::Level level,
                        const clang::Diagnostic &diagnostic) override;

  const std::optional<Notification> &firstError() const { return error; }

private:
  Notification notificationFor(const clang::Diagnostic &diagnostic) const;

  TranslationUnitPaths paths;
  std::optional<Notification> error;
};

} // namespace capcycle
