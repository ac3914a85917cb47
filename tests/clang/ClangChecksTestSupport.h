// What the clang-checks tests share: where the fixtures are, the flags pybind11 needs, and a
// scratch directory for compile databases written by a test.
#pragma once

#include "BindingFacts.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <ostream>
#include <string>
#include <vector>

namespace capcycle {
// GoogleTest prints facts in failure messages as their JSON, not as bytes.
inline void PrintTo(const BoundType &type, std::ostream *out) {
  *out << llvm::formatv("{0}", toJSON(type)).str();
}
inline void PrintTo(const ModuleHandOff &handOff, std::ostream *out) {
  *out << llvm::formatv("{0}", toJSON(handOff)).str();
}
} // namespace capcycle

namespace capcycle::test {

inline std::string fixture(const std::string &name) {
  return std::string(CAPCYCLE_TEST_FIXTURES) + "/" + name;
}

// <pybind11/pybind11.h> includes <Python.h>.
inline std::vector<std::string> pybindFlags() {
  return {"-std=c++17", std::string("-I") + CAPCYCLE_TEST_PYTHON_INCLUDE};
}

inline CppInput givenFiles(std::vector<std::string> files) {
  CppInput input;
  input.files = std::move(files);
  input.extraArgs = pybindFlags();
  return input;
}

class ScratchDirectory {
public:
  ScratchDirectory() {
    llvm::SmallString<128> created;
    llvm::sys::fs::createUniqueDirectory("capcycle-clang-test", created);
    path = std::string(created);
  }
  ~ScratchDirectory() { llvm::sys::fs::remove_directories(path); }
  ScratchDirectory(const ScratchDirectory &) = delete;
  ScratchDirectory &operator=(const ScratchDirectory &) = delete;

  std::string write(const std::string &name, const std::string &text) const {
    std::string file = path + "/" + name;
    llvm::sys::fs::create_directories(llvm::sys::path::parent_path(file));
    std::error_code problem;
    llvm::raw_fd_ostream out(file, problem);
    out << text;
    return file;
  }

  std::string path;
};

} // namespace capcycle::test
