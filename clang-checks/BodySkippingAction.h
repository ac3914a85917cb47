// The frontend action the C++ side parses a unit with: the MatchFinder's consumer, with the
// bodies of functions declared in system headers and in Python's and pybind11's own headers
// skipped (ASTConsumer::shouldSkipFunctionBody, as clangd's preamble builds skip them). No
// fact reads those bodies — the facts are about the project's own binding functions, members,
// destructors and slots — and a skipped template body is never instantiated, which is most of
// what a pybind11 unit costs to parse. Bodies in the project's files are parsed as before.
#pragma once

#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Tooling/Tooling.h"

#include <memory>

namespace capcycle {

// `skipLibraryBodies` false: a full parse (CAPCYCLE_PARSE_ALL_BODIES=1, for comparing facts).
std::unique_ptr<clang::tooling::FrontendActionFactory>
bodySkippingActionFactory(clang::ast_matchers::MatchFinder &finder, bool skipLibraryBodies);

} // namespace capcycle
