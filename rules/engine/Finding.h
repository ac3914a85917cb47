// What rules produce and reporters consume: a finding with its primary location and, for a
// cycle, the path of edges that closes it (SARIF codeFlows, `note:` lines in text).
#pragma once

#include "facts/Facts.h"

#include <optional>
#include <string>
#include <vector>

namespace capcycle {

enum class Level { Note, Warning, Error };

const char *levelName(Level level);

// One edge of a cycle, shown at the place in the code that creates it.
struct PathStep {
  SourceLocation location;
  std::string message;
  friend bool operator==(const PathStep &, const PathStep &) = default;
};

struct Finding {
  std::string ruleId; // "CCY101"
  Level level = Level::Warning;
  std::string message;
  SourceLocation location;
  std::vector<PathStep> path;
  // Cycles: whether Python's cyclic garbage collector can free it (false: the objects live
  // until the process exits); unset where the storage is unknown, and for findings that are
  // no cycle.
  std::optional<bool> collectable = std::nullopt;
  // Silenced by an inline `capcycle: ignore` comment (tool/Suppressions.h). Kept rather than
  // dropped: SARIF records it under `suppressions`, so reviewers can audit what was silenced.
  bool suppressed = false;
  friend bool operator==(const Finding &, const Finding &) = default;
};

} // namespace capcycle
