// Expectations written inline in fixtures: a trailing `# expect: CCY101` (Python) or
// `// expect: CCY201` (C++) comment on the line where the finding starts; several ids are
// separated by commas. The runner compares them with what the binary reports, both ways.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace capcycle::testing {

// (file, line) -> rule ids, one entry per expected finding.
using FindingKey = std::pair<std::string, unsigned>;
using FindingTable = std::map<FindingKey, std::vector<std::string>>;

void addExpectations(llvm::StringRef file, llvm::StringRef text, FindingTable &table);

// Human-readable differences: "missing CCY101 at a.py:3", "unexpected CCY101 at b.py:9".
std::vector<std::string> compareFindings(const FindingTable &expected, const FindingTable &actual);

} // namespace capcycle::testing
