#include "report/Utf16Columns.h"

#include "llvm/Support/MemoryBuffer.h"

namespace capcycle {

unsigned utf16Length(llvm::StringRef bytes) {
  unsigned units = 0;
  for (unsigned char c : bytes) {
    if ((c & 0xC0) == 0x80)
      continue; // a continuation byte belongs to the sequence already counted
    units += c >= 0xF0 && c <= 0xF4 ? 2 : 1;
  }
  return units;
}

const Utf16Columns::SourceText &Utf16Columns::load(llvm::StringRef file) {
  auto [it, inserted] = files.try_emplace(file);
  if (!inserted)
    return it->second;
  SourceText &source = it->second;
  auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return source;
  source.text = (*buffer)->getBuffer().str();
  source.lineStarts.push_back(0);
  for (size_t i = 0; i < source.text.size(); ++i)
    if (source.text[i] == '\n')
      source.lineStarts.push_back(i + 1);
  return source;
}

unsigned Utf16Columns::column(llvm::StringRef file, unsigned line, unsigned byteColumn) {
  const SourceText &source = load(file);
  if (line == 0 || byteColumn == 0 || line > source.lineStarts.size())
    return byteColumn;
  llvm::StringRef text = llvm::StringRef(source.text).drop_front(source.lineStarts[line - 1]);
  llvm::StringRef rest = text.take_until([](char c) { return c == '\n'; });
  // A column may point one past the line's end (an end column); bytes beyond count as one each.
  size_t prefixBytes = byteColumn - 1;
  llvm::StringRef prefix = rest.take_front(prefixBytes);
  return utf16Length(prefix) + unsigned(prefixBytes - prefix.size()) + 1;
}

} // namespace capcycle
