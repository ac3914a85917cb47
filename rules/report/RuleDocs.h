// The rule doc pages, docs/rules/<ID>.md, compiled into the binary (cmake/EmbedRuleDocs.cmake):
// SARIF viewers show them as each rule's help, and the binary needs no docs folder at run time.
#pragma once

#include "llvm/ADT/StringRef.h"

namespace capcycle {

// The page's markdown, or empty when the rule has no page.
llvm::StringRef ruleDocumentation(llvm::StringRef ruleId);

} // namespace capcycle
