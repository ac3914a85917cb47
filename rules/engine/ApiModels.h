// API models: data files (rules/models/*.yaml, schema in rules/models/SCHEMA.md) that say how
// libraries capcycle does not see store callbacks, remove them, and hold native handles. The
// rules match CallbackRegistration facts against them; the frontends never see a model.
#pragma once

#include "facts/Facts.h"

#include "llvm/Support/Error.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace capcycle {

enum class Storage { GcOpaque, GcVisible, Unknown };

struct ModelConnection {
  std::string id;
  std::string form; // signal-method | method | constructor-keyword | attribute-assignment |
                    // append | augmented-assignment
  std::vector<std::string> types, names, signals;
  int callbackArgument = -1;
  std::string callbackKeyword;
  Storage storage = Storage::Unknown;
  bool weakBoundMethods = false;
  std::string evidence;
  // Models derived from scanned C++ (BindingModels.h): the member that stores the callable.
  SourceLocation storeLocation;
  std::string storeDescription; // "member 'callbacks_' of speech::EventSignal"
};

struct ModelDisconnection {
  std::string form;
  std::vector<std::string> types, names;
  // `needs_argument: true`: only a call that names what to remove (the callback, a handler id)
  // releases it; PySide's bare `sig.disconnect()` leaves the callables referenced.
  bool needsArgument = false;
};

// A call or store after which the library's object keeps an object it is given: an object
// tree (`group.add_action(action)`) or a container (`providers.append(p)`, `timers[k] = t`).
struct ModelHolder {
  std::string form; // method | subscript-assignment
  std::vector<std::string> types, names;
  int argument = -1; // method: the positional index of the kept object
  std::string evidence;
};

// A call that returns an instance of a library type: `asyncio.create_task` -> Task, or a method
// of a library class, "TreeView.get_selection" -> TreeSelection.
struct ModelFactory {
  std::string call, returns;
  // `kept_by_receiver: true`: the object the method is called on keeps what it returns for as
  // long as it lives (a view owns its selection), so `view.get_selection()` is the same object
  // every time and a step of an object tree.
  bool keptByReceiver = false;
};

struct ApiModel {
  std::string id, name, file, evidence;
  std::vector<std::string> libraries;
  bool shapeOnly = false; // libraries: ["*"]
  std::vector<ModelConnection> connections;
  std::vector<ModelDisconnection> disconnections;
  std::vector<std::string> finalizerOnlyTypes;
  // Derived models: where the C++ finalizer releases each type's handle.
  std::vector<std::pair<std::string, SourceLocation>> finalizerLocations;
  std::vector<ModelFactory> factories;
  std::vector<ModelHolder> holders;
};

// The model that says a holder keeps what it is handed.
struct HolderMatch {
  const ApiModel *model = nullptr;
  const ModelHolder *holder = nullptr;
};

// A registration the model says stores its callback on `owner`.
struct ConnectionMatch {
  const ApiModel *model = nullptr;
  const ModelConnection *connection = nullptr;
  ObjectPath owner;   // the object whose lifetime the stored callback shares
  std::string holder; // how to name what stores it: "signal 't.transcribed'", ...
  std::string signal; // signal-method: the signal attribute
  std::string link;   // the storage as a step of the cycle: "transcribed", "callbacks", "on()"
  // The owner's type the model matched (the owner's own or a base): "" when nothing tells what
  // the owner is, which only a shape-only model accepts.
  std::string ownerType;
};

class ApiModels {
public:
  // Reads every file; the first problem is an error naming `file:line` and what is wrong.
  static llvm::Expected<ApiModels> load(const std::vector<std::string> &files);
  // The *.yaml files of a directory, sorted.
  static std::vector<std::string> filesIn(llvm::StringRef directory);

  const std::vector<ApiModel> &all() const { return models; }
  // Models derived from the scan's own C++ facts join the loaded ones; they are consulted first,
  // since they describe exactly the bindings the Python code imports.
  void addDerived(std::vector<ApiModel> derived);
  // Bases of the scanned Python classes: `class Window(QWidget)` matches the Qt models.
  void addClassBases(const std::vector<PythonClass> &classes);
  // Makes the shim `alias` (a module that re-exports another library, as qtpy does) belong to
  // the models of `library` only: `qt-api: pyside2` makes qtpy's classes PySide2's. False when
  // no model lists `library`.
  bool aliasLibrary(const std::string &alias, const std::string &library);

  // Typed models first; shape-only models when no typed one matches.
  std::optional<ConnectionMatch> match(const CallbackRegistration &registration) const;
  // Typed models only: that an object is kept is never assumed from the shape of a call.
  std::optional<HolderMatch> keeps(const ObjectHolder &holder) const;
  // Whether a getter step's type ("gi.repository.Gtk.TreeView.get_selection()", as the frontend
  // names what a library method returns) is an object its receiver keeps, as a typed model says.
  bool keepsResult(const std::string &getterType) const;
  // Whether `breaker` removes what `match` stored.
  bool disconnects(const ConnectionMatch &match, const CycleBreaker &breaker) const;
  // The model claiming that `type`, or one of its bases, keeps a native handle that only its
  // finalizer releases; `claimedClass` receives the class it lists ("Engine" for a Python
  // subclass of `xl.Engine`).
  const ApiModel *finalizerOnlyModel(const std::string &type,
                                     std::string *claimedClass = nullptr) const;

private:
  std::vector<ApiModel> models;
  std::map<std::string, std::vector<std::string>> classBases;
  // A type, then its bases, nearest first (bounded: class hierarchies may be cyclic in
  // broken code).
  std::vector<std::string> lineage(const std::string &type) const;
  std::optional<ConnectionMatch> matchModel(const ApiModel &model,
                                            const CallbackRegistration &registration) const;
};

} // namespace capcycle
