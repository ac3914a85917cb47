// Where `-o FILE` puts a report. A regular file is replaced through a temporary file and a
// rename, so CI uploads and editors reading it see the previous report or the complete new one,
// never a prefix. Anything else that a path can name (/dev/null, /dev/stdout, a FIFO, a socket)
// is written through: renaming over /dev/null as root replaces the machine's null device with a
// regular file, and every program writing to it afterwards fills that file.
#include "report/Report.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Errno.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <fcntl.h>
#include <optional>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace capcycle {
namespace {

llvm::Error writeError(llvm::StringRef destination, const llvm::Twine &reason) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "cannot write '" + destination + "': " + reason);
}

llvm::Error writeError(llvm::StringRef destination, int errorNumber) {
  return writeError(destination, llvm::sys::StrError(errorNumber));
}

// What the output path names once its symbolic links are followed.
struct OutputTarget {
  enum class Kind {
    Replaceable,  // a regular file, or nothing yet: temporary file + rename
    Special,      // a device or a FIFO: opened and written
    Socket,       // a Unix-domain socket: connected and written
    OwnDescriptor // /dev/fd/N, /proc/self/fd/N: capcycle's own descriptor N
  } kind;
  std::string path; // the file a link chain ends at (the link itself stays)
  int descriptor = -1;
  std::optional<mode_t> mode; // of the regular file being replaced
};

// /dev/stdout links to /proc/self/fd/1, whose "target" is the kernel's description of the open
// file ("pipe:[4711]", or a path that the shell opened with its own flags): not a path to
// follow. Writing to the descriptor itself is what a shell does with `>/dev/fd/1`.
std::optional<int> ownDescriptor(llvm::StringRef path) {
  if (path == "/dev/stdout" || path == "/dev/stderr")
    return path == "/dev/stdout" ? STDOUT_FILENO : STDERR_FILENO;
  for (llvm::StringRef prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    unsigned number = 0;
    if (path.consume_front(prefix) && !path.getAsInteger(10, number))
      return static_cast<int>(number);
  }
  return std::nullopt;
}

llvm::Expected<OutputTarget> resolveTarget(llvm::StringRef requested) {
  std::string current = requested.str();
  // Linux's own limit on links followed in one lookup (MAXSYMLINKS).
  for (int hops = 0; hops <= 40; ++hops) {
    if (std::optional<int> descriptor = ownDescriptor(current))
      return OutputTarget{OutputTarget::Kind::OwnDescriptor, current, *descriptor, {}};
    struct stat status;
    if (::lstat(current.c_str(), &status) != 0) {
      if (errno == ENOENT) // a new file, or the target of a dangling link
        return OutputTarget{OutputTarget::Kind::Replaceable, current, -1, {}};
      return writeError(requested, errno);
    }
    if (S_ISREG(status.st_mode))
      return OutputTarget{OutputTarget::Kind::Replaceable, current, -1, status.st_mode & 07777};
    if (S_ISDIR(status.st_mode))
      return writeError(requested, "is a directory");
    if (S_ISSOCK(status.st_mode))
      return OutputTarget{OutputTarget::Kind::Socket, current, -1, {}};
    if (!S_ISLNK(status.st_mode))
      return OutputTarget{OutputTarget::Kind::Special, current, -1, {}};
    // Another process's /proc/PID/fd/N, /proc/PID/cwd...: a kernel link that open() follows
    // to the open file but whose text is no path.
    if (llvm::StringRef(current).starts_with("/proc/"))
      return OutputTarget{OutputTarget::Kind::Special, current, -1, {}};

    llvm::SmallString<256> link;
    link.resize(PATH_MAX);
    ssize_t length = ::readlink(current.c_str(), link.data(), link.size());
    if (length < 0)
      return writeError(requested, errno);
    link.resize(length);
    if (llvm::sys::path::is_relative(link)) {
      llvm::SmallString<256> joined(llvm::sys::path::parent_path(current));
      llvm::sys::path::append(joined, link);
      link = joined;
    }
    current = std::string(link);
  }
  return writeError(requested, llvm::sys::StrError(ELOOP));
}

// Writes and closes `fd`; the error (if any) is the stream's, e.g. ENOSPC or EPIPE.
std::error_code writeAndClose(int fd, llvm::function_ref<void(llvm::raw_ostream &)> write) {
  llvm::raw_fd_ostream stream(fd, /*shouldClose=*/true);
  write(stream);
  stream.flush();
  stream.close();
  std::error_code error = stream.error();
  // Reported above; without this the stream's destructor would abort on the unchecked error.
  stream.clear_error();
  return error;
}

llvm::Error writeToDescriptor(llvm::StringRef requested, int fd,
                              llvm::function_ref<void(llvm::raw_ostream &)> write) {
  if (std::error_code error = writeAndClose(fd, write))
    return writeError(requested, error.message());
  return llvm::Error::success();
}

// The temporary file lives next to the destination: rename() is atomic only within one file
// system, and /tmp often is another one.
std::string temporaryFileModel(llvm::StringRef destination) {
  llvm::SmallString<256> model(llvm::sys::path::parent_path(destination));
  llvm::sys::path::append(model, llvm::sys::path::filename(destination) + ".tmp-%%%%%%");
  return std::string(model);
}

// A directory the user may not create files in can still hold a report file they may write
// (a shared results folder): then the report is written in place, not atomically.
bool mayWriteInPlace(const OutputTarget &target, std::error_code temporaryError) {
  bool denied = temporaryError == std::errc::permission_denied ||
                temporaryError == std::errc::operation_not_permitted;
  return denied && target.mode && ::access(target.path.c_str(), W_OK) == 0;
}

llvm::Error writeInPlace(llvm::StringRef requested, const OutputTarget &target,
                         llvm::function_ref<void(llvm::raw_ostream &)> write) {
  int fd = ::open(target.path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0)
    return writeError(requested, errno);
  return writeToDescriptor(requested, fd, write);
}

llvm::Error replaceAtomically(llvm::StringRef requested, const OutputTarget &target,
                              llvm::function_ref<void(llvm::raw_ostream &)> write) {
  int fd = -1;
  llvm::SmallString<256> temporaryPath;
  if (std::error_code error =
          llvm::sys::fs::createUniqueFile(temporaryFileModel(target.path), fd, temporaryPath)) {
    if (mayWriteInPlace(target, error))
      return writeInPlace(requested, target, write);
    return writeError(requested, error.message()); // e.g. the directory does not exist
  }
  // Ctrl-C during a long scan must not leave "report.sarif.tmp-a1b2c3" behind.
  llvm::sys::RemoveFileOnSignal(temporaryPath);
  // The new report keeps the permissions of the one it replaces, as an editor's save does.
  if (target.mode)
    (void)::fchmod(fd, *target.mode);

  std::error_code error = writeAndClose(fd, write);
  if (!error)
    error = llvm::sys::fs::rename(temporaryPath, target.path);
  llvm::sys::DontRemoveFileOnSignal(temporaryPath);
  if (error) {
    llvm::sys::fs::remove(temporaryPath);
    return writeError(requested, error.message());
  }
  return llvm::Error::success();
}

int connectToSocket(const std::string &path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path))
    return errno = ENAMETOOLONG, -1;
  path.copy(address.sun_path, path.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) != 0) {
    int error = errno;
    ::close(fd);
    return errno = error, -1;
  }
  return fd;
}

} // namespace

llvm::Error writeOutputFile(llvm::StringRef path,
                            llvm::function_ref<void(llvm::raw_ostream &)> write) {
  auto target = resolveTarget(path);
  if (!target)
    return target.takeError();
  int fd = -1;
  switch (target->kind) {
  case OutputTarget::Kind::Replaceable:
    return replaceAtomically(path, *target, write);
  case OutputTarget::Kind::OwnDescriptor:
    // Whatever capcycle printed to its own streams comes before the report, as on a terminal.
    llvm::outs().flush();
    llvm::errs().flush();
    fd = ::fcntl(target->descriptor, F_DUPFD_CLOEXEC, 0);
    break;
  case OutputTarget::Kind::Socket:
    fd = connectToSocket(target->path);
    break;
  case OutputTarget::Kind::Special:
    // A FIFO blocks here until its reader opens it, as `echo report > fifo` does.
    fd = ::open(target->path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    break;
  }
  if (fd < 0)
    return writeError(path, errno);
  return writeToDescriptor(path, fd, write);
}

} // namespace capcycle
