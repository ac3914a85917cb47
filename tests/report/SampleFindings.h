// Hand-made findings shared by the reporter tests: a CCY101 cycle with a two-step path, as the
// rule would report `recognizer.recognized.connect(on_text)` where on_text uses recognizer.
#pragma once

#include "report/Report.h"

namespace capcycle::testing {

inline SourceLocation at(std::string file, unsigned line, unsigned column, unsigned endColumn) {
  return SourceLocation{std::move(file), line, column, line, endColumn};
}

inline Finding selfSignalCapture(const std::string &file) {
  Finding finding;
  finding.ruleId = "CCY101";
  finding.level = Level::Warning;
  finding.message = "callback 'on_text' captures 'recognizer', whose signal 'recognized' stores it";
  finding.location = at(file, 12, 5, 47);
  finding.path = {
      PathStep{at(file, 9, 9, 19), "'on_text' captures 'recognizer'"},
      PathStep{at(file, 12, 5, 47), "'recognizer.recognized' stores 'on_text'"},
  };
  return finding;
}

inline ReportInput sampleInput() {
  ReportInput input;
  input.sourceRoot = "/project";
  input.toolVersion = "0.1.0";
  input.findings = {selfSignalCapture("/project/src/app.py")};
  return input;
}

} // namespace capcycle::testing
