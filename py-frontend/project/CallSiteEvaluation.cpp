#include "project/CallSiteEvaluation.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <tuple>

namespace capcycle::python {

namespace {

// What a call supplies for one parameter: an object, a callback, or both.
struct Supplied {
  const ObjectPath *path = nullptr;
  const PythonCallArgument *argument = nullptr;
};

// Parameter binding id -> what the call passes for it.
std::map<std::string, Supplied> bindParameters(const PythonCall &call,
                                               const PythonFunction &function,
                                               bool constructs) {
  std::map<std::string, Supplied> bound;
  size_t first = ProjectModel::firstPassedParameter(function, call, constructs);
  // A method's `self` is the object it is called on; an `__init__`'s, where the new object
  // goes (`self.tracker = TimeTracker(player)`).
  const ObjectPath &self = constructs ? call.result : call.receiver;
  if (first == 1 && !function.parameters.empty() && !self.root.name.empty())
    bound[function.parameters[0].bindingId] = {&self, nullptr};
  for (const PythonCallArgument &argument : call.arguments) {
    const BindingRef *parameter = nullptr;
    if (argument.index >= 0 && first + argument.index < function.parameters.size())
      parameter = &function.parameters[first + argument.index];
    for (const BindingRef &p : function.parameters)
      if (!argument.keyword.empty() && p.name == argument.keyword)
        parameter = &p;
    if (parameter)
      bound[parameter->bindingId] = {argument.path.root.name.empty() ? nullptr : &argument.path,
                                     &argument};
  }
  return bound;
}

// `path` with its root replaced by what `onto` reaches: `widget.x` given `self.vte` is
// `self.vte.x`.
ObjectPath rebase(const ObjectPath &path, const ObjectPath &onto) {
  ObjectPath out = onto;
  // The same object: what the helper knows of it stands where the caller knows nothing, or only
  // which call returned it (`self.create_action()`, typed "...create_action()").
  if (!out.types.empty() && !path.types.empty() && !path.types.front().empty() &&
      (out.types.back().empty() || llvm::StringRef(out.types.back()).ends_with("()")))
    out.types.back() = path.types.front();
  out.attributes.insert(out.attributes.end(), path.attributes.begin(), path.attributes.end());
  out.types.insert(out.types.end(), path.types.begin() + std::min<size_t>(1, path.types.size()),
                   path.types.end());
  llvm::StringRef suffix = llvm::StringRef(path.text).drop_front(path.root.name.size());
  out.text = onto.text + suffix.str();
  return out;
}

// The registration `dependent` makes at `call`, or nullopt where the call does not supply
// what it needs (an object for a parameter receiver, a callable for a parameter callback).
std::optional<CallbackRegistration> evaluate(const ParameterizedRegistration &dependent,
                                             const PythonFunction &function,
                                             const PythonCall &call,
                                             const ProjectModel &project) {
  std::map<std::string, Supplied> bound =
      bindParameters(call, function, project.callee(call).constructs);
  CallbackRegistration r = dependent.registration;
  // The helper's own names, resolved where it is written before they meet the caller's.
  project.resolvePath(r.receiver, r.site.file);
  if (auto receiver = bound.find(r.receiver.root.bindingId); receiver != bound.end()) {
    if (!receiver->second.path)
      return std::nullopt;
    ObjectPath onto = *receiver->second.path;
    project.resolvePath(onto, call.site.file);
    r.receiver = rebase(r.receiver, onto);
  } else if (llvm::is_contained(function.returned, r.receiver.root.bindingId)) {
    if (call.result.root.name.empty())
      return std::nullopt; // the caller drops what it is given: no object of its own
    ObjectPath onto = call.result;
    project.resolvePath(onto, call.site.file);
    r.receiver = rebase(r.receiver, onto);
  }
  if (!dependent.callbackParameter.empty()) {
    auto parameter = llvm::find_if(function.parameters, [&](const BindingRef &p) {
      return p.name == dependent.callbackParameter;
    });
    auto callback = parameter == function.parameters.end() ? bound.end()
                                                            : bound.find(parameter->bindingId);
    if (callback == bound.end() || !callback->second.argument)
      return std::nullopt;
    const PythonCallArgument &argument = *callback->second.argument;
    if (argument.callbackKind.empty()) {
      // Passed on by name (`def add(self, w, cb): self.signals.new(w, "clicked", cb)`): still
      // the caller's parameter, for the caller's call sites to supply.
      if (!argument.path.attributes.empty() || argument.path.root.name.empty())
        return std::nullopt;
      r.callbackName = argument.path.root.name;
      r.callbackArgumentLocation = argument.location;
      r.captures.clear();
      r.through.insert(r.through.begin(), r.site);
      r.site = call.site;
      r.breakers.clear();
      return r;
    }
    r.callbackName = argument.callbackName;
    r.callbackKind = argument.callbackKind;
    r.callbackDefinition = argument.callbackDefinition;
    r.callbackArgumentLocation = argument.location;
    r.captures = argument.captures;
  } else {
    CaptureSet captures;
    for (const Capture &capture : r.captures) {
      auto supplied = bound.find(capture.binding.bindingId);
      if (supplied == bound.end()) {
        captures.push_back(capture);
        continue;
      }
      // A callable passed in (`connect_obj(self, "destroy", self.disconnect, s)`, whose
      // closure calls `handler`): the closure holds the callable, and so what it holds.
      if (const PythonCallArgument *argument = supplied->second.argument;
          argument && !argument->callbackKind.empty()) {
        for (Capture held : argument->captures) {
          held.via = capture.via; // held through the helper's closure, strongly
          held.weak = held.weak || capture.weak;
          captures.push_back(std::move(held));
        }
        continue;
      }
      if (!supplied->second.path)
        continue; // a literal or a call's result: nothing of the caller's
      Capture rebased = capture;
      rebased.binding = supplied->second.path->root;
      rebased.attributes = supplied->second.path->attributes;
      rebased.attributes.insert(rebased.attributes.end(), capture.attributes.begin(),
                                capture.attributes.end());
      captures.push_back(std::move(rebased));
    }
    r.captures = std::move(captures);
  }
  if (r.captures.empty())
    return std::nullopt;
  r.through.insert(r.through.begin(), r.site);
  r.site = call.site;
  r.breakers.clear(); // the helper's own undoing names its locals, not the caller's
  return r;
}

// A cycle a def closes by itself (`self.x` receiving a callback that holds `self`, whatever
// else it captures of the def's parameters) is reported where the def registers it; its
// callers add only other paths to the same cycle.
bool closesItself(const CallbackRegistration &made, const PythonFunction &function) {
  const std::string &receiver = made.receiver.root.bindingId;
  auto supplied = llvm::ArrayRef(function.parameters).drop_front(function.bindsSelf ? 1 : 0);
  if (llvm::any_of(supplied, [&](const BindingRef &p) { return p.bindingId == receiver; }) ||
      llvm::is_contained(function.returned, receiver))
    return false;
  return llvm::any_of(made.captures,
                      [&](const Capture &c) { return c.binding.bindingId == receiver; });
}

// What the caller supplies in turn: a registration made at `call` that still names the
// enclosing def's parameters (its receiver, a capture, or the callback passed on by name) is
// evaluated again at that def's call sites.
std::optional<ParameterizedRegistration> stillDependent(const CallbackRegistration &made,
                                                        bool callbackPassedOn,
                                                        const PythonCall &call,
                                                        const ProjectModel &project) {
  const PythonFunction *caller = project.functionByKey(call.function);
  if (!caller)
    return std::nullopt;
  auto supplied = [&](llvm::StringRef name, const std::string &id) {
    for (size_t i = caller->bindsSelf ? 1 : 0; i < caller->parameters.size(); ++i)
      if (caller->parameters[i].bindingId == id || (id.empty() && caller->parameters[i].name == name))
        return true;
    return false;
  };
  if (callbackPassedOn)
    return supplied(made.callbackName, "") ? std::optional<ParameterizedRegistration>(
                                                 {caller->key, made, made.callbackName})
                                           : std::nullopt;
  if (closesItself(made, *caller))
    return std::nullopt;
  // Made on a local the caller returns: on whatever the caller's callers assign it to.
  if (!supplied("", made.receiver.root.bindingId) &&
      !llvm::is_contained(caller->returned, made.receiver.root.bindingId) &&
      llvm::none_of(made.captures,
                    [&](const Capture &c) { return supplied("", c.binding.bindingId); }))
    return std::nullopt;
  return ParameterizedRegistration{caller->key, made, ""};
}

} // namespace

std::vector<CallbackRegistration> evaluateAtCallSites(const FactSet &facts,
                                                      const ProjectModel &project) {
  std::multimap<std::string, const PythonCall *> callsOf; // callee key -> calls
  for (const PythonCall &call : facts.pythonCalls)
    if (const PythonFunction *callee = project.callee(call).function)
      callsOf.emplace(callee->key, &call);
  // A pure-Python signal's `connect` (PythonCallableStore) is modelled as a signal already,
  // with the caller's own undoing: its store (`self._callbacks.append(cb)`) is not evaluated
  // again.
  auto isSignalStore = [&](const PythonFunction &function, const CallbackRegistration &r) {
    return llvm::any_of(facts.pythonCallableStores, [&](const PythonCallableStore &store) {
      return store.classBindingId == function.classBindingId && store.method == function.name &&
             r.receiver.attributes.size() == 1 && r.receiver.attributes[0] == store.attribute;
    });
  };
  // What undoes the call on every path after it in the caller (`finally: disconnect_all()`)
  // undoes what it registers: the per-file registration of the call site knows.
  std::map<std::tuple<std::string, unsigned, unsigned>, const CallbackRegistration *> bySite;
  for (const CallbackRegistration &own : facts.callbackRegistrations)
    bySite.try_emplace({own.site.file, own.site.line, own.site.column}, &own);
  auto breakersAt = [&](const CallbackRegistration &made) -> std::vector<CycleBreaker> {
    auto own = bySite.find({made.site.file, made.site.line, made.site.column});
    return own == bySite.end() ? std::vector<CycleBreaker>{} : own->second->breakers;
  };
  std::vector<CallbackRegistration> made;
  std::vector<ParameterizedRegistration> pending = facts.parameterizedRegistrations;
  for (int depth = 0; depth < MaxCallDepth && !pending.empty(); ++depth) {
    std::vector<ParameterizedRegistration> next;
    for (const ParameterizedRegistration &dependent : pending) {
      const PythonFunction *function = project.functionByKey(dependent.function);
      if (!function || isSignalStore(*function, dependent.registration) ||
          (dependent.callbackParameter.empty() && closesItself(dependent.registration, *function)))
        continue;
      auto [begin, end] = callsOf.equal_range(function->key);
      for (auto it = begin; it != end; ++it) {
        const PythonCall &call = *it->second;
        std::optional<CallbackRegistration> registration =
            evaluate(dependent, *function, call, project);
        if (!registration)
          continue;
        bool passedOn = !dependent.callbackParameter.empty() && registration->callbackKind.empty();
        if (auto onward = stillDependent(*registration, passedOn, call, project))
          next.push_back(std::move(*onward));
        registration->breakers = breakersAt(*registration);
        if (!passedOn && !llvm::is_contained(made, *registration))
          made.push_back(std::move(*registration));
      }
    }
    pending = std::move(next);
  }
  return made;
}

} // namespace capcycle::python
