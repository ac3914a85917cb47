// `-o` on whatever a user names: the real /dev/null and /dev/stdout, a FIFO with a reader, a
// symbolic link, a file in a directory the user cannot write. A regular file is replaced
// atomically (ScanCommand.OutputFileIsWrittenWholeOrNotAtAll); nothing else is renamed over.
#include "Subprocess.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

using namespace capcycle::testing;

namespace {

RunResult shell(const std::string &script, const std::vector<std::string> &args = {}) {
  // $0 is capcycle, $1... the arguments.
  std::vector<std::string> argv{"-c", script, CAPCYCLE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run("/bin/sh", argv);
}

bool contains(const std::string &text, llvm::StringRef part) {
  return llvm::StringRef(text).contains(part);
}

// The report every target below must receive whole: examples/ holds CCY001 cycles.
std::string expectedReport() {
  TempDir temp;
  EXPECT_EQ(runCapcycle({"scan", "examples", "--format", "json", "-o", temp.file("r.json")})
                .status,
            1);
  std::string report = readFile(temp.file("r.json"));
  EXPECT_TRUE(contains(report, "\"CCY001\"")) << report;
  return report;
}

void expectNullDevice() {
  struct stat status;
  ASSERT_EQ(::lstat("/dev/null", &status), 0);
  EXPECT_TRUE(S_ISCHR(status.st_mode)) << "/dev/null is no longer a character device";
  EXPECT_EQ(major(status.st_rdev), 1u);
  EXPECT_EQ(minor(status.st_rdev), 3u);
  EXPECT_EQ(status.st_size, 0);
}

TEST(OutputTargets, DevNullStaysTheNullDeviceForEveryCommand) {
  for (std::vector<std::string> command :
       {std::vector<std::string>{"scan", "examples", "--format", "json"},
        {"scan", "examples", "--format", "sarif"},
        {"facts", "examples"},
        {"models", "examples"}}) {
    command.insert(command.end(), {"-o", "/dev/null"});
    RunResult result = runCapcycle(command);
    EXPECT_LE(result.status, 1) << command[0] << ": " << result.err;
    EXPECT_EQ(result.out, "") << command[0];
    EXPECT_FALSE(contains(result.err, "error")) << command[0] << ": " << result.err;
    expectNullDevice();
  }
}

TEST(OutputTargets, DevStdoutAndDevFdPrintTheReport) {
  std::string expected = expectedReport();
  for (const char *target : {"/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"}) {
    RunResult result = runCapcycle({"scan", "examples", "--format", "json", "-o", target});
    EXPECT_EQ(result.status, 1) << target << ": " << result.err;
    EXPECT_EQ(result.out, expected) << target;
  }
  // Through a pipe, not a file: `capcycle -o /dev/stdout | jq`.
  RunResult piped = shell("\"$0\" scan examples --format json -o /dev/stdout | cat");
  EXPECT_EQ(piped.out, expected);
}

TEST(OutputTargets, FifoReadByABackgroundReaderReceivesTheWholeReport) {
  std::string expected = expectedReport();
  TempDir temp;
  RunResult result = shell(R"(mkfifo "$1/fifo" && { timeout 120 cat "$1/fifo" > "$1/received" & }
"$0" scan examples --format json -o "$1/fifo"; status=$?; wait; exit $status)",
                           {temp.path()});
  EXPECT_EQ(result.status, 1) << result.err;
  EXPECT_EQ(readFile(temp.file("received")), expected);
  struct stat status;
  ASSERT_EQ(::lstat(temp.file("fifo").c_str(), &status), 0);
  EXPECT_TRUE(S_ISFIFO(status.st_mode)) << "the FIFO was replaced by a regular file";
}

TEST(OutputTargets, SymbolicLinkKeepsPointingAtItsTargetWhichHoldsTheNewReport) {
  std::string expected = expectedReport();
  TempDir temp;
  temp.write("latest.json", "old report");
  ASSERT_EQ(::symlink("latest.json", temp.file("report.json").c_str()), 0);
  ASSERT_EQ(::symlink("later.json", temp.file("dangling.json").c_str()), 0);

  for (const char *link : {"report.json", "dangling.json"})
    EXPECT_EQ(runCapcycle({"scan", "examples", "--format", "json", "-o", temp.file(link)})
                  .status,
              1);
  llvm::SmallString<256> target;
  EXPECT_FALSE(llvm::sys::fs::real_path(temp.file("report.json"), target));
  EXPECT_TRUE(llvm::StringRef(target).ends_with("/latest.json")) << target.str().str();
  EXPECT_EQ(readFile(temp.file("latest.json")), expected);
  EXPECT_EQ(readFile(temp.file("later.json")), expected);
  for (const char *link : {"report.json", "dangling.json"}) {
    struct stat status;
    ASSERT_EQ(::lstat(temp.file(link).c_str(), &status), 0);
    EXPECT_TRUE(S_ISLNK(status.st_mode)) << link << " was replaced by a regular file";
  }
}

// --- as a user who is not root --------------------------------------------------------------

// Runs capcycle as `nobody` with util-linux setpriv (the fixture checks that it can).
RunResult runAsNobody(const std::vector<std::string> &args) {
  std::vector<std::string> argv{"--reuid=65534", "--regid=65534", "--clear-groups",
                                CAPCYCLE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run("/usr/bin/setpriv", argv);
}

class OutputTargetsAsNobody : public ::testing::Test {
protected:
  void SetUp() override {
    if (::getuid() != 0 || !llvm::sys::fs::can_execute("/usr/bin/setpriv"))
      GTEST_SKIP() << "needs root and util-linux setpriv to run capcycle as nobody";
    // Without -o: a checkout inside a private directory cannot be read by nobody at all.
    RunResult plain = runAsNobody({"scan", "examples", "--format", "json"});
    if (plain.status != 1 || !contains(plain.out, "\"CCY001\""))
      GTEST_SKIP() << "nobody cannot run " << CAPCYCLE_BINARY << " on examples/ "
                   << "(a private checkout?): " << plain.err;
    // nobody may enter the directory but not create files in it.
    ASSERT_EQ(::chmod(temp.path().c_str(), 0755), 0);
  }
  TempDir temp;
};

TEST_F(OutputTargetsAsNobody, DevNullWritesNothingAndSucceeds) {
  RunResult result = runAsNobody({"scan", "examples", "--format", "json", "-o", "/dev/null"});
  EXPECT_EQ(result.status, 1) << result.err;
  EXPECT_EQ(result.err, "");
  expectNullDevice();
}

TEST_F(OutputTargetsAsNobody, WritableFileInAReadOnlyDirectoryIsWrittenInPlace) {
  temp.write("shared.json", "old report");
  ASSERT_EQ(::chmod(temp.file("shared.json").c_str(), 0666), 0);
  RunResult result =
      runAsNobody({"scan", "examples", "--format", "json", "-o", temp.file("shared.json")});
  EXPECT_EQ(result.status, 1) << result.err;
  EXPECT_EQ(readFile(temp.file("shared.json")), expectedReport());
  int entries = 0;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(temp.path(), ec), end; it != end && !ec;
       it.increment(ec))
    ++entries;
  EXPECT_EQ(entries, 1) << "a temporary file was left behind";
}

TEST_F(OutputTargetsAsNobody, UnwritableTargetIsAnErrorNamingPathAndReason) {
  std::string target = temp.file("new.json");
  RunResult result = runAsNobody({"scan", "examples", "--format", "json", "-o", target});
  EXPECT_EQ(result.status, 2);
  EXPECT_TRUE(contains(result.err, "capcycle: error: cannot write '" + target +
                                       "': Permission denied"))
      << result.err;
  EXPECT_FALSE(llvm::sys::fs::exists(target));
}

} // namespace
