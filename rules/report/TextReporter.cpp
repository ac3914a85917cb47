// gcc/clang-style text: what editors and CI log scrapers already parse. VS Code's $gcc matcher
// only knows `warning` and `error`, so path steps are always `note:` lines, never a primary one.
#include "report/Report.h"

#include "llvm/ADT/StringRef.h"

namespace capcycle {
namespace {

// Written by hand rather than through raw_ostream::changeColor, whose output depends on the
// stream (a string stream never colours): the caller has already decided, e.g. from NO_COLOR.
constexpr llvm::StringLiteral Bold = "\033[1m";
constexpr llvm::StringLiteral Reset = "\033[0m";

// clang's palette, except notes, which are cyan here to stand out from the bold location.
llvm::StringRef levelColor(llvm::StringRef level) {
  if (level == "error")
    return "\033[1;31m";
  if (level == "warning")
    return "\033[1;35m";
  return "\033[1;36m";
}

class StyledWriter {
public:
  StyledWriter(llvm::raw_ostream &out, const TextStyle &style) : out(out), style(style) {}

  void write(llvm::StringRef text, llvm::StringRef escape = {}) {
    if (style.color && !escape.empty())
      out << escape << text << Reset;
    else
      out << text;
  }

private:
  llvm::raw_ostream &out;
  const TextStyle &style;
};

// `path:line:col`, shortened to `path:line` or `path` when the column or line is unknown (0),
// so that a missing position never reads as a real "line 0".
std::string positionText(const SourceLocation &location) {
  std::string text = location.file;
  if (location.line == 0)
    return text;
  text += ":" + std::to_string(location.line);
  if (location.column != 0)
    text += ":" + std::to_string(location.column);
  return text;
}

void writeDiagnosticLine(StyledWriter &writer, const SourceLocation &location,
                         llvm::StringRef level, llvm::StringRef message, bool boldMessage) {
  writer.write(positionText(location) + ": ", Bold);
  writer.write((level + ":").str(), levelColor(level));
  writer.write(" ");
  writer.write(message, boldMessage ? llvm::StringRef(Bold) : llvm::StringRef());
  writer.write("\n");
}

} // namespace

void writeTextReport(const ReportInput &input, llvm::raw_ostream &out, const TextStyle &style) {
  StyledWriter writer(out, style);
  for (const Finding &finding : input.findings) {
    if (finding.suppressed)
      continue; // the user silenced it where it is; only SARIF keeps a record
    std::string primary = finding.message + " [" + finding.ruleId + "]";
    writeDiagnosticLine(writer, finding.location, levelName(finding.level), primary,
                        /*boldMessage=*/true);
    if (!style.notes)
      continue;
    for (const PathStep &step : finding.path)
      writeDiagnosticLine(writer, step.location, "note", step.message, /*boldMessage=*/false);
  }
}

void writeTextNotifications(const ReportInput &input, llvm::raw_ostream &err,
                            const TextStyle &style) {
  StyledWriter writer(err, style);
  for (const Notification &notification : input.notifications) {
    llvm::StringRef level = levelName(notification.level);
    writer.write("capcycle: ", Bold);
    writer.write((level + ":").str(), levelColor(level));
    writer.write(" ");
    std::string position = positionText(notification.location);
    if (!position.empty())
      writer.write(position + ": ");
    writer.write(notification.message);
    writer.write("\n");
  }
}

} // namespace capcycle
