#include "report/Report.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

namespace capcycle {
namespace {

class AtomicOutput : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("capcycle-atomic", directory));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(directory); }

  std::string pathIn(llvm::StringRef name) const {
    llvm::SmallString<256> path(directory);
    llvm::sys::path::append(path, name);
    return std::string(path);
  }

  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    std::error_code error;
    for (llvm::sys::fs::directory_iterator it(directory, error), end; !error && it != end;
         it.increment(error))
      names.push_back(llvm::sys::path::filename(it->path()).str());
    return names;
  }

  static std::string contents(llvm::StringRef path) {
    auto buffer = llvm::MemoryBuffer::getFile(path);
    return buffer ? (*buffer)->getBuffer().str() : "<unreadable>";
  }

  llvm::SmallString<256> directory;
};

TEST_F(AtomicOutput, ContentLandsAndNoTemporaryFileRemains) {
  std::string destination = pathIn("report.sarif");
  llvm::Error error = writeFileAtomically(
      destination, [](llvm::raw_ostream &out) { out << "{\"version\": \"2.1.0\"}\n"; });
  ASSERT_FALSE(error) << llvm::toString(std::move(error));
  EXPECT_EQ(contents(destination), "{\"version\": \"2.1.0\"}\n");
  EXPECT_EQ(entries(), std::vector<std::string>{"report.sarif"});
}

TEST_F(AtomicOutput, ReplacesAnExistingReport) {
  std::string destination = pathIn("report.txt");
  ASSERT_FALSE(writeFileAtomically(destination, [](llvm::raw_ostream &out) { out << "old\n"; }));
  ASSERT_FALSE(writeFileAtomically(destination, [](llvm::raw_ostream &out) { out << "new\n"; }));
  EXPECT_EQ(contents(destination), "new\n");
  EXPECT_EQ(entries(), std::vector<std::string>{"report.txt"});
}

TEST_F(AtomicOutput, MissingDirectoryIsAnErrorNamingThePath) {
  std::string missingDirectory = pathIn("no-such-dir");
  std::string destination = missingDirectory + "/report.sarif";
  bool writerCalled = false;
  llvm::Error error = writeFileAtomically(destination, [&](llvm::raw_ostream &out) {
    writerCalled = true;
    out << "x";
  });
  ASSERT_TRUE(bool(error));
  std::string message = llvm::toString(std::move(error));
  EXPECT_NE(message.find(destination), std::string::npos) << message;
  EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
  EXPECT_FALSE(writerCalled);
  EXPECT_FALSE(llvm::sys::fs::exists(missingDirectory));
  EXPECT_TRUE(entries().empty());
}

TEST_F(AtomicOutput, DestinationThatIsADirectoryLeavesNoTemporaryFile) {
  std::string destination = pathIn("taken");
  ASSERT_FALSE(llvm::sys::fs::create_directory(destination));
  llvm::Error error =
      writeFileAtomically(destination, [](llvm::raw_ostream &out) { out << "report\n"; });
  ASSERT_TRUE(bool(error));
  std::string message = llvm::toString(std::move(error));
  EXPECT_NE(message.find(destination), std::string::npos) << message;
  EXPECT_EQ(entries(), std::vector<std::string>{"taken"});
}

} // namespace
} // namespace capcycle
