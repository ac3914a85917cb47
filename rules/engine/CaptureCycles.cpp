#include "engine/CaptureCycles.h"

#include "llvm/ADT/STLExtras.h"

namespace capcycle {

namespace {

bool isPrefix(const std::vector<std::string> &prefix, const std::vector<std::string> &path) {
  return prefix.size() <= path.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

// Whether every getter step of `owner` from step `from` on (`view.get_selection()`) returns an
// object its receiver keeps, as a typed model says: only then is the object the callback
// holds the one the path reaches (another call could return a new object each time).
bool gettersKeptFrom(const ApiModels &models, const ObjectPath &owner, size_t from) {
  for (size_t i = from; i < owner.attributes.size(); ++i)
    if (llvm::StringRef(owner.attributes[i]).ends_with("()") &&
        (i + 1 >= owner.types.size() || !models.keepsResult(owner.types[i + 1])))
      return false;
  return true;
}

// The path from the local the code wrote for it: `sel` for self.view.get_selection().
ObjectPath asWritten(const ObjectPath &path) {
  size_t written = std::min<size_t>(path.writtenAttributes, path.attributes.size());
  ObjectPath local;
  local.root = path.written;
  local.attributes.assign(path.attributes.begin() + written, path.attributes.end());
  local.types.assign(path.types.begin() + std::min(written, path.types.size()), path.types.end());
  local.text = path.written.name;
  for (const std::string &attribute : local.attributes)
    local.text += "." + attribute;
  return local;
}

// The capture that keeps `owner` alive (the owner of the stored callback, or what keeps
// that), if any: one of the path's root, or of the local the code wrote for it
// (`sel = self.view.get_selection()`, a callback capturing `sel`).
const Capture *closingCapture(const ApiModels &models, const CallbackRegistration &registration,
                              const ConnectionMatch &match, const ObjectPath &owner) {
  std::vector<std::string> belowWritten(
      owner.attributes.begin() + std::min<size_t>(owner.writtenAttributes, owner.attributes.size()),
      owner.attributes.end());
  for (const Capture &capture : registration.captures) {
    if (capture.weak)
      continue; // weakref.ref / proxy / WeakMethod: the owner may die
    if (capture.via == "bound-method" && match.connection->weakBoundMethods)
      continue; // the library holds bound methods weakly (Qt)
    if (capture.binding.bindingId == owner.root.bindingId &&
        isPrefix(capture.attributes, owner.attributes) && gettersKeptFrom(models, owner, 0))
      return &capture;
    if (!owner.written.name.empty() && capture.binding.bindingId == owner.written.bindingId &&
        isPrefix(capture.attributes, belowWritten) &&
        gettersKeptFrom(models, owner, owner.writtenAttributes))
      return &capture;
  }
  return nullptr;
}

// `job.on_done = None` after `job.on_done = cb`: the attribute that stored the callback no
// longer does.
bool assignsNoneToTheStorage(const ConnectionMatch &match, const ObjectPath &target) {
  if (match.connection->form != "attribute-assignment" ||
      target.root.bindingId != match.owner.root.bindingId ||
      target.attributes.size() != match.owner.attributes.size() + 1)
    return false;
  return isPrefix(match.owner.attributes, target.attributes) &&
         target.attributes.back() == match.link;
}

// `self.bus = None` after `self.bus.connect(...)`: the root no longer owns what stores the
// callback.
bool dropsTheOwner(const ConnectionMatch &match, const ObjectPath &target) {
  return target.root.bindingId == match.owner.root.bindingId && !target.attributes.empty() &&
         isPrefix(target.attributes, match.owner.attributes);
}

bool breaks(const ApiModels &models, const ConnectionMatch &match, const Capture &capture,
            const CycleBreaker &breaker) {
  if (breaker.kind == "rebind-none")
    return breaker.target.root.bindingId == capture.binding.bindingId;
  if (breaker.kind == "assign-none")
    return assignsNoneToTheStorage(match, breaker.target) || dropsTheOwner(match, breaker.target);
  return models.disconnects(match, breaker);
}

bool isBroken(const ApiModels &models, const ConnectionMatch &match, const Capture &capture,
              const std::vector<CycleBreaker> &breakers) {
  return llvm::any_of(breakers, [&](const CycleBreaker &breaker) {
    return breaks(models, match, capture, breaker);
  });
}

std::string pathText(const ObjectPath &path, size_t attributes) {
  return spellPath(path, attributes);
}

// How the code names a type of ObjectPath::types: a scanned class by its name, an imported one
// by its last component.
std::string typeName(const FactSet &facts, const std::string &type) {
  auto cls = llvm::find_if(facts.pythonClasses,
                           [&](const PythonClass &c) { return c.bindingId == type; });
  if (cls != facts.pythonClasses.end())
    return cls->name;
  llvm::StringRef last = llvm::StringRef(type).rsplit('.').second;
  return last.empty() ? type : last.str();
}

// Where the class of `type` (or a base, in any scanned file) assigns `attribute`.
std::optional<SourceLocation> attributeAssignedAt(const FactSet &facts, const std::string &type,
                                                  const std::string &attribute, int depth = 0) {
  auto cls = llvm::find_if(facts.pythonClasses,
                           [&](const PythonClass &c) { return c.bindingId == type; });
  if (cls == facts.pythonClasses.end() || depth > 8)
    return std::nullopt;
  for (const PythonAttribute &a : cls->attributes)
    if (a.name == attribute && a.location.valid())
      return a.location;
  for (const std::string &base : cls->bases)
    if (auto at = attributeAssignedAt(facts, base, attribute, depth + 1))
      return at;
  return std::nullopt;
}

// Every object from the owner's root down to the owner is on the cycle.
void findPinnedHandle(const FactSet &facts, const ApiModels &models, CaptureCycle &cycle) {
  const ObjectPath &owner = cycle.match.owner;
  for (size_t i = 0; i < owner.types.size(); ++i) {
    const std::string &type = owner.types[i];
    if (const ApiModel *model = models.finalizerOnlyModel(type, &cycle.pinnedClaimedClass)) {
      cycle.pinnedByModel = model;
      cycle.pinnedType = typeName(facts, type);
    } else {
      auto it = llvm::find_if(facts.finalizerReleases, [&](const FinalizerRelease &release) {
        return release.classBindingId == type && !release.hasClose &&
               !release.hasContextManager;
      });
      if (it == facts.finalizerReleases.end())
        continue;
      cycle.pinnedByClass = &*it;
      cycle.pinnedType = it->className;
    }
    cycle.pinnedText = pathText(owner, i);
    return;
  }
}

// How long a cycle that pins a native handle holds it.
std::string untilWhen(std::optional<bool> collectable) {
  if (!collectable)
    return "";
  return *collectable
             ? " until a garbage collection finds the cycle: reference counting never frees it"
             : " until the process exits: the garbage collector cannot free the cycle";
}

std::string quoted(llvm::StringRef text) { return ("'" + text + "'").str(); }

// The holder's step of a cycle: "add_action()", "props.factory", "[]".
std::string keeperLink(const ObjectHolder &held) {
  if (held.form == "call")
    return held.name + "()";
  return held.form == "property-assignment" ? "props." + held.name : "[]";
}

std::string callbackDescription(const CallbackRegistration &r) {
  if (r.callbackKind == "lambda")
    return "lambda";
  if (r.callbackKind == "bound-method")
    return "bound method " + quoted(r.callbackName);
  return "callback " + quoted(r.callbackName);
}

std::string storageDescription(const ConnectionMatch &match) {
  const std::string &library = match.model->name;
  // A shape-only model knows the call, not the library: say that the storing is assumed.
  if (match.model->shapeOnly)
    return ", assumed from the shape of the call (" + library + "): no model describes " +
           (match.ownerType.empty() ? std::string("the receiver")
                                    : "'" + match.ownerType + "'");
  switch (match.connection->storage) {
  case Storage::GcOpaque:
    return " where the garbage collector cannot see it (" + library + ")";
  case Storage::GcVisible:
    return " where only a full garbage collection can free the cycle (" + library + ")";
  case Storage::Unknown:
    break;
  }
  return " (" + library + ")";
}

// The C++ destructor or tp_dealloc of a derived model; else where the Python object is made.
SourceLocation finalizerLocation(const ApiModel &model, const std::string &type,
                                 const ObjectPath &owner) {
  for (const auto &[name, location] : model.finalizerLocations)
    if (name == type)
      return location;
  return owner.root.definedAt;
}

} // namespace

std::vector<CaptureCycle> findCaptureCycles(const FactSet &facts, const ApiModels &models) {
  std::vector<CaptureCycle> cycles;
  for (const CallbackRegistration &registration : facts.callbackRegistrations) {
    auto match = models.match(registration);
    if (!match)
      continue;
    CaptureCycle cycle;
    const Capture *capture = closingCapture(models, registration, *match, match->owner);
    // A local the callback does not hold, handed to an object the callback does hold.
    for (size_t i = 0; !capture && i < registration.keptBy.size(); ++i)
      if (auto keeper = models.keeps(registration.keptBy[i]))
        if ((capture = closingCapture(models, registration, *match, registration.keptBy[i].holder))) {
          cycle.keptBy = &registration.keptBy[i];
          cycle.keeper = *keeper;
        }
    if (!capture || isBroken(models, *match, *capture, registration.breakers))
      continue;
    cycle.registration = &registration;
    cycle.match = *match;
    cycle.capture = capture;
    for (const LifecycleBreaker &later : registration.lifecycleBreakers)
      if (breaks(models, *match, *capture, later.breaker)) {
        cycle.brokenOnlyBy = &later;
        break;
      }
    // Held through the local the code wrote (`entry = self.entry = Gtk.Entry()`, a lambda
    // using `entry`): the cycle goes through that local's object only.
    if (!cycle.keptBy && !match->owner.written.name.empty() &&
        capture->binding.bindingId == match->owner.written.bindingId)
      cycle.match.owner = asWritten(match->owner);
    findPinnedHandle(facts, models, cycle);
    const ObjectPath &owner = cycle.keptBy ? cycle.keptBy->holder : cycle.match.owner;
    if (!owner.attributes.empty() && !owner.types.empty())
      cycle.ownerAssignedAt = attributeAssignedAt(facts, owner.types[0], owner.attributes[0]);
    cycles.push_back(std::move(cycle));
  }
  return cycles;
}

Finding describeCycle(const CaptureCycle &cycle, const char *ruleId, Level level) {
  const CallbackRegistration &r = *cycle.registration;
  const ConnectionMatch &match = cycle.match;
  const ObjectPath &owner = match.owner;
  std::string callback = callbackDescription(r);
  std::string captured = pathText({cycle.capture->binding, cycle.capture->attributes, {}, {}},
                                  cycle.capture->attributes.size());
  std::string callbackName = r.callbackKind == "lambda" ? "<lambda>" : r.callbackName;

  Finding finding;
  finding.ruleId = ruleId;
  finding.level = level;
  finding.location = r.site;
  std::string kept =
      cycle.keptBy ? (cycle.keptBy->holder.text == captured ? "" : " -> " + cycle.keptBy->holder.text) +
                         " -> " + keeperLink(*cycle.keptBy)
                   : "";
  std::string chain = captured + kept + (owner.text == captured ? "" : " -> " + owner.text) +
                      " -> " + match.link + " -> " + callbackName + " -> " + captured;
  finding.message = callback + " connected to " + match.holder + " captures " + quoted(captured) +
                    ": reference cycle " + chain;
  finding.collectable = cycle.collectable();
  if (cycle.pinsNativeHandle())
    finding.message += "; the cycle keeps " + quoted(cycle.pinnedText) + " (" + cycle.pinnedType +
                       ") and its native handle alive" + untilWhen(finding.collectable);
  else if (cycle.storedOpaquelyInCpp())
    finding.message += "; C++ keeps the callback where the garbage collector cannot see it, so "
                       "the cycle is never collected";
  if (cycle.brokenOnlyBy)
    finding.message += "; broken only when '" + cycle.brokenOnlyBy->method + "()' runs";

  // The first edge: the captured root owns what stores the callback. When the storage is the
  // root itself (a method or attribute of it), there is no edge to show but where it is made.
  bool storesOnOwner = match.signal.empty() && match.connection->form != "append";
  std::string owns =
      storesOnOwner ? (owner.attributes.empty()
                           ? quoted(owner.root.name) + " is defined here"
                           : quoted(owner.root.name) + " owns " + quoted(owner.text))
      : owner.attributes.empty()
          ? quoted(owner.root.name) + " owns " + match.holder
          : quoted(owner.root.name) + " owns " + quoted(owner.text) + ", which owns " + match.holder;
  if (cycle.keptBy) {
    const ObjectPath &holder = cycle.keptBy->holder;
    finding.path = {{cycle.ownerAssignedAt.value_or(holder.root.definedAt),
                     holder.attributes.empty()
                         ? quoted(holder.root.name) + " is defined here"
                         : quoted(holder.root.name) + " owns " + quoted(holder.text)},
                    {cycle.keptBy->location, quoted(holder.text) + " keeps " + quoted(owner.text) +
                                                 " (" + keeperLink(*cycle.keptBy) + ", " +
                                                 cycle.keeper.model->name + ")"}};
  } else {
    finding.path = {{cycle.ownerAssignedAt.value_or(owner.root.definedAt), owns}};
  }
  // Made through the scan's own helpers: each call inward, the registration innermost.
  for (size_t i = 0; i < r.through.size(); ++i)
    finding.path.push_back(
        {r.through[i], i + 1 == r.through.size()
                           ? "the call registers " + callback + " here, on " + quoted(owner.text)
                           : "the call hands " + callback + " on here"});
  finding.path.push_back(
      {r.callbackArgumentLocation, match.holder + " stores " + callback + storageDescription(match)});
  // Scanned C++: the member that really holds the callable.
  if (match.connection->storeLocation.valid())
    finding.path.push_back({match.connection->storeLocation, match.connection->storeDescription});
  finding.path.push_back(
      {cycle.capture->referencedAt, callback + " captures " + quoted(captured) + ", closing the cycle"});
  if (cycle.brokenOnlyBy)
    finding.path.push_back({cycle.brokenOnlyBy->breaker.location,
                            "'" + cycle.brokenOnlyBy->method +
                                "()' breaks the cycle here, once it runs"});
  if (cycle.pinnedByClass)
    finding.path.push_back({cycle.pinnedByClass->releaseCall,
                            quoted(cycle.pinnedType) +
                                " releases its native resource only here, in __del__, which "
                                "cannot run while the cycle lives"});
  else if (cycle.pinnedByModel)
    finding.path.push_back({finalizerLocation(*cycle.pinnedByModel, cycle.pinnedClaimedClass, owner),
                            quoted(cycle.pinnedText) + " is a " + cycle.pinnedType +
                                (cycle.pinnedType == cycle.pinnedClaimedClass
                                     ? ""
                                     : " (subclass of " + cycle.pinnedClaimedClass + ")") +
                                ", whose native handle only its finalizer releases (" +
                                cycle.pinnedByModel->name + "); the finalizer cannot run while "
                                "the cycle lives"});
  return finding;
}

} // namespace capcycle
