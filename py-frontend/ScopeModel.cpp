#include "ScopeModel.h"

#include "llvm/ADT/STLExtras.h"

#include <tuple>

namespace capcycle::python {

namespace {
enum class Mode { Read, Bind };

struct WorkItem {
  TSNode node;
  int scope;
  Mode mode;
  int defaultOf;
  bool weak = false; // under a weakref.ref / proxy / WeakMethod call
};

// Calls whose arguments are held weakly. Matched on the callee as written; an import alias of
// the weakref module is resolved by the caller (see isWeakReferenceCall).
bool isWeakReferenceFunction(llvm::StringRef qualified) {
  return qualified == "weakref.ref" || qualified == "weakref.proxy" ||
         qualified == "weakref.WeakMethod";
}
} // namespace

// One iterative walk (explicit stack, one reused cursor), so 10,000 nested parentheses cannot
// overflow the C++ stack.
class ScopeBuilder {
public:
  ScopeBuilder(ScopeModel &model, TSNode root) : model(model), cursor(ts_tree_cursor_new(root)) {
    stack.reserve(256);
    newScope(ScopeKind::Module, -1, root, "<module>", {});
    pushChildren(root, 0, Mode::Read, -1);
  }
  ~ScopeBuilder() { ts_tree_cursor_delete(&cursor); }

  void run() {
    while (!stack.empty()) {
      WorkItem item = stack.back();
      stack.pop_back();
      visit(item);
    }
  }

private:
  ScopeModel &model;
  TSTreeCursor cursor;
  std::vector<WorkItem> stack;
  // start byte of a decorated def or class -> its decorators, until its scope is made
  llvm::DenseMap<uint32_t, std::vector<TSNode>> pendingDecorators;
  const NodeKinds &k = kinds();
  const FieldIds &f = fields();

  llvm::StringRef text(TSNode node) const { return nodeText(node, model.sourceText); }
  SourceLocation location(TSNode node) const { return nodeLocation(node, model.filePath); }

  int newScope(ScopeKind kind, int parent, TSNode node, llvm::StringRef name,
               SourceLocation nameLocation) {
    int index = model.scopes.size();
    Scope &scope = model.scopes.emplace_back();
    scope.kind = kind;
    scope.parent = parent;
    scope.node = node;
    scope.name = name.str();
    scope.nameLocation = std::move(nameLocation);
    if (auto decorated = pendingDecorators.find(ts_node_start_byte(node));
        decorated != pendingDecorators.end() && kind != ScopeKind::Lambda &&
        kind != ScopeKind::Comprehension) {
      scope.decorators = std::move(decorated->second);
      pendingDecorators.erase(decorated);
    }
    if (parent >= 0)
      model.scopes[parent].children.push_back(index);
    return index;
  }

  const std::vector<CallArgument> &addCall(TSNode call, TSNode arguments, int scope) {
    model.scopes[scope].callIndices.push_back(model.callSites.size());
    model.callByRange[uint64_t(ts_node_start_byte(call)) << 32 | ts_node_end_byte(call)] =
        model.callSites.size();
    model.callSites.push_back({call, scope});
    return model.callSiteArguments.emplace_back(
        listArguments(arguments, model.sourceText, cursor));
  }
  void addAssignment(TSNode statement, int scope) {
    model.scopes[scope].assignmentIndices.push_back(model.assignmentSites.size());
    model.assignmentSites.push_back({statement, scope});
  }

  void push(TSNode node, int scope, Mode mode, int defaultOf = -1, bool weak = false) {
    if (!ts_node_is_null(node))
      stack.push_back({node, scope, mode, defaultOf, weak});
  }

  // Children are pushed in reverse so that they are visited in source order: the first binding
  // of a name is then the first one in the file.
  void pushChildren(TSNode node, int scope, Mode mode, int defaultOf, bool weak = false) {
    if (ts_node_child_count(node) == 0)
      return; // a leaf: no cursor to move
    size_t first = stack.size();
    ts_tree_cursor_reset(&cursor, node);
    if (ts_tree_cursor_goto_first_child(&cursor)) {
      do {
        TSNode child = ts_tree_cursor_current_node(&cursor);
        if (ts_node_is_named(child))
          stack.push_back({child, scope, mode, defaultOf, weak});
      } while (ts_tree_cursor_goto_next_sibling(&cursor));
    }
    std::reverse(stack.begin() + first, stack.end());
  }

  template <typename Fn> void forEachNamedChild(TSNode node, Fn fn) {
    uint32_t count = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < count; ++i)
      fn(ts_node_named_child(node, i));
  }

  NameBinding &bind(int scope, TSNode identifier, BindingKind kind = BindingKind::Other) {
    auto [it, inserted] = model.scopes[scope].bindings.try_emplace(text(identifier));
    NameBinding &binding = it->second;
    if (inserted) {
      binding.definedAt = location(identifier);
      binding.kind = kind;
    }
    ++binding.count;
    return binding;
  }

  void reference(const WorkItem &item) {
    model.scopes[item.scope].references.push_back(
        {text(item.node).str(), item.scope, item.defaultOf, item.weak, location(item.node)});
  }

  // `weakref.ref(x)`, or `ref(x)` after `from weakref import ref`.
  bool isWeakReferenceCall(TSNode function, int scope) const {
    llvm::StringRef callee = text(function);
    if (isWeakReferenceFunction(callee))
      return true;
    if (!is(function, k.identifier))
      return false;
    auto resolved = model.resolve(scope, callee);
    const NameBinding *binding = resolved ? model.binding(*resolved) : nullptr;
    return binding && binding->kind == BindingKind::Import &&
           isWeakReferenceFunction(binding->importPath);
  }

  // `name = value` keeps its value for type and alias resolution; `self.x = value` in a method
  // records what instances of the class hold.
  void visitAssignmentTarget(TSNode statement, TSNode left, TSNode right, int scope,
                             bool plainAssignment, TSNode annotation = {}) {
    if (plainAssignment && is(left, k.identifier) && !ts_node_is_null(annotation))
      model.scopes[scope].annotations[text(left)] = {annotation, scope};
    if (plainAssignment && is(left, k.identifier)) {
      if (is(right, k.none)) // `x = None` may break a cycle through x
        addAssignment(statement, scope);
      NameBinding &binding = bind(scope, left, BindingKind::Assignment);
      if (binding.count == 1)
        binding.value = right;
      if (!ts_node_is_null(right))
        binding.values.push_back(right);
      return;
    }
    // `self.timers[name] = timer` may hand an object to a container (ObjectHolder).
    if (plainAssignment && is(left, k.subscript)) {
      addAssignment(statement, scope);
      if (int cls = classOfSelfAttribute(ts_node_child_by_field_id(left, f.value), scope); cls >= 0)
        model.scopes[cls].elementStores.push_back(
            {attributeName(ts_node_child_by_field_id(left, f.value)),
             ts_node_child_by_field_id(left, f.subscript), right, scope});
    }
    if (is(left, k.attribute)) {
      addAssignment(statement, scope);
      if (int cls = classOfSelfAttribute(left, scope); plainAssignment && cls >= 0)
        model.scopes[cls].attributeAssignments.push_back(
            {attributeName(left), right, scope, annotation, location(left)});
    }
    push(left, scope, Mode::Bind);
  }

  // The names a `for` statement binds, as ScopeModel::enclosingLoop looks for them.
  void recordLoopTargets(TSNode loop, TSNode target, int scope) {
    if (is(target, k.identifier)) {
      model.loopsBinding[text(target)].push_back({loop, -1, scope});
    } else if (is(target, k.patternList) || is(target, k.tuplePattern)) {
      int position = 0;
      forEachNamedChild(target, [&](TSNode element) {
        if (is(element, k.identifier))
          model.loopsBinding[text(element)].push_back({loop, position, scope});
        ++position;
      });
    }
  }

  // The class whose instances `node` (`self.attr`, in a method of it) is an attribute of; -1
  // for anything else.
  int classOfSelfAttribute(TSNode node, int scope) const {
    if (!is(node, k.attribute))
      return -1;
    TSNode object = ts_node_child_by_field_id(node, f.object);
    const Scope &s = model.scopes[scope];
    if (is(object, k.identifier) && !s.firstParameter.empty() && text(object) == s.firstParameter &&
        s.parent >= 0 && model.scopes[s.parent].kind == ScopeKind::Class)
      return s.parent;
    return -1;
  }

  std::string attributeName(TSNode attribute) const {
    return text(ts_node_child_by_field_id(attribute, f.attributeName)).str();
  }

  // `self.widgets.append(w)` and the like: what the container attribute holds afterwards.
  void recordElementStore(TSNode function, TSNode argumentList, int scope) {
    if (!is(function, k.attribute))
      return;
    TSNode container = ts_node_child_by_field_id(function, f.object);
    int cls = classOfSelfAttribute(container, scope);
    if (cls < 0)
      return;
    std::vector<TSNode> arguments;
    forEachNamedChild(argumentList,
                      [&](TSNode argument) {
                        if (!is(argument, k.comment))
                          arguments.push_back(argument);
                      });
    llvm::StringRef method = text(ts_node_child_by_field_id(function, f.attributeName));
    ElementStore store{attributeName(container), TSNode{}, TSNode{}, scope};
    if ((method == "append" || method == "add" || method == "appendleft") && arguments.size() == 1)
      store.value = arguments[0];
    else if (method == "insert" && arguments.size() == 2)
      store.value = arguments[1];
    else if (method == "setdefault" && !arguments.empty() && arguments.size() <= 2) {
      store.key = arguments[0];
      store.value = arguments.size() == 2 ? arguments[1] : TSNode{};
    } else
      return;
    if (llvm::any_of(arguments, [&](TSNode a) { return is(a, k.keywordArgument); }))
      return;
    model.scopes[cls].elementStores.push_back(store);
  }

  bool passesModeThrough(TSSymbol kind) const {
    return kind == k.patternList || kind == k.tuplePattern || kind == k.listPattern ||
           kind == k.tuple || kind == k.list || kind == k.parenthesizedExpression ||
           kind == k.listSplatPattern || kind == k.listSplat || kind == k.asPatternTarget ||
           kind == k.expressionList;
  }

  // `f"..."`, `rf'...'`, `Fr"""..."""`: a prefix with an f before the quote.
  bool isFormatString(TSNode string) const {
    llvm::StringRef written = text(string);
    llvm::StringRef prefix = written.take_until([](char c) { return c == '\'' || c == '"'; });
    return prefix.contains_insensitive('f');
  }

  bool isComprehension(TSSymbol kind) const {
    return kind == k.listComprehension || kind == k.setComprehension ||
           kind == k.dictionaryComprehension || kind == k.generatorExpression;
  }

  void visit(const WorkItem &item) {
    TSNode node = item.node;
    TSSymbol kind = ts_node_symbol(node);
    auto child = [&](TSFieldId id) { return ts_node_child_by_field_id(node, id); };

    if (kind == k.identifier) {
      if (item.mode == Mode::Bind)
        bind(item.scope, node);
      else
        reference(item);
    } else if (kind == k.functionDefinition || kind == k.lambda) {
      visitCallable(item);
    } else if (kind == k.classDefinition) {
      bind(item.scope, child(f.name), BindingKind::Class);
      push(child(f.superclasses), item.scope, Mode::Read);
      TSNode name = child(f.name);
      int body = newScope(ScopeKind::Class, item.scope, node, text(name), location(name));
      push(child(f.body), body, Mode::Read);
    } else if (isComprehension(kind)) {
      // The first iterable is evaluated outside; shadowing it is rare enough to ignore.
      int inner = newScope(ScopeKind::Comprehension, item.scope, node, "<comprehension>",
                           location(node));
      pushChildren(node, inner, Mode::Read, -1);
    } else if (kind == k.assignment || kind == k.augmentedAssignment) {
      TSNode left = child(f.left), right = child(f.right), type = child(f.type);
      if (kind == k.assignment && is(right, k.call))
        model.assignedCalls[ts_node_start_byte(right)] = node;
      push(right, item.scope, Mode::Read);
      push(type, item.scope, Mode::Read);
      visitAssignmentTarget(node, left, right, item.scope, kind == k.assignment, type);
    } else if (kind == k.forStatement || kind == k.forInClause) {
      push(child(f.right), item.scope, Mode::Read);
      TSNode target = child(f.left), iterable = child(f.right);
      if (kind == k.forStatement)
        recordLoopTargets(node, target, item.scope);
      if (kind == k.forStatement && is(target, k.identifier) &&
          (is(iterable, k.tuple) || is(iterable, k.list))) {
        // A loop over written-out objects (`for sig in (r.stopped, r.canceled):`) names each.
        NameBinding &binding = bind(item.scope, target);
        if (binding.count == 1)
          binding.iterable = iterable;
      } else {
        push(target, item.scope, Mode::Bind);
      }
      if (kind == k.forStatement) {
        push(child(f.body), item.scope, Mode::Read);
        push(ts_node_child_by_field_name(node, "alternative", 11), item.scope, Mode::Read);
      }
    } else if (kind == k.asPattern || kind == k.exceptClause) {
      size_t first = stack.size();
      pushChildren(node, item.scope, Mode::Read, item.defaultOf);
      TSNode alias = child(f.alias); // `with x as alias`, `except E as alias`
      for (size_t i = first; i < stack.size(); ++i)
        if (ts_node_eq(stack[i].node, alias))
          stack[i].mode = Mode::Bind;
    } else if (kind == k.importStatement || kind == k.importFromStatement) {
      visitImport(node, item.scope, kind == k.importFromStatement);
    } else if (kind == k.globalStatement || kind == k.nonlocalStatement) {
      auto &set = kind == k.globalStatement ? model.scopes[item.scope].globals
                                            : model.scopes[item.scope].nonlocals;
      forEachNamedChild(node, [&](TSNode id) {
        if (!is(id, k.identifier))
          return;
        set.insert(text(id));
        // `nonlocal x` makes the function hold x's cell even if it only ever assigns x.
        if (kind == k.nonlocalStatement)
          reference({id, item.scope, Mode::Read, item.defaultOf});
      });
    } else if (kind == k.namedExpression) {
      int target = item.scope;
      while (model.scopes[target].kind == ScopeKind::Comprehension)
        target = model.scopes[target].parent;
      push(child(f.value), item.scope, Mode::Read, item.defaultOf);
      push(child(f.name), target, Mode::Bind);
    } else if (kind == k.attribute) {
      push(child(f.object), item.scope, Mode::Read, item.defaultOf, item.weak);
    } else if (kind == k.keywordArgument) {
      push(child(f.value), item.scope, Mode::Read, item.defaultOf, item.weak);
    } else if (kind == k.call) {
      TSNode function = child(f.function), arguments = child(f.arguments);
      const std::vector<CallArgument> &read = addCall(node, arguments, item.scope);
      recordElementStore(function, arguments, item.scope);
      bool weak = item.weak || isWeakReferenceCall(function, item.scope);
      // The arguments as addCall read them (a keyword's value: its name binds nothing), so
      // that the argument list is not walked twice; `f(x for x in y)` has no list.
      if (is(arguments, k.argumentList))
        for (const CallArgument &argument : llvm::reverse(read))
          push(argument.value, item.scope, Mode::Read, item.defaultOf, weak);
      else
        push(arguments, item.scope, Mode::Read, item.defaultOf, weak);
      push(function, item.scope, Mode::Read, item.defaultOf, item.weak);
    } else if (kind == k.decoratedDefinition) {
      // Each decorator's expression, kept for the def or class it decorates (visited next).
      TSNode definition = child(f.definition);
      std::vector<TSNode> &decorators = pendingDecorators[ts_node_start_byte(definition)];
      forEachNamedChild(node, [&](TSNode c) {
        if (is(c, k.decorator) && ts_node_named_child_count(c))
          decorators.push_back(ts_node_named_child(c, 0));
      });
      pushChildren(node, item.scope, Mode::Read, item.defaultOf, item.weak);
    } else if (kind == k.string) {
      // Only an f-string's interpolations hold names (`f"{self.x}"`): the other strings
      // (docstrings, most of them) are not walked.
      if (isFormatString(node))
        pushChildren(node, item.scope, Mode::Read, item.defaultOf, item.weak);
    } else if (kind == k.comment) {
      // nothing to see
    } else if (kind == k.returnStatement) {
      // What a function returns is a type source for its callers (py-frontend/project/).
      if (TSNode value = ts_node_named_child(node, 0); !ts_node_is_null(value))
        model.scopes[item.scope].returnValues.push_back(value);
      pushChildren(node, item.scope, Mode::Read, item.defaultOf, item.weak);
    } else {
      Mode mode = passesModeThrough(kind) ? item.mode : Mode::Read;
      pushChildren(node, item.scope, mode, item.defaultOf, item.weak);
    }
  }

  void visitCallable(const WorkItem &item) {
    TSNode node = item.node;
    bool isLambda = ts_node_symbol(node) == k.lambda;
    TSNode name = ts_node_child_by_field_id(node, f.name);
    int inner = newScope(isLambda ? ScopeKind::Lambda : ScopeKind::Function, item.scope, node,
                         isLambda ? "<lambda>" : text(name),
                         isLambda ? location(node) : location(name));
    if (isLambda)
      model.lambdaScopes[ts_node_start_byte(node)] = inner;
    push(ts_node_child_by_field_id(node, f.body), inner, Mode::Read);
    push(ts_node_child_by_field_id(node, f.returnType), item.scope, Mode::Read);
    model.scopes[inner].returnAnnotation = ts_node_child_by_field_id(node, f.returnType);
    TSNode parameters = ts_node_child_by_field_id(node, f.parameters);
    if (!ts_node_is_null(parameters))
      forEachNamedChild(parameters, [&](TSNode p) { visitParameter(p, item.scope, inner); });
    if (!isLambda)
      bind(item.scope, name, BindingKind::Function);
  }

  // Parameter names bind in the callable's scope; defaults and annotations are evaluated in the
  // enclosing scope when the def/lambda runs, and defaults stay referenced by the callable.
  void visitParameter(TSNode parameter, int outer, int inner) {
    TSSymbol kind = ts_node_symbol(parameter);
    TSNode declared = firstName(parameter);
    bool declares = kind == k.identifier || kind == k.defaultParameter ||
                    kind == k.typedDefaultParameter; // the others recurse to an identifier
    if (!ts_node_is_null(declared) && declares) {
      Scope &callable = model.scopes[inner];
      if (callable.parameters.empty())
        callable.firstParameter = text(declared).str();
      callable.parameters.push_back(text(declared).str());
    }
    if (kind == k.identifier) {
      bind(inner, parameter, BindingKind::Parameter);
    } else if (kind == k.defaultParameter || kind == k.typedDefaultParameter) {
      push(ts_node_child_by_field_id(parameter, f.value), outer, Mode::Read, inner);
      push(ts_node_child_by_field_id(parameter, f.type), outer, Mode::Read);
      push(ts_node_child_by_field_id(parameter, f.name), inner, Mode::Bind);
      annotate(inner, declared, ts_node_child_by_field_id(parameter, f.type), outer);
    } else if (kind == k.typedParameter) {
      TSNode type = ts_node_child_by_field_id(parameter, f.type);
      push(type, outer, Mode::Read);
      annotate(inner, declared, type, outer);
      forEachNamedChild(parameter, [&](TSNode c) {
        if (!ts_node_eq(c, type))
          visitParameter(c, outer, inner);
      });
    } else if (kind == k.listSplatPattern || kind == k.dictionarySplatPattern) {
      forEachNamedChild(parameter, [&](TSNode c) { visitParameter(c, outer, inner); });
    }
  }

  void annotate(int scope, TSNode name, TSNode type, int evaluatedIn) {
    if (!ts_node_is_null(name) && !ts_node_is_null(type) && is(name, k.identifier))
      model.scopes[scope].annotations[text(name)] = {type, evaluatedIn};
  }

  // The name a parameter node declares (`x`, `x: int`, `x=1`, `*args`), or a null node.
  TSNode firstName(TSNode parameter) const {
    for (TSNode node = parameter; !ts_node_is_null(node);) {
      if (is(node, k.identifier))
        return node;
      TSNode name = ts_node_child_by_field_id(node, f.name);
      node = ts_node_is_null(name) ? ts_node_named_child(node, 0) : name;
    }
    return {};
  }

  // A name imported twice (`try: from PyQt5 import QtCore` / `except ImportError: from PySide2
  // import QtCore`) denotes what the first import in the source gives: the one that runs
  // wherever it can, as qtpy and Qt.py shims prefer their first binding.
  void bindImport(int scope, TSNode identifier, std::string path) {
    NameBinding &binding = bind(scope, identifier, BindingKind::Import);
    SourceLocation at = location(identifier);
    if (binding.importPath.empty() ||
        std::tie(at.line, at.column) < std::tie(binding.importAt.line, binding.importAt.column)) {
      binding.importPath = std::move(path);
      binding.importAt = at;
    }
  }

  // `import a.b` binds `a`; `import a.b as c` and `from m import x as c` bind `c`;
  // `from m import x` binds `x`.
  void visitImport(TSNode node, int scope, bool fromImport) {
    TSNode module = fromImport ? ts_node_child_by_field_id(node, f.moduleName) : TSNode{};
    // `from . import x` -> ".x", `from ..a import x` -> "..a.x": as many leading dots as levels.
    std::string prefix = ts_node_is_null(module) ? "" : text(module).str();
    if (!prefix.empty() && prefix.back() != '.')
      prefix += ".";
    uint32_t count = ts_node_named_child_count(node);
    for (uint32_t i = fromImport ? 1 : 0; i < count; ++i) {
      TSNode c = ts_node_named_child(node, i);
      if (is(c, k.aliasedImport)) {
        TSNode alias = ts_node_child_by_field_id(c, f.alias);
        TSNode name = ts_node_child_by_field_id(c, f.name);
        if (!ts_node_is_null(alias))
          bindImport(scope, alias, prefix + text(name).str());
      } else if (is(c, k.dottedName)) {
        TSNode bound = fromImport ? ts_node_named_child(c, ts_node_named_child_count(c) - 1)
                                  : ts_node_named_child(c, 0);
        std::string path = fromImport ? prefix + text(c).str() : text(bound).str();
        bindImport(scope, bound, path);
      }
    }
  }
};

ScopeModel ScopeModel::build(TSNode root, llvm::StringRef source, llvm::StringRef file) {
  ScopeModel model;
  model.filePath = FilePath(file);
  model.sourceText = source;
  ScopeBuilder builder(model, root);
  builder.run();
  return model;
}

std::optional<ResolvedName> ScopeModel::resolve(int scopeIndex, llvm::StringRef name) const {
  auto inModule = [&]() -> std::optional<ResolvedName> { return ResolvedName{0, name.str()}; };
  // Asked for nearly every name a collector meets: the key is hashed once, and the sets of
  // `global` and `nonlocal` names (nearly always empty) are not hashed into at all.
  uint32_t hash = llvm::StringMapImpl::hash(name);
  auto declares = [&](const llvm::StringSet<> &names) {
    return !names.empty() && names.find(name, hash) != names.end();
  };
  const Scope &start = scopes[scopeIndex];
  if (declares(start.globals))
    return inModule();
  int current = scopeIndex;
  bool first = true;
  if (declares(start.nonlocals)) {
    current = start.parent;
    first = false;
  }
  for (; current >= 0; current = scopes[current].parent, first = false) {
    const Scope &s = scopes[current];
    if (!first && s.kind == ScopeKind::Class)
      continue; // class bodies do not enclose the functions defined in them
    if (declares(s.globals))
      return inModule();
    if (!s.bindings.empty() && s.bindings.find(name, hash) != s.bindings.end() &&
        !declares(s.nonlocals))
      return ResolvedName{current, name.str()};
  }
  return std::nullopt;
}

int ScopeModel::statementScopeAt(uint32_t byte) const {
  int current = 0;
  for (bool descended = true; descended;) {
    descended = false;
    for (int child : scopes[current].children) {
      TSNode node = scopes[child].node;
      if (ts_node_start_byte(node) <= byte && byte < ts_node_end_byte(node)) {
        current = child;
        descended = true;
        break;
      }
    }
  }
  while (scopes[current].kind == ScopeKind::Comprehension)
    current = scopes[current].parent;
  return current;
}

std::pair<TSNode, int> ScopeModel::enclosingLoop(TSNode reference) const {
  // No walk up the tree (ts_node_parent descends from the root each time): the loops binding
  // the name that contain the reference, in the scope it is read in; the innermost wins.
  auto loops = loopsBinding.find(nodeText(reference, sourceText));
  if (loops == loopsBinding.end())
    return {TSNode{}, -1};
  uint32_t at = ts_node_start_byte(reference);
  const LoopBinding *innermost = nullptr;
  int scope = -1;
  for (const LoopBinding &candidate : loops->second) {
    if (ts_node_start_byte(candidate.loop) > at || at >= ts_node_end_byte(candidate.loop))
      continue;
    if (scope < 0)
      scope = statementScopeAt(at);
    if (candidate.scope == scope &&
        (!innermost || ts_node_start_byte(candidate.loop) > ts_node_start_byte(innermost->loop)))
      innermost = &candidate;
  }
  return innermost ? std::pair{innermost->loop, innermost->element} : std::pair{TSNode{}, -1};
}

std::optional<LoopSource> ScopeModel::loopSource(TSNode reference) const {
  const NodeKinds &k = kinds();
  auto [loop, element] = enclosingLoop(reference);
  if (ts_node_is_null(loop))
    return std::nullopt;
  TSNode iterable = ts_node_child_by_field_id(loop, fields().right);
  auto callOf = [&](TSNode call, llvm::StringRef &method) -> TSNode {
    if (!is(call, k.call))
      return TSNode{};
    TSNode arguments = ts_node_child_by_field_id(call, fields().arguments);
    TSNode function = ts_node_child_by_field_id(call, fields().function);
    uint32_t count = ts_node_named_child_count(arguments);
    if (is(function, k.identifier) && count == 1) {
      method = nodeText(function, sourceText);
      return ts_node_named_child(arguments, 0);
    }
    if (is(function, k.attribute) && count == 0) {
      method = nodeText(ts_node_child_by_field_id(function, fields().attributeName), sourceText);
      return ts_node_child_by_field_id(function, fields().object);
    }
    return TSNode{};
  };
  // `list(c)`, `tuple(c)`, `sorted(c)` hold the same objects as c.
  llvm::StringRef wrapper;
  for (TSNode inner = callOf(iterable, wrapper);
       !ts_node_is_null(inner) && (wrapper == "list" || wrapper == "tuple" || wrapper == "sorted");
       inner = callOf(iterable, wrapper))
    iterable = inner;
  llvm::StringRef view;
  TSNode viewed = callOf(iterable, view);
  if (!ts_node_is_null(viewed) && view == "items" && element >= 0 && element < 2)
    return LoopSource{viewed, element == 0 ? ContainerPart::Key : ContainerPart::Value};
  if (!ts_node_is_null(viewed) && (view == "keys" || view == "values") && element < 0)
    return LoopSource{viewed, view == "keys" ? ContainerPart::Key : ContainerPart::Value};
  if (is(iterable, k.attribute) && element < 0)
    return LoopSource{iterable, ContainerPart::Element};
  return std::nullopt;
}

std::optional<std::vector<TSNode>> ScopeModel::loopItems(TSNode reference, int scope) const {
  const NodeKinds &k = kinds();
  auto [loop, element] = enclosingLoop(reference);
  if (ts_node_is_null(loop))
    return std::nullopt;
  TSNode sequence = ts_node_child_by_field_id(loop, fields().right);
  if (is(sequence, k.identifier)) {
    auto bound = resolve(scope, nodeText(sequence, sourceText));
    const NameBinding *items = bound ? binding(*bound) : nullptr;
    // Every binding of the name is a plain assignment: the loop iterates the last one written
    // before it (`actions = (...)` reused for a second table further down).
    if (!items || items->kind != BindingKind::Assignment || items->count != items->values.size())
      return std::nullopt;
    TSNode iterable = sequence;
    sequence = TSNode{};
    for (TSNode value : items->values)
      if (ts_node_start_byte(value) < ts_node_start_byte(iterable))
        sequence = value;
  }
  if (ts_node_is_null(sequence) || !(is(sequence, k.tuple) || is(sequence, k.list)))
    return std::nullopt;
  std::vector<TSNode> taken;
  for (uint32_t i = 0, n = ts_node_named_child_count(sequence); i < n; ++i) {
    TSNode item = ts_node_named_child(sequence, i);
    if (element < 0) {
      taken.push_back(item);
      continue;
    }
    if (!(is(item, k.tuple) || is(item, k.list)) ||
        ts_node_named_child_count(item) <= uint32_t(element))
      return std::nullopt;
    taken.push_back(ts_node_named_child(item, element));
  }
  return taken;
}

std::vector<CallArgument> listArguments(TSNode list, llvm::StringRef source,
                                        TSTreeCursor &cursor) {
  std::vector<CallArgument> arguments;
  if (!is(list, kinds().argumentList))
    return arguments;
  int index = 0;
  // A cursor: ts_node_named_child(list, i) counts from the first child each time.
  ts_tree_cursor_reset(&cursor, list);
  for (bool more = ts_tree_cursor_goto_first_child(&cursor); more;
       more = ts_tree_cursor_goto_next_sibling(&cursor)) {
    TSNode argument = ts_tree_cursor_current_node(&cursor);
    if (!ts_node_is_named(argument) || is(argument, kinds().comment))
      continue;
    if (is(argument, kinds().keywordArgument))
      arguments.push_back(
          {ts_node_child_by_field_id(argument, fields().value), -1,
           nodeText(ts_node_child_by_field_id(argument, fields().name), source)});
    else
      arguments.push_back({argument, index++, {}});
  }
  return arguments;
}

namespace {
uint64_t rangeKey(TSNode node) {
  return uint64_t(ts_node_start_byte(node)) << 32 | ts_node_end_byte(node);
}
} // namespace

const std::vector<CallArgument> &ScopeModel::argumentsOf(TSNode call) const {
  if (auto it = callByRange.find(rangeKey(call)); it != callByRange.end())
    return callSiteArguments[it->second];
  static const std::vector<CallArgument> none;
  return none; // every call of the file is a site: `call` is no call of this file
}

TSNode ScopeModel::assignmentOf(TSNode call) const {
  auto it = assignedCalls.find(ts_node_start_byte(call));
  if (it == assignedCalls.end() ||
      !ts_node_eq(ts_node_child_by_field_id(it->second, fields().right), call))
    return TSNode{};
  return it->second;
}

const NameBinding *ScopeModel::binding(const ResolvedName &name) const {
  auto it = scopes[name.scope].bindings.find(name.name);
  return it == scopes[name.scope].bindings.end() ? nullptr : &it->second;
}

int ScopeModel::classBoundTo(const ResolvedName &binding) const {
  for (int child : scopes[binding.scope].children)
    if (scopes[child].kind == ScopeKind::Class && scopes[child].name == binding.name)
      return child;
  return -1;
}

int ScopeModel::enclosingClass(int scope) const {
  const Scope &s = scopes[scope];
  return s.kind == ScopeKind::Function && s.parent >= 0 &&
                 scopes[s.parent].kind == ScopeKind::Class
             ? s.parent
             : -1;
}

int ScopeModel::methodOf(int classScope, llvm::StringRef name) const {
  int found = -1;
  for (int child : scopes[classScope].children)
    if (scopes[child].kind == ScopeKind::Function && scopes[child].name == name)
      found = child; // the last def wins, as at run time
  return found;
}

int ScopeModel::lambdaScope(TSNode lambda) const {
  auto it = lambdaScopes.find(ts_node_start_byte(lambda));
  return it == lambdaScopes.end() ? -1 : it->second;
}

std::vector<int> ScopeModel::functionsBoundTo(const ResolvedName &binding) const {
  std::vector<int> functions;
  for (int child : scopes[binding.scope].children)
    if (scopes[child].kind == ScopeKind::Function && scopes[child].name == binding.name)
      functions.push_back(child);
  return functions;
}

bool ScopeModel::encloses(int outer, int inner) const {
  for (int s = inner; s >= 0; s = scopes[s].parent)
    if (s == outer)
      return true;
  return false;
}

std::string ScopeModel::bindingId(const ResolvedName &binding) const {
  // Asked for every name a collector meets: each scope's prefix is made once.
  if (scopeIdPrefixes.size() != scopes.size())
    scopeIdPrefixes.assign(scopes.size(), std::string());
  std::string &prefix = scopeIdPrefixes[binding.scope];
  if (prefix.empty()) {
    // Module names need no position (and a def at 1:1 must not share the module's).
    if (scopes[binding.scope].kind == ScopeKind::Module) {
      prefix = filePath + "::";
    } else {
      TSPoint start = ts_node_start_point(scopes[binding.scope].node);
      prefix = filePath + ":" + std::to_string(start.row + 1) + ":" +
               std::to_string(start.column + 1) + ":";
    }
  }
  return prefix + binding.name;
}

SourceLocation ScopeModel::definitionOf(const ResolvedName &binding) const {
  auto it = scopes[binding.scope].bindings.find(binding.name);
  return it == scopes[binding.scope].bindings.end() ? SourceLocation{filePath}
                                                      : it->second.definedAt;
}

} // namespace capcycle::python
