#include "engine/BindingModels.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"

#include <map>

namespace capcycle {

namespace {

// How a member holding a Python callable is seen by the cyclic GC.
Storage storageOf(const FactSet &facts, const std::string &cppType, const std::string &member) {
  auto reference = llvm::find_if(facts.pythonReferences, [&](const PythonReference &r) {
    return r.cppType == cppType && r.member == member;
  });
  if (reference == facts.pythonReferences.end() || !reference->owning)
    return Storage::Unknown;
  return reference->traversed ? Storage::GcVisible : Storage::GcOpaque;
}

// Where Python finds cppType: one BoundType per module that binds it (a binding function can
// be called by several). A class whose module the scan does not show is left out: no import
// can name it.
std::vector<const BoundType *> importableAs(const FactSet &facts, const std::string &cppType) {
  std::vector<const BoundType *> found;
  for (const BoundType &type : facts.boundTypes)
    if (type.cppType == cppType && !type.module.empty())
      found.push_back(&type);
  return found;
}

std::string storageWords(Storage storage) {
  switch (storage) {
  case Storage::GcOpaque: return "an owning reference the type does not traverse";
  case Storage::GcVisible: return "a reference the type's tp_traverse visits";
  case Storage::Unknown: break;
  }
  return "a member";
}

// Removal calls of a signal class, by the names users give them.
bool isDisconnectName(llvm::StringRef name) {
  return name.starts_with("disconnect") || name == "clear" || name.starts_with("remove") ||
         name == "unsubscribe" || name == "off";
}

// A connection whose callback ends up in `member` of cppType (stored at `storeLocation`): how
// the GC sees it, and how the finding's path names the store.
ModelConnection storingConnection(const FactSet &facts, std::string form,
                                  const std::string &cppType, const std::string &member,
                                  const SourceLocation &storeLocation, std::string evidence) {
  ModelConnection c;
  c.id = cppType + "::" + member;
  c.form = std::move(form);
  c.storage = storageOf(facts, cppType, member);
  c.weakBoundMethods = false; // a py::function / PyObject* holds a bound method strongly
  c.storeLocation = storeLocation;
  c.storeDescription =
      "member '" + member + "' of " + cppType + " keeps the callable in " + storageWords(c.storage);
  c.evidence = std::move(evidence);
  return c;
}

// `recv.<name>(cb)` for the bound methods that run a storing function.
ModelConnection connectionFor(const FactSet &facts, const CallableStore &store,
                              const std::string &form, std::vector<std::string> types,
                              std::vector<std::string> signals) {
  ModelConnection c =
      storingConnection(facts, form, store.cppType, store.member, store.location,
                        "derived from the scanned C++ (" + store.cppFunction + ")");
  c.id = store.cppType + "::" + store.cppFunction;
  c.types = std::move(types);
  c.names = store.pythonMethods;
  c.signals = std::move(signals);
  c.callbackArgument = 0;
  return c;
}

// The attribute connections of one BoundMember (`obj.<attribute> = cb`):
// - `.def_readwrite` of a member holding one callable (py::function, py::object,
//   std::function). A container member is assigned a converted copy of a whole list, which is
//   not how callbacks are registered;
// - `.def_property` whose setter stores its callable argument in a member (CallableStore).
std::vector<ModelConnection> attributeConnectionsOf(const FactSet &facts,
                                                    const BoundMember &attribute) {
  std::vector<ModelConnection> connections;
  if (attribute.kind == "readwrite") {
    auto reference = llvm::find_if(facts.pythonReferences, [&](const PythonReference &r) {
      return r.cppType == attribute.cppType && r.member == attribute.returnedMember;
    });
    if (reference != facts.pythonReferences.end() && reference->container.empty() &&
        reference->owning)
      connections.push_back(storingConnection(
          facts, "attribute-assignment", attribute.cppType, attribute.returnedMember,
          reference->location,
          "derived from the scanned C++ (def_readwrite '" + attribute.pythonName + "')"));
  }
  if (!attribute.setterFunction.empty())
    for (const CallableStore &store : facts.callableStores)
      if (store.cppFunction == attribute.setterFunction)
        connections.push_back(storingConnection(
            facts, "attribute-assignment", store.cppType, store.member, store.location,
            "derived from the scanned C++ (the setter " + store.cppFunction + " of property '" +
                attribute.pythonName + "')"));
  for (ModelConnection &connection : connections)
    connection.names = {attribute.pythonName};
  return connections;
}

// A constructor Python calls (`py::init<Args...>()` or a factory) that keeps one of its
// arguments in a member: `Timer(1.0, cb)` (or `on_timeout=cb` with `py::arg`) stores cb in the
// new object.
std::vector<ModelConnection> constructorConnectionsOf(const FactSet &facts,
                                                      const BoundMember &constructor) {
  std::vector<ModelConnection> connections;
  if (constructor.kind != "constructor")
    return connections;
  for (const CallableStore &store : facts.callableStores) {
    if (store.cppFunction != constructor.cppFunction || store.cppType != constructor.cppType)
      continue;
    ModelConnection c = storingConnection(
        facts, "constructor-argument", store.cppType, store.member, store.location,
        "derived from the scanned C++ (the constructor " + store.cppFunction + ")");
    c.names = {constructor.pythonName};
    c.callbackArgument = store.parameter;
    if (size_t(store.parameter) < constructor.argumentNames.size())
      c.callbackKeyword = constructor.argumentNames[size_t(store.parameter)];
    connections.push_back(std::move(c));
  }
  return connections;
}

// Classes of the scanned Python that keep a callable argument on the instance. Their types are
// binding ids of this scan, so the model names them exactly (no library prefix). The callbacks
// sit in plain Python containers and attributes: visible to the GC.
ApiModel derivePythonSignalModel(const FactSet &facts) {
  ApiModel model;
  model.id = "python:scanned-classes";
  model.name = "Python classes of the scan";
  model.evidence = "derived from the scanned Python sources";
  for (const PythonCallableStore &store : facts.pythonCallableStores) {
    ModelConnection c;
    c.id = store.className + "." + store.method;
    c.form = "method";
    c.types = {store.classBindingId};
    c.names = {store.method};
    c.callbackArgument = store.argument;
    c.storage = Storage::GcVisible;
    c.evidence = "'" + store.className + "." + store.method + "' keeps its argument in self." +
                 store.attribute;
    model.connections.push_back(std::move(c));
    std::vector<std::string> removals;
    for (const std::string &method : store.classMethods)
      if (isDisconnectName(method))
        removals.push_back(method);
    if (!removals.empty())
      model.disconnections.push_back({"method", {store.classBindingId}, removals});
  }
  return model;
}

} // namespace

std::vector<ApiModel> deriveBindingModels(const FactSet &facts) {
  std::map<std::string, ApiModel> byModule;
  auto modelFor = [&](const std::string &module) -> ApiModel & {
    ApiModel &model = byModule[module];
    if (model.id.empty()) {
      model.id = "cpp:" + module;
      model.name = "C++ module '" + module + "' as scanned";
      model.libraries = {module};
      model.evidence = "derived from the C++ sources of the scan";
    }
    return model;
  };

  // Signals: `owner.<attribute>` returns a member whose class stores callables.
  for (const SignalOwnership &ownership : facts.signalOwnerships) {
    for (const BoundType *owner : importableAs(facts, ownership.ownerType)) {
      ApiModel &model = modelFor(owner->module);
      for (const CallableStore &store : facts.callableStores)
        if (store.cppType == ownership.signalType && !store.pythonMethods.empty())
          model.connections.push_back(connectionFor(
              facts, store, "signal-method", {owner->pythonName}, {ownership.pythonAttribute}));
      for (const BoundMember &member : facts.boundMembers)
        if (member.cppType == ownership.signalType && isDisconnectName(member.pythonName))
          model.disconnections.push_back(
              {"signal-method", {owner->pythonName}, {member.pythonName}});
    }
  }
  // Bound methods of a type that store their callable argument on the object itself.
  for (const CallableStore &store : facts.callableStores) {
    if (store.pythonMethods.empty())
      continue;
    for (const BoundType *type : importableAs(facts, store.cppType))
      modelFor(type->module).connections.push_back(
          connectionFor(facts, store, "method", {type->pythonName}, {}));
  }
  // Members Python assigns a callable to: `job.on_done = cb`.
  // Constructors that store a callable argument: `Timer(1.0, cb)`.
  for (const BoundMember &member : facts.boundMembers) {
    std::vector<ModelConnection> connections = attributeConnectionsOf(facts, member);
    llvm::append_range(connections, constructorConnectionsOf(facts, member));
    for (ModelConnection &connection : connections)
      for (const BoundType *type : importableAs(facts, member.cppType)) {
        connection.types = {type->pythonName};
        modelFor(type->module).connections.push_back(connection);
      }
  }
  // Handles only a finalizer releases: no bound method reaches the same release.
  for (const NativeRelease &release : facts.nativeReleases) {
    if (!release.finalizer || !release.explicitlyReleasedBy.empty())
      continue;
    for (const BoundType *type : importableAs(facts, release.cppType)) {
      ApiModel &model = modelFor(type->module);
      if (!llvm::is_contained(model.finalizerOnlyTypes, type->pythonName)) {
        model.finalizerOnlyTypes.push_back(type->pythonName);
        model.finalizerLocations.emplace_back(type->pythonName, release.location);
      }
    }
  }

  std::vector<ApiModel> models;
  for (auto &[module, model] : byModule)
    models.push_back(std::move(model));
  if (!facts.pythonCallableStores.empty())
    models.push_back(derivePythonSignalModel(facts));
  return models;
}

} // namespace capcycle
