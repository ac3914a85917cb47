#include "report/Baseline.h"

#include "report/FindingIdentity.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

namespace capcycle {
namespace {

llvm::Error baselineError(llvm::StringRef path, const llvm::Twine &reason) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "baseline '" + path + "': " + reason);
}

// llvm::json's parse errors read "[3:5, byte=40]: Expected , or ]"; this turns them into
// "3:5: Expected , or ]", so the message names the line like a compiler's would.
std::string compilerStyle(llvm::Error error) {
  std::string text = llvm::toString(std::move(error));
  llvm::StringRef rest(text);
  if (!rest.consume_front("["))
    return text;
  auto [position, message] = rest.split("]: ");
  return (position.split(", byte=").first + ": " + message).str();
}

// capcycle's JSON report: {"findings": [{"fingerprint": ...}]}.
llvm::Error readJsonReport(llvm::StringRef path, const llvm::json::Array &findings,
                           Baseline &baseline) {
  for (const llvm::json::Value &finding : findings) {
    const llvm::json::Object *object = finding.getAsObject();
    auto fingerprint = object ? object->getString("fingerprint") : std::nullopt;
    if (!fingerprint)
      return baselineError(path, "a finding has no \"fingerprint\" (not a capcycle report?)");
    baseline.fingerprints.insert(*fingerprint);
  }
  return llvm::Error::success();
}

// A SARIF log: results[].partialFingerprints["capcycle/v1"] in the run(s) capcycle wrote.
llvm::Error readSarifLog(llvm::StringRef path, const llvm::json::Array &runs,
                         Baseline &baseline) {
  for (const llvm::json::Value &run : runs) {
    const llvm::json::Object *object = run.getAsObject();
    const llvm::json::Array *results = object ? object->getArray("results") : nullptr;
    if (!results)
      continue;
    for (const llvm::json::Value &result : *results) {
      const llvm::json::Object *fingerprints =
          result.getAsObject() ? result.getAsObject()->getObject("partialFingerprints") : nullptr;
      auto fingerprint =
          fingerprints ? fingerprints->getString(report::SarifFingerprintKey) : std::nullopt;
      if (!fingerprint)
        return baselineError(path, "a SARIF result has no partialFingerprints[\"" +
                                       report::SarifFingerprintKey +
                                       "\"] (not written by capcycle?)");
      baseline.fingerprints.insert(*fingerprint);
    }
  }
  return llvm::Error::success();
}

} // namespace

llvm::Expected<Baseline> loadBaseline(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return baselineError(path, "cannot read it: " + buffer.getError().message());
  auto document = llvm::json::parse((*buffer)->getBuffer());
  if (!document)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "baseline " + path + ":" +
                                       compilerStyle(document.takeError()) +
                                       " (not a JSON or SARIF report)");
  Baseline baseline;
  const llvm::json::Object *root = document->getAsObject();
  if (root && root->getArray("findings")) {
    if (llvm::Error error = readJsonReport(path, *root->getArray("findings"), baseline))
      return error;
    return baseline;
  }
  if (root && root->getArray("runs")) {
    if (llvm::Error error = readSarifLog(path, *root->getArray("runs"), baseline))
      return error;
    return baseline;
  }
  return baselineError(path, "neither a capcycle JSON report nor a SARIF log");
}

} // namespace capcycle
