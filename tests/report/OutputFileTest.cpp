#include "report/Report.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

namespace capcycle {
namespace {

class OutputFile : public ::testing::Test {
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

  static llvm::Error writeReport(llvm::StringRef path, llvm::StringRef text = "report\n") {
    return writeOutputFile(path, [&](llvm::raw_ostream &out) { out << text; });
  }

  static std::string linkTarget(llvm::StringRef link) {
    char target[4096];
    ssize_t length = ::readlink(link.str().c_str(), target, sizeof(target));
    return length < 0 ? "<not a link>" : std::string(target, length);
  }

  llvm::SmallString<256> directory;
};

TEST_F(OutputFile, ContentLandsAndNoTemporaryFileRemains) {
  std::string destination = pathIn("report.sarif");
  llvm::Error error = writeOutputFile(
      destination, [](llvm::raw_ostream &out) { out << "{\"version\": \"2.1.0\"}\n"; });
  ASSERT_FALSE(error) << llvm::toString(std::move(error));
  EXPECT_EQ(contents(destination), "{\"version\": \"2.1.0\"}\n");
  EXPECT_EQ(entries(), std::vector<std::string>{"report.sarif"});
}

TEST_F(OutputFile, ReplacesAnExistingReport) {
  std::string destination = pathIn("report.txt");
  ASSERT_FALSE(writeOutputFile(destination, [](llvm::raw_ostream &out) { out << "old\n"; }));
  ASSERT_FALSE(writeOutputFile(destination, [](llvm::raw_ostream &out) { out << "new\n"; }));
  EXPECT_EQ(contents(destination), "new\n");
  EXPECT_EQ(entries(), std::vector<std::string>{"report.txt"});
}

TEST_F(OutputFile, MissingDirectoryIsAnErrorNamingThePath) {
  std::string missingDirectory = pathIn("no-such-dir");
  std::string destination = missingDirectory + "/report.sarif";
  bool writerCalled = false;
  llvm::Error error = writeOutputFile(destination, [&](llvm::raw_ostream &out) {
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

TEST_F(OutputFile, DestinationThatIsADirectoryLeavesNoTemporaryFile) {
  std::string destination = pathIn("taken");
  ASSERT_FALSE(llvm::sys::fs::create_directory(destination));
  llvm::Error error =
      writeOutputFile(destination, [](llvm::raw_ostream &out) { out << "report\n"; });
  ASSERT_TRUE(bool(error));
  std::string message = llvm::toString(std::move(error));
  EXPECT_NE(message.find(destination), std::string::npos) << message;
  EXPECT_EQ(entries(), std::vector<std::string>{"taken"});
}

TEST_F(OutputFile, SymbolicLinkKeepsPointingAtItsReplacedTarget) {
  std::string target = pathIn("reports/latest.sarif"), link = pathIn("report.sarif");
  ASSERT_FALSE(llvm::sys::fs::create_directory(pathIn("reports")));
  ASSERT_FALSE(writeReport(target, "old\n"));
  ASSERT_EQ(::symlink("reports/latest.sarif", link.c_str()), 0);

  ASSERT_FALSE(writeReport(link, "new\n"));
  EXPECT_EQ(linkTarget(link), "reports/latest.sarif") << "the link was replaced by a file";
  EXPECT_EQ(contents(target), "new\n");
  EXPECT_EQ(entries().size(), 2u) << "a temporary file was left behind";
}

TEST_F(OutputFile, DanglingLinkIsWrittenThroughToTheFileItNames) {
  std::string link = pathIn("report.txt");
  ASSERT_EQ(::symlink("not-yet.txt", link.c_str()), 0);
  ASSERT_FALSE(writeReport(link));
  EXPECT_EQ(linkTarget(link), "not-yet.txt");
  EXPECT_EQ(contents(pathIn("not-yet.txt")), "report\n");
}

TEST_F(OutputFile, LinkLoopIsAnErrorNamingThePath) {
  std::string a = pathIn("a"), b = pathIn("b");
  ASSERT_EQ(::symlink("b", a.c_str()), 0);
  ASSERT_EQ(::symlink("a", b.c_str()), 0);
  llvm::Error error = writeReport(a);
  ASSERT_TRUE(bool(error));
  std::string message = llvm::toString(std::move(error));
  EXPECT_NE(message.find("'" + a + "'"), std::string::npos) << message;
  EXPECT_NE(message.find("symbolic links"), std::string::npos) << message;
}

TEST_F(OutputFile, ReplacedReportKeepsItsPermissions) {
  std::string destination = pathIn("report.txt");
  ASSERT_FALSE(writeReport(destination, "old\n"));
  ASSERT_EQ(::chmod(destination.c_str(), 0640), 0);
  ASSERT_FALSE(writeReport(destination, "new\n"));
  struct stat status;
  ASSERT_EQ(::stat(destination.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 0640u);
  EXPECT_EQ(contents(destination), "new\n");
}

TEST_F(OutputFile, FifoIsWrittenThroughToItsReader) {
  std::string fifo = pathIn("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string report(1 << 20, 'x'); // more than a pipe buffer: the reader must get it all
  std::string received;
  // A second name for the FIFO: should it be renamed over, the reader (blocked opening it)
  // is released through this one instead of hanging the suite.
  std::string spare = pathIn("spare-name");
  ASSERT_EQ(::link(fifo.c_str(), spare.c_str()), 0);
  std::thread reader([&] { received = contents(fifo); });
  llvm::Error error = writeReport(fifo, report);
  if (int release = ::open(spare.c_str(), O_WRONLY | O_NONBLOCK); release >= 0)
    ::close(release);
  reader.join();
  ::unlink(spare.c_str());
  ASSERT_FALSE(error) << llvm::toString(std::move(error));
  EXPECT_EQ(received.size(), report.size());
  struct stat status;
  ASSERT_EQ(::lstat(fifo.c_str(), &status), 0);
  EXPECT_TRUE(S_ISFIFO(status.st_mode)) << "the FIFO was replaced";
  EXPECT_EQ(entries(), std::vector<std::string>{"pipe"});
}

TEST_F(OutputFile, UnixSocketReceivesTheReport) {
  std::string socketPath = pathIn("report.sock");
  int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  ASSERT_LT(socketPath.size(), sizeof(address.sun_path));
  socketPath.copy(address.sun_path, socketPath.size());
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  std::string received;
  std::thread reader([&] {
    int connection = ::accept(listener, nullptr, nullptr);
    char buffer[4096];
    for (ssize_t n; (n = ::read(connection, buffer, sizeof(buffer))) > 0;)
      received.append(buffer, n);
    ::close(connection);
  });
  llvm::Error error = writeReport(socketPath);
  reader.join();
  ::close(listener);
  ASSERT_FALSE(error) << llvm::toString(std::move(error));
  EXPECT_EQ(received, "report\n");
}

// The regression test of /dev/null replaced by a regular file, on a device of its own: a
// failure must not break the machine running the suite (tests/e2e checks the real /dev/null).
TEST_F(OutputFile, CharacterDeviceIsWrittenThroughNotReplaced) {
  std::string device = pathIn("null");
  if (::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0)
    GTEST_SKIP() << "cannot create a device node here (not root?)";
  ASSERT_FALSE(writeReport(device));
  struct stat status;
  ASSERT_EQ(::lstat(device.c_str(), &status), 0);
  EXPECT_TRUE(S_ISCHR(status.st_mode)) << "the device was replaced by a regular file";
  EXPECT_EQ(status.st_rdev, makedev(1, 3));
  EXPECT_EQ(entries(), std::vector<std::string>{"null"});
}

} // namespace
} // namespace capcycle
