// The semantic model of one Python file: its scopes, the names each binds, every name
// reference, and Python's LEGB resolution over them (class bodies do not enclose their
// methods; `global` / `nonlocal` redirect a name). Built by one walk over the syntax tree;
// collectors read it and never re-walk the tree.
#pragma once

#include "PythonSyntax.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace capcycle::python {

enum class ScopeKind { Module, Function, Lambda, Class, Comprehension };

enum class BindingKind { Assignment, Parameter, Import, Function, Class, Other };

struct NameBinding {
  SourceLocation definedAt;    // first place the scope binds the name
  BindingKind kind = BindingKind::Other;
  unsigned count = 0;          // how many statements bind it (1: a single assignment)
  TSNode value{};              // `name = value`: the value of the first plain assignment
  std::vector<TSNode> values;  // the values of every plain assignment, in source order
  TSNode iterable{};           // `for name in (a.sig, b.sig):` the literal tuple or list
  std::string importPath;      // Import: `import a.b as c` -> "a.b", `from m import x` -> "m.x",
                               // `from . import x` -> ".x", `from ..m import x` -> "..m.x"
  SourceLocation importAt;     // where importPath is imported (the first import of the name)
};

struct NameReference {
  std::string name;
  int scope;          // scope the reference is evaluated in
  int defaultOf = -1; // callable whose parameter default contains it, if any
  bool weak = false;  // inside weakref.ref(...) / weakref.proxy(...) / weakref.WeakMethod(...)
  SourceLocation location;
};

// `self.attr = value` (or `self.attr: T = value`, `self.attr: T`) inside a method: what
// instances of the class hold.
struct AttributeAssignment {
  std::string attribute;
  TSNode value;           // null for a bare annotation
  int scope;              // the method the assignment is evaluated in
  TSNode annotation = {}; // the `type` node, if annotated
  SourceLocation at = {}; // the target `self.attr`
};

// `self.widgets[key] = value` or `self.widgets.append(value)` (add, insert, appendleft,
// setdefault) inside a method: an object the container in the attribute holds.
struct ElementStore {
  std::string attribute;
  TSNode key;   // a mapping's key (subscript stores, setdefault); null for sequences and sets
  TSNode value; // null for `setdefault(key)`
  int scope;    // the method the store is evaluated in
};

// Which part of a container a loop variable takes: `for w in c` (an element, a mapping's
// key), `for k, v in c.items()` (key, value), `c.keys()`, `c.values()`.
enum class ContainerPart { Element, Key, Value };

struct LoopSource {
  TSNode container; // the expression iterated (`self.widgets` of `self.widgets.items()`)
  ContainerPart part;
};

// A name declared with a type: `def f(rec: Recognizer)`, `rec: Recognizer = ...`, a class
// body's `rec: Recognizer`.
struct Annotation {
  TSNode type;   // the `type` node
  int evaluatedIn; // the scope the annotation's names are read in (a parameter's: the def's)
};

struct Scope {
  ScopeKind kind;
  int parent;                   // -1 for the module
  TSNode node;                  // the def / lambda / class / comprehension (root for module)
  std::string name;             // def or class name, "<lambda>", ...
  SourceLocation nameLocation;  // where that name is written
  std::vector<int> children;
  std::vector<NameReference> references;
  llvm::StringMap<NameBinding> bindings;
  std::string firstParameter;   // functions: `self` of a method
  std::vector<std::string> parameters; // functions and lambdas, in order
  std::vector<AttributeAssignment> attributeAssignments; // classes: `self.x = ...` in methods
  std::vector<ElementStore> elementStores; // classes: `self.x[k] = v`, `self.x.append(v)`
  std::vector<TSNode> returnValues; // functions: the values of their `return` statements
  std::vector<TSNode> decorators;   // functions and classes: each decorator's expression
  std::vector<uint32_t> callIndices;       // positions in ScopeModel::calls() evaluated here
  std::vector<uint32_t> assignmentIndices; // positions in ScopeModel::assignments()
  TSNode returnAnnotation = {};     // functions: `-> T`, read in the parent scope
  llvm::StringMap<Annotation> annotations; // names this scope binds with a declared type
  llvm::StringSet<> globals;
  llvm::StringSet<> nonlocals;
};

// One argument of a call: positional ones by index, keyword ones by name.
struct CallArgument {
  TSNode value;
  int index = -1;          // positional index, -1 for a keyword argument
  llvm::StringRef keyword; // keyword name (in the source text)
};
// The arguments of a call's `arguments` node (none unless an argument_list), read with
// `cursor` (any cursor of the tree; moved). ScopeModel::argumentsOf keeps them for every call.
std::vector<CallArgument> listArguments(TSNode list, llvm::StringRef source, TSTreeCursor &cursor);

// A name resolved to the scope that binds it.
struct ResolvedName {
  int scope;
  std::string name;
};

// Calls and assignments a collector examines (`x.sig.connect(cb)`, `x.on_message = cb`),
// recorded by the same walk so that nobody walks the tree twice.
struct Site {
  TSNode node; // a call, assignment or augmented_assignment
  int scope;
};

class ScopeModel {
public:
  static ScopeModel build(TSNode root, llvm::StringRef source, llvm::StringRef file);

  const Scope &scope(int index) const { return scopes[index]; }
  const FilePath &file() const { return filePath; }
  llvm::StringRef source() const { return sourceText; }
  const std::vector<Site> &calls() const { return callSites; }
  const std::vector<Site> &assignments() const { return assignmentSites; }
  // The calls and assignments evaluated in `scope` itself (not in scopes nested in it), as
  // positions in calls() and assignments().
  llvm::ArrayRef<uint32_t> callsIn(int scope) const { return scopes[scope].callIndices; }
  llvm::ArrayRef<uint32_t> assignmentsIn(int scope) const {
    return scopes[scope].assignmentIndices;
  }
  // The arguments of `call`, read once by the walk.
  const std::vector<CallArgument> &argumentsOf(TSNode call) const;
  // The assignment whose value `call` is (`self.action = make_action()`), or a null node.
  TSNode assignmentOf(TSNode call) const;
  int scopeCount() const { return scopes.size(); }

  // LEGB resolution of `name` as read in `scope`; nullopt for builtins and undefined names.
  std::optional<ResolvedName> resolve(int scope, llvm::StringRef name) const;
  // The scope a lambda node creates, or -1.
  int lambdaScope(TSNode lambda) const;
  // The function scopes created by `def name` statements binding `binding`.
  std::vector<int> functionsBoundTo(const ResolvedName &binding) const;
  // The class scope created by `class name` binding `binding`, or -1.
  int classBoundTo(const ResolvedName &binding) const;
  const NameBinding *binding(const ResolvedName &name) const;
  // What the loop variable `reference` names (read in `scope`) takes, item by item, in the
  // loop around it that binds it: `for sig in (a.x, b.x)` gives a.x and b.x; `for name, cb in
  // actions` with `actions = (("a", f), ("b", g))` written before it gives f and g. nullopt
  // where no such loop encloses it or its items are not written out.
  std::optional<std::vector<TSNode>> loopItems(TSNode reference, int scope) const;
  // The container the loop around `reference` that binds it iterates, and which part of it
  // the name takes: `for w, (a, b) in list(self.widgets.items())` gives self.widgets' keys
  // for `w`. nullopt where no loop binds it or it iterates anything else.
  std::optional<LoopSource> loopSource(TSNode reference) const;
  // The nearest class whose method `scope` is (for `self`), or -1.
  int enclosingClass(int scope) const;
  // The function scope `def` with this name directly in a class body, or -1.
  int methodOf(int classScope, llvm::StringRef name) const;
  bool encloses(int outer, int inner) const;
  // Stable identity of a binding within this scan (file, scope position, name).
  std::string bindingId(const ResolvedName &binding) const;
  SourceLocation definitionOf(const ResolvedName &binding) const;

private:
  friend class ScopeBuilder;
  // The `for` statement around `reference` that binds its name, and the name's position in a
  // tuple target (-1 for a plain name).
  std::pair<TSNode, int> enclosingLoop(TSNode reference) const;
  // The innermost scope whose node contains `byte`, past comprehensions (a loop's variable is
  // read in a comprehension inside the loop).
  int statementScopeAt(uint32_t byte) const;
  // A `for` statement binding a name: the name's position in its target (-1: the whole target)
  // and the scope the statement runs in.
  struct LoopBinding {
    TSNode loop;
    int element;
    int scope;
  };
  FilePath filePath;
  llvm::StringRef sourceText;
  std::deque<Scope> scopes; // grows without moving its scopes (a Scope is costly to copy)
  std::vector<Site> callSites;
  std::vector<std::vector<CallArgument>> callSiteArguments; // parallel to callSites
  llvm::DenseMap<uint64_t, uint32_t> callByRange; // start and end byte of a call -> its site
  std::vector<Site> assignmentSites;
  llvm::DenseMap<uint32_t, int> lambdaScopes; // start byte of a lambda -> its scope
  llvm::StringMap<std::vector<LoopBinding>> loopsBinding; // name -> the `for` statements binding it
  llvm::DenseMap<uint32_t, TSNode> assignedCalls;     // start byte of a call -> `x = call`
  mutable std::vector<std::string> scopeIdPrefixes;   // bindingId's per-scope prefix, lazily
};

} // namespace capcycle::python
