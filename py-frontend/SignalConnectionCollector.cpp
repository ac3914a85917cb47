#include "SignalConnectionCollector.h"

#include "llvm/ADT/StringSet.h"

namespace capcycle::python {

namespace {

BindingRef bindingRef(const ScopeModel &model, const ResolvedName &binding) {
  return {binding.name, model.bindingId(binding), model.definitionOf(binding)};
}

// `a.b.c` -> the identifier `a`; null when the chain starts at a call or subscript.
TSNode rootIdentifier(TSNode expression) {
  const NodeKinds &k = kinds();
  while (is(expression, k.attribute))
    expression = ts_node_child_by_field_id(expression, fields().object);
  return is(expression, k.identifier) ? expression : TSNode{};
}

TSNode firstPositionalArgument(TSNode call) {
  TSNode arguments = ts_node_child_by_field_id(call, fields().arguments);
  if (!is(arguments, kinds().argumentList))
    return {};
  uint32_t count = ts_node_named_child_count(arguments);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode argument = ts_node_named_child(arguments, i);
    if (!is(argument, kinds().comment))
      return is(argument, kinds().keywordArgument) ? TSNode{} : argument;
  }
  return {};
}

struct Callback {
  int scope = -1;
  std::string name;
  std::string kind;
};

// A lambda written in place, or a name bound by a `def` (the last one, as at run time after
// every def has executed; a def below the connect line in the same scope is late binding).
Callback resolveCallback(const ScopeModel &model, TSNode argument, int callScope) {
  const NodeKinds &k = kinds();
  if (is(argument, k.lambda))
    return {model.lambdaScope(argument), "<lambda>", "lambda"};
  if (!is(argument, k.identifier))
    return {};
  auto binding = model.resolve(callScope, nodeText(argument, model.source()));
  if (!binding)
    return {};
  std::vector<int> functions = model.functionsBoundTo(*binding);
  if (functions.empty())
    return {};
  return {functions.back(), binding->name, "nested-function"};
}

std::optional<SignalConnection> describeConnection(const ScopeModel &model,
                                                   const AttributeCall &site) {
  const FieldIds &f = fields();
  TSNode connectAttribute = ts_node_child_by_field_id(site.call, f.function);
  TSNode method = ts_node_child_by_field_id(connectAttribute, f.attributeName);
  TSNode signalExpression = ts_node_child_by_field_id(connectAttribute, f.object);
  if (nodeText(method, model.source()) != "connect" || !is(signalExpression, kinds().attribute))
    return std::nullopt;

  TSNode receiverExpression = ts_node_child_by_field_id(signalExpression, f.object);
  TSNode root = rootIdentifier(receiverExpression);
  if (ts_node_is_null(root))
    return std::nullopt;
  auto receiver = model.resolve(site.scope, nodeText(root, model.source()));
  TSNode argument = firstPositionalArgument(site.call);
  if (!receiver || ts_node_is_null(argument))
    return std::nullopt;
  Callback callback = resolveCallback(model, argument, site.scope);
  if (callback.scope < 0)
    return std::nullopt;

  SignalConnection connection;
  connection.connectCall = nodeLocation(site.call, model.file());
  connection.receiver = bindingRef(model, *receiver);
  connection.receiverText = nodeText(receiverExpression, model.source()).str();
  connection.signal =
      nodeText(ts_node_child_by_field_id(signalExpression, f.attributeName), model.source()).str();
  connection.connectMethod = "connect";
  connection.callbackName = callback.name;
  connection.callbackKind = callback.kind;
  connection.callbackDefinition = model.scope(callback.scope).nameLocation;
  connection.callbackArgument = nodeLocation(argument, model.file());
  connection.captures = collectCaptures(model, callback.scope);
  return connection;
}

bool isCapturable(const ScopeModel &model, const ResolvedName &binding) {
  ScopeKind kind = model.scope(binding.scope).kind;
  return kind != ScopeKind::Module && kind != ScopeKind::Class;
}

} // namespace

CaptureSet collectCaptures(const ScopeModel &model, int callable) {
  CaptureSet captures;
  llvm::StringSet<> seen;
  auto add = [&](const ResolvedName &binding, const SourceLocation &at) {
    std::string id = model.bindingId(binding);
    if (seen.insert(id).second)
      captures.push_back({bindingRef(model, binding), at});
  };

  // Parameter defaults are read in the enclosing scope and held by the callable itself, so a
  // module-level default pins its object too.
  const Scope &outer = model.scope(model.scope(callable).parent);
  for (const NameReference &ref : outer.references)
    if (ref.defaultOf == callable)
      if (auto binding = model.resolve(ref.scope, ref.name))
        add(*binding, ref.location);

  std::vector<int> pending = {callable};
  while (!pending.empty()) {
    const Scope &scope = model.scope(pending.back());
    pending.pop_back();
    for (const NameReference &ref : scope.references) {
      auto binding = model.resolve(ref.scope, ref.name);
      if (binding && !model.encloses(callable, binding->scope) && isCapturable(model, *binding))
        add(*binding, ref.location);
    }
    pending.insert(pending.end(), scope.children.begin(), scope.children.end());
  }
  return captures;
}

std::vector<SignalConnection> collectSignalConnections(const ScopeModel &model) {
  std::vector<SignalConnection> connections;
  for (const AttributeCall &site : model.attributeCalls())
    if (auto connection = describeConnection(model, site))
      connections.push_back(std::move(*connection));
  return connections;
}

} // namespace capcycle::python
