#include "ObjectResolver.h"

#include "CallbackResolver.h"

#include <algorithm>

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

namespace capcycle::python {

namespace {
// Types are followed through a few assignments only: enough for `self.a = A(); self.a.b`,
// and a bound on pathological alias chains.
constexpr int MaxDepth = 6;
// `a.b.c` read as the root node `a` and the attributes ["b", "c"], in reading order.
struct AttributeChain {
  TSNode root;
  std::vector<std::string> attributes;
};

// `view.get_selection()`: a method called with no arguments, the getter form. Read as the step
// "get_selection()" of a chain, whose object is what the receiver's class returns; whether the
// receiver keeps that object is the library model's claim (owned factories), never assumed.
bool isGetterCall(TSNode node) {
  if (!is(node, kinds().call))
    return false;
  TSNode arguments = ts_node_child_by_field_id(node, fields().arguments);
  return is(ts_node_child_by_field_id(node, fields().function), kinds().attribute) &&
         is(arguments, kinds().argumentList) && ts_node_named_child_count(arguments) == 0;
}

AttributeChain splitChain(TSNode expression, llvm::StringRef source, bool throughGetters) {
  AttributeChain chain{expression, {}};
  for (;;) {
    std::string suffix;
    if (throughGetters && isGetterCall(chain.root)) {
      chain.root = ts_node_child_by_field_id(chain.root, fields().function);
      suffix = "()";
    } else if (!is(chain.root, kinds().attribute)) {
      break;
    }
    chain.attributes.push_back(
        nodeText(ts_node_child_by_field_id(chain.root, fields().attributeName), source).str() +
        suffix);
    chain.root = ts_node_child_by_field_id(chain.root, fields().object);
  }
  std::reverse(chain.attributes.begin(), chain.attributes.end());
  return chain;
}
} // namespace

std::optional<ResolvedName> ObjectResolver::resolveName(llvm::StringRef name, int scope) const {
  auto resolved = model.resolve(scope, name);
  for (int step = 0; resolved && step < MaxDepth; ++step) {
    const NameBinding *binding = model.binding(*resolved);
    // Only `r = recognizer`, bound once, is an alias: anything else may be another object.
    if (!binding || binding->kind != BindingKind::Assignment || binding->count != 1 ||
        !is(binding->value, kinds().identifier))
      break;
    auto target = model.resolve(resolved->scope, nodeText(binding->value, model.source()));
    if (!target)
      break;
    resolved = target;
  }
  return resolved;
}

BindingRef ObjectResolver::bindingRef(const ResolvedName &binding) const {
  return {binding.name, model.bindingId(binding), model.definitionOf(binding)};
}

bool ObjectResolver::isModuleOrClass(const ResolvedName &binding) const {
  const NameBinding *b = model.binding(binding);
  return b && (b->kind == BindingKind::Import || b->kind == BindingKind::Class ||
               b->kind == BindingKind::Function);
}

std::string ObjectResolver::classId(int classScope) const {
  const Scope &s = model.scope(classScope);
  return model.bindingId({s.parent, s.name});
}

std::optional<ObjectPath> ObjectResolver::instancePathOf(TSNode expression, int scope) const {
  auto path = pathOf(expression, scope);
  if (!path)
    return std::nullopt;
  auto root = resolveName(path->root.name, scope);
  if (!root || isModuleOrClass(*root))
    return std::nullopt;
  return path;
}

int ObjectResolver::enclosingFunction(int scope) const {
  while (scope >= 0) {
    ScopeKind kind = model.scope(scope).kind;
    if (kind == ScopeKind::Function)
      return scope;
    if (kind != ScopeKind::Lambda && kind != ScopeKind::Comprehension)
      return -1;
    scope = model.scope(scope).parent;
  }
  return -1;
}

std::string ObjectResolver::functionKey(int functionScope) const {
  const Scope &function = model.scope(functionScope);
  if (model.scope(function.parent).kind == ScopeKind::Class)
    return classId(function.parent) + "." + function.name;
  return model.bindingId({function.parent, function.name});
}

std::vector<std::string> ObjectResolver::parameterIds(int functionScope) const {
  std::vector<std::string> ids;
  for (const std::string &parameter : model.scope(functionScope).parameters)
    ids.push_back(model.bindingId({functionScope, parameter}));
  return ids;
}

std::vector<std::string> ObjectResolver::returnedIds(int functionScope) const {
  std::vector<std::string> ids;
  for (TSNode value : model.scope(functionScope).returnValues) {
    if (!is(value, kinds().identifier))
      continue;
    auto binding = model.resolve(functionScope, nodeText(value, model.source()));
    if (binding && binding->scope == functionScope)
      if (std::string id = model.bindingId(*binding); !llvm::is_contained(ids, id))
        ids.push_back(std::move(id));
  }
  return ids;
}

int ObjectResolver::classScopeOf(const std::string &type) const {
  if (type.empty())
    return -1;
  // Built once: every type lookup asks it, and class ids are strings to make.
  if (!classScopesBuilt) {
    for (int i = model.scopeCount() - 1; i >= 0; --i)
      if (model.scope(i).kind == ScopeKind::Class)
        classScopes[classId(i)] = i; // the first class of an id wins, as the old scan did
    classScopesBuilt = true;
  }
  auto it = classScopes.find(type);
  return it == classScopes.end() ? -1 : it->second;
}

std::optional<ObjectPath> ObjectResolver::pathOf(TSNode expression, int scope) const {
  return pathOf(expression, scope, /*throughOwnedAliases=*/true);
}

std::optional<ObjectPath> ObjectResolver::writtenPathOf(TSNode expression, int scope) const {
  return pathOf(expression, scope, /*throughOwnedAliases=*/false);
}

std::optional<ObjectPath> ObjectResolver::pathOf(TSNode expression, int scope,
                                                 bool throughOwnedAliases) const {
  AttributeChain chain = splitChain(expression, model.source(), /*throughGetters=*/true);
  if (!is(chain.root, kinds().identifier))
    return std::nullopt;
  auto root = resolveName(nodeText(chain.root, model.source()), scope);
  if (!root)
    return std::nullopt;
  if (throughOwnedAliases) {
    if (std::optional<ObjectPath> owned = ownedAlias(*root, chain.attributes))
      return owned;
    if (std::optional<ObjectPath> element = containerElement(*root, chain.root, chain.attributes))
      return element;
  }
  ObjectPath path;
  path.root = bindingRef(*root);
  path.attributes = std::move(chain.attributes);
  path.text = nodeText(expression, model.source()).str();
  std::string rootType = typeOfBinding(*root);
  if (rootType.empty())
    rootType = typeOfReassignedLocal(*root, expression);
  path.types.push_back(std::move(rootType));
  for (std::string &attribute : path.attributes) {
    // `self.panel.get_widget()` with `def get_widget(self): return self._widget`: the object
    // the panel keeps in `_widget`.
    if (int cls = classScopeOf(path.types.back());
        cls >= 0 && llvm::StringRef(attribute).ends_with("()"))
      if (std::string kept =
              returnedAttribute(model.methodOf(cls, llvm::StringRef(attribute).drop_back(2)));
          !kept.empty())
        attribute = kept;
    path.types.push_back(typeOfAttribute(path.types.back(), attribute, 0));
  }
  return path;
}

// A local of a method that is another name for an attribute of the method's object, in
// either order: `entry = self.entry = Gtk.Entry()` or `entry = self.entry` (the local's single
// value is the attribute), or `entry = Gtk.Entry(); self.entry = entry` (the method stores
// the local in an attribute). A callback connected to `entry` that captures `self` closes a
// cycle through `self.entry`: the path is the attribute's, followed by the attributes read
// below the local. The local is taken to keep naming that object, as `r = recognizer`
// aliases are.
std::optional<ObjectPath> ObjectResolver::ownedAlias(const ResolvedName &local,
                                                     llvm::ArrayRef<std::string> below) const {
  const NameBinding *binding = model.binding(local);
  // A parameter the method stores (`self._player = player`) is that attribute as well.
  bool parameter = binding && binding->kind == BindingKind::Parameter;
  if (!binding || (binding->kind != BindingKind::Assignment && !parameter) || binding->count != 1)
    return std::nullopt;
  // An attribute of `self` first (`self.bus = bus = self.pipe.get_bus()` is `self.bus`), then
  // the chain the local is bound to.
  if (std::optional<ObjectPath> attribute = attributeAlias(local, below))
    return attribute;
  return parameter ? std::nullopt : aliasedChain(local, binding->value, below);
}

std::optional<ObjectPath> ObjectResolver::attributeAlias(const ResolvedName &local,
                                                         llvm::ArrayRef<std::string> below) const {
  const NameBinding *binding = model.binding(local);
  const Scope &function = model.scope(local.scope);
  bool parameter = binding->kind == BindingKind::Parameter;
  if (function.kind != ScopeKind::Function ||
      function.firstParameter.empty() || local.name == function.firstParameter)
    return std::nullopt;
  auto selfAttribute = [&](TSNode node) -> std::optional<std::string> {
    if (!is(node, kinds().attribute))
      return std::nullopt;
    TSNode object = ts_node_child_by_field_id(node, fields().object);
    if (!is(object, kinds().identifier) ||
        nodeText(object, model.source()) != function.firstParameter)
      return std::nullopt;
    return nodeText(ts_node_child_by_field_id(node, fields().attributeName), model.source()).str();
  };
  std::optional<std::string> attribute;
  TSNode value = parameter ? TSNode{} : binding->value;
  if (ts_node_is_null(value))
    ;
  else if (is(value, kinds().assignment))
    attribute = selfAttribute(ts_node_child_by_field_id(value, fields().left));
  else
    attribute = selfAttribute(value);
  int cls = model.enclosingClass(local.scope);
  // `msgarea = self.new_message(...)`, a method that returns what it keeps in an attribute.
  if (!attribute && is(value, kinds().call) && cls >= 0) {
    TSNode callee = ts_node_child_by_field_id(value, fields().function);
    if (is(callee, kinds().attribute) &&
        is(ts_node_child_by_field_id(callee, fields().object), kinds().identifier) &&
        nodeText(ts_node_child_by_field_id(callee, fields().object), model.source()) ==
            function.firstParameter)
      if (std::string kept = returnedAttribute(model.methodOf(
              cls, nodeText(ts_node_child_by_field_id(callee, fields().attributeName),
                            model.source())));
          !kept.empty())
        attribute = kept;
  }
  // `self.view = view` or `self.view = view = CollectionView()`.
  auto namesLocal = [&](TSNode value) {
    if (is(value, kinds().assignment))
      value = ts_node_child_by_field_id(value, fields().left);
    return is(value, kinds().identifier) && nodeText(value, model.source()) == local.name;
  };
  if (!attribute && cls >= 0)
    for (const AttributeAssignment &store : model.scope(cls).attributeAssignments)
      if (store.scope == local.scope && namesLocal(store.value))
        attribute = store.attribute;
  auto self = model.resolve(local.scope, function.firstParameter);
  if (!attribute || !self)
    return std::nullopt;
  ObjectPath path;
  path.root = bindingRef(*self);
  path.attributes.push_back(*attribute);
  path.attributes.insert(path.attributes.end(), below.begin(), below.end());
  // Named as the attribute it is (`self._sb_box`), which is what the cycle goes through.
  path.text = function.firstParameter;
  for (const std::string &name : path.attributes)
    path.text += "." + name;
  path.types.push_back(typeOfBinding(*self));
  std::string localType = typeOfBinding(local);
  path.types.push_back(!localType.empty() ? localType
                                          : typeOfAttribute(path.types.back(), *attribute, 0));
  for (size_t i = 1; i < path.attributes.size(); ++i)
    path.types.push_back(typeOfAttribute(path.types.back(), path.attributes[i], 0));
  path.written = bindingRef(local);
  path.writtenAttributes = 1;
  return path;
}

// The attribute of `self` a method returns on every `return` (`return self._widget`, or
// `msgarea = self.__msgarea = Gtk.InfoBar(); ...; return msgarea`): calling it reaches the
// object the instance keeps there. Empty where any return says otherwise.
std::string ObjectResolver::returnedAttribute(int method) const {
  if (method < 0 || aliasDepth > MaxDepth || isStaticOrClassMethod(method))
    return {};
  const Scope &function = model.scope(method);
  std::string attribute;
  for (TSNode value : function.returnValues) {
    std::string returned;
    if (is(value, kinds().attribute)) {
      TSNode object = ts_node_child_by_field_id(value, fields().object);
      if (is(object, kinds().identifier) &&
          nodeText(object, model.source()) == function.firstParameter)
        returned = nodeText(ts_node_child_by_field_id(value, fields().attributeName),
                            model.source()).str();
    } else if (is(value, kinds().identifier)) {
      auto local = model.resolve(method, nodeText(value, model.source()));
      const NameBinding *binding = local ? model.binding(*local) : nullptr;
      if (local && local->scope == method && binding &&
          binding->kind == BindingKind::Assignment && binding->count == 1) {
        ++aliasDepth;
        std::optional<ObjectPath> kept = attributeAlias(*local, {});
        --aliasDepth;
        if (kept && kept->attributes.size() == 1)
          returned = kept->attributes.front();
      }
    }
    if (returned.empty() || (!attribute.empty() && returned != attribute))
      return {};
    attribute = std::move(returned);
  }
  return attribute;
}

// `sel = self.view.get_selection()` or `buf = self.textview.props.buffer`: a local bound once
// to a longer chain is that chain's object, where the chain starts from the method's object or
// goes through a getter (the library model decides whether the getter's receiver keeps what
// it returns). A single attribute of `self` is ownedAlias's own case.
std::optional<ObjectPath> ObjectResolver::aliasedChain(const ResolvedName &local, TSNode value,
                                                       llvm::ArrayRef<std::string> below) const {
  if (ts_node_is_null(value) || !(is(value, kinds().attribute) || isGetterCall(value)) ||
      aliasDepth > MaxDepth)
    return std::nullopt;
  ++aliasDepth;
  std::optional<ObjectPath> path = pathOf(value, local.scope, /*throughOwnedAliases=*/true);
  --aliasDepth;
  if (!path)
    return std::nullopt;
  auto root = resolveName(path->root.name, local.scope);
  bool getter = llvm::any_of(path->attributes,
                             [](llvm::StringRef a) { return a.ends_with("()"); });
  bool ofSelf = path->root.name == model.scope(local.scope).firstParameter;
  if (!root || isModuleOrClass(*root) || root->name == local.name || !(getter || ofSelf) ||
      path->attributes.size() < (getter ? 1u : 2u))
    return std::nullopt;
  path->written = bindingRef(local);
  path->writtenAttributes = path->attributes.size();
  for (const std::string &attribute : below) {
    path->attributes.push_back(attribute);
    path->types.push_back(typeOfAttribute(path->types.back(), attribute, 0));
  }
  path->text = path->root.name;
  for (const std::string &name : path->attributes)
    path->text += "." + name;
  return path;
}

// `for w in self.widgets: w.clicked.connect(...)`: the loop variable is an object the
// container in `self.widgets` holds, as long as it stays there. Typed by what the class puts in
// it (`self.widgets[w] = ...` after `w = QCheckBox()`, `self.widgets.append(Gtk.Button())`,
// `self.widgets = [Gtk.Button(), ...]`): the first that tells names one of the objects the
// loop reaches. Only a container that holds its elements strongly (a list, dict, set, tuple or
// deque) is one; a WeakSet or a class of the program may not be.
std::optional<ObjectPath> ObjectResolver::containerElement(const ResolvedName &local,
                                                           TSNode reference,
                                                           llvm::ArrayRef<std::string> below) const {
  const NameBinding *binding = model.binding(local);
  if (!binding || binding->kind != BindingKind::Other || binding->count != 1 ||
      aliasDepth > MaxDepth)
    return std::nullopt;
  std::optional<LoopSource> source = model.loopSource(reference);
  if (!source)
    return std::nullopt;
  ++aliasDepth;
  std::optional<ObjectPath> container = pathOf(source->container, local.scope, true);
  --aliasDepth;
  if (!container || container->attributes.empty() ||
      llvm::StringRef(container->attributes.back()).ends_with("()"))
    return std::nullopt;
  int cls = classScopeOf(container->types[container->types.size() - 2]);
  const std::string &attribute = container->attributes.back();
  std::optional<ContainerShape> shape = cls >= 0 ? containerShape(cls, attribute) : std::nullopt;
  if (!shape)
    return std::nullopt;
  ContainerPart part = source->part;
  if (*shape == ContainerShape::Mapping && part == ContainerPart::Element)
    part = ContainerPart::Key; // iterating a dict gives its keys
  if (*shape == ContainerShape::Collection && part != ContainerPart::Element)
    return std::nullopt;
  std::string type = elementType(cls, attribute, *shape, part);
  if (type.empty())
    return std::nullopt;
  ObjectPath path = std::move(*container);
  std::string containerText = path.text;
  path.attributes.push_back("[]");
  path.types.push_back(std::move(type));
  path.written = bindingRef(local);
  path.writtenAttributes = path.attributes.size();
  path.text = local.name;
  for (const std::string &attribute : below) {
    path.attributes.push_back(attribute);
    path.types.push_back(typeOfAttribute(path.types.back(), attribute, 0));
    path.text += "." + attribute;
  }
  path.text += " in " + containerText; // as the loop's header reads
  return path;
}

// What every assignment of the attribute in the class makes: a mapping, a collection, or
// (anything else, or no assignment this file sees) no container the frontend can vouch for.
std::optional<ObjectResolver::ContainerShape>
ObjectResolver::containerShape(int cls, llvm::StringRef attribute) const {
  const NodeKinds &k = kinds();
  std::optional<ContainerShape> shape;
  for (const AttributeAssignment &assignment : model.scope(cls).attributeAssignments) {
    if (assignment.attribute != attribute || is(assignment.value, k.none))
      continue;
    std::optional<ContainerShape> made;
    TSNode value = assignment.value;
    if (is(value, k.dictionary) || is(value, k.dictionaryComprehension))
      made = ContainerShape::Mapping;
    else if (is(value, k.list) || is(value, k.listComprehension) || is(value, k.set) ||
             is(value, k.setComprehension) || is(value, k.tuple))
      made = ContainerShape::Collection;
    else if (is(value, k.call)) {
      TSNode callee = ts_node_child_by_field_id(value, fields().function);
      std::string name = qualifiedName(callee, assignment.scope);
      if (name.empty() && is(callee, k.identifier) &&
          !resolveName(nodeText(callee, model.source()), assignment.scope))
        name = nodeText(callee, model.source()).str(); // a builtin
      if (name == "dict" || name == "collections.OrderedDict" ||
          name == "collections.defaultdict")
        made = ContainerShape::Mapping;
      else if (name == "list" || name == "set" || name == "tuple" || name == "collections.deque")
        made = ContainerShape::Collection;
    }
    if (!made || (shape && *shape != *made))
      return std::nullopt;
    shape = made;
  }
  return shape;
}

std::string ObjectResolver::elementType(int cls, llvm::StringRef attribute, ContainerShape shape,
                                        ContainerPart part) const {
  const Scope &scope = model.scope(cls);
  for (const AttributeAssignment &assignment : scope.attributeAssignments)
    if (assignment.attribute == attribute)
      if (std::string type = literalElementType(assignment.value, assignment.scope, part);
          !type.empty())
        return type;
  for (const ElementStore &store : scope.elementStores) {
    if (store.attribute != attribute)
      continue;
    bool keyed = !ts_node_is_null(store.key);
    if (keyed != (shape == ContainerShape::Mapping))
      continue; // a list's `insert`, or a subscript store into what is not a mapping
    TSNode element = part == ContainerPart::Key ? store.key : store.value;
    if (ts_node_is_null(element))
      continue;
    std::string type = typeOfExpression(element, store.scope, 1);
    // `spinbox = QSpinBox()` in one branch, `QDoubleSpinBox()` in another: the one before.
    if (auto local = is(element, kinds().identifier)
                         ? model.resolve(store.scope, nodeText(element, model.source()))
                         : std::nullopt;
        type.empty() && local)
      type = typeOfReassignedLocal(*local, element);
    if (!type.empty())
      return type;
  }
  return {};
}

std::string ObjectResolver::literalElementType(TSNode value, int scope,
                                               ContainerPart part) const {
  const NodeKinds &k = kinds();
  if (is(value, k.list) || is(value, k.tuple) || is(value, k.set) || is(value, k.dictionary)) {
    for (uint32_t i = 0, n = ts_node_named_child_count(value); i < n; ++i) {
      TSNode element = ts_node_named_child(value, i);
      if (is(element, k.pair))
        element = ts_node_child_by_field_id(element, part == ContainerPart::Value ? fields().value
                                                                                  : fields().key);
      else if (is(value, k.dictionary))
        continue; // `**other`
      if (std::string type = typeOfExpression(element, scope, 1); !type.empty())
        return type;
    }
    return {};
  }
  // `[Pipeline() for _ in range(n)]`: the body, evaluated in the comprehension's own scope.
  if (!(is(value, k.listComprehension) || is(value, k.setComprehension) ||
        is(value, k.dictionaryComprehension)))
    return {};
  TSNode body = ts_node_child_by_field_id(value, fields().body);
  if (is(body, k.pair))
    body = ts_node_child_by_field_id(body, part == ContainerPart::Value ? fields().value
                                                                        : fields().key);
  for (int i = 0; i < model.scopeCount(); ++i)
    if (model.scope(i).kind == ScopeKind::Comprehension && ts_node_eq(model.scope(i).node, value))
      return typeOfExpression(body, i, 1);
  return {};
}

std::vector<ObjectPath> ObjectResolver::pathsOf(TSNode expression, int scope) const {
  AttributeChain chain = splitChain(expression, model.source(), /*throughGetters=*/true);
  std::optional<ResolvedName> root =
      is(chain.root, kinds().identifier)
          ? model.resolve(scope, nodeText(chain.root, model.source()))
          : std::nullopt;
  std::optional<std::vector<TSNode>> items =
      root ? model.loopItems(chain.root, scope) : std::nullopt;
  if (!items) {
    std::optional<ObjectPath> path = pathOf(expression, scope);
    return path ? std::vector<ObjectPath>{*path} : std::vector<ObjectPath>{};
  }
  std::vector<ObjectPath> paths;
  for (TSNode item : *items) {
    std::optional<ObjectPath> element = pathOf(item, root->scope);
    if (!element)
      continue;
    for (const std::string &attribute : chain.attributes) {
      element->attributes.push_back(attribute);
      element->types.push_back(typeOfAttribute(element->types.back(), attribute, 0));
    }
    element->text = nodeText(expression, model.source()).str();
    paths.push_back(std::move(*element));
  }
  return paths;
}

std::string ObjectResolver::qualifiedName(TSNode expression, int scope) const {
  AttributeChain chain = splitChain(expression, model.source(), /*throughGetters=*/false);
  if (!is(chain.root, kinds().identifier))
    return {};
  auto root = resolveName(nodeText(chain.root, model.source()), scope);
  const NameBinding *binding = root ? model.binding(*root) : nullptr;
  if (!binding)
    return {};
  std::string qualified;
  if (binding->kind == BindingKind::Import)
    qualified = binding->importPath;
  else if (binding->kind == BindingKind::Class && chain.attributes.empty())
    return classId(model.classBoundTo(*root));
  else
    return {};
  for (const std::string &attribute : chain.attributes)
    qualified += "." + attribute;
  return qualified;
}

std::string ObjectResolver::typeOfExpression(TSNode expression, int scope, int depth) const {
  if (depth > MaxDepth || ts_node_is_null(expression))
    return {};
  const NodeKinds &k = kinds();
  if (is(expression, k.call)) {
    TSNode callee = ts_node_child_by_field_id(expression, fields().function);
    if (std::string returned = returnTypeOfCall(callee, scope, depth); !returned.empty())
      return returned;
    if (std::string made = typeOfClassArgument(expression, scope); !made.empty())
      return made;
    if (std::string qualified = qualifiedName(callee, scope); !qualified.empty())
      return qualified;
    return typeOfLibraryMethodCall(callee, scope, depth);
  }
  // `limit = self.limit = Gtk.SpinButton()`: the value of a chained assignment.
  if (is(expression, k.assignment))
    return typeOfExpression(ts_node_child_by_field_id(expression, fields().right), scope,
                            depth + 1);
  // Literal containers: `self.callbacks = []` is a list, whatever the name says.
  llvm::StringRef literal = ts_node_type(expression);
  if (literal == "list" || literal == "list_comprehension")
    return "builtins.list";
  if (literal == "dictionary" || literal == "dictionary_comprehension")
    return "builtins.dict";
  if (literal == "set" || literal == "set_comprehension")
    return "builtins.set";
  if (is(expression, k.identifier)) {
    auto binding = resolveName(nodeText(expression, model.source()), scope);
    return binding ? typeOfBinding(*binding, depth + 1) : std::string();
  }
  if (is(expression, k.attribute)) {
    std::string owner =
        typeOfExpression(ts_node_child_by_field_id(expression, fields().object), scope, depth + 1);
    return typeOfAttribute(
        owner,
        nodeText(ts_node_child_by_field_id(expression, fields().attributeName), model.source()),
        depth + 1);
  }
  return {};
}

// `loop.create_future()` on a `loop = asyncio.new_event_loop()`: a method of an object a library
// made. Only the library's model can say what it returns, so the type is the call itself,
// "asyncio.new_event_loop.create_future()", which a model's factory resolves (and no other
// model matches).
std::string ObjectResolver::typeOfLibraryMethodCall(TSNode callee, int scope, int depth) const {
  if (!is(callee, kinds().attribute))
    return {};
  std::string owner =
      typeOfExpression(ts_node_child_by_field_id(callee, fields().object), scope, depth + 1);
  llvm::StringRef method =
      nodeText(ts_node_child_by_field_id(callee, fields().attributeName), model.source());
  // `self.view.get_selection()` on a class of this file that does not define the method: it is
  // the library base's (`class AllTreeView(Gtk.TreeView)`).
  if (int cls = classScopeOf(owner); cls >= 0)
    owner = model.scope(cls).bindings.count(method) ? std::string() // its own (a nested class)
                                                    : libraryBaseOf(cls, depth + 1);
  if (owner.empty() || owner.find(':') != std::string::npos)
    return {}; // unknown, or a class of the scan (its methods' returns are read above)
  return owner + "." + method.str() + "()";
}

// The imported class a class of this file derives from, through the file's own classes, where
// each has that one base: with several (`class Area(Gtk.VBox, ConfigMixin)`) a method may come
// from any of them, and a mixin of another module is no library.
std::string ObjectResolver::qualifiedBaseName(TSNode base, int scope) const {
  // `Library[str, Playlist]` (a Generic's alias) derives from Library.
  if (is(base, kinds().subscript))
    base = ts_node_child_by_field_id(base, fields().value);
  return qualifiedName(base, scope);
}

std::string ObjectResolver::libraryBaseOf(int cls, int depth) const {
  TSNode bases = ts_node_child_by_field_id(model.scope(cls).node, fields().superclasses);
  if (ts_node_is_null(bases) || ts_node_named_child_count(bases) != 1 || depth > MaxDepth)
    return {};
  std::string base = qualifiedBaseName(ts_node_named_child(bases, 0), model.scope(cls).parent);
  if (int inner = classScopeOf(base); inner >= 0)
    return inner == cls ? std::string() : libraryBaseOf(inner, depth + 1);
  return base.find(':') == std::string::npos ? base : std::string();
}

// `make_meter()` with `def make_meter(): return Gtk.LevelBar()` in this file: what the def's
// returns give (the first that tells).
std::string ObjectResolver::returnTypeOfCall(TSNode callee, int scope, int depth) const {
  // `self._get_album_model()`: a method of a class of this file, called on an instance (a
  // static or class method returns the same through it).
  if (is(callee, kinds().attribute)) {
    int cls = classScopeOf(
        typeOfExpression(ts_node_child_by_field_id(callee, fields().object), scope, depth + 1));
    llvm::StringRef name =
        nodeText(ts_node_child_by_field_id(callee, fields().attributeName), model.source());
    int method = cls < 0 ? -1 : model.methodOf(cls, name);
    if (method >= 0)
      return returnType(method, depth + 1);
    // `self.Limit()`: a class nested in the instance's class, constructed through the instance.
    const NameBinding *nested = cls < 0 ? nullptr : model.binding({cls, name.str()});
    int inner = nested && nested->kind == BindingKind::Class && nested->count == 1
                    ? model.classBoundTo({cls, name.str()})
                    : -1;
    return inner >= 0 ? classId(inner) : std::string();
  }
  std::optional<ResolvedName> function = localFunction(callee, scope);
  return function ? returnTypeOf(*function, depth + 1) : std::string();
}

// The def of this file a callee names (`make_meter` of `make_meter()`), if it is one.
std::optional<ResolvedName> ObjectResolver::localFunction(TSNode callee, int scope) const {
  if (!is(callee, kinds().identifier))
    return std::nullopt;
  auto binding = resolveName(nodeText(callee, model.source()), scope);
  const NameBinding *b = binding ? model.binding(*binding) : nullptr;
  if (!b || b->kind != BindingKind::Function)
    return std::nullopt;
  return binding;
}

// The parameter of a def that every `return` makes an instance of: `return type_()`,
// `return type_.new_with_mnemonic(label)` (a GObject class's constructor), or a local bound
// once to one of those. Empty for any other def.
std::string ObjectResolver::instantiatedParameter(int function) const {
  const Scope &def = model.scope(function);
  auto madeFrom = [&](TSNode value) -> std::string {
    if (is(value, kinds().identifier))
      if (auto local = model.resolve(function, nodeText(value, model.source()));
          local && local->scope == function)
        if (const NameBinding *b = model.binding(*local);
            b && b->kind == BindingKind::Assignment && b->count == 1)
          value = b->value;
    if (!is(value, kinds().call))
      return {};
    TSNode callee = ts_node_child_by_field_id(value, fields().function);
    if (is(callee, kinds().attribute) &&
        nodeText(ts_node_child_by_field_id(callee, fields().attributeName), model.source())
            .starts_with("new"))
      callee = ts_node_child_by_field_id(callee, fields().object);
    if (!is(callee, kinds().identifier))
      return {};
    auto name = model.resolve(function, nodeText(callee, model.source()));
    const NameBinding *b = name ? model.binding(*name) : nullptr;
    return b && name->scope == function && b->kind == BindingKind::Parameter && b->count == 1
               ? name->name
               : std::string();
  };
  std::string parameter;
  for (TSNode value : def.returnValues) {
    std::string made = madeFrom(value);
    if (made.empty() || (!parameter.empty() && made != parameter))
      return {};
    parameter = std::move(made);
  }
  return parameter;
}

// `_Button(Gtk.ToggleButton, label)` with `def _Button(type_, label): ... return type_()`:
// an instance of the class the call passes.
std::string ObjectResolver::typeOfClassArgument(TSNode call, int scope) const {
  std::optional<ResolvedName> function =
      localFunction(ts_node_child_by_field_id(call, fields().function), scope);
  if (!function)
    return {};
  for (int def : model.functionsBoundTo(*function)) {
    std::string parameter = instantiatedParameter(def);
    if (parameter.empty() || model.scope(model.scope(def).parent).kind == ScopeKind::Class)
      continue;
    const std::vector<std::string> &parameters = model.scope(def).parameters;
    auto position = llvm::find(parameters, parameter) - parameters.begin();
    for (const CallArgument &argument : model.argumentsOf(call))
      if (argument.keyword == parameter || (argument.keyword.empty() && argument.index == position))
        if (std::string cls = qualifiedName(argument.value, scope); !cls.empty())
          return cls;
  }
  return {};
}

std::string ObjectResolver::returnTypeOf(const ResolvedName &function, int depth) const {
  for (int def : model.functionsBoundTo(function))
    if (std::string type = returnType(def, depth); !type.empty())
      return type;
  return {};
}

// `-> Gtk.Widget` first, then the first `return` that tells.
std::string ObjectResolver::returnType(int function, int depth) const {
  const Scope &scope = model.scope(function);
  if (std::string declared = typeOfAnnotation(scope.returnAnnotation, scope.parent, depth);
      !declared.empty())
    return declared;
  for (TSNode value : scope.returnValues)
    if (std::string type = typeOfExpression(value, function, depth + 1); !type.empty())
      return type;
  return {};
}

namespace {
bool isNoneAnnotation(TSNode node, llvm::StringRef source) {
  return is(node, kinds().none) || (is(node, kinds().identifier) && nodeText(node, source) == "None");
}
} // namespace

// `rec: speechsdk.SpeechRecognizer`, `Optional[Gtk.Widget]`, `Gtk.Widget | None`,
// `Union[Recognizer, None]`, `"Recognizer"`: the one class the annotation names.
std::string ObjectResolver::typeOfAnnotation(TSNode annotation, int scope, int depth) const {
  if (ts_node_is_null(annotation) || depth > MaxDepth)
    return {};
  llvm::StringRef kind = ts_node_type(annotation);
  if (kind == "type")
    return typeOfAnnotation(ts_node_named_child(annotation, 0), scope, depth + 1);
  if (is(annotation, kinds().identifier) || is(annotation, kinds().attribute))
    return qualifiedName(annotation, scope);
  if (kind == "string")
    return qualifiedDottedName(nodeText(annotation, model.source()).trim("\"'"), scope);
  // The one member that is not None.
  auto single = [&](std::vector<TSNode> members) -> std::string {
    llvm::erase_if(members, [&](TSNode m) { return isNoneAnnotation(m, model.source()); });
    return members.size() == 1 ? typeOfAnnotation(members[0], scope, depth + 1) : std::string();
  };
  auto namedChildren = [](TSNode node, uint32_t from) {
    std::vector<TSNode> children;
    for (uint32_t i = from, n = ts_node_named_child_count(node); i < n; ++i)
      children.push_back(ts_node_named_child(node, i));
    return children;
  };
  if (kind == "binary_operator")
    return single({ts_node_child_by_field_id(annotation, fields().left),
                   ts_node_child_by_field_id(annotation, fields().right)});
  if (kind == "union_type")
    return single(namedChildren(annotation, 0));
  if (kind == "member_type")
    return qualifiedDottedName(nodeText(annotation, model.source()), scope);
  // Inside an annotation, `Optional[X]` is a generic_type: the name, then a type_parameter.
  if (kind == "generic_type" && ts_node_named_child_count(annotation) == 2) {
    llvm::StringRef generic = nodeText(ts_node_named_child(annotation, 0), model.source());
    if (generic == "Optional" || generic == "Union")
      return single(namedChildren(ts_node_named_child(annotation, 1), 0));
  }
  if (kind == "subscript") {
    llvm::StringRef generic =
        nodeText(ts_node_child_by_field_id(annotation, fields().value), model.source());
    std::vector<TSNode> members;
    for (uint32_t i = 1, n = ts_node_named_child_count(annotation); i < n; ++i)
      members.push_back(ts_node_named_child(annotation, i));
    if (generic.ends_with("Optional") || generic.ends_with("Union"))
      return single(members);
  }
  return {};
}

// "speechsdk.SpeechRecognizer" written in a string annotation, read in `scope`.
std::string ObjectResolver::qualifiedDottedName(llvm::StringRef dotted, int scope) const {
  auto [head, rest] = dotted.split('.');
  if (head.empty() || !llvm::all_of(dotted, [](char c) { return llvm::isAlnum(c) || c == '_' || c == '.'; }))
    return {};
  auto root = resolveName(head, scope);
  const NameBinding *binding = root ? model.binding(*root) : nullptr;
  if (!binding)
    return {};
  if (binding->kind == BindingKind::Import)
    return rest.empty() ? binding->importPath : binding->importPath + "." + rest.str();
  if (binding->kind == BindingKind::Class && rest.empty())
    return classId(model.classBoundTo(*root));
  return {};
}

std::string ObjectResolver::typeOfBinding(const ResolvedName &name, int depth) const {
  const NameBinding *binding = model.binding(name);
  if (!binding || depth > MaxDepth)
    return {};
  // A declared type is what the code promises the name holds.
  const Scope &bindingScope = model.scope(name.scope);
  if (auto declared = bindingScope.annotations.find(name.name);
      declared != bindingScope.annotations.end() && binding->kind != BindingKind::Import &&
      binding->kind != BindingKind::Class && binding->kind != BindingKind::Function)
    if (std::string type = typeOfAnnotation(declared->second.type, declared->second.evaluatedIn,
                                            depth + 1);
        !type.empty())
      return type;
  if (binding->kind == BindingKind::Parameter) {
    // `self` of a method: an instance of the class the method is defined in.
    int cls = model.enclosingClass(name.scope);
    if (cls >= 0 && model.scope(name.scope).firstParameter == name.name)
      return classId(cls);
    return setterValueType(name, depth);
  }
  if (binding->kind == BindingKind::Assignment && binding->count == 1)
    return typeOfExpression(binding->value, name.scope, depth + 1);
  return {};
}

// The value a property setter is given (`@player.setter def player(self, player)`): an object
// of the type the property declares (`@GObject.Property(type=Player)`, or the getter's `-> T`
// or returns).
std::string ObjectResolver::setterValueType(const ResolvedName &parameter, int depth) const {
  const Scope &setter = model.scope(parameter.scope);
  int cls = setter.parent;
  if (setter.kind != ScopeKind::Function || cls < 0 || model.scope(cls).kind != ScopeKind::Class ||
      setter.parameters.size() != 2 || setter.parameters[1] != parameter.name)
    return {};
  for (TSNode decorator : decoratorNodes(parameter.scope)) {
    if (!is(decorator, kinds().attribute) ||
        nodeText(ts_node_child_by_field_id(decorator, fields().attributeName), model.source()) !=
            "setter")
      continue;
    TSNode property = ts_node_child_by_field_id(decorator, fields().object);
    int getter = is(property, kinds().identifier)
                     ? propertyGetter(cls, nodeText(property, model.source()))
                     : -1;
    if (getter < 0)
      return {};
    for (TSNode declared : decoratorNodes(getter))
      if (std::string type = propertyValueType(declared, cls); !type.empty())
        return type;
    return returnType(getter, depth + 1);
  }
  return {};
}

// A local assigned by several plain assignments (`action = Gio.SimpleAction.new(...)` in one
// loop, `action = Gio.SimpleAction.new_stateful(...)` in the next): at a use, the value of the
// last assignment written before it.
std::string ObjectResolver::typeOfReassignedLocal(const ResolvedName &name, TSNode use) const {
  const NameBinding *binding = model.binding(name);
  if (!binding || binding->count < 2 || !(binding->kind == BindingKind::Assignment ||
                                          binding->kind == BindingKind::Other))
    return {};
  // A name a loop binds first (`for provider in self.providers:` and later `provider =
  // Gtk.CssProvider()`): its one other binding is the first, before every assignment.
  unsigned others = binding->kind == BindingKind::Other ? 1 : 0;
  if (binding->count != binding->values.size() + others)
    return {};
  TSNode reaching{};
  for (TSNode value : binding->values)
    if (ts_node_start_byte(value) < ts_node_start_byte(use))
      reaching = value;
  if (others && !ts_node_is_null(reaching) &&
      ts_node_start_point(reaching).row + 1 < binding->definedAt.line)
    return {};
  return ts_node_is_null(reaching) ? std::string() : typeOfExpression(reaching, name.scope, 1);
}

// `self.attr = value` in any method of a class of this file tells what its instances hold.
std::string ObjectResolver::typeOfAttribute(const std::string &ownerType,
                                            llvm::StringRef attribute, int depth) const {
  if (ownerType.empty() || depth > MaxDepth)
    return {};
  int cls = classScopeOf(ownerType);
  if (llvm::StringRef method = attribute; method.consume_back("()"))
    return typeOfGetterResult(ownerType, cls, method, depth);
  if (cls < 0)
    return {};
  // PyGObject's `obj.props.name` is the property `name` of obj: typed as obj's own.
  if (attribute == "props" && !model.scope(cls).bindings.count("props") &&
      isGObjectClass(libraryBaseOf(cls, depth + 1)))
    return ownerType;
  return attributeType(cls, attribute, depth);
}

// `owner.get_selection()`: what a method of this file's class returns, or, where the class does
// not define it, the library method of its base, named by the call ("...TreeView.get_selection()",
// as typeOfLibraryMethodCall names it). A class of another file is left to the cross-file stage.
std::string ObjectResolver::typeOfGetterResult(const std::string &ownerType, int cls,
                                               llvm::StringRef method, int depth) const {
  if (cls >= 0) {
    if (int def = model.methodOf(cls, method); def >= 0)
      return returnType(def, depth + 1);
    if (model.scope(cls).bindings.count(method))
      return {}; // a data attribute or nested class of that name
    std::string base = libraryBaseOf(cls, depth + 1);
    return base.empty() ? std::string() : base + "." + method.str() + "()";
  }
  if (ownerType.find(':') != std::string::npos)
    return {};
  return ownerType + "." + method.str() + "()";
}

// A declared type first (`self.rec: Recognizer = None`, a class body's `rec: Recognizer`),
// then the first assignment that tells (`self.task = None` in __init__ does not).
std::string ObjectResolver::attributeType(int cls, llvm::StringRef attribute, int depth) const {
  const Scope &scope = model.scope(cls);
  for (const AttributeAssignment &assignment : scope.attributeAssignments)
    if (assignment.attribute == attribute && !ts_node_is_null(assignment.annotation))
      if (std::string type = typeOfAnnotation(assignment.annotation,
                                              model.scope(assignment.scope).parent, depth + 1);
          !type.empty())
        return type;
  if (auto declared = scope.annotations.find(attribute); declared != scope.annotations.end())
    if (std::string type =
            typeOfAnnotation(declared->second.type, declared->second.evaluatedIn, depth + 1);
        !type.empty())
      return type;
  for (const AttributeAssignment &assignment : scope.attributeAssignments)
    if (assignment.attribute == attribute) {
      std::string type = typeOfExpression(assignment.value, assignment.scope, depth + 1);
      if (!type.empty())
        return type;
    }
  // A value of the class body that instances read through `self`: a GObject property
  // (`adjustment = GObject.Property(type=Gtk.Adjustment)`, each instance's own value), a
  // template child (`_stack = Gtk.Template.Child()`, bound on each instance by
  // init_template), or an object the class keeps for all its instances.
  if (auto own = scope.bindings.find(attribute);
      own != scope.bindings.end() && own->second.kind == BindingKind::Assignment &&
      own->second.count == 1)
    if (std::string type = typeOfClassLevelValue(own->second.value, cls, depth + 1);
        !type.empty())
      return type;
  // `@property def bus(self): return self._pipeline.get_bus()`, or a GObject property's def
  // (`@GObject.Property(type=Player) def player(self): ...`).
  if (int method = propertyGetter(cls, attribute); method >= 0) {
    for (TSNode decorator : decoratorNodes(method))
      if (std::string type = propertyValueType(decorator, cls); !type.empty())
        return type;
    return returnType(method, depth + 1);
  }
  return mixedInAttributeType(cls, attribute, depth);
}

// A mixin (a class with no base of its own: `class FilteredListSelector:` used as
// `class EncodingSelector(FilteredListSelector, Gtk.Grid)`) reads attributes the classes that
// mix it in declare: its `self` is always one of them. Typed where every class of this file
// that derives from it declares the attribute with the same type.
std::string ObjectResolver::mixedInAttributeType(int cls, llvm::StringRef attribute,
                                                 int depth) const {
  TSNode own = ts_node_child_by_field_id(model.scope(cls).node, fields().superclasses);
  for (uint32_t i = 0, n = ts_node_is_null(own) ? 0 : ts_node_named_child_count(own); i < n; ++i)
    if (nodeText(ts_node_named_child(own, i), model.source()) != "object")
      return {};
  std::string type;
  bool mixedIn = false;
  for (int sub : subclassesOf(cls)) {
    std::string declared = attributeType(sub, attribute, depth + 1);
    if (declared.empty() || (mixedIn && declared != type))
      return {};
    type = std::move(declared);
    mixedIn = true;
  }
  return type;
}

// The classes of this file that name `cls` among their bases, indexed on the first question
// (an untyped attribute asks it each time).
const std::vector<int> &ObjectResolver::subclassesOf(int cls) const {
  if (!subclassesBuilt) {
    for (int sub = 0; sub < model.scopeCount(); ++sub) {
      if (model.scope(sub).kind != ScopeKind::Class)
        continue;
      TSNode bases = ts_node_child_by_field_id(model.scope(sub).node, fields().superclasses);
      for (uint32_t i = 0, n = ts_node_is_null(bases) ? 0 : ts_node_named_child_count(bases);
           i < n; ++i)
        if (int base = classScopeOf(
                qualifiedBaseName(ts_node_named_child(bases, i), model.scope(sub).parent));
            base >= 0 && base != sub && !llvm::is_contained(subclasses[base], sub))
          subclasses[base].push_back(sub);
    }
    subclassesBuilt = true;
  }
  static const std::vector<int> none;
  auto it = subclasses.find(cls);
  return it == subclasses.end() ? none : it->second;
}

// The class `GObject.Property(type=T, ...)` names, read in `scope`: its instances' values are
// T's instances. Empty for any other expression.
std::string ObjectResolver::propertyValueType(TSNode value, int scope) const {
  if (!is(value, kinds().call) ||
      !isGObjectProperty(qualifiedName(ts_node_child_by_field_id(value, fields().function), scope)))
    return {};
  for (const CallArgument &argument : model.argumentsOf(value))
    if (argument.keyword == "type")
      return qualifiedName(argument.value, scope);
  return {};
}

std::string ObjectResolver::typeOfClassLevelValue(TSNode value, int cls, int depth) const {
  if (is(value, kinds().call) &&
      isGObjectProperty(qualifiedName(ts_node_child_by_field_id(value, fields().function), cls)))
    return propertyValueType(value, cls); // `type=int` or none: no object of a class
  return typeOfExpression(value, cls, depth);
}


const std::vector<TSNode> &ObjectResolver::decoratorNodes(int function) const {
  return model.scope(function).decorators;
}

// The def that makes `name` a property of the class (`@property def bus`), not its setter.
int ObjectResolver::propertyGetter(int cls, llvm::StringRef name) const {
  for (int child : model.scope(cls).children)
    if (model.scope(child).kind == ScopeKind::Function && model.scope(child).name == name &&
        isProperty(child))
      return child;
  return -1;
}

bool ObjectResolver::isProperty(int function) const {
  if (llvm::any_of(decoratorNodes(function), [&](TSNode decorator) {
        llvm::StringRef d = nodeText(decorator, model.source());
        return d == "property" || d.ends_with("cached_property");
      }))
    return true;
  // `@GObject.Property(type=Player, flags=...)`: read through the instance as a property.
  int scope = model.scope(function).parent;
  return llvm::any_of(decoratorNodes(function), [&](TSNode decorator) {
    TSNode callee = is(decorator, kinds().call)
                        ? ts_node_child_by_field_id(decorator, fields().function)
                        : decorator;
    return isGObjectProperty(qualifiedName(callee, scope));
  });
}

bool ObjectResolver::isStaticOrClassMethod(int function) const {
  return llvm::any_of(decoratorNodes(function), [&](TSNode decorator) {
    llvm::StringRef d = nodeText(decorator, model.source());
    return d == "staticmethod" || d == "classmethod";
  });
}

} // namespace capcycle::python
