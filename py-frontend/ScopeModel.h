// The semantic model of one Python file: its scopes, the names each binds, every name
// reference, and Python's LEGB resolution over them (class bodies do not enclose their
// methods; `global` / `nonlocal` redirect a name). Built by one walk over the syntax tree;
// collectors read it and never re-walk the tree.
#pragma once

#include "PythonSyntax.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <optional>
#include <string>
#include <vector>

namespace capcycle::python {

enum class ScopeKind { Module, Function, Lambda, Class, Comprehension };

struct NameBinding {
  SourceLocation definedAt; // first place the scope binds the name
};

struct NameReference {
  std::string name;
  int scope;          // scope the reference is evaluated in
  int defaultOf = -1; // callable whose parameter default contains it, if any
  SourceLocation location;
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
  llvm::StringSet<> globals;
  llvm::StringSet<> nonlocals;
};

// A name resolved to the scope that binds it.
struct ResolvedName {
  int scope;
  std::string name;
};

// A call whose function is an attribute, e.g. `x.sig.connect(cb)`: the candidates a collector
// examines, recorded by the same walk so that nobody walks the tree twice.
struct AttributeCall {
  TSNode call;
  int scope;
};

class ScopeModel {
public:
  static ScopeModel build(TSNode root, llvm::StringRef source, llvm::StringRef file);

  const Scope &scope(int index) const { return scopes[index]; }
  llvm::StringRef file() const { return filePath; }
  llvm::StringRef source() const { return sourceText; }
  const std::vector<AttributeCall> &attributeCalls() const { return calls; }

  // LEGB resolution of `name` as read in `scope`; nullopt for builtins and undefined names.
  std::optional<ResolvedName> resolve(int scope, llvm::StringRef name) const;
  // The scope a lambda node creates, or -1.
  int lambdaScope(TSNode lambda) const;
  // The function scopes created by `def name` statements binding `binding`.
  std::vector<int> functionsBoundTo(const ResolvedName &binding) const;
  bool encloses(int outer, int inner) const;
  // Stable identity of a binding within this scan (file, scope position, name).
  std::string bindingId(const ResolvedName &binding) const;
  SourceLocation definitionOf(const ResolvedName &binding) const;

private:
  friend class ScopeBuilder;
  std::string filePath;
  llvm::StringRef sourceText;
  std::vector<Scope> scopes;
  std::vector<AttributeCall> calls;
  llvm::DenseMap<uint32_t, int> lambdaScopes; // start byte of a lambda -> its scope
};

} // namespace capcycle::python
