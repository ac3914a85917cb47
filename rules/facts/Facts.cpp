#include "Facts.h"

#include <iterator>
#include <mutex>
#include <set>

namespace capcycle {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::ObjectMapper;
using llvm::json::Path;
using llvm::json::Value;

const std::string &FilePath::emptyPath() {
  static const std::string empty;
  return empty;
}

FilePath::FilePath(llvm::StringRef path) : text(&emptyPath()) {
  if (path.empty())
    return;
  // Node-based: an interned path never moves. Never freed: a process sees few paths.
  static std::mutex lock;
  static std::set<std::string, std::less<>> paths;
  std::lock_guard<std::mutex> guard(lock);
  text = &*paths.emplace(path).first;
}

void FactSet::append(FactSet &&other) {
  auto move = [](auto &to, auto &from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  };
  move(callbackRegistrations, other.callbackRegistrations);
  move(finalizerReleases, other.finalizerReleases);
  move(pythonCallableStores, other.pythonCallableStores);
  move(pythonClasses, other.pythonClasses);
  move(pythonModuleBindings, other.pythonModuleBindings);
  move(pythonFunctions, other.pythonFunctions);
  move(parameterizedRegistrations, other.parameterizedRegistrations);
  move(pythonCalls, other.pythonCalls);
  move(boundTypes, other.boundTypes);
  move(moduleHandOffs, other.moduleHandOffs);
  move(boundMembers, other.boundMembers);
  move(pythonReferences, other.pythonReferences);
  move(gcSupport, other.gcSupport);
  move(callableStores, other.callableStores);
  move(signalOwnerships, other.signalOwnerships);
  move(nativeReleases, other.nativeReleases);
  move(memberStores, other.memberStores);
  move(externalCalls, other.externalCalls);
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
  return Object{{"file", l.file.str()},       {"line", l.line},       {"column", l.column},
                {"endLine", l.endLine}, {"endColumn", l.endColumn}};
}

std::string spellPath(const ObjectPath &path, size_t attributes) {
  attributes = std::min(attributes, path.attributes.size());
  auto element = std::find(path.attributes.begin(), path.attributes.begin() + attributes, "[]");
  size_t below = element - path.attributes.begin();
  bool fromLocal = element != path.attributes.begin() + attributes && !path.written.name.empty() &&
                   path.writtenAttributes == below + 1;
  std::string text = fromLocal ? path.written.name : path.root.name;
  for (size_t i = fromLocal ? below + 1 : 0; i < attributes; ++i)
    text += "." + path.attributes[i];
  if (fromLocal)
    text += " in " + spellPath(path, below);
  return text;
}

bool fromJSON(const Value &value, FilePath &out, Path path) {
  std::string text;
  if (!fromJSON(value, text, path))
    return false;
  out = FilePath(text);
  return true;
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

Value toJSON(const ObjectPath &p) {
  Object object{{"root", toJSON(p.root)},
                {"attributes", p.attributes},
                {"types", p.types},
                {"text", p.text}};
  if (!p.written.name.empty()) {
    object["written"] = toJSON(p.written);
    object["writtenAttributes"] = p.writtenAttributes;
  }
  return object;
}

bool fromJSON(const Value &value, ObjectPath &out, Path path) {
  ObjectMapper m(value, path);
  if (!m || !m.map("root", out.root) || !m.map("attributes", out.attributes) ||
      !m.map("types", out.types) || !m.map("text", out.text))
    return false;
  if (!value.getAsObject()->get("written"))
    return true;
  return m.map("written", out.written) && mapUnsigned(m, "writtenAttributes", out.writtenAttributes);
}

Value toJSON(const Capture &c) {
  return Object{{"binding", toJSON(c.binding)},
                {"attributes", c.attributes},
                {"referencedAt", toJSON(c.referencedAt)},
                {"via", c.via},
                {"weak", c.weak}};
}

bool fromJSON(const Value &value, Capture &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("binding", out.binding) && m.map("attributes", out.attributes) &&
         m.map("referencedAt", out.referencedAt) && m.map("via", out.via) &&
         m.map("weak", out.weak);
}

Value toJSON(const CycleBreaker &b) {
  return Object{{"kind", b.kind},
                {"target", toJSON(b.target)},
                {"location", toJSON(b.location)},
                {"arguments", int64_t(b.arguments)}};
}

bool fromJSON(const Value &value, CycleBreaker &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("kind", out.kind) && m.map("target", out.target) &&
         m.map("location", out.location) && mapUnsigned(m, "arguments", out.arguments);
}

Value toJSON(const LifecycleBreaker &b) {
  return Object{{"method", b.method}, {"breaker", toJSON(b.breaker)}};
}

bool fromJSON(const Value &value, LifecycleBreaker &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("method", out.method) && m.map("breaker", out.breaker);
}

Value toJSON(const ObjectHolder &h) {
  return Object{{"form", h.form},
                {"holder", toJSON(h.holder)},
                {"name", h.name},
                {"argument", h.argument},
                {"location", toJSON(h.location)}};
}

bool fromJSON(const Value &value, ObjectHolder &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("form", out.form) && m.map("holder", out.holder) && m.map("name", out.name) &&
         m.map("argument", out.argument) && m.map("location", out.location);
}

static Array locations(const std::vector<SourceLocation> &all) {
  Array out;
  for (const SourceLocation &location : all)
    out.push_back(toJSON(location));
  return out;
}

Value toJSON(const CallbackRegistration &r) {
  Array captures, breakers, lifecycleBreakers, keptBy;
  for (const ObjectHolder &h : r.keptBy)
    keptBy.push_back(toJSON(h));
  for (const Capture &c : r.captures)
    captures.push_back(toJSON(c));
  for (const CycleBreaker &b : r.breakers)
    breakers.push_back(toJSON(b));
  for (const LifecycleBreaker &b : r.lifecycleBreakers)
    lifecycleBreakers.push_back(toJSON(b));
  return Object{{"site", toJSON(r.site)},
                {"form", r.form},
                {"receiver", toJSON(r.receiver)},
                {"name", r.name},
                {"callbackArgument", r.callbackArgument},
                {"callbackKeyword", r.callbackKeyword},
                {"callbackName", r.callbackName},
                {"callbackKind", r.callbackKind},
                {"callbackDefinition", toJSON(r.callbackDefinition)},
                {"callbackArgumentLocation", toJSON(r.callbackArgumentLocation)},
                {"captures", std::move(captures)},
                {"breakers", std::move(breakers)},
                {"through", locations(r.through)},
                {"lifecycleBreakers", std::move(lifecycleBreakers)},
                {"keptBy", std::move(keptBy)}};
}

bool fromJSON(const Value &value, CallbackRegistration &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("site", out.site) && m.map("form", out.form) &&
         m.map("receiver", out.receiver) && m.map("name", out.name) && m.map("callbackArgument", out.callbackArgument) &&
         m.map("callbackKeyword", out.callbackKeyword) &&
         m.map("callbackName", out.callbackName) && m.map("callbackKind", out.callbackKind) &&
         m.map("callbackDefinition", out.callbackDefinition) &&
         m.map("callbackArgumentLocation", out.callbackArgumentLocation) &&
         m.map("captures", out.captures) && m.map("breakers", out.breakers) &&
         m.mapOptional("through", out.through) &&
         m.mapOptional("lifecycleBreakers", out.lifecycleBreakers) &&
         m.mapOptional("keptBy", out.keptBy);
}

Value toJSON(const FinalizerRelease &f) {
  return Object{{"className", f.className},
                {"classBindingId", f.classBindingId},
                {"classLocation", toJSON(f.classLocation)},
                {"releaseCall", toJSON(f.releaseCall)},
                {"releaseText", f.releaseText},
                {"hasClose", f.hasClose},
                {"hasContextManager", f.hasContextManager}};
}

bool fromJSON(const Value &value, FinalizerRelease &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("className", out.className) && m.map("classBindingId", out.classBindingId) &&
         m.map("classLocation", out.classLocation) && m.map("releaseCall", out.releaseCall) &&
         m.map("releaseText", out.releaseText) && m.map("hasClose", out.hasClose) &&
         m.map("hasContextManager", out.hasContextManager);
}

Value toJSON(const PythonCallableStore &p) {
  return Object{{"className", p.className},     {"classBindingId", p.classBindingId},
                {"method", p.method},           {"argument", p.argument},
                {"attribute", p.attribute},     {"classMethods", p.classMethods},
                {"location", toJSON(p.location)}};
}

bool fromJSON(const Value &value, PythonCallableStore &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("className", out.className) && m.map("classBindingId", out.classBindingId) &&
         m.map("method", out.method) && m.map("argument", out.argument) &&
         m.map("attribute", out.attribute) && m.map("classMethods", out.classMethods) &&
         m.map("location", out.location);
}

Value toJSON(const PythonAttribute &a) {
  Object out{{"name", a.name}, {"type", a.type}, {"location", toJSON(a.location)}};
  if (!a.value.root.name.empty())
    out["value"] = toJSON(a.value);
  if (!a.parameterOf.empty())
    out["parameterOf"] = a.parameterOf;
  return out;
}

bool fromJSON(const Value &value, PythonAttribute &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("name", out.name) && m.map("type", out.type) &&
         m.mapOptional("location", out.location) && m.mapOptional("value", out.value) &&
         m.mapOptional("parameterOf", out.parameterOf);
}

Value toJSON(const PythonClass &c) {
  Array attributes;
  for (const PythonAttribute &a : c.attributes)
    attributes.push_back(toJSON(a));
  return Object{{"name", c.name},
                {"bindingId", c.bindingId},
                {"bases", c.bases},
                {"location", toJSON(c.location)},
                {"attributes", std::move(attributes)},
                {"methods", c.methods}};
}

bool fromJSON(const Value &value, PythonClass &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("name", out.name) && m.map("bindingId", out.bindingId) &&
         m.map("bases", out.bases) && m.map("location", out.location) &&
         m.mapOptional("attributes", out.attributes) && m.mapOptional("methods", out.methods);
}

Value toJSON(const PythonModuleBinding &b) {
  return Object{{"file", b.file},
                {"name", b.name},
                {"kind", b.kind},
                {"target", b.target},
                {"location", toJSON(b.location)}};
}

bool fromJSON(const Value &value, PythonModuleBinding &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("file", out.file) && m.map("name", out.name) && m.map("kind", out.kind) &&
         m.map("target", out.target) && m.map("location", out.location);
}

Value toJSON(const PythonFunction &f) {
  Array parameters;
  for (const BindingRef &p : f.parameters)
    parameters.push_back(toJSON(p));
  return Object{{"key", f.key},
                {"name", f.name},
                {"classBindingId", f.classBindingId},
                {"bindsSelf", f.bindsSelf},
                {"parameters", std::move(parameters)},
                {"returned", f.returned},
                {"location", toJSON(f.location)},
                {"keptParameters", f.keptParameters}};
}

bool fromJSON(const Value &value, PythonFunction &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("key", out.key) && m.map("name", out.name) &&
         m.map("classBindingId", out.classBindingId) && m.map("bindsSelf", out.bindsSelf) &&
         m.map("parameters", out.parameters) && m.mapOptional("returned", out.returned) &&
         m.map("location", out.location) && m.mapOptional("keptParameters", out.keptParameters);
}

Value toJSON(const ParameterizedRegistration &p) {
  return Object{{"function", p.function},
                {"registration", toJSON(p.registration)},
                {"callbackParameter", p.callbackParameter}};
}

bool fromJSON(const Value &value, ParameterizedRegistration &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("function", out.function) && m.map("registration", out.registration) &&
         m.map("callbackParameter", out.callbackParameter);
}

Value toJSON(const PythonCallArgument &a) {
  Array captures;
  for (const Capture &c : a.captures)
    captures.push_back(toJSON(c));
  return Object{{"index", a.index},
                {"keyword", a.keyword},
                {"location", toJSON(a.location)},
                {"path", toJSON(a.path)},
                {"callbackName", a.callbackName},
                {"callbackKind", a.callbackKind},
                {"callbackDefinition", toJSON(a.callbackDefinition)},
                {"captures", std::move(captures)}};
}

bool fromJSON(const Value &value, PythonCallArgument &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("index", out.index) && m.map("keyword", out.keyword) &&
         m.map("location", out.location) && m.map("path", out.path) &&
         m.map("callbackName", out.callbackName) && m.map("callbackKind", out.callbackKind) &&
         m.map("callbackDefinition", out.callbackDefinition) && m.map("captures", out.captures);
}

Value toJSON(const PythonCall &c) {
  Array arguments;
  for (const PythonCallArgument &a : c.arguments)
    arguments.push_back(toJSON(a));
  return Object{{"site", toJSON(c.site)},         {"function", c.function},
                {"kind", c.kind},                 {"receiver", toJSON(c.receiver)},
                {"callee", c.callee},             {"arguments", std::move(arguments)},
                {"result", toJSON(c.result)}};
}

bool fromJSON(const Value &value, PythonCall &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("site", out.site) && m.map("function", out.function) &&
         m.map("kind", out.kind) && m.map("receiver", out.receiver) &&
         m.map("callee", out.callee) && m.map("arguments", out.arguments) &&
         m.mapOptional("result", out.result);
}

Value toJSON(const BoundType &t) {
  return Object{{"cppType", t.cppType},
                {"pythonName", t.pythonName},
                {"module", t.module},
                {"bindingFunction", t.bindingFunction},
                {"submodule", t.submodule},
                {"location", toJSON(t.location)}};
}

bool fromJSON(const Value &value, BoundType &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("cppType", out.cppType) && m.map("pythonName", out.pythonName) &&
         m.map("module", out.module) && m.map("bindingFunction", out.bindingFunction) &&
         m.map("submodule", out.submodule) && m.map("location", out.location);
}

Value toJSON(const ModuleHandOff &h) {
  return Object{{"caller", h.caller},
                {"callee", h.callee},
                {"submodule", h.submodule},
                {"location", toJSON(h.location)}};
}

bool fromJSON(const Value &value, ModuleHandOff &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("caller", out.caller) && m.map("callee", out.callee) &&
         m.map("submodule", out.submodule) && m.map("location", out.location);
}

Value toJSON(const BoundMember &b) {
  return Object{{"cppType", b.cppType},
                {"pythonName", b.pythonName},
                {"kind", b.kind},
                {"cppFunction", b.cppFunction},
                {"returnedMember", b.returnedMember},
                {"returnedMemberType", b.returnedMemberType},
                {"setterFunction", b.setterFunction},
                {"argumentNames", Array(b.argumentNames)},
                {"location", toJSON(b.location)}};
}

bool fromJSON(const Value &value, BoundMember &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("cppType", out.cppType) && m.map("pythonName", out.pythonName) &&
         m.map("kind", out.kind) && m.map("cppFunction", out.cppFunction) &&
         m.map("returnedMember", out.returnedMember) &&
         m.map("returnedMemberType", out.returnedMemberType) &&
         m.map("setterFunction", out.setterFunction) &&
         m.map("argumentNames", out.argumentNames) && m.map("location", out.location);
}

Value toJSON(const PythonReference &r) {
  return Object{{"cppType", r.cppType},     {"member", r.member},
                {"heldAs", r.heldAs},       {"container", r.container},
                {"owning", r.owning},       {"traversed", r.traversed},
                {"location", toJSON(r.location)}};
}

bool fromJSON(const Value &value, PythonReference &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("cppType", out.cppType) && m.map("member", out.member) &&
         m.map("heldAs", out.heldAs) && m.map("container", out.container) &&
         m.map("owning", out.owning) && m.map("traversed", out.traversed) &&
         m.map("location", out.location);
}

Value toJSON(const LaterStore &s) { return Object{{"via", s.via}, {"member", s.member}}; }

bool fromJSON(const Value &value, LaterStore &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("via", out.via) && m.map("member", out.member);
}

template <typename Record> Array records(const std::vector<Record> &all) {
  Array out;
  for (const Record &r : all)
    out.push_back(toJSON(r));
  return out;
}

Value toJSON(const GcSupport &g) {
  return Object{{"cppType", g.cppType},
                {"mechanism", g.mechanism},
                {"gcFlag", g.gcFlag},
                {"traverseFunction", g.traverseFunction},
                {"clearFunction", g.clearFunction},
                {"visitedMembers", Array(g.visitedMembers)},
                {"clearedMembers", Array(g.clearedMembers)},
                {"storesAfterCreation", records(g.storesAfterCreation)},
                {"weakListMember", g.weakListMember},
                {"subclassable", g.subclassable},
                {"onlySubclassesInstantiated", g.onlySubclassesInstantiated},
                {"instancesStayInC", g.instancesStayInC},
                {"location", toJSON(g.location)}};
}

bool fromJSON(const Value &value, GcSupport &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("cppType", out.cppType) && m.map("mechanism", out.mechanism) &&
         m.map("gcFlag", out.gcFlag) && m.map("traverseFunction", out.traverseFunction) &&
         m.map("clearFunction", out.clearFunction) &&
         m.map("visitedMembers", out.visitedMembers) &&
         m.map("clearedMembers", out.clearedMembers) &&
         m.mapOptional("storesAfterCreation", out.storesAfterCreation) &&
         m.mapOptional("weakListMember", out.weakListMember) &&
         m.mapOptional("subclassable", out.subclassable) &&
         m.mapOptional("onlySubclassesInstantiated", out.onlySubclassesInstantiated) &&
         m.mapOptional("instancesStayInC", out.instancesStayInC) &&
         m.map("location", out.location);
}

Value toJSON(const CallableStore &c) {
  return Object{{"cppType", c.cppType},
                {"member", c.member},
                {"cppFunction", c.cppFunction},
                {"pythonMethods", Array(c.pythonMethods)},
                {"location", toJSON(c.location)},
                {"parameter", c.parameter}};
}

bool fromJSON(const Value &value, CallableStore &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("cppType", out.cppType) && m.map("member", out.member) &&
         m.map("cppFunction", out.cppFunction) && m.map("pythonMethods", out.pythonMethods) &&
         m.map("location", out.location) && m.map("parameter", out.parameter);
}

Value toJSON(const SignalOwnership &s) {
  return Object{{"ownerType", s.ownerType},
                {"pythonAttribute", s.pythonAttribute},
                {"member", s.member},
                {"signalType", s.signalType},
                {"location", toJSON(s.location)}};
}

bool fromJSON(const Value &value, SignalOwnership &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("ownerType", out.ownerType) &&
         m.map("pythonAttribute", out.pythonAttribute) && m.map("member", out.member) &&
         m.map("signalType", out.signalType) && m.map("location", out.location);
}

Value toJSON(const NativeRelease &r) {
  return Object{{"cppType", r.cppType},
                {"member", r.member},
                {"releaseCall", r.releaseCall},
                {"releasedIn", r.releasedIn},
                {"finalizer", r.finalizer},
                {"explicitlyReleasedBy", Array(r.explicitlyReleasedBy)},
                {"location", toJSON(r.location)}};
}

bool fromJSON(const Value &value, NativeRelease &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("cppType", out.cppType) && m.map("member", out.member) &&
         m.map("releaseCall", out.releaseCall) && m.map("releasedIn", out.releasedIn) &&
         m.map("finalizer", out.finalizer) &&
         m.map("explicitlyReleasedBy", out.explicitlyReleasedBy) &&
         m.map("location", out.location);
}

Value toJSON(const MemberStore &s) {
  return Object{{"cppType", s.cppType},
                {"member", s.member},
                {"value", s.value},
                {"location", toJSON(s.location)},
                {"copyOf", s.copyOf},
                {"onlyCalledHere", s.onlyCalledHere},
                {"valueIfCalledElsewhere", s.valueIfCalledElsewhere}};
}

bool fromJSON(const Value &value, MemberStore &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("cppType", out.cppType) && m.map("member", out.member) &&
         m.map("value", out.value) && m.map("location", out.location) &&
         m.mapOptional("copyOf", out.copyOf) &&
         m.mapOptional("onlyCalledHere", out.onlyCalledHere) &&
         m.mapOptional("valueIfCalledElsewhere", out.valueIfCalledElsewhere);
}

Value toJSON(const ExternalCall &c) {
  return Object{{"callee", c.callee}, {"location", toJSON(c.location)}};
}

bool fromJSON(const Value &value, ExternalCall &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("callee", out.callee) && m.map("location", out.location);
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
  return Object{{"callbackRegistrations", array(f.callbackRegistrations)},
                {"finalizerReleases", array(f.finalizerReleases)},
                {"pythonCallableStores", array(f.pythonCallableStores)},
                {"pythonClasses", array(f.pythonClasses)},
                {"pythonModuleBindings", array(f.pythonModuleBindings)},
                {"pythonFunctions", array(f.pythonFunctions)},
                {"parameterizedRegistrations", array(f.parameterizedRegistrations)},
                {"pythonCalls", array(f.pythonCalls)},
                {"boundTypes", array(f.boundTypes)},
                {"moduleHandOffs", array(f.moduleHandOffs)},
                {"boundMembers", array(f.boundMembers)},
                {"pythonReferences", array(f.pythonReferences)},
                {"gcSupport", array(f.gcSupport)},
                {"callableStores", array(f.callableStores)},
                {"signalOwnerships", array(f.signalOwnerships)},
                {"nativeReleases", array(f.nativeReleases)},
                {"memberStores", array(f.memberStores)},
                {"externalCalls", array(f.externalCalls)},
                {"notifications", array(f.notifications)}};
}

bool fromJSON(const Value &value, FactSet &out, Path path) {
  ObjectMapper m(value, path);
  return m && m.map("callbackRegistrations", out.callbackRegistrations) &&
         m.map("finalizerReleases", out.finalizerReleases) &&
         m.map("pythonCallableStores", out.pythonCallableStores) &&
         m.map("pythonClasses", out.pythonClasses) &&
         m.mapOptional("pythonModuleBindings", out.pythonModuleBindings) &&
         m.mapOptional("pythonFunctions", out.pythonFunctions) &&
         m.mapOptional("parameterizedRegistrations", out.parameterizedRegistrations) &&
         m.mapOptional("pythonCalls", out.pythonCalls) &&
         m.map("boundTypes", out.boundTypes) && m.map("moduleHandOffs", out.moduleHandOffs) &&
         m.map("boundMembers", out.boundMembers) &&
         m.map("pythonReferences", out.pythonReferences) && m.map("gcSupport", out.gcSupport) &&
         m.map("callableStores", out.callableStores) &&
         m.map("signalOwnerships", out.signalOwnerships) &&
         m.map("nativeReleases", out.nativeReleases) &&
         m.mapOptional("memberStores", out.memberStores) &&
         m.mapOptional("externalCalls", out.externalCalls) &&
         m.map("notifications", out.notifications);
}

} // namespace capcycle
