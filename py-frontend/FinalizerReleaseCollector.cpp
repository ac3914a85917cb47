// The ScopeModel says where names are bound, not what they were bound to, and lists no calls by
// function; so this collector reads those from the syntax itself — only for classes that have a
// `__del__` (own or inherited), which are few: the module's top-level statements once per file,
// the methods of such a class and its bases, and the `__del__` body.
#include "FinalizerReleaseCollector.h"

#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace capcycle::python {

namespace {

// Node kinds PythonSyntax.h does not list (only this collector needs them); resolved once.
struct CollectorKinds {
  TSSymbol subscript, decoratedDefinition, block, expressionStatement, ifStatement, elifClause,
      elseClause, tryStatement, exceptGroupClause, finallyClause, withStatement, whileStatement;
};

const CollectorKinds &collectorKinds() {
  auto symbol = [](const char *name) {
    return ts_language_symbol_for_name(tree_sitter_python(), name, std::strlen(name), true);
  };
  static const CollectorKinds k = {
      symbol("subscript"),      symbol("decorated_definition"), symbol("block"),
      symbol("expression_statement"), symbol("if_statement"), symbol("elif_clause"),
      symbol("else_clause"),    symbol("try_statement"),  symbol("except_group_clause"),
      symbol("finally_clause"), symbol("with_statement"), symbol("while_statement"),
  };
  return k;
}

// What an expression denotes on the way from `import ctypes` / `import cffi` to a function of a
// loaded foreign library. Only ForeignFunction calls run native code that Python cannot see.
enum class Native {
  None,
  CtypesModule,    // ctypes
  CffiModule,      // cffi
  LoaderNamespace, // ctypes.cdll, windll, oledll, pydll: `.name` or `[name]` loads a library
  LoaderFactory,   // ctypes.CDLL, cdll.LoadLibrary, ffi.dlopen: calling it loads a library
  FfiClass,        // cffi.FFI
  Ffi,             // an FFI instance, or `ffi` of a cffi out-of-line module
  Library,         // a loaded library: every attribute is a foreign function
  ForeignFunction,
};

Native afterAttribute(Native from, llvm::StringRef name) {
  switch (from) {
  case Native::CtypesModule:
    return llvm::StringSwitch<Native>(name)
        .Cases("cdll", "windll", "oledll", "pydll", Native::LoaderNamespace)
        .Cases("CDLL", "WinDLL", "OleDLL", "PyDLL", Native::LoaderFactory)
        .Case("pythonapi", Native::Library)
        .Default(Native::None); // byref, cast, sizeof ...: ctypes' own helpers release nothing
  case Native::CffiModule:
    return name == "FFI" ? Native::FfiClass : Native::None;
  case Native::LoaderNamespace:
    return name == "LoadLibrary" ? Native::LoaderFactory : Native::Library;
  case Native::Ffi:
    // ffi.release frees what ffi.new / ffi.from_buffer allocated; new, cast, gc ... do not free.
    if (name == "dlopen")
      return Native::LoaderFactory;
    return name == "release" ? Native::ForeignFunction : Native::None;
  case Native::Library:
    return Native::ForeignFunction;
  default:
    return Native::None; // argtypes, restype ... of a foreign function are plain data
  }
}

Native afterCall(Native from) {
  if (from == Native::LoaderFactory)
    return Native::Library;
  return from == Native::FfiClass ? Native::Ffi : Native::None;
}

// `import ctypes`, `import ctypes.util` (binds `ctypes`), `import ctypes as ct`.
Native importedModule(llvm::StringRef dottedName) {
  return llvm::StringSwitch<Native>(dottedName)
      .Case("ctypes", Native::CtypesModule)
      .Case("cffi", Native::CffiModule)
      .Default(Native::None);
}

// `from module import name`.
Native importedName(llvm::StringRef module, llvm::StringRef name) {
  if (module == "ctypes")
    return llvm::StringSwitch<Native>(name)
        .Cases("cdll", "windll", "oledll", "pydll", Native::LoaderNamespace)
        .Cases("CDLL", "WinDLL", "OleDLL", "PyDLL", Native::LoaderFactory)
        .Case("pythonapi", Native::Library)
        .Default(Native::None);
  if (module == "cffi")
    return name == "FFI" ? Native::FfiClass : Native::None;
  // A cffi out-of-line module (`from ._native import ffi, lib`) exports exactly these two names.
  if (name == "ffi")
    return Native::Ffi;
  return name == "lib" ? Native::Library : Native::None;
}

Native lookup(const llvm::StringMap<Native> &names, llvm::StringRef name) {
  auto it = names.find(name);
  return it == names.end() ? Native::None : it->second;
}

// `a.b(x)[0].c` read from the root: the identifier `a`, then .b, (), [], .c. A null root when
// the chain starts at anything else (a literal, a lambda).
struct Step {
  enum Kind { Attribute, Call, Subscript } kind;
  llvm::StringRef name; // Attribute only
};

struct Chain {
  TSNode root{};
  std::vector<Step> steps;
};

Chain decompose(TSNode expression, llvm::StringRef source) {
  const NodeKinds &k = kinds();
  const FieldIds &f = fields();
  Chain chain;
  for (;;) {
    if (is(expression, k.attribute)) {
      TSNode name = ts_node_child_by_field_id(expression, f.attributeName);
      chain.steps.push_back({Step::Attribute, nodeText(name, source)});
      expression = ts_node_child_by_field_id(expression, f.object);
    } else if (is(expression, k.call)) {
      chain.steps.push_back({Step::Call, {}});
      expression = ts_node_child_by_field_id(expression, f.function);
    } else if (is(expression, collectorKinds().subscript)) {
      chain.steps.push_back({Step::Subscript, {}});
      expression = ts_node_child_by_field_id(expression, f.value);
    } else if (is(expression, k.parenthesizedExpression)) {
      expression = ts_node_named_child(expression, 0);
    } else {
      break;
    }
  }
  std::reverse(chain.steps.begin(), chain.steps.end());
  if (is(expression, k.identifier))
    chain.root = expression;
  return chain;
}

// The name a call invokes: `close` for `self._h.close()`, `free_handle` for `free_handle(h)`.
llvm::StringRef calledName(const Chain &function, llvm::StringRef source) {
  if (function.steps.empty())
    return ts_node_is_null(function.root) ? llvm::StringRef() : nodeText(function.root, source);
  const Step &last = function.steps.back();
  return last.kind == Step::Attribute ? last.name : llvm::StringRef();
}

// `sqlite3_close_v2` -> sqlite3 close v2; `CloseHandle` -> close handle; `XMLFreeDoc` -> xml
// free doc. Lower-cased.
std::vector<std::string> wordParts(llvm::StringRef name) {
  std::vector<std::string> words;
  std::string current;
  auto flush = [&] {
    if (!current.empty())
      words.push_back(std::move(current));
    current.clear();
  };
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = name[i];
    if (c == '_') {
      flush();
      continue;
    }
    if (std::isupper(c) && i > 0) {
      unsigned char previous = name[i - 1];
      bool nextLower = i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1]));
      if (std::islower(previous) || std::isdigit(previous) || (std::isupper(previous) && nextLower))
        flush();
    }
    current += static_cast<char>(std::tolower(c));
  }
  flush();
  return words;
}

// A word part that is, or ends in, a release verb: `free_handle`, `CloseHandle`, `fclose`,
// `xfree`. Whole word parts only, so `is_closed`, `freeze` and `closest` do not count.
bool namesARelease(llvm::StringRef name) {
  static const char *const verbs[] = {"close", "release", "free", "destroy", "dispose", "delete"};
  for (const std::string &word : wordParts(name))
    for (const char *verb : verbs)
      if (llvm::StringRef(word).ends_with(verb))
        return true;
  return false;
}

// Methods that give a resource back on demand. `aclose` is the async form (contextlib.aclosing).
constexpr const char *ExplicitReleaseMethods[] = {"close",   "aclose", "release", "dispose",
                                                  "destroy", "free",   "shutdown"};
constexpr const char *ContextManagerExits[] = {"__exit__", "__aexit__"};

// Where an expression is evaluated: the scope for name resolution and, inside a class, the
// attributes known to hold native objects and the name of `self`.
struct NativeContext {
  int scope;
  int classScope = -1;
  llvm::StringRef selfName;
  const llvm::StringMap<Native> *members = nullptr;
};

// What the finalizer of one class calls.
struct FinalizerCalls {
  TSNode release{};
  bool callsSuper = false; // `super().__del__()` or `Base.__del__(self)`
};

class FinalizerScan {
public:
  explicit FinalizerScan(const ScopeModel &model)
      : model(model), cursor(ts_tree_cursor_new(model.scope(0).node)) {}
  ~FinalizerScan() { ts_tree_cursor_delete(&cursor); }
  FinalizerScan(const FinalizerScan &) = delete;
  FinalizerScan &operator=(const FinalizerScan &) = delete;

  std::vector<FinalizerRelease> run() {
    std::vector<FinalizerRelease> releases;
    for (int scope : classScopesInSourceOrder())
      if (auto release = describeClass(scope))
        releases.push_back(std::move(*release));
    return releases;
  }

private:
  const ScopeModel &model;
  TSTreeCursor cursor;
  bool moduleScanned = false;
  llvm::StringMap<Native> moduleNatives; // module-level names bound to ctypes/cffi objects

  llvm::StringRef text(TSNode node) const { return nodeText(node, model.source()); }
  TSNode child(TSNode node, TSFieldId field) const {
    return ts_node_child_by_field_id(node, field);
  }

  // Pre-order, document-order walk with an explicit stack and one reused cursor, so that any
  // nesting depth is fine. `enter(node)` says whether to walk into the node's children.
  template <typename Enter> void walkSubtree(TSNode root, Enter enter) {
    std::vector<TSNode> stack = {root};
    while (!stack.empty()) {
      TSNode node = stack.back();
      stack.pop_back();
      if (!enter(node))
        continue;
      size_t first = stack.size();
      ts_tree_cursor_reset(&cursor, node);
      if (ts_tree_cursor_goto_first_child(&cursor)) {
        do {
          TSNode c = ts_tree_cursor_current_node(&cursor);
          if (ts_node_is_named(c))
            stack.push_back(c);
        } while (ts_tree_cursor_goto_next_sibling(&cursor));
      }
      std::reverse(stack.begin() + first, stack.end());
    }
  }

  // Code that runs at another time than the surrounding statements.
  bool isDeferred(TSSymbol kind) const {
    const NodeKinds &k = kinds();
    return kind == k.functionDefinition || kind == k.classDefinition || kind == k.lambda ||
           kind == collectorKinds().decoratedDefinition;
  }

  bool isStatementContainer(TSSymbol kind) const {
    const CollectorKinds &c = collectorKinds();
    const NodeKinds &k = kinds();
    return kind == c.block || kind == c.expressionStatement || kind == c.ifStatement ||
           kind == c.elifClause || kind == c.elseClause || kind == c.tryStatement ||
           kind == k.exceptClause || kind == c.exceptGroupClause || kind == c.finallyClause ||
           kind == c.withStatement || kind == k.forStatement || kind == c.whileStatement;
  }

  // The assignments and imports a block executes itself — also inside if/try/with/for/while,
  // but not inside nested defs and classes.
  template <typename Visit> void forEachBindingStatement(TSNode container, Visit visit) {
    const NodeKinds &k = kinds();
    walkSubtree(container, [&](TSNode node) {
      TSSymbol kind = ts_node_symbol(node);
      if (kind == k.assignment || kind == k.importStatement || kind == k.importFromStatement) {
        visit(node);
        return false;
      }
      return ts_node_eq(node, container) || isStatementContainer(kind);
    });
  }

  std::vector<int> classScopesInSourceOrder() const {
    std::vector<int> classes, pending = {0};
    while (!pending.empty()) {
      int index = pending.back();
      pending.pop_back();
      const Scope &s = model.scope(index);
      if (s.kind == ScopeKind::Class)
        classes.push_back(index);
      pending.insert(pending.end(), s.children.rbegin(), s.children.rend());
    }
    return classes;
  }

  // --- what names and attributes hold ---------------------------------------------------

  Native evaluate(const Chain &chain, const NativeContext &where) const {
    if (ts_node_is_null(chain.root))
      return Native::None;
    size_t next = 0;
    Native value = rootValue(chain, where, next);
    for (; next < chain.steps.size() && value != Native::None; ++next) {
      const Step &step = chain.steps[next];
      if (step.kind == Step::Attribute)
        value = afterAttribute(value, step.name);
      else if (step.kind == Step::Call)
        value = afterCall(value);
      else
        value = value == Native::LoaderNamespace ? Native::Library : Native::None; // cdll["x"]
    }
    return value;
  }

  Native rootValue(const Chain &chain, const NativeContext &where, size_t &next) const {
    llvm::StringRef name = text(chain.root);
    if (where.members && !where.selfName.empty() && name == where.selfName &&
        !chain.steps.empty() && chain.steps[0].kind == Step::Attribute) {
      next = 1;
      return lookup(*where.members, chain.steps[0].name);
    }
    auto binding = model.resolve(where.scope, name);
    if (!binding)
      return Native::None;
    if (binding->scope == 0)
      return lookup(moduleNatives, name);
    if (binding->scope == where.classScope && where.members)
      return lookup(*where.members, name);
    return Native::None;
  }

  // `a = b = expr` binds every target to the value of the innermost right-hand side.
  void recordAssignment(TSNode assignment, const NativeContext &where, bool selfAttributes,
                        llvm::StringMap<Native> &into) {
    const FieldIds &f = fields();
    std::vector<TSNode> targets = {child(assignment, f.left)};
    TSNode value = child(assignment, f.right);
    while (is(value, kinds().assignment)) {
      targets.push_back(child(value, f.left));
      value = child(value, f.right);
    }
    if (ts_node_is_null(value))
      return; // `x: int` declares without binding
    Native native = evaluate(decompose(value, model.source()), where);
    if (native == Native::None)
      return;
    for (TSNode target : targets) {
      if (!selfAttributes && is(target, kinds().identifier))
        into.try_emplace(text(target), native);
      else if (selfAttributes && is(target, kinds().attribute) &&
               text(child(target, f.object)) == where.selfName)
        into.try_emplace(text(child(target, f.attributeName)), native);
    }
  }

  void recordImport(TSNode statement) {
    const NodeKinds &k = kinds();
    const FieldIds &f = fields();
    bool fromImport = is(statement, k.importFromStatement);
    TSNode moduleName = child(statement, f.moduleName);
    uint32_t count = ts_node_named_child_count(statement);
    for (uint32_t i = 0; i < count; ++i) {
      TSNode name = ts_node_named_child(statement, i);
      if (fromImport && ts_node_eq(name, moduleName))
        continue;
      bool aliased = is(name, k.aliasedImport);
      TSNode imported = aliased ? child(name, f.name) : name;
      if (!is(imported, k.dottedName))
        continue; // `*`
      llvm::StringRef path = text(imported);
      llvm::StringRef bound = aliased ? text(child(name, f.alias)) : path.split('.').first;
      Native native = fromImport   ? importedName(text(moduleName), path)
                      : aliased    ? importedModule(path)
                                   : importedModule(bound);
      if (native != Native::None)
        moduleNatives.try_emplace(bound, native);
    }
  }

  void scanModule() {
    if (moduleScanned)
      return;
    moduleScanned = true;
    NativeContext where{0, -1, {}, nullptr};
    forEachBindingStatement(model.scope(0).node, [&](TSNode statement) {
      if (is(statement, kinds().assignment))
        recordAssignment(statement, where, false, moduleNatives);
      else
        recordImport(statement);
    });
  }

  // Class attributes (`_lib = ctypes.CDLL(...)` in the class body) and instance attributes
  // (`self._lib = ffi.dlopen(...)` in any method) of the class and its same-file bases.
  llvm::StringMap<Native> memberNatives(const std::vector<int> &classes) {
    llvm::StringMap<Native> members;
    for (int cls : classes) {
      NativeContext inBody{cls, cls, {}, &members};
      TSNode body = child(model.scope(cls).node, fields().body);
      forEachBindingStatement(body, [&](TSNode statement) {
        if (is(statement, kinds().assignment))
          recordAssignment(statement, inBody, false, members);
      });
    }
    for (int cls : classes)
      for (int method : model.scope(cls).children) {
        const Scope &m = model.scope(method);
        if (m.kind != ScopeKind::Function)
          continue;
        NativeContext inMethod{method, cls, firstParameterName(m.node), &members};
        if (inMethod.selfName.empty())
          continue;
        forEachBindingStatement(child(m.node, fields().body), [&](TSNode statement) {
          if (is(statement, kinds().assignment))
            recordAssignment(statement, inMethod, true, members);
        });
      }
    return members;
  }

  // --- classes, bases, finalizers -------------------------------------------------------

  // `self` is whatever the first parameter is called.
  llvm::StringRef firstParameterName(TSNode function) const {
    const NodeKinds &k = kinds();
    TSNode parameters = child(function, fields().parameters);
    if (ts_node_is_null(parameters) || ts_node_named_child_count(parameters) == 0)
      return {};
    TSNode first = ts_node_named_child(parameters, 0);
    if (is(first, k.typedParameter))
      first = ts_node_named_child(first, 0);
    else if (is(first, k.defaultParameter) || is(first, k.typedDefaultParameter))
      first = child(first, fields().name);
    return is(first, k.identifier) ? text(first) : llvm::StringRef();
  }

  // The class a base-class name denotes, when a class statement of this file binds it before
  // `cls` is defined (`class A(A)` derives from the earlier A); -1 otherwise.
  int classBoundTo(const ResolvedName &binding, int cls) const {
    uint32_t before = ts_node_start_byte(model.scope(cls).node);
    int found = -1;
    for (int candidate : model.scope(binding.scope).children) {
      const Scope &s = model.scope(candidate);
      if (s.kind == ScopeKind::Class && s.name == binding.name && candidate != cls &&
          ts_node_start_byte(s.node) < before)
        found = candidate;
    }
    return found;
  }

  // Base classes written as plain names that resolve to classes of this file, in MRO order
  // of the direct bases. One level: their own bases are not followed.
  std::vector<int> sameFileBases(int cls) {
    std::vector<int> bases;
    TSNode superclasses = child(model.scope(cls).node, fields().superclasses);
    if (ts_node_is_null(superclasses))
      return bases;
    int outer = model.scope(cls).parent;
    uint32_t count = ts_node_named_child_count(superclasses);
    for (uint32_t i = 0; i < count; ++i) {
      TSNode base = ts_node_named_child(superclasses, i);
      if (!is(base, kinds().identifier))
        continue; // `metaclass=...`, `module.Base`: nothing this file defines
      if (auto binding = model.resolve(outer, text(base)))
        if (int found = classBoundTo(*binding, cls); found >= 0)
          bases.push_back(found);
    }
    return bases;
  }

  // The `def __del__` that runs for instances of `cls` (the last one in its body), or -1.
  int ownFinalizer(int cls) const {
    std::vector<int> defs = model.functionsBoundTo({cls, "__del__"});
    return defs.empty() ? -1 : defs.back();
  }

  bool definesAny(const std::vector<int> &classes, llvm::ArrayRef<const char *> names) const {
    for (int cls : classes)
      for (const char *name : names)
        if (model.scope(cls).bindings.contains(name))
          return true;
    return false;
  }

  // --- the calls a finalizer makes ------------------------------------------------------

  std::vector<TSNode> callsIn(TSNode body) {
    std::vector<TSNode> calls;
    walkSubtree(body, [&](TSNode node) {
      TSSymbol kind = ts_node_symbol(node);
      if (isDeferred(kind))
        return false;
      if (kind == kinds().call)
        calls.push_back(node);
      return true;
    });
    return calls;
  }

  // `self.x` anywhere in the arguments: `lib.release(self._handle)`, `free(byref(self._h))`.
  bool argumentsUseSelfAttribute(TSNode call, llvm::StringRef selfName) {
    const NodeKinds &k = kinds();
    TSNode arguments = child(call, fields().arguments);
    bool found = false;
    if (ts_node_is_null(arguments))
      return false;
    walkSubtree(arguments, [&](TSNode node) {
      if (found || is(node, k.lambda))
        return false;
      if (is(node, k.attribute) && text(child(node, fields().object)) == selfName)
        found = true;
      return !found;
    });
    return found;
  }

  // `self._handle.close()`, `self._h.ctx.destroy()`: called on an attribute of self, not on
  // self itself (`self.close()` is the class's own method).
  static bool calledOnSelfAttribute(const Chain &function, llvm::StringRef selfName,
                                    llvm::StringRef source) {
    return !ts_node_is_null(function.root) && nodeText(function.root, source) == selfName &&
           function.steps.size() >= 2 && function.steps[0].kind == Step::Attribute &&
           function.steps.back().kind == Step::Attribute;
  }

  bool callsBaseFinalizer(const Chain &function, const std::vector<int> &bases) const {
    if (ts_node_is_null(function.root) || function.steps.empty() ||
        function.steps.back().kind != Step::Attribute || function.steps.back().name != "__del__")
      return false;
    llvm::StringRef root = text(function.root);
    if (root == "super")
      return function.steps.size() == 2 && function.steps[0].kind == Step::Call;
    return function.steps.size() == 1 &&
           llvm::any_of(bases, [&](int base) { return model.scope(base).name == root; });
  }

  // The first call that releases a native resource: preferably one whose name says so
  // (`lib.x_release(self._h)`), else a foreign call handed an attribute of self
  // (`lib.x_uninit(self._h)`). A foreign call with neither (`lib.log("bye")`) releases nothing
  // we can tell. Logging, print and container methods (`self._items.clear()`) never count:
  // they are neither foreign nor release-named.
  FinalizerCalls findRelease(int finalizer, const NativeContext &where,
                             const std::vector<int> &bases) {
    FinalizerCalls result;
    TSNode fallback{};
    TSNode body = child(model.scope(finalizer).node, fields().body);
    for (TSNode call : callsIn(body)) {
      Chain function = decompose(child(call, fields().function), model.source());
      if (callsBaseFinalizer(function, bases)) {
        result.callsSuper = true;
        continue;
      }
      bool foreign = evaluate(function, where) == Native::ForeignFunction;
      bool named = namesARelease(calledName(function, model.source()));
      bool handle = !where.selfName.empty() &&
                    (calledOnSelfAttribute(function, where.selfName, model.source()) ||
                     argumentsUseSelfAttribute(call, where.selfName));
      if (named && (foreign || handle)) {
        result.release = call;
        return result;
      }
      if (foreign && handle && ts_node_is_null(fallback))
        fallback = call;
    }
    result.release = fallback;
    return result;
  }

  FinalizerCalls releaseIn(int finalizer, int cls, const std::vector<int> &bases,
                           const llvm::StringMap<Native> &members) {
    NativeContext where{finalizer, cls, firstParameterName(model.scope(finalizer).node),
                        &members};
    return findRelease(finalizer, where, bases);
  }

  // Whitespace runs (a call written over several lines) become one space.
  std::string callText(TSNode call) const {
    std::string out;
    for (char c : text(call)) {
      bool space = std::isspace(static_cast<unsigned char>(c));
      if (!space)
        out += c;
      else if (!out.empty() && out.back() != ' ')
        out += ' ';
    }
    return out;
  }

  std::optional<FinalizerRelease> describeClass(int cls) {
    int own = ownFinalizer(cls);
    std::vector<int> bases = sameFileBases(cls);
    std::vector<int> inherited;
    for (int base : bases)
      if (ownFinalizer(base) >= 0)
        inherited.push_back(base);
    if (own < 0 && inherited.empty())
      return std::nullopt;

    scanModule();
    std::vector<int> hierarchy = {cls};
    hierarchy.insert(hierarchy.end(), bases.begin(), bases.end());
    llvm::StringMap<Native> members = memberNatives(hierarchy);

    FinalizerCalls calls;
    if (own >= 0)
      calls = releaseIn(own, cls, bases, members);
    // Without a __del__ of its own, or when its own one chains up, the class runs the
    // __del__ of its first base that has one (Python's MRO over the direct bases).
    if (ts_node_is_null(calls.release) && (own < 0 || calls.callsSuper) && !inherited.empty()) {
      int base = inherited.front();
      calls = releaseIn(ownFinalizer(base), base, {}, members);
    }
    if (ts_node_is_null(calls.release))
      return std::nullopt;

    const Scope &scope = model.scope(cls);
    FinalizerRelease release;
    release.className = scope.name;
    release.classBindingId = model.bindingId({scope.parent, scope.name});
    release.classLocation = scope.nameLocation;
    release.releaseCall = nodeLocation(calls.release, model.file());
    release.releaseText = callText(calls.release);
    release.hasClose = definesAny(hierarchy, ExplicitReleaseMethods);
    release.hasContextManager = definesAny(hierarchy, ContextManagerExits);
    return release;
  }
};

} // namespace

std::vector<FinalizerRelease> collectFinalizerReleases(const ScopeModel &model) {
  return FinalizerScan(model).run();
}

} // namespace capcycle::python
