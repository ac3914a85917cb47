#include "Facts.h"

#include <iterator>

namespace capcycle {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::ObjectMapper;
using llvm::json::Path;
using llvm::json::Value;

void FactSet::append(FactSet &&other) {
  auto move = [](auto &to, auto &from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  };
  move(signalConnections, other.signalConnections);
  move(boundTypes, other.boundTypes);
  move(notifications, other.notifications);
}

const char *levelName(Notification::Level level) {
  switch (level) {
  case Notification::Level::Note: return "note";
  case Notification::Level::Warning: return "warning";
  case Notification::Level::Error: return "error";
  }
  return "warning";
}

namespace {
// llvm::json reads int64_t, not unsigned.
bool mapUnsigned(ObjectMapper &mapper, llvm::StringLiteral key, unsigned &out) {
  int64_t value = 0;
  if (!mapper.map(key, value))
    return false;
  out = value < 0 ? 0 : static_cast<unsigned>(value);
  return true;
}
} // namespace

Value toJSON(const SourceLocation &l) {
  return Object{{"file", l.file},       {"line", l.line},       {"column", l.column},
                {"endLine", l.endLine}, {"endColumn", l.endColumn}};
}

bool fromJSON(const Value &value, SourceLocation &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("file", out.file) && mapUnsigned(m, "line", out.line) &&
         mapUnsigned(m, "column", out.column) && mapUnsigned(m, "endLine", out.endLine) &&
         mapUnsigned(m, "endColumn", out.endColumn);
}

Value toJSON(const BindingRef &b) {
  return Object{{"name", b.name}, {"bindingId", b.bindingId}, {"definedAt", toJSON(b.definedAt)}};
}

bool fromJSON(const Value &value, BindingRef &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("name", out.name) && m.map("bindingId", out.bindingId) &&
         m.map("definedAt", out.definedAt);
}

Value toJSON(const Capture &c) {
  return Object{{"binding", toJSON(c.binding)}, {"referencedAt", toJSON(c.referencedAt)}};
}

bool fromJSON(const Value &value, Capture &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("binding", out.binding) && m.map("referencedAt", out.referencedAt);
}

Value toJSON(const SignalConnection &s) {
  Array captures;
  for (const Capture &c : s.captures)
    captures.push_back(toJSON(c));
  return Object{{"connectCall", toJSON(s.connectCall)},
                {"receiver", toJSON(s.receiver)},
                {"receiverText", s.receiverText},
                {"signal", s.signal},
                {"connectMethod", s.connectMethod},
                {"callbackName", s.callbackName},
                {"callbackKind", s.callbackKind},
                {"callbackDefinition", toJSON(s.callbackDefinition)},
                {"callbackArgument", toJSON(s.callbackArgument)},
                {"captures", std::move(captures)}};
}

bool fromJSON(const Value &value, SignalConnection &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("connectCall", out.connectCall) && m.map("receiver", out.receiver) &&
         m.map("receiverText", out.receiverText) && m.map("signal", out.signal) &&
         m.map("connectMethod", out.connectMethod) && m.map("callbackName", out.callbackName) &&
         m.map("callbackKind", out.callbackKind) &&
         m.map("callbackDefinition", out.callbackDefinition) &&
         m.map("callbackArgument", out.callbackArgument) && m.map("captures", out.captures);
}

Value toJSON(const BoundType &t) {
  return Object{{"cppType", t.cppType},
                {"pythonName", t.pythonName},
                {"module", t.module},
                {"location", toJSON(t.location)}};
}

bool fromJSON(const Value &value, BoundType &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("cppType", out.cppType) && m.map("pythonName", out.pythonName) &&
         m.map("module", out.module) && m.map("location", out.location);
}

Value toJSON(const Notification &n) {
  return Object{{"level", levelName(n.level)},
                {"message", n.message},
                {"location", toJSON(n.location)}};
}

bool fromJSON(const Value &value, Notification &out, Path path) {
  ObjectMapper m(value, path);
  std::string level;
  if (!m || !m.map("level", level) || !m.map("message", out.message) ||
      !m.map("location", out.location))
    return false;
  if (level == "note")
    out.level = Notification::Level::Note;
  else if (level == "warning")
    out.level = Notification::Level::Warning;
  else if (level == "error")
    out.level = Notification::Level::Error;
  else {
    path.field("level").report("expected note, warning or error");
    return false;
  }
  return true;
}

Value toJSON(const FactSet &f) {
  auto array = [](const auto &records) {
    Array out;
    for (const auto &r : records)
      out.push_back(toJSON(r));
    return out;
  };
  return Object{{"signalConnections", array(f.signalConnections)},
                {"boundTypes", array(f.boundTypes)},
                {"notifications", array(f.notifications)}};
}

bool fromJSON(const Value &value, FactSet &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("signalConnections", out.signalConnections) &&
         m.map("boundTypes", out.boundTypes) && m.map("notifications", out.notifications);
}

} // namespace capcycle
