#include "CallbackRegistrationCollector.h"

#include "CallbackResolver.h"
#include "ObjectResolver.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"

#include <map>

namespace capcycle::python {

namespace {

bool isCapturable(const ScopeModel &model, const ResolvedName &binding) {
  ScopeKind kind = model.scope(binding.scope).kind;
  return kind != ScopeKind::Module && kind != ScopeKind::Class;
}

bool before(const SourceLocation &a, const SourceLocation &b) {
  return std::tie(a.line, a.column) < std::tie(b.line, b.column);
}

// True when `statement` runs whenever the function body runs to its end: its ancestors up to
// the body are plain statements, `with` bodies, a `try` body or a `finally` clause — never a
// branch, a loop or an `except` handler.
bool runsOnEveryPath(TSNode node, TSNode body) {
  const NodeKinds &k = kinds();
  // Down from the body to the statement (ts_node_parent would descend from the root at every
  // step): each node between them must let the statement run.
  uint32_t begin = ts_node_start_byte(node), end = ts_node_end_byte(node);
  TSNode parent = body;
  for (;;) {
    TSNode current = ts_node_first_child_for_byte(parent, begin);
    if (ts_node_is_null(current) || ts_node_start_byte(current) > begin ||
        ts_node_end_byte(current) < end)
      return false; // not inside the body
    if (ts_node_eq(current, node))
      return true;
    TSSymbol kind = ts_node_symbol(current);
    bool transparent = kind == k.expressionStatement || kind == k.assignment ||
                       kind == k.augmentedAssignment || kind == k.await || kind == k.call ||
                       kind == k.finallyClause || kind == k.withStatement ||
                       kind == k.tryStatement || kind == k.argumentList;
    if (kind == k.block) {
      TSSymbol owner = ts_node_symbol(parent);
      transparent = owner == k.finallyClause || owner == k.withStatement || owner == k.tryStatement;
    }
    if (!transparent)
      return false;
    parent = current;
  }
}

class RegistrationBuilder {
public:
  explicit RegistrationBuilder(const ScopeModel &model)
      : model(model), objects(model), callbacks(model, objects) {}

  std::vector<CallbackRegistration> build(std::vector<ParameterizedRegistration> *dependent) {
    for (const Site &site : model.calls())
      fromCall(site);
    for (const Site &site : model.assignments())
      fromAssignment(site);
    for (CallbackRegistration &registration : registrations) {
      registration.breakers = breakersAfter(registration);
      registration.lifecycleBreakers = lifecycleBreakersOf(registration);
      registration.keptBy = holdersOf(registration);
    }
    if (dependent)
      *dependent = std::move(parameterized);
    return std::move(registrations);
  }

private:
  const ScopeModel &model;
  ObjectResolver objects;
  CallbackResolver callbacks;
  std::vector<CallbackRegistration> registrations;
  std::vector<int> siteScopes; // scope of each registration, for its breakers
  std::vector<ParameterizedRegistration> parameterized;
  std::map<int, std::vector<LifecycleBreaker>> breakersOfClass;

  // A function's scope and the lambdas and comprehensions in it: the code that runs as its body.
  std::vector<int> bodyScopes(int function) const {
    std::vector<int> body = {function};
    for (size_t i = 0; i < body.size(); ++i)
      for (int child : model.scope(body[i]).children)
        if (ScopeKind kind = model.scope(child).kind;
            kind == ScopeKind::Lambda || kind == ScopeKind::Comprehension)
          body.push_back(child);
    return body;
  }

  // The sites (calls or assignments) evaluated in `scopes`, in source order.
  std::vector<uint32_t> sitesIn(const std::vector<int> &scopes,
                                llvm::ArrayRef<uint32_t> (ScopeModel::*sitesOf)(int) const) const {
    std::vector<uint32_t> sites;
    for (int scope : scopes)
      llvm::append_range(sites, (model.*sitesOf)(scope));
    llvm::sort(sites);
    return sites;
  }

  // The parameters of the def around `scope` that a caller supplies: all but a method's `self`,
  // which a registration closes over in its own class (that cycle is found where it is).
  llvm::ArrayRef<std::string> suppliedParameterNames(int function) const {
    const Scope &def = model.scope(function);
    auto names = llvm::ArrayRef(def.parameters);
    if (!names.empty() && model.scope(def.parent).kind == ScopeKind::Class)
      names = names.drop_front();
    return names;
  }
  // Their binding ids.
  std::vector<std::string> suppliedParameters(int function) const {
    std::vector<std::string> ids;
    for (const std::string &name : suppliedParameterNames(function))
      ids.push_back(model.bindingId({function, name}));
    return ids;
  }

  // `def _wire(self, rec): rec.recognized.connect(lambda e: self.handle(e))` registers on
  // whatever each caller passes: kept for the cross-file stage to evaluate at the call sites.
  void addParameterized(const CallbackRegistration &registration, int scope,
                        std::string callbackParameter = "") {
    int function = objects.enclosingFunction(scope);
    if (function < 0)
      return;
    std::vector<std::string> supplied = suppliedParameters(function);
    auto isSupplied = [&](const std::string &id) { return llvm::is_contained(supplied, id); };
    // `action = QAction(...); action.triggered.connect(cb); return action`: on the caller's.
    bool onReturned = llvm::is_contained(objects.returnedIds(function),
                                         registration.receiver.root.bindingId);
    if (callbackParameter.empty() && !onReturned && !isSupplied(registration.receiver.root.bindingId) &&
        llvm::none_of(registration.captures,
                      [&](const Capture &c) { return isSupplied(c.binding.bindingId); }))
      return;
    parameterized.push_back(
        {objects.functionKey(function), registration, std::move(callbackParameter)});
  }

  // The callback is a parameter the caller supplies (`widget.connect(signal, handler)`).
  std::string callbackParameterOf(TSNode argument, int scope) const {
    if (!is(argument, kinds().identifier))
      return "";
    int function = objects.enclosingFunction(scope);
    auto binding = objects.resolveName(text(argument), scope);
    if (function < 0 || !binding || binding->scope != function)
      return "";
    // By name: the binding is the function's own.
    return llvm::is_contained(suppliedParameterNames(function), binding->name) ? binding->name
                                                                               : "";
  }

  // A registration whose callback is a supplied parameter: nothing to capture yet.
  void addWithParameterCallback(CallbackRegistration registration, TSNode argument, int scope) {
    addWithParameter(std::move(registration), argument, callbackParameterOf(argument, scope),
                     scope);
  }
  void addWithParameter(CallbackRegistration registration, TSNode argument,
                        std::string parameter, int scope) {
    if (parameter.empty())
      return;
    registration.callbackName = parameter;
    registration.callbackArgumentLocation = nodeLocation(argument, model.file());
    addParameterized(registration, scope, std::move(parameter));
  }

  llvm::StringRef text(TSNode node) const { return nodeText(node, model.source()); }

  // An object a callback can be stored on: a chain from a binding that is not a module or class.
  std::optional<ObjectPath> receiverOf(TSNode expression, int scope) const {
    return objects.instancePathOf(expression, scope);
  }

  bool isReceiver(const ObjectPath &path, int scope) const {
    auto root = objects.resolveName(path.root.name, scope);
    return root && !objects.isModuleOrClass(*root);
  }

  // receiverOf, one per element where the chain starts from a loop over written-out objects.
  std::vector<ObjectPath> receiversOf(TSNode expression, int scope) const {
    std::vector<ObjectPath> receivers = objects.pathsOf(expression, scope);
    llvm::erase_if(receivers, [&](const ObjectPath &path) { return !isReceiver(path, scope); });
    return receivers;
  }

  void add(CallbackRegistration registration, const ResolvedCallback &callback, TSNode argument,
           int scope) {
    if (callback.captures.empty())
      return; // a callback that holds nothing closes no cycle
    registration.callbackName = callback.name;
    registration.callbackKind = callback.kind;
    registration.callbackDefinition = callback.definition;
    registration.callbackArgumentLocation = nodeLocation(argument, model.file());
    registration.captures = callback.captures;
    addParameterized(registration, scope);
    registrations.push_back(std::move(registration));
    siteScopes.push_back(scope);
  }

  // `box.clicked[bool]`, `combo.activated['QString']`: a Qt signal's overload, picked by the
  // argument types, is the same signal of the same object. Only type names and strings pick
  // one (`self.buttons[i]` is an element).
  TSNode withoutOverload(TSNode receiver, int scope) const {
    if (!is(receiver, kinds().subscript))
      return receiver;
    TSNode signal = ts_node_child_by_field_id(receiver, fields().value);
    auto picksOverload = [&](TSNode index) {
      if (is(index, kinds().string))
        return true;
      static constexpr llvm::StringLiteral builtinTypes[] = {"bool", "int",  "float", "str",
                                                              "object", "list", "dict", "tuple"};
      return is(index, kinds().identifier) && llvm::is_contained(builtinTypes, text(index)) &&
             !objects.resolveName(text(index), scope);
    };
    bool overload = is(signal, kinds().attribute) && ts_node_named_child_count(receiver) >= 2;
    for (uint32_t i = 1, n = ts_node_named_child_count(receiver); overload && i < n; ++i)
      overload = picksOverload(ts_node_named_child(receiver, i));
    return overload ? signal : receiver;
  }

  // What one argument of a call may register: a callback that holds something, or a
  // parameter of the enclosing def that its callers supply.
  struct PassedCallback {
    const CallArgument *argument;
    std::optional<ResolvedCallback> callback; // with captures
    std::string parameter;                    // where no callback resolves
  };

  // Each argument's callback, resolved once for every receiver of the call.
  std::vector<PassedCallback> passedCallbacks(const std::vector<CallArgument> &arguments,
                                              int scope) const {
    std::vector<PassedCallback> passed;
    for (const CallArgument &argument : arguments) {
      if (isLiteral(argument.value))
        continue;
      PassedCallback entry{&argument, callbacks.resolve(argument.value, scope), {}};
      if (!entry.callback)
        entry.parameter = callbackParameterOf(argument.value, scope);
      else if (entry.callback->captures.empty())
        continue; // a callback that holds nothing closes no cycle
      if (entry.callback || !entry.parameter.empty())
        passed.push_back(std::move(entry));
    }
    return passed;
  }

  void fromCall(const Site &site) {
    const std::vector<CallArgument> &arguments = model.argumentsOf(site.node);
    std::vector<PassedCallback> passed = passedCallbacks(arguments, site.scope);
    if (passed.empty())
      return; // nothing to register: the receiver need not be resolved
    TSNode function = ts_node_child_by_field_id(site.node, fields().function);
    if (is(function, kinds().attribute)) {
      TSNode receiverNode =
          withoutOverload(ts_node_child_by_field_id(function, fields().object), site.scope);
      std::string name = text(ts_node_child_by_field_id(function, fields().attributeName)).str();
      for (const ObjectPath &receiver : receiversOf(receiverNode, site.scope))
        for (const PassedCallback &entry : passed) {
          CallbackRegistration r;
          r.site = nodeLocation(site.node, model.file());
          r.form = "call";
          r.receiver = receiver;
          r.name = name;
          r.callbackArgument = entry.argument->index;
          r.callbackKeyword = entry.argument->keyword.str();
          if (entry.callback)
            add(std::move(r), *entry.callback, entry.argument->value, site.scope);
          else
            addWithParameter(std::move(r), entry.argument->value, entry.parameter, site.scope);
        }
    }
    fromConstructorCall(site, function, passed);
  }

  // `b = Button(root, command=lambda: b.flash())`: the new object is the receiver.
  void fromConstructorCall(const Site &site, TSNode function,
                           const std::vector<PassedCallback> &passed) {
    if (llvm::none_of(passed, [](const PassedCallback &entry) { return entry.callback.has_value(); }))
      return;
    TSNode parent = model.assignmentOf(site.node);
    if (ts_node_is_null(parent))
      return;
    std::string constructor = objects.qualifiedName(function, site.scope);
    if (constructor.empty())
      return;
    TSNode target = ts_node_child_by_field_id(parent, fields().left);
    auto receiver = receiverOf(target, site.scope);
    if (!receiver)
      return;
    receiver->types.back() = constructor;
    for (const PassedCallback &entry : passed)
      if (entry.callback) {
        CallbackRegistration r;
        r.site = nodeLocation(site.node, model.file());
        r.form = "constructor-call";
        r.receiver = *receiver;
        r.name = constructor;
        r.callbackArgument = entry.argument->index;
        r.callbackKeyword = entry.argument->keyword.str();
        add(std::move(r), *entry.callback, entry.argument->value, site.scope);
      }
  }

  void fromAssignment(const Site &site) {
    TSNode left = ts_node_child_by_field_id(site.node, fields().left);
    TSNode right = ts_node_child_by_field_id(site.node, fields().right);
    if (!is(left, kinds().attribute))
      return;
    // `event += handler` subscribes; `total -= x`, `count %= n` are arithmetic.
    if (is(site.node, kinds().augmentedAssignment) &&
        nodeText(ts_node_child_by_field_name(site.node, "operator", 8), model.source()) != "+=")
      return;
    auto receiver = receiverOf(ts_node_child_by_field_id(left, fields().object), site.scope);
    if (!receiver)
      return;
    CallbackRegistration r;
    r.site = nodeLocation(site.node, model.file());
    r.form = is(site.node, kinds().augmentedAssignment) ? "augmented-assignment" : "assignment";
    r.receiver = *receiver;
    r.name = text(ts_node_child_by_field_id(left, fields().attributeName)).str();
    if (auto callback = callbacks.resolve(right, site.scope))
      add(std::move(r), *callback, right, site.scope);
    else
      addWithParameterCallback(std::move(r), right, site.scope);
  }

  static bool involved(const CallbackRegistration &registration, const std::string &bindingId) {
    if (registration.receiver.root.bindingId == bindingId)
      return true;
    return llvm::any_of(registration.captures,
                        [&](const Capture &c) { return c.binding.bindingId == bindingId; });
  }

  // The frontend's vocabulary of calls that may undo a registration (the models' disconnections,
  // destroy/close-style teardown): only these are kept from other methods, so facts stay small.
  static bool mayUndoRegistrations(llvm::StringRef name) {
    for (llvm::StringRef prefix : {"disconnect", "handler_disconnect", "remove", "unbind", "unsub",
                                   "unregister", "destroy", "run_dispose", "after_cancel",
                                   "deletecommand", "deleteLater", "cancel", "clear", "discard",
                                   "pop", "off", "close", "stop", "shutdown", "release"})
      if (name.starts_with(prefix))
        return true;
    return false;
  }

  // Methods that tear the object down (close, cleanup, stop, shutdown, __exit__, closeEvent,
  // do_destroy, a `__destroy` handler of its own destroy signal, disable, remove, ...): what
  // they undo is undone when the object's life ends. Other methods (a reset, an error handler,
  // __init__'s `self.x = None` before anything is connected) are not its lifecycle.
  static bool tearsDown(llvm::StringRef method) {
    std::string name = method.lower();
    for (llvm::StringRef word : {"close", "clean", "stop", "shutdown", "exit", "destroy",
                                 "dispose", "teardown", "tear_down", "release", "disable",
                                 "unload", "remove", "quit", "finish", "unrealize",
                                 "delete_event", "deinit"})
      if (llvm::StringRef(name).contains(word))
        return true;
    return false;
  }

  // In the teardown methods of the class, on every path through them: calls on `self`'s
  // attributes from the
  // vocabulary above and `self.x = None`, each with the method's name and its target's
  // attributes (rebased onto a registering method's `self` by lifecycleBreakersOf).
  const std::vector<LifecycleBreaker> &classBreakers(int cls) {
    auto [known, added] = breakersOfClass.try_emplace(cls);
    if (!added)
      return known->second;
    const Scope &scope = model.scope(cls);
    auto selfOf = [&](int method) {
      std::vector<std::string> ids = objects.parameterIds(method);
      return ids.empty() ? std::string() : ids.front();
    };
    auto add = [&](const Site &site, const char *kind, TSNode target, unsigned arguments) {
      const Scope &method = model.scope(site.scope);
      if (method.parent != cls || method.kind != ScopeKind::Function || !tearsDown(method.name) ||
          !runsOnEveryPath(site.node, ts_node_child_by_field_id(method.node, fields().body)))
        return; // a teardown that destroys only under some `if` does not end this cycle
      auto path = objects.pathOf(target, site.scope);
      if (!path || path->attributes.empty() || path->root.bindingId != selfOf(site.scope))
        return;
      known->second.push_back({scope.name + "." + method.name,
                               {kind, *path, nodeLocation(site.node, model.file()), arguments}});
    };
    std::vector<int> teardowns;
    for (int method : scope.children)
      if (model.scope(method).kind == ScopeKind::Function && tearsDown(model.scope(method).name))
        teardowns.push_back(method);
    for (uint32_t index : sitesIn(teardowns, &ScopeModel::callsIn)) {
      const Site &site = model.calls()[index];
      TSNode function = ts_node_child_by_field_id(site.node, fields().function);
      if (is(function, kinds().attribute) &&
          mayUndoRegistrations(text(ts_node_child_by_field_id(function, fields().attributeName))))
        add(site, "call", function, unsigned(model.argumentsOf(site.node).size()));
    }
    for (uint32_t index : sitesIn(teardowns, &ScopeModel::assignmentsIn)) {
      const Site &site = model.assignments()[index];
      TSNode left = ts_node_child_by_field_id(site.node, fields().left);
      if (is(left, kinds().attribute) &&
          is(ts_node_child_by_field_id(site.node, fields().right), kinds().none))
        add(site, "assign-none", left, 0);
    }
    return known->second;
  }

  // `self.bus.connect("message", self.on_message)` in __init__ and
  // `self.bus.disconnect(self.bus_id)` in stop(): the statements of the class's other methods
  // that may undo a registration on `self` when they run.
  std::vector<LifecycleBreaker> lifecycleBreakersOf(const CallbackRegistration &registration) {
    int scope = siteScopes[&registration - registrations.data()];
    int function = objects.enclosingFunction(scope);
    if (function < 0 || function != scope)
      return {};
    int cls = model.scope(function).parent;
    std::vector<std::string> parameters = objects.parameterIds(function);
    if (cls < 0 || model.scope(cls).kind != ScopeKind::Class || parameters.empty() ||
        registration.receiver.root.bindingId != parameters.front())
      return {};
    std::vector<LifecycleBreaker> breakers;
    std::string registeringMethod = model.scope(cls).name + "." + model.scope(function).name;
    for (LifecycleBreaker later : classBreakers(cls)) {
      if (later.method == registeringMethod)
        continue; // this method's own statements are breakersAfter's
      later.breaker.target.root = registration.receiver.root;
      breakers.push_back(std::move(later));
    }
    return breakers;
  }

  // A receiver that is a local or a parameter of the registering function (`action =
  // Gio.SimpleAction.new(..)`, `def register(self, stack)`; not `self`): the calls and
  // subscript stores of the same function that hand it to an object reached from elsewhere
  // (`self.group.add_action(action)`, `self.stacks.append(stack)`, `self.timers[name] =
  // action`), in either order. The models say which calls keep it.
  std::vector<ObjectHolder> holdersOf(const CallbackRegistration &registration) {
    std::vector<ObjectHolder> holders;
    int scope = siteScopes[&registration - registrations.data()];
    auto root = objects.resolveName(registration.receiver.root.name, scope);
    const NameBinding *binding = root ? model.binding(*root) : nullptr;
    bool parameter = binding && binding->kind == BindingKind::Parameter &&
                     model.scope(root->scope).firstParameter != root->name;
    bool local = binding && (binding->kind == BindingKind::Assignment ||
                             binding->kind == BindingKind::Other); // also a loop's variable
    if (!binding || (!local && !parameter) ||
        model.scope(root->scope).kind != ScopeKind::Function ||
        model.bindingId(*root) != registration.receiver.root.bindingId)
      return holders;
    auto isRoot = [&](TSNode value, int at) {
      if (!is(value, kinds().identifier) || text(value) != root->name)
        return false;
      auto same = objects.resolveName(root->name, at);
      return same && same->scope == root->scope;
    };
    auto heldBy = [&](TSNode object, int at) -> std::optional<ObjectPath> {
      auto path = objects.instancePathOf(object, at);
      if (!path || path->root.bindingId == registration.receiver.root.bindingId)
        return std::nullopt;
      return path;
    };
    std::vector<int> body = bodyScopes(root->scope);
    for (uint32_t index : sitesIn(body, &ScopeModel::callsIn)) {
      const Site &site = model.calls()[index];
      TSNode function = ts_node_child_by_field_id(site.node, fields().function);
      if (!is(function, kinds().attribute))
        continue;
      for (const CallArgument &argument : model.argumentsOf(site.node))
        if (argument.index >= 0 && isRoot(argument.value, site.scope))
          if (auto holder = heldBy(ts_node_child_by_field_id(function, fields().object), site.scope))
            holders.push_back({"call", std::move(*holder),
                               text(ts_node_child_by_field_id(function, fields().attributeName)).str(),
                               argument.index, nodeLocation(site.node, model.file())});
    }
    for (uint32_t index : sitesIn(body, &ScopeModel::assignmentsIn)) {
      const Site &site = model.assignments()[index];
      TSNode left = ts_node_child_by_field_id(site.node, fields().left);
      if (!isRoot(ts_node_child_by_field_id(site.node, fields().right), site.scope))
        continue;
      if (is(left, kinds().subscript)) {
        if (auto holder = heldBy(ts_node_child_by_field_id(left, fields().value), site.scope))
          holders.push_back({"subscript-assignment", std::move(*holder), "", -1,
                             nodeLocation(site.node, model.file())});
        continue;
      }
      // `self.view.props.factory = factory`: PyGObject sets the view's property.
      TSNode props = ts_node_child_by_field_id(left, fields().object);
      if (!is(left, kinds().attribute) || !is(props, kinds().attribute) ||
          text(ts_node_child_by_field_id(props, fields().attributeName)) != "props")
        continue;
      if (auto holder = heldBy(ts_node_child_by_field_id(props, fields().object), site.scope))
        holders.push_back({"property-assignment", std::move(*holder),
                           text(ts_node_child_by_field_id(left, fields().attributeName)).str(), -1,
                           nodeLocation(site.node, model.file())});
    }
    return holders;
  }

  // Calls on the receiver's root object, `captured = None` and `receiver.attribute = None`,
  // later in the same function on every path: the rules decide which of them disconnect.
  std::vector<CycleBreaker> breakersAfter(const CallbackRegistration &registration) {
    std::vector<CycleBreaker> breakers;
    int scope = siteScopes[&registration - registrations.data()];
    const Scope &function = model.scope(scope);
    if (function.kind != ScopeKind::Function && function.kind != ScopeKind::Module)
      return breakers;
    TSNode body = function.kind == ScopeKind::Module
                      ? function.node
                      : ts_node_child_by_field_id(function.node, fields().body);
    auto consider = [&](const Site &site, const char *kind, TSNode target) {
      if (site.scope != scope)
        return;
      SourceLocation at = nodeLocation(site.node, model.file());
      if (!before(registration.site, at) || !runsOnEveryPath(site.node, body))
        return;
      auto path = objects.pathOf(target, scope);
      if (path && involved(registration, path->root.bindingId))
        breakers.push_back({kind, *path, at,
                            unsigned(is(site.node, kinds().call)
                                         ? model.argumentsOf(site.node).size()
                                         : 0)});
    };
    for (uint32_t index : model.callsIn(scope)) {
      const Site &site = model.calls()[index];
      TSNode function = ts_node_child_by_field_id(site.node, fields().function);
      if (is(function, kinds().attribute))
        consider(site, "call", function);
    }
    for (uint32_t index : model.assignmentsIn(scope)) {
      const Site &site = model.assignments()[index];
      if (!is(ts_node_child_by_field_id(site.node, fields().right), kinds().none))
        continue;
      TSNode left = ts_node_child_by_field_id(site.node, fields().left);
      if (is(left, kinds().identifier))
        consider(site, "rebind-none", left);
      else if (is(left, kinds().attribute))
        consider(site, "assign-none", left);
    }
    return breakers;
  }
};

} // namespace

CaptureSet collectCaptures(const ScopeModel &model, int callable) {
  CaptureSet captures;
  llvm::StringMap<size_t> index; // bindingId -> position in captures
  auto add = [&](const ResolvedName &binding, const NameReference &ref, const char *via) {
    std::string id = model.bindingId(binding);
    auto [it, inserted] = index.try_emplace(id, captures.size());
    if (inserted)
      captures.push_back({{binding.name, id, model.definitionOf(binding)},
                          {},
                          ref.location,
                          via,
                          ref.weak});
    else if (!ref.weak)
      captures[it->second].weak = false; // one strong reference is enough to hold it
  };

  // Parameter defaults are read in the enclosing scope and held by the callable itself, so a
  // module-level default pins its object too.
  const Scope &outer = model.scope(model.scope(callable).parent);
  for (const NameReference &ref : outer.references)
    if (ref.defaultOf == callable)
      if (auto binding = model.resolve(ref.scope, ref.name))
        if (const NameBinding *b = model.binding(*binding);
            b && b->kind != BindingKind::Import && b->kind != BindingKind::Class &&
            b->kind != BindingKind::Function) // modules, classes, functions: not per-object
          add(*binding, ref, "default-argument");

  std::vector<int> pending = {callable};
  while (!pending.empty()) {
    const Scope &scope = model.scope(pending.back());
    pending.pop_back();
    for (const NameReference &ref : scope.references) {
      auto binding = model.resolve(ref.scope, ref.name);
      if (binding && !model.encloses(callable, binding->scope) && isCapturable(model, *binding))
        add(*binding, ref, "free-variable");
    }
    pending.insert(pending.end(), scope.children.begin(), scope.children.end());
  }
  return captures;
}

std::vector<CallbackRegistration>
collectCallbackRegistrations(const ScopeModel &model,
                             std::vector<ParameterizedRegistration> *parameterized) {
  return RegistrationBuilder(model).build(parameterized);
}

} // namespace capcycle::python
