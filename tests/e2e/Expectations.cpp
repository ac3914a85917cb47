#include "Expectations.h"

#include "llvm/ADT/SmallVector.h"

#include <algorithm>

namespace capcycle::testing {

void addExpectations(llvm::StringRef file, llvm::StringRef text, FindingTable &table) {
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    size_t marker = lines[i].find("expect:");
    if (marker == llvm::StringRef::npos)
      continue;
    llvm::StringRef before = lines[i].substr(0, marker).rtrim();
    if (!before.ends_with("#") && !before.ends_with("//"))
      continue;
    llvm::SmallVector<llvm::StringRef> ids;
    lines[i].substr(marker + 7).split(ids, ',', -1, false);
    for (llvm::StringRef id : ids)
      table[{file.str(), unsigned(i + 1)}].push_back(id.trim().str());
  }
}

std::vector<std::string> compareFindings(const FindingTable &expected, const FindingTable &actual) {
  std::vector<std::string> problems;
  auto count = [](const FindingTable &table, const FindingKey &key, const std::string &id) {
    auto it = table.find(key);
    return it == table.end() ? 0 : std::count(it->second.begin(), it->second.end(), id);
  };
  auto report = [&](const FindingTable &from, const FindingTable &other, const char *what) {
    for (const auto &[key, ids] : from) {
      std::vector<std::string> unique(ids);
      std::sort(unique.begin(), unique.end());
      unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
      for (const std::string &id : unique)
        for (long n = count(other, key, id); n < count(from, key, id); ++n)
          problems.push_back(std::string(what) + " " + id + " at " + key.first + ":" +
                             std::to_string(key.second));
    }
  };
  report(expected, actual, "missing");
  report(actual, expected, "unexpected");
  return problems;
}

} // namespace capcycle::testing
