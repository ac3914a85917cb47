// The fact model: the only contract between the frontends (py-frontend/, clang-checks/) and the
// rules. Facts are plain records with source locations; they say what the code *is* (a bound
// type, a signal connection and what its callback captures), never whether that is a bug.
// Depends on nothing but LLVM Support (for JSON). Everything else may depend on it.
#pragma once

#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace capcycle {

// A source range; lines and columns are 1-based, endColumn is one past the last character
// (SARIF's convention), so a one-character token at column 5 has endColumn 6.
struct SourceLocation {
  std::string file;
  unsigned line = 0;
  unsigned column = 0;
  unsigned endLine = 0;
  unsigned endColumn = 0;

  bool valid() const { return !file.empty() && line > 0; }
  friend bool operator==(const SourceLocation &, const SourceLocation &) = default;
};

// A name bound in one scope. Two references denote the same object binding exactly when their
// bindingIds are equal; the id is stable within one scan (file, scope start, name).
struct BindingRef {
  std::string name;
  std::string bindingId;
  SourceLocation definedAt; // first binding occurrence (assignment target, parameter, def ...)
  friend bool operator==(const BindingRef &, const BindingRef &) = default;
};

// One name a callback reads from an enclosing scope (a free variable, or a default argument
// evaluated at definition time): the callback object keeps that binding's object alive.
struct Capture {
  BindingRef binding;
  SourceLocation referencedAt; // first reference inside the callback
  friend bool operator==(const Capture &, const Capture &) = default;
};

using CaptureSet = std::vector<Capture>;

// `receiver.signal.connect(callback)`: the callback is stored by the signal owned by receiver.
struct SignalConnection {
  SourceLocation connectCall;   // the whole call expression
  BindingRef receiver;          // the object owning the signal (root of the receiver expression)
  std::string receiverText;     // receiver expression as written, e.g. "transcriber"
  std::string signal;           // attribute naming the signal, e.g. "transcribed"
  std::string connectMethod;    // "connect"
  std::string callbackName;     // "on_transcribed", or "<lambda>"
  std::string callbackKind;     // "lambda" | "nested-function"
  SourceLocation callbackDefinition;
  SourceLocation callbackArgument; // the argument in the connect call
  CaptureSet captures;
  friend bool operator==(const SignalConnection &, const SignalConnection &) = default;
};

// A C++ type exposed to Python (pybind11 `py::class_<T>(m, "Name")`).
struct BoundType {
  std::string cppType;    // fully qualified, e.g. "speech::Transcriber"
  std::string pythonName; // "Transcriber"
  std::string module;     // from PYBIND11_MODULE(module, m)
  SourceLocation location;
  friend bool operator==(const BoundType &, const BoundType &) = default;
};

// Something a frontend could not analyse: a file it skipped or read only in part. Reported
// beside findings (SARIF toolExecutionNotifications), never a reason to stop the scan.
struct Notification {
  enum class Level { Note, Warning, Error };
  Level level = Level::Warning;
  std::string message;
  SourceLocation location; // at least the file; line 0 when the whole file is concerned
  friend bool operator==(const Notification &, const Notification &) = default;
};

struct FactSet {
  std::vector<SignalConnection> signalConnections;
  std::vector<BoundType> boundTypes;
  std::vector<Notification> notifications;

  void append(FactSet &&other);
  friend bool operator==(const FactSet &, const FactSet &) = default;
};

const char *levelName(Notification::Level level);

// JSON round-trip (the format of `capcycle facts`).
llvm::json::Value toJSON(const SourceLocation &location);
llvm::json::Value toJSON(const BindingRef &binding);
llvm::json::Value toJSON(const Capture &capture);
llvm::json::Value toJSON(const SignalConnection &connection);
llvm::json::Value toJSON(const BoundType &type);
llvm::json::Value toJSON(const Notification &notification);
llvm::json::Value toJSON(const FactSet &facts);

bool fromJSON(const llvm::json::Value &value, SourceLocation &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, BindingRef &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, Capture &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, SignalConnection &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, BoundType &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, Notification &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, FactSet &out, llvm::json::Path path);

} // namespace capcycle
