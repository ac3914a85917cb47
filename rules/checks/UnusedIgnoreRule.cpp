#include "checks/UnusedIgnoreRule.h"

namespace capcycle {

const RuleInfo UnusedIgnoreRule::Info = {
    "CCY901",
    "unused-ignore",
    Level::Warning,
    // Suppression comments are read in Python (`#`) and C++ (`//`) files alike.
    "cross",
    false,
    "A `capcycle: ignore` comment silences no finding, or names no rule.",
    "An inline suppression that silences nothing is stale (the code it excused has changed) or "
    "misspelt; either way it would hide the next real finding on its line. Reported when "
    "--warn-unused-ignores is given or the rule is selected. An ignore naming a rule that did "
    "not run is not judged.",
};

} // namespace capcycle
