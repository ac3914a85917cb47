#include "CallbackResolver.h"

#include "CallbackRegistrationCollector.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"

namespace capcycle::python {

namespace {
constexpr int MaxDepth = 4;

// `self.x = param`, or param inside a literal container (`self.x = [param]`): the instance
// holds the argument itself. `self.x = param.text()` holds only what the call returned.
bool storesItself(TSNode value, llvm::StringRef name, llvm::StringRef source) {
  std::vector<TSNode> pending = {value};
  while (!pending.empty()) {
    TSNode node = pending.back();
    pending.pop_back();
    if (is(node, kinds().identifier)) {
      if (nodeText(node, source) == name)
        return true;
      continue;
    }
    llvm::StringRef type = ts_node_type(node);
    if (type != "list" && type != "tuple" && type != "set" && type != "dictionary" &&
        type != "pair" && type != "parenthesized_expression" && type != "expression_list")
      continue;
    for (uint32_t i = 0, n = ts_node_named_child_count(node); i < n; ++i)
      pending.push_back(ts_node_named_child(node, i));
  }
  return false;
}
} // namespace

CaptureSet CallbackResolver::capturesOf(int callable) const {
  auto [known, added] = capturesByCallable.try_emplace(callable);
  if (!added)
    return known->second;
  CaptureSet &all = known->second;
  llvm::StringSet<> seenBindings;
  std::vector<int> pending = {callable};
  llvm::DenseSet<int> visited;
  while (!pending.empty()) {
    int current = pending.back();
    pending.pop_back();
    if (!visited.insert(current).second)
      continue;
    for (Capture &capture : collectCaptures(model, current)) {
      // A local def the callback calls is part of what it keeps alive.
      auto name = model.resolve(model.scope(current).parent, capture.binding.name);
      if (name && model.bindingId(*name) == capture.binding.bindingId)
        for (int function : model.functionsBoundTo(*name))
          pending.push_back(function);
      if (seenBindings.insert(capture.binding.bindingId).second)
        all.push_back(std::move(capture));
    }
  }
  return all;
}

std::optional<ResolvedCallback> CallbackResolver::resolve(TSNode expression, int scope,
                                                          int depth) const {
  if (depth > MaxDepth || ts_node_is_null(expression))
    return std::nullopt;
  const NodeKinds &k = kinds();
  if (is(expression, k.lambda)) {
    int lambda = model.lambdaScope(expression);
    if (lambda < 0)
      return std::nullopt;
    return ResolvedCallback{"<lambda>", "lambda", model.scope(lambda).nameLocation,
                            capturesOf(lambda)};
  }
  if (is(expression, k.identifier))
    return resolveName(expression, scope, depth);
  if (is(expression, k.attribute))
    return resolveBoundMethod(expression, scope, depth);
  if (is(expression, k.call))
    return resolveCall(expression, scope, depth, /*asCallable=*/true);
  return std::nullopt;
}

// A def bound to the name (the last one, as after all defs ran), or what a single assignment
// of the name made (`handler = make_handler(r)`, `cb = functools.partial(f, r)`).
std::optional<ResolvedCallback> CallbackResolver::resolveName(TSNode identifier, int scope,
                                                              int depth) const {
  auto name = objects.resolveName(nodeText(identifier, model.source()), scope);
  if (!name)
    return std::nullopt;
  std::vector<int> functions = model.functionsBoundTo(*name);
  if (!functions.empty()) {
    int function = functions.back();
    return ResolvedCallback{name->name, "nested-function", model.scope(function).nameLocation,
                            capturesOf(function)};
  }
  const NameBinding *binding = model.binding(*name);
  if (binding && binding->kind == BindingKind::Assignment && binding->count == 1)
    return resolve(binding->value, name->scope, depth + 1);
  // A loop over written-out callbacks (`for name, callback in (("find", self.find), ...)`):
  // each item is connected in turn; the first that holds anything stands for them.
  if (auto items = model.loopItems(identifier, scope))
    for (TSNode item : *items)
      if (auto callback = resolve(item, name->scope, depth + 1); callback && !callback->captures.empty())
        return callback;
  return std::nullopt;
}

// A name the class does not define as a method may still be one it inherits from a base this
// file cannot see (`self.close` of a QWidget subclass) — unless the class binds it as data
// (`AddingMode = 0` in the body, `self.host = host`), or has no base at all.
bool CallbackResolver::mayInheritMethod(int classScope, llvm::StringRef name) const {
  const Scope &cls = model.scope(classScope);
  if (cls.bindings.count(name))
    return false;
  if (llvm::any_of(cls.attributeAssignments,
                   [&](const AttributeAssignment &a) { return a.attribute == name; }))
    return false;
  TSNode bases = ts_node_child_by_field_id(cls.node, fields().superclasses);
  return !ts_node_is_null(bases) && ts_node_named_child_count(bases) > 0;
}

// The object a callback holds, as a capture: the path's root and attributes, except that a
// local bound to what a getter returned (`future = loop.create_future()`) stays that local,
// the same object whatever the getter returns on another call.
static Capture heldObject(const ObjectPath &path) {
  Capture capture;
  size_t written = std::min<size_t>(path.writtenAttributes, path.attributes.size());
  bool throughGetter = std::any_of(path.attributes.begin(), path.attributes.begin() + written,
                                   [](llvm::StringRef a) { return a.ends_with("()"); });
  if (!path.written.name.empty() && throughGetter) {
    capture.binding = path.written;
    capture.attributes.assign(path.attributes.begin() + written, path.attributes.end());
  } else {
    capture.binding = path.root;
    capture.attributes = path.attributes;
  }
  return capture;
}

// What a bound method's instance holds is held through the bound method: a library that keeps
// bound methods weakly (Qt) lets the instance, and all it holds, die.
static void appendHeldThroughSelf(const CaptureSet &from, CaptureSet &to) {
  for (Capture capture : from) {
    capture.via = "bound-method";
    to.push_back(std::move(capture));
  }
}

// `obj.method` holds `obj`. A module's function or a class's plain function holds nothing.
std::optional<ResolvedCallback> CallbackResolver::resolveBoundMethod(TSNode attribute, int scope,
                                                                     int depth) const {
  TSNode object = ts_node_child_by_field_id(attribute, fields().object);
  ResolvedCallback callback;
  callback.name = nodeText(attribute, model.source()).str();
  callback.kind = "bound-method";
  callback.definition = nodeLocation(attribute, model.file());
  if (is(object, kinds().call)) {
    // `Handler(recognizer).on_event`: the bound method holds the new instance.
    auto instance = resolveCall(object, scope, depth + 1, /*asCallable=*/false);
    if (!instance)
      return std::nullopt;
    appendHeldThroughSelf(instance->captures, callback.captures);
    return callback;
  }
  auto path = objects.pathOf(object, scope);
  if (!path)
    return std::nullopt;
  auto root = objects.resolveName(path->root.name, scope);
  const NameBinding *binding = root ? model.binding(*root) : nullptr;
  if (!binding)
    return std::nullopt;
  // `module.function` and `Class.function` are plain functions: nothing bound.
  if (binding->kind == BindingKind::Import ||
      (path->attributes.empty() &&
       (binding->kind == BindingKind::Class || binding->kind == BindingKind::Function)))
    return std::nullopt;
  // On an instance of a class of this file: `self.on_text` is a method, `self.host` (assigned
  // as `self.host = ...`) is data, not a callable that holds self.
  int cls = objects.classScopeOf(path->types.back());
  llvm::StringRef method =
      nodeText(ts_node_child_by_field_id(attribute, fields().attributeName), model.source());
  if (cls >= 0 && model.methodOf(cls, method) < 0 && !mayInheritMethod(cls, method))
    return std::nullopt;
  Capture capture = heldObject(*path);
  capture.referencedAt = nodeLocation(object, model.file());
  capture.via = "bound-method";
  callback.captures.push_back(std::move(capture));
  // `helper = Handler(recognizer); ... connect(helper.on_event)`: the instance holds what its
  // __init__ stored, so the bound method does too.
  if (path->attributes.empty() && binding->kind == BindingKind::Assignment && binding->count == 1 &&
      is(binding->value, kinds().call))
    if (auto instance = resolveCall(binding->value, root->scope, depth + 1, /*asCallable=*/false))
      appendHeldThroughSelf(instance->captures, callback.captures);
  return callback;
}

std::optional<ResolvedCallback> CallbackResolver::resolveCall(TSNode call, int scope, int depth,
                                                              bool asCallable) const {
  TSNode function = ts_node_child_by_field_id(call, fields().function);
  std::string qualified = objects.qualifiedName(function, scope);
  if (qualified == "functools.partial" || qualified == "functools.partialmethod")
    return resolvePartial(call, scope, depth);
  if (!is(function, kinds().identifier))
    return std::nullopt;
  auto name = objects.resolveName(nodeText(function, model.source()), scope);
  if (!name)
    return std::nullopt;
  int cls = model.classBoundTo(*name);
  // An instance is a callback itself only if it can be called (`Handler(x).on_event` is a
  // bound method of it, asked for with asCallable false).
  if (cls >= 0 && (!asCallable || model.methodOf(cls, "__call__") >= 0))
    return resolveInstance(call, cls, scope);
  if (cls >= 0)
    return std::nullopt;
  std::vector<int> functions = model.functionsBoundTo(*name);
  if (!functions.empty())
    return resolveFactory(call, functions.back(), scope);
  return std::nullopt;
}

void CallbackResolver::addArgumentCapture(TSNode argument, int scope, const char *via,
                                          CaptureSet &out) const {
  auto path = objects.pathOf(argument, scope);
  if (!path)
    return;
  auto root = objects.resolveName(path->root.name, scope);
  if (!root || objects.isModuleOrClass(*root))
    return;
  Capture capture = heldObject(*path);
  capture.referencedAt = nodeLocation(argument, model.file());
  capture.via = via;
  out.push_back(std::move(capture));
}

// The partial object holds a bound method strongly, whatever the library does with bound
// methods passed to it directly (Qt keeps those weakly, a partial of one strongly).
static void appendHeldByPartial(const CaptureSet &from, CaptureSet &to) {
  for (Capture capture : from) {
    if (capture.via == "bound-method")
      capture.via = "partial-argument";
    to.push_back(std::move(capture));
  }
}

// functools.partial(f, a, k=b) holds f and every argument it froze.
std::optional<ResolvedCallback> CallbackResolver::resolvePartial(TSNode call, int scope,
                                                                 int depth) const {
  ResolvedCallback callback;
  callback.name = "partial(...)";
  callback.kind = "partial";
  callback.definition = nodeLocation(call, model.file());
  for (const CallArgument &argument : model.argumentsOf(call)) {
    if (argument.index == 0) {
      if (auto inner = resolve(argument.value, scope, depth + 1)) {
        callback.name = "partial(" + inner->name + ", ...)";
        appendHeldByPartial(inner->captures, callback.captures);
      }
      continue;
    }
    if (auto inner = resolve(argument.value, scope, depth + 1))
      appendHeldByPartial(inner->captures, callback.captures);
    else
      addArgumentCapture(argument.value, scope, "partial-argument", callback.captures);
  }
  return callback;
}

// An instance of a class of this file holds what its __init__ stores on self.
std::optional<ResolvedCallback> CallbackResolver::resolveInstance(TSNode call, int classScope,
                                                                  int scope) const {
  const Scope &cls = model.scope(classScope);
  ResolvedCallback callback{cls.name + "(...)", "instance", cls.nameLocation, {}};
  int init = model.methodOf(classScope, "__init__");
  if (init < 0)
    return callback;
  const Scope &initScope = model.scope(init);
  auto stored = [&](const std::string &parameter) {
    return llvm::any_of(cls.attributeAssignments, [&](const AttributeAssignment &a) {
      return a.scope == init && storesItself(a.value, parameter, model.source());
    });
  };
  for (const CallArgument &argument : model.argumentsOf(call)) {
    std::string parameter = argument.keyword.str();
    if (argument.index >= 0 && size_t(argument.index + 1) < initScope.parameters.size())
      parameter = initScope.parameters[argument.index + 1]; // after self
    if (!parameter.empty() && stored(parameter))
      addArgumentCapture(argument.value, scope, "constructor-argument", callback.captures);
  }
  return callback;
}

// `make_handler(obj)` where make_handler returns a closure over its parameter holds obj.
std::optional<ResolvedCallback> CallbackResolver::resolveFactory(TSNode call, int function,
                                                                 int scope) const {
  const Scope &factory = model.scope(function);
  std::vector<int> returned;
  // Latest first, as the facts have always listed a factory's closures.
  for (TSNode value : llvm::reverse(factory.returnValues)) {
    if (is(value, kinds().lambda) && model.lambdaScope(value) >= 0)
      returned.push_back(model.lambdaScope(value));
    else if (is(value, kinds().identifier))
      if (auto name = model.resolve(function, nodeText(value, model.source())))
        for (int inner : model.functionsBoundTo(*name))
          returned.push_back(inner);
  }
  if (returned.empty())
    return std::nullopt;

  ResolvedCallback callback{factory.name + "(...)", "closure", factory.nameLocation, {}};
  const std::vector<CallArgument> &arguments = model.argumentsOf(call);
  for (int inner : returned)
    for (const Capture &capture : capturesOf(inner)) {
      auto it = llvm::find(factory.parameters, capture.binding.name);
      if (it == factory.parameters.end() ||
          capture.binding.bindingId != model.bindingId({function, capture.binding.name}))
        continue;
      int index = it - factory.parameters.begin();
      for (const CallArgument &argument : arguments)
        if (argument.index == index || argument.keyword == capture.binding.name)
          addArgumentCapture(argument.value, scope, "factory-argument", callback.captures);
    }
  return callback;
}

} // namespace capcycle::python
