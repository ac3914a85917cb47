// Paths compared the way the user means them: the report scope (files under the PATHs), ignore
// comments and configuration globs all see `x.py`, `./x.py` and `/repo/x.py` as one file.
#include "SourceFiles.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

using namespace capcycle;

namespace {

std::string cwd() {
  llvm::SmallString<256> path;
  EXPECT_FALSE(llvm::sys::fs::current_path(path));
  return std::string(path);
}

TEST(AbsoluteNormalized, RelativeDottedAndAbsoluteSpellingsAgree) {
  EXPECT_EQ(absoluteNormalized("pkg/x.py"), cwd() + "/pkg/x.py");
  EXPECT_EQ(absoluteNormalized("./pkg/./x.py"), cwd() + "/pkg/x.py");
  EXPECT_EQ(absoluteNormalized("pkg/sub/../x.py"), cwd() + "/pkg/x.py");
  EXPECT_EQ(absoluteNormalized("/repo/pkg/"), "/repo/pkg");
  EXPECT_EQ(absoluteNormalized("."), cwd());
}

TEST(IsWithin, DirectoriesHoldFilesOnAComponentBoundary) {
  EXPECT_TRUE(isWithin("/repo/src/a.py", "/repo/src"));
  EXPECT_TRUE(isWithin("/repo/src/deep/a.cpp", "/repo"));
  EXPECT_TRUE(isWithin("/repo/src/a.py", "/repo/src/a.py")) << "a file is its own scope";
  EXPECT_FALSE(isWithin("/repo/src2/a.py", "/repo/src"));
  EXPECT_FALSE(isWithin("/repo/src.py", "/repo/src"));
  EXPECT_FALSE(isWithin("/repo", "/repo/src"));
  EXPECT_TRUE(isWithin("/anything", "/"));
}

} // namespace
