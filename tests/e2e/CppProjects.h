// What end-to-end tests with a C++ side share: a compile database as CMake writes it, and the
// findings of a JSON report in a form a test can compare.
#pragma once

#include "Subprocess.h"

#include <string>
#include <vector>

namespace capcycle::testing {

// <pybind11/pybind11.h> includes <Python.h>.
inline const std::string PythonInclude = std::string("-I") + CAPCYCLE_TEST_PYTHON_INCLUDE;

// compile_commands.json compiling each of `sources` (absolute) from `directory`.
std::string compileDatabase(const std::string &directory, const std::vector<std::string> &sources);

// "RULE file:line" per finding of a JSON report, sorted.
std::vector<std::string> findingsOf(const RunResult &result);

} // namespace capcycle::testing
