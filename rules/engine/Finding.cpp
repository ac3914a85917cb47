#include "engine/Finding.h"

namespace capcycle {

const char *levelName(Level level) {
  switch (level) {
  case Level::Note: return "note";
  case Level::Warning: return "warning";
  case Level::Error: return "error";
  }
  return "warning";
}

} // namespace capcycle
