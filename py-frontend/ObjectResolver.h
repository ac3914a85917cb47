// What an expression denotes, as far as one file can tell: which binding an attribute chain
// starts from (`self.recognizer` -> self, ["recognizer"]), through which simple aliases
// (`r = recognizer`), and how each object on the chain was made (imports and constructor
// calls: `speechsdk.SpeechRecognizer(...)` -> "azure.cognitiveservices.speech.SpeechRecognizer";
// a class of the same file -> that class's binding id).
#pragma once

#include "ScopeModel.h"

#include <optional>

namespace capcycle::python {

// PyGObject's property descriptor (`GObject.Property`, and its older name `GObject.property`)
// and its classes: names the frontend knows because the meaning of `obj.props.x` and of a
// class-level property is the library's, not the program's.
inline bool isGObjectProperty(llvm::StringRef qualified) {
  return qualified == "gi.repository.GObject.Property" ||
         qualified == "gi.repository.GObject.property";
}
inline bool isGObjectClass(llvm::StringRef qualified) {
  return qualified.starts_with("gi.repository.");
}

class ObjectResolver {
public:
  explicit ObjectResolver(const ScopeModel &model) : model(model) {}

  // A name or attribute chain read in `scope`; nullopt for anything else (calls, subscripts)
  // and for names that resolve to no binding (builtins).
  std::optional<ObjectPath> pathOf(TSNode expression, int scope) const;
  // pathOf as written: a local or parameter that another name for an attribute of `self` stays
  // itself (what the attribute is assigned, not the attribute).
  std::optional<ObjectPath> writtenPathOf(TSNode expression, int scope) const;
  // pathOf where the chain starts from an object of a function (not a module or a class, which
  // are the same object for every caller): what can receive a callback or be passed on.
  std::optional<ObjectPath> instancePathOf(TSNode expression, int scope) const;
  // pathOf, or, where the chain starts from the variable of a loop over a written-out tuple or
  // list (`for sig in (r.stopped, r.canceled): sig.connect(cb)`), one path per element.
  std::vector<ObjectPath> pathsOf(TSNode expression, int scope) const;
  // The binding a name denotes after following aliases; nullopt when unresolved.
  std::optional<ResolvedName> resolveName(llvm::StringRef name, int scope) const;
  // Dotted callee -> import path ("speechsdk.SpeechRecognizer" -> "azure...SpeechRecognizer"),
  // a class of this file -> its binding id, otherwise empty.
  std::string qualifiedName(TSNode expression, int scope) const;
  // qualifiedName of a class's base as written in its header (`Library[str, Playlist]`: Library).
  std::string qualifiedBaseName(TSNode base, int scope) const;
  // How the object an expression evaluates to was made, or empty.
  std::string typeOfExpression(TSNode expression, int scope, int depth = 0) const;
  std::string typeOfBinding(const ResolvedName &binding, int depth = 0) const;
  // The one class an annotation names (`Optional[X]`, `X | None`, `"X"`), read in `scope`.
  std::string typeOfAnnotation(TSNode annotation, int scope, int depth = 0) const;
  // What instances of the class `cls` (a class scope) hold in `attribute`, as its methods and
  // body tell: a declared type first, then the first assignment that tells.
  std::string attributeType(int cls, llvm::StringRef attribute, int depth = 0) const;
  // What the function scope returns: its `-> T`, else the first `return` that tells.
  std::string returnType(int function, int depth = 0) const;
  // What the defs binding a name return (the first that tells).
  std::string returnTypeOf(const ResolvedName &function, int depth = 0) const;
  // Whether a def is decorated `@property` (or a cached_property), `@staticmethod` or
  // `@classmethod`.
  bool isProperty(int function) const;
  int propertyGetter(int cls, llvm::StringRef name) const;
  // The decorator expressions of a def (`property`, `GObject.Property(type=Player)`).
  const std::vector<TSNode> &decoratorNodes(int function) const;
  std::string propertyValueType(TSNode value, int scope) const;
  bool isStaticOrClassMethod(int function) const;
  // The identity of a class scope, used as the type of its instances.
  std::string classId(int classScope) const;
  // The def scope a scope is in, through lambdas and comprehensions (itself for a def); -1 at
  // module or class level.
  int enclosingFunction(int scope) const;
  // How calls in any file name a def: "<class id>.<name>" for a method, else its binding id.
  std::string functionKey(int functionScope) const;
  // The binding ids of a def's parameters, in order.
  std::vector<std::string> parameterIds(int functionScope) const;
  // The binding ids of the def's own locals that a `return name` hands back.
  std::vector<std::string> returnedIds(int functionScope) const;
  BindingRef bindingRef(const ResolvedName &binding) const;
  // The class scope of a type that is a class of this file, or -1.
  int classScopeOf(const std::string &type) const;
  bool isModuleOrClass(const ResolvedName &binding) const;

private:
  const ScopeModel &model;
  std::string typeOfAttribute(const std::string &ownerType, llvm::StringRef attribute,
                              int depth) const;
  std::string returnTypeOfCall(TSNode callee, int scope, int depth) const;
  std::string typeOfLibraryMethodCall(TSNode callee, int scope, int depth) const;
  std::string typeOfGetterResult(const std::string &ownerType, int cls, llvm::StringRef method,
                                 int depth) const;
  std::string libraryBaseOf(int cls, int depth) const;
  std::string typeOfClassLevelValue(TSNode value, int cls, int depth) const;
  std::string typeOfReassignedLocal(const ResolvedName &name, TSNode use) const;
  std::string setterValueType(const ResolvedName &parameter, int depth) const;
  std::string mixedInAttributeType(int cls, llvm::StringRef attribute, int depth) const;
  const std::vector<int> &subclassesOf(int cls) const;
  std::string returnedAttribute(int method) const;
  std::string instantiatedParameter(int function) const;
  std::string typeOfClassArgument(TSNode call, int scope) const;
  std::optional<ResolvedName> localFunction(TSNode callee, int scope) const;
  std::optional<ObjectPath> pathOf(TSNode expression, int scope, bool throughOwnedAliases) const;
  std::string qualifiedDottedName(llvm::StringRef dotted, int scope) const;
  std::optional<ObjectPath> ownedAlias(const ResolvedName &local,
                                       llvm::ArrayRef<std::string> below) const;
  std::optional<ObjectPath> attributeAlias(const ResolvedName &local,
                                           llvm::ArrayRef<std::string> below) const;
  std::optional<ObjectPath> aliasedChain(const ResolvedName &local, TSNode value,
                                         llvm::ArrayRef<std::string> below) const;
  std::optional<ObjectPath> containerElement(const ResolvedName &local, TSNode reference,
                                             llvm::ArrayRef<std::string> below) const;
  enum class ContainerShape { Mapping, Collection };
  std::optional<ContainerShape> containerShape(int cls, llvm::StringRef attribute) const;
  std::string elementType(int cls, llvm::StringRef attribute, ContainerShape shape,
                          ContainerPart part) const;
  // The type of each object a container literal or comprehension `value` holds in `part`.
  std::string literalElementType(TSNode value, int scope, ContainerPart part) const;
  // How deep aliasedChain is in aliases of aliases (`a = b.c.d` where b is one too).
  mutable int aliasDepth = 0;
  mutable llvm::StringMap<int> classScopes; // classId -> class scope (classScopeOf)
  mutable bool classScopesBuilt = false;
  mutable llvm::DenseMap<int, std::vector<int>> subclasses; // class scope -> its subclasses
  mutable bool subclassesBuilt = false;
};

} // namespace capcycle::python
