// A report file is either the previous one or the complete new one, never a prefix: CI uploads
// and editors may read it while capcycle is still writing, or after it was interrupted.
#include "report/Report.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"

namespace capcycle {
namespace {

llvm::Error writeError(llvm::StringRef destination, const llvm::Twine &reason) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "cannot write '" + destination + "': " + reason);
}

// The temporary file lives next to the destination: rename() is atomic only within one file
// system, and /tmp often is another one.
std::string temporaryFileModel(llvm::StringRef destination) {
  llvm::SmallString<256> model(llvm::sys::path::parent_path(destination));
  llvm::sys::path::append(model, llvm::sys::path::filename(destination) + ".tmp-%%%%%%");
  return std::string(model);
}

// Writes and closes the temporary file; the error (if any) is the stream's, e.g. ENOSPC.
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

} // namespace

llvm::Error writeFileAtomically(llvm::StringRef path,
                                llvm::function_ref<void(llvm::raw_ostream &)> write) {
  int fd = -1;
  llvm::SmallString<256> temporaryPath;
  if (std::error_code error =
          llvm::sys::fs::createUniqueFile(temporaryFileModel(path), fd, temporaryPath))
    return writeError(path, error.message()); // e.g. the directory does not exist
  // Ctrl-C during a long scan must not leave "report.sarif.tmp-a1b2c3" behind.
  llvm::sys::RemoveFileOnSignal(temporaryPath);

  std::error_code error = writeAndClose(fd, write);
  if (!error)
    error = llvm::sys::fs::rename(temporaryPath, path);
  llvm::sys::DontRemoveFileOnSignal(temporaryPath);
  if (error) {
    llvm::sys::fs::remove(temporaryPath);
    return writeError(path, error.message());
  }
  return llvm::Error::success();
}

} // namespace capcycle
