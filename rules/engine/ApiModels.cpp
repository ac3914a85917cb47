#include "engine/ApiModels.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <yaml-cpp/yaml.h>

#include <set>

namespace capcycle {

namespace {

// A schema violation, reported as `file:line: message` (yaml-cpp counts lines from 0).
struct ModelError {
  std::string message;
};

[[noreturn]] void fail(const YAML::Node &node, const std::string &message) {
  throw ModelError{std::to_string(node.Mark().line + 1) + ": " + message};
}

void checkKeys(const YAML::Node &node, const std::set<std::string> &allowed,
               const std::string &what) {
  if (!node.IsMap())
    fail(node, what + " must be a mapping");
  for (const auto &entry : node) {
    std::string key = entry.first.as<std::string>();
    if (!allowed.count(key))
      fail(entry.first, "unknown key '" + key + "' in " + what);
  }
}

std::string text(const YAML::Node &node, const std::string &key, bool required = true) {
  YAML::Node value = node[key];
  if (!value) {
    if (required)
      fail(node, "missing '" + key + "'");
    return {};
  }
  if (!value.IsScalar())
    fail(value, "'" + key + "' must be a string");
  return value.as<std::string>();
}

std::vector<std::string> list(const YAML::Node &node, const std::string &key,
                              bool required = true) {
  YAML::Node value = node[key];
  if (!value) {
    if (required)
      fail(node, "missing '" + key + "'");
    return {};
  }
  if (!value.IsSequence())
    fail(value, "'" + key + "' must be a list of strings");
  std::vector<std::string> out;
  for (const YAML::Node &item : value) {
    if (!item.IsScalar())
      fail(item, "'" + key + "' must be a list of strings");
    out.push_back(item.as<std::string>());
  }
  return out;
}

const std::set<std::string> Forms = {
    "signal-method",        "method", "constructor-keyword",  "constructor-argument",
    "attribute-assignment", "append", "augmented-assignment"};

std::string form(const YAML::Node &node) {
  std::string value = text(node, "form");
  if (!Forms.count(value))
    fail(node["form"], "unknown form '" + value + "'");
  return value;
}

ModelConnection readConnection(const YAML::Node &node) {
  checkKeys(node,
            {"id", "form", "types", "names", "signals", "callback_argument", "callback_keyword",
             "storage", "bound_methods", "evidence"},
            "a connection");
  ModelConnection c;
  c.id = text(node, "id", false);
  c.form = form(node);
  c.types = list(node, "types", false);
  if (c.types.empty())
    c.types = {"*"};
  c.names = list(node, "names");
  c.signals = list(node, "signals", false);
  if (node["callback_argument"]) {
    try {
      c.callbackArgument = node["callback_argument"].as<int>();
    } catch (const YAML::Exception &) {
      fail(node["callback_argument"], "'callback_argument' must be a number");
    }
  }
  c.callbackKeyword = text(node, "callback_keyword", false);
  std::string storage = text(node, "storage");
  if (storage == "gc-opaque")
    c.storage = Storage::GcOpaque;
  else if (storage == "gc-visible")
    c.storage = Storage::GcVisible;
  else if (storage == "unknown")
    c.storage = Storage::Unknown;
  else
    fail(node["storage"], "storage must be gc-opaque, gc-visible or unknown");
  std::string bound = text(node, "bound_methods", false);
  if (!bound.empty() && bound != "strong" && bound != "weak")
    fail(node["bound_methods"], "bound_methods must be strong or weak");
  c.weakBoundMethods = bound == "weak";
  c.evidence = text(node, "evidence");
  return c;
}

ModelDisconnection readDisconnection(const YAML::Node &node) {
  checkKeys(node, {"form", "types", "names", "needs_argument", "evidence"}, "a disconnection");
  ModelDisconnection d{form(node), list(node, "types", false), list(node, "names")};
  if (d.types.empty())
    d.types = {"*"};
  if (node["needs_argument"]) {
    try {
      d.needsArgument = node["needs_argument"].as<bool>();
    } catch (const YAML::Exception &) {
      fail(node["needs_argument"], "'needs_argument' must be true or false");
    }
  }
  text(node, "evidence");
  return d;
}

ModelHolder readHolder(const YAML::Node &node) {
  checkKeys(node, {"form", "types", "names", "argument", "evidence"}, "a holder");
  ModelHolder h;
  h.form = text(node, "form");
  if (h.form != "method" && h.form != "subscript-assignment" && h.form != "property")
    fail(node["form"], "a holder's form must be method, property or subscript-assignment");
  h.types = list(node, "types");
  if (h.form == "property")
    h.names = list(node, "names");
  if (h.form == "method") {
    h.names = list(node, "names");
    try {
      h.argument = node["argument"] ? node["argument"].as<int>() : -1;
    } catch (const YAML::Exception &) {
      fail(node["argument"], "'argument' must be a number");
    }
    if (h.argument < 0)
      fail(node, "a method holder needs 'argument', the index of the object it keeps");
  }
  h.evidence = text(node, "evidence");
  return h;
}

template <typename Fn> void forEach(const YAML::Node &root, const char *key, Fn fn) {
  YAML::Node items = root[key];
  if (!items)
    return;
  if (!items.IsSequence())
    fail(items, std::string("'") + key + "' must be a list");
  for (const YAML::Node &item : items)
    fn(item);
}

ApiModel readModel(const YAML::Node &root, const std::string &file) {
  checkKeys(root,
            {"schema_version", "id", "name", "libraries", "evidence", "connections",
             "disconnections", "finalizer_only_handles", "factories", "holders"},
            "a model");
  if (text(root, "schema_version") != "1")
    fail(root["schema_version"], "unsupported schema_version (expected 1)");
  ApiModel model;
  model.file = file;
  model.id = text(root, "id");
  model.name = text(root, "name");
  model.evidence = text(root, "evidence");
  model.libraries = list(root, "libraries");
  model.shapeOnly = llvm::is_contained(model.libraries, "*");
  forEach(root, "connections", [&](const YAML::Node &n) {
    model.connections.push_back(readConnection(n));
  });
  forEach(root, "disconnections", [&](const YAML::Node &n) {
    model.disconnections.push_back(readDisconnection(n));
  });
  forEach(root, "finalizer_only_handles", [&](const YAML::Node &n) {
    checkKeys(n, {"types", "evidence"}, "a finalizer_only_handles entry");
    text(n, "evidence");
    llvm::append_range(model.finalizerOnlyTypes, list(n, "types"));
  });
  forEach(root, "factories", [&](const YAML::Node &n) {
    checkKeys(n, {"call", "returns", "kept_by_receiver", "evidence"}, "a factory");
    text(n, "evidence");
    ModelFactory factory{text(n, "call"), text(n, "returns")};
    if (n["kept_by_receiver"]) {
      try {
        factory.keptByReceiver = n["kept_by_receiver"].as<bool>();
      } catch (const YAML::Exception &) {
        fail(n["kept_by_receiver"], "'kept_by_receiver' must be true or false");
      }
    }
    model.factories.push_back(std::move(factory));
  });
  forEach(root, "holders", [&](const YAML::Node &n) { model.holders.push_back(readHolder(n)); });
  return model;
}

bool listed(const std::vector<std::string> &names, llvm::StringRef name) {
  return llvm::any_of(names, [&](const std::string &n) { return n == "*" || n == name; });
}

ObjectPath prefix(const ObjectPath &path, size_t attributes) {
  ObjectPath out = path;
  out.attributes.resize(attributes);
  out.types.resize(attributes + 1);
  out.text = spellPath(path, attributes);
  return out;
}

} // namespace

std::vector<std::string> ApiModels::filesIn(llvm::StringRef directory) {
  std::vector<std::string> files;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(directory, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::sys::path::extension(it->path()) == ".yaml")
      files.push_back(it->path());
  llvm::sort(files);
  return files;
}

llvm::Expected<ApiModels> ApiModels::load(const std::vector<std::string> &files) {
  ApiModels result;
  std::set<std::string> ids;
  for (const std::string &file : files) {
    try {
      YAML::Node root = YAML::LoadFile(file);
      ApiModel model = readModel(root, file);
      if (!ids.insert(model.id).second)
        fail(root["id"], "model id '" + model.id + "' is defined twice");
      result.models.push_back(std::move(model));
    } catch (const ModelError &error) {
      return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s:%s", file.c_str(),
                                     error.message.c_str());
    } catch (const YAML::Exception &error) {
      return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s:%d: %s", file.c_str(),
                                     error.mark.line + 1, error.msg.c_str());
    }
  }
  return result;
}

namespace {

// "azure.cognitiveservices.speech.transcription.ConversationTranscriber" belongs to the library
// "azure.cognitiveservices.speech"; its class is the last component. A factory's call is
// replaced by the type it returns.
const ModelFactory *factoryOf(const ApiModel &model, llvm::StringRef call) {
  for (const ModelFactory &factory : model.factories)
    if (call == factory.call)
      return &factory;
  return nullptr;
}

std::optional<std::string> factoryResult(const ApiModel &model, llvm::StringRef call) {
  if (const ModelFactory *factory = factoryOf(model, call))
    return factory->returns;
  return std::nullopt;
}

// "new_event_loop.create_future()" (the frontend's type for a method called on an object the
// library made): the factory for the object's class and that method, "AbstractEventLoop" then
// "AbstractEventLoop.create_future" -> "Future"; nothing where the model has no such factory.
std::optional<std::string> methodCallResult(const ApiModel &model, llvm::StringRef call);

// The factory of "Object.method()" (the method called on what Object names), or nullptr.
const ModelFactory *methodFactory(const ApiModel &model, llvm::StringRef call) {
  if (!call.consume_back("()"))
    return nullptr;
  auto [object, method] = call.rsplit('.');
  if (method.empty())
    return nullptr;
  // The object is what a call returned, or an instance of a class the library names.
  std::optional<std::string> cls = object.ends_with("()") ? methodCallResult(model, object)
                                                          : factoryResult(model, object);
  if (!cls && !object.ends_with("()"))
    cls = object.rsplit('.').second.empty() ? object.str() : object.rsplit('.').second.str();
  if (!cls)
    return nullptr;
  return factoryOf(model, *cls + "." + method.str());
}

std::optional<std::string> methodCallResult(const ApiModel &model, llvm::StringRef call) {
  if (const ModelFactory *factory = methodFactory(model, call))
    return factory->returns;
  return std::nullopt;
}

std::optional<std::string> classIn(const ApiModel &model, const std::string &type) {
  for (const std::string &library : model.libraries) {
    if (library == "*")
      return llvm::StringRef(type).rsplit('.').second.str();
    llvm::StringRef rest(type);
    if (!rest.consume_front(library + "."))
      continue;
    // What a method of the library's object returns is the library's too: of the class a
    // factory names, or of none a model lists by name (only connections on any type match).
    if (rest.ends_with("()"))
      return methodCallResult(model, rest).value_or(rest.str());
    if (std::optional<std::string> returned = factoryResult(model, rest))
      return returned;
    return rest.rsplit('.').second.empty() ? rest.str() : rest.rsplit('.').second.str();
  }
  return std::nullopt;
}

bool typeMatches(const ApiModel &model, const std::vector<std::string> &types,
                 const std::string &type) {
  // A class of the scan (a binding id, never a dotted import path) has its source here: what
  // its methods store is known (derived models), so its calls are not guessed from their shape.
  if (model.shapeOnly)
    return type.find(':') == std::string::npos;
  if (model.libraries.empty()) // classes of the scan, named by their binding ids
    return !type.empty() && llvm::is_contained(types, type);
  auto cls = classIn(model, type);
  return cls && listed(types, *cls);
}

bool callbackSlotMatches(const ModelConnection &c, const CallbackRegistration &r) {
  if (r.callbackArgument >= 0)
    return c.callbackArgument == r.callbackArgument;
  return !r.callbackKeyword.empty() && c.callbackKeyword == r.callbackKeyword;
}

} // namespace

bool ApiModels::aliasLibrary(const std::string &alias, const std::string &library) {
  if (llvm::none_of(models, [&](const ApiModel &m) { return llvm::is_contained(m.libraries, library); }))
    return false;
  for (ApiModel &model : models) {
    llvm::erase(model.libraries, alias);
    if (llvm::is_contained(model.libraries, library))
      model.libraries.push_back(alias);
  }
  return true;
}

std::optional<ConnectionMatch> ApiModels::matchModel(const ApiModel &model,
                                                     const CallbackRegistration &r) const {
  const ObjectPath &receiver = r.receiver;
  size_t depth = receiver.attributes.size();
  for (const ModelConnection &c : model.connections) {
    ConnectionMatch m;
    m.model = &model;
    m.connection = &c;
    m.owner = receiver;
    std::string ownerType = receiver.types.back();
    if (c.form == "signal-method" && r.form == "call" && depth > 0 && listed(c.names, r.name) &&
        listed(c.signals.empty() ? std::vector<std::string>{"*"} : c.signals,
               receiver.attributes.back()) &&
        callbackSlotMatches(c, r)) {
      m.owner = prefix(receiver, depth - 1);
      m.signal = m.link = receiver.attributes.back();
      m.holder = "signal '" + receiver.text + "'";
    } else if (c.form == "method" && r.form == "call" && listed(c.names, r.name) &&
               callbackSlotMatches(c, r)) {
      m.holder = "'" + receiver.text + "' (through " + r.name + "())";
      m.link = r.name + "()";
    } else if (c.form == "append" && r.form == "call" && r.name == "append" && depth > 0 &&
               listed(c.names, receiver.attributes.back()) && r.callbackArgument == 0) {
      m.owner = prefix(receiver, depth - 1);
      m.holder = "list '" + receiver.text + "'";
      m.link = receiver.attributes.back();
    } else if (c.form == "attribute-assignment" && r.form == "assignment" &&
               listed(c.names, r.name)) {
      m.holder = "attribute '" + receiver.text + "." + r.name + "'";
      m.link = r.name;
    } else if (c.form == "augmented-assignment" && r.form == "augmented-assignment" &&
               listed(c.names, r.name)) {
      m.holder = "'" + receiver.text + "." + r.name + "'";
      m.link = r.name;
    } else if (c.form == "constructor-keyword" && r.form == "constructor-call" &&
               c.callbackKeyword == r.callbackKeyword) {
      m.holder = "'" + r.callbackKeyword + "' of '" + receiver.text + "'";
      m.link = r.callbackKeyword;
      ownerType = r.name;
    } else if (c.form == "constructor-argument" && r.form == "constructor-call" &&
               callbackSlotMatches(c, r)) {
      // `Timer(1.0, cb)` or `Timer(1.0, on_timeout=cb)`: named by the keyword when it has one.
      std::string constructor = llvm::StringRef(r.name).rsplit('.').second.str();
      if (constructor.empty())
        constructor = r.name;
      m.link = !c.callbackKeyword.empty() ? c.callbackKeyword : constructor + "()";
      m.holder = "'" + receiver.text + "' (through " + constructor + "())";
      ownerType = r.name;
    } else {
      continue;
    }
    if (c.form != "constructor-keyword" && c.form != "constructor-argument")
      ownerType = m.owner.types.back();
    for (const std::string &type : lineage(ownerType))
      if (typeMatches(model, c.types, type)) {
        // What a method returned that no model claims (`self.get_action(...)` inherited from a
        // class of another module) tells nothing of the object: a shape match on it is a guess.
        m.ownerType = model.shapeOnly && llvm::StringRef(type).ends_with("()") ? "" : type;
        return m;
      }
  }
  return std::nullopt;
}

void ApiModels::addClassBases(const std::vector<PythonClass> &classes) {
  for (const PythonClass &cls : classes)
    classBases[cls.bindingId] = cls.bases;
}

std::vector<std::string> ApiModels::lineage(const std::string &type) const {
  std::vector<std::string> types = {type};
  for (size_t i = 0; i < types.size() && types.size() < 16; ++i) {
    auto it = classBases.find(types[i]);
    if (it != classBases.end())
      for (const std::string &base : it->second)
        if (!llvm::is_contained(types, base))
          types.push_back(base);
  }
  return types;
}

void ApiModels::addDerived(std::vector<ApiModel> derived) {
  models.insert(models.begin(), std::make_move_iterator(derived.begin()),
                std::make_move_iterator(derived.end()));
}

std::optional<ConnectionMatch> ApiModels::match(const CallbackRegistration &r) const {
  for (bool shapeOnly : {false, true})
    for (const ApiModel &model : models)
      if (model.shapeOnly == shapeOnly)
        if (auto m = matchModel(model, r))
          return m;
  return std::nullopt;
}

std::optional<HolderMatch> ApiModels::keeps(const ObjectHolder &held) const {
  const std::string &type = held.holder.types.empty() ? "" : held.holder.types.back();
  if (type.empty())
    return std::nullopt;
  for (const ApiModel &model : models) {
    if (model.shapeOnly)
      continue;
    for (const ModelHolder &h : model.holders) {
      bool shape =
          h.form == "method"     ? held.form == "call" && listed(h.names, held.name) &&
                                       h.argument == held.argument
          : h.form == "property" ? held.form == "property-assignment" && listed(h.names, held.name)
                                 : held.form == "subscript-assignment";
      if (!shape)
        continue;
      for (const std::string &candidate : lineage(type))
        if (typeMatches(model, h.types, candidate))
          return HolderMatch{&model, &h};
    }
  }
  return std::nullopt;
}

bool ApiModels::keepsResult(const std::string &getterType) const {
  for (const ApiModel &model : models) {
    if (model.shapeOnly)
      continue;
    for (const std::string &library : model.libraries) {
      llvm::StringRef rest(getterType);
      if (!rest.consume_front(library + "."))
        continue;
      if (const ModelFactory *factory = methodFactory(model, rest))
        return factory->keptByReceiver;
    }
  }
  return false;
}

bool ApiModels::disconnects(const ConnectionMatch &match, const CycleBreaker &breaker) const {
  if (breaker.kind != "call" || breaker.target.root.bindingId != match.owner.root.bindingId)
    return false;
  const std::vector<std::string> &called = breaker.target.attributes;
  const std::vector<std::string> &owner = match.owner.attributes;
  if (called.size() < owner.size() + 1 || !std::equal(owner.begin(), owner.end(), called.begin()))
    return false;
  llvm::ArrayRef<std::string> rest = llvm::ArrayRef(called).drop_front(owner.size());
  for (const ModelDisconnection &d : match.model->disconnections) {
    if (!listed(d.names, rest.back()) || (d.needsArgument && breaker.arguments == 0))
      continue;
    if (d.form == "signal-method" && rest.size() == 2 && rest[0] == match.signal)
      return true;
    if (d.form != "signal-method" && rest.size() == 1)
      return true;
  }
  return false;
}

const ApiModel *ApiModels::finalizerOnlyModel(const std::string &type,
                                              std::string *claimedClass) const {
  if (type.empty())
    return nullptr;
  for (const std::string &candidate : lineage(type))
    for (const ApiModel &model : models) {
      if (model.shapeOnly || model.finalizerOnlyTypes.empty())
        continue;
      auto cls = classIn(model, candidate);
      if (cls && llvm::is_contained(model.finalizerOnlyTypes, *cls)) {
        if (claimedClass)
          *claimedClass = *cls;
        return &model;
      }
    }
  return nullptr;
}

} // namespace capcycle
