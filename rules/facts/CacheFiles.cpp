#include "facts/CacheFiles.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace capcycle {

EntryName &EntryName::field(llvm::StringRef text) {
  hash.update(text);
  hash.update(llvm::StringRef("", 1));
  return *this;
}

std::string EntryName::last(llvm::StringRef bytes) {
  hash.update(bytes);
  return llvm::toHex(hash.final(), /*LowerCase=*/true);
}

std::string entryFile(llvm::StringRef directory, llvm::StringRef entry) {
  llvm::SmallString<256> path(directory);
  llvm::sys::path::append(path, entry + ".json");
  return std::string(path);
}

void writeAtomically(const std::string &file, const llvm::json::Value &content) {
  llvm::Expected<llvm::sys::fs::TempFile> temporary =
      llvm::sys::fs::TempFile::create(file + ".tmp-%%%%%%");
  if (!temporary)
    return llvm::consumeError(temporary.takeError());
  std::error_code problem;
  {
    llvm::raw_fd_ostream out(temporary->FD, /*shouldClose=*/false);
    out << content;
    out.flush();
    problem = out.error();
    out.clear_error(); // checked here; unchecked, the stream's destructor would abort
  }
  llvm::consumeError(problem ? temporary->discard() : temporary->keep(file));
}

std::optional<llvm::json::Value> readJSONFile(const std::string &file) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> text = llvm::MemoryBuffer::getFile(file);
  if (!text)
    return std::nullopt;
  llvm::Expected<llvm::json::Value> json = llvm::json::parse((*text)->getBuffer());
  if (!json) {
    llvm::consumeError(json.takeError());
    return std::nullopt;
  }
  return std::move(*json);
}

void pruneEntries(llvm::StringRef directory, llvm::ArrayRef<std::string> used,
                  llvm::sys::TimePoint<> now, std::chrono::hours age) {
  std::error_code problem;
  for (llvm::sys::fs::directory_iterator it(directory, problem), end; it != end && !problem;
       it.increment(problem)) {
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    llvm::sys::fs::file_status status;
    if (llvm::sys::fs::status(it->path(), status) ||
        status.type() != llvm::sys::fs::file_type::regular_file)
      continue;
    llvm::sys::TimePoint<> written = status.getLastModificationTime();
    bool stale = false;
    if (name.contains(".tmp-"))
      stale = written < now - std::chrono::hours(1);
    else if (name.consume_back(".json"))
      stale = written < now - age && !llvm::is_contained(used, name);
    if (stale)
      llvm::sys::fs::remove(it->path()); // gone already (another scan pruned it): fine
  }
}

bool makeCacheDirectory(llvm::StringRef directory) {
  if (llvm::sys::fs::create_directories(directory))
    return false;
  auto writeOnce = [&](llvm::StringRef name, llvm::StringRef text) {
    llvm::SmallString<256> path(directory);
    llvm::sys::path::append(path, name);
    if (llvm::sys::fs::exists(path))
      return;
    std::error_code problem;
    llvm::raw_fd_ostream out(path, problem, llvm::sys::fs::OF_Text);
    if (!problem)
      out << text;
    out.clear_error();
  };
  // https://bford.info/cachedir/
  writeOnce("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n"
                            "# This file is a cache directory tag created by capcycle.\n");
  writeOnce(".gitignore", "# Automatically created by capcycle.\n*\n");
  return true;
}

} // namespace capcycle
