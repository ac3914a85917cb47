// SARIF counts columns in UTF-16 code units (its default `columnKind`, the one code scanning
// reads); the frontends count bytes, as gcc-style text output and editors do. This converts
// one to the other from the source line, read once per file.
#pragma once

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace capcycle {

class Utf16Columns {
public:
  // The 1-based UTF-16 column of 1-based byte column `byteColumn` on `line` of `file`. The byte
  // column itself when the file cannot be read or has no such line (a location that names no
  // text is better shown roughly than not at all).
  unsigned column(llvm::StringRef file, unsigned line, unsigned byteColumn);

private:
  struct SourceText {
    std::string text;
    std::vector<size_t> lineStarts; // byte offset of each line
  };
  llvm::StringMap<SourceText> files;
  const SourceText &load(llvm::StringRef file);
};

// UTF-16 code units in `bytes`, read as UTF-8: a 4-byte sequence (outside the BMP) is two
// units, every other sequence one. Invalid bytes count one unit each, so the count never
// runs past the bytes of a file that is not UTF-8.
unsigned utf16Length(llvm::StringRef bytes);

} // namespace capcycle
