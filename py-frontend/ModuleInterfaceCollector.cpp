#include "ModuleInterfaceCollector.h"

#include "ObjectResolver.h"

#include "llvm/ADT/STLExtras.h"

namespace capcycle::python {

namespace {
// The first assignment of `attribute` whose value is a name or attribute chain the file cannot
// type (`self._player = player`, `self._settings = application.props.settings`): the cross-file
// stage types it, by the chain's root's type or, for a parameter of the assigning def that is
// never rebound, by what the def's callers pass.
std::optional<PythonAttribute> storedChain(int cls, llvm::StringRef attribute,
                                           const ScopeModel &model,
                                           const ObjectResolver &objects) {
  for (const AttributeAssignment &assignment : model.scope(cls).attributeAssignments) {
    if (assignment.attribute != attribute || ts_node_is_null(assignment.value))
      continue;
    auto value = objects.writtenPathOf(assignment.value, assignment.scope);
    if (!value || !value->types.back().empty())
      continue;
    PythonAttribute stored{attribute.str(), "", assignment.at, *value};
    auto binding = objects.resolveName(value->root.name, assignment.scope);
    int function = objects.enclosingFunction(assignment.scope);
    const NameBinding *bound = binding ? model.binding(*binding) : nullptr;
    if (bound && bound->kind == BindingKind::Parameter && bound->count == 1 &&
        binding->scope == function && model.scope(function).firstParameter != value->root.name)
      stored.parameterOf = objects.functionKey(function);
    return stored;
  }
  return std::nullopt;
}

// Per attribute, the type the class tells (ObjectResolver::attributeType).
std::vector<PythonAttribute> attributeTypes(int cls, const ScopeModel &model,
                                            const ObjectResolver &objects) {
  std::vector<PythonAttribute> attributes;
  const Scope &scope = model.scope(cls);
  // Where the class says what the attribute holds: the first assignment whose value tells,
  // else its declaration, else its first assignment, else a property's def.
  auto locationOf = [&](llvm::StringRef name) -> SourceLocation {
    const AttributeAssignment *first = nullptr;
    for (const AttributeAssignment &assignment : scope.attributeAssignments) {
      if (assignment.attribute != name)
        continue;
      if (!first)
        first = &assignment;
      if (!objects.typeOfExpression(assignment.value, assignment.scope).empty() ||
          !ts_node_is_null(assignment.annotation))
        return assignment.at;
    }
    if (auto declared = scope.annotations.find(name); declared != scope.annotations.end())
      return nodeLocation(declared->second.type, model.file());
    if (first)
      return first->at;
    int method = model.methodOf(cls, name);
    return method >= 0 ? model.scope(method).nameLocation : SourceLocation{model.file()};
  };
  auto add = [&](llvm::StringRef name) {
    if (llvm::any_of(attributes, [&](const PythonAttribute &a) { return a.name == name; }))
      return;
    if (std::string type = objects.attributeType(cls, name); !type.empty())
      attributes.push_back({name.str(), std::move(type), locationOf(name)});
    else if (auto stored = storedChain(cls, name, model, objects))
      attributes.push_back(std::move(*stored));
  };
  for (const AttributeAssignment &assignment : model.scope(cls).attributeAssignments)
    add(assignment.attribute);
  for (const auto &declared : model.scope(cls).annotations)
    add(declared.getKey());
  for (int child : model.scope(cls).children)
    if (model.scope(child).kind == ScopeKind::Function && objects.isProperty(child))
      add(model.scope(child).name);
  llvm::sort(attributes, [](const PythonAttribute &a, const PythonAttribute &b) { return a.name < b.name; });
  return attributes;
}

} // namespace

std::vector<PythonClass> collectClasses(const ScopeModel &model) {
  std::vector<PythonClass> classes;
  ObjectResolver objects(model);
  for (int i = 0; i < model.scopeCount(); ++i) {
    const Scope &cls = model.scope(i);
    if (cls.kind != ScopeKind::Class)
      continue;
    std::vector<std::string> bases;
    TSNode superclasses = ts_node_child_by_field_id(cls.node, fields().superclasses);
    for (uint32_t b = 0, n = ts_node_is_null(superclasses) ? 0 : ts_node_named_child_count(superclasses);
         b < n; ++b) {
      std::string base = objects.qualifiedBaseName(ts_node_named_child(superclasses, b), cls.parent);
      if (!base.empty())
        bases.push_back(std::move(base));
    }
    std::vector<std::string> methods;
    for (const auto &entry : cls.bindings)
      if (entry.getValue().kind == BindingKind::Function)
        methods.push_back(entry.getKey().str());
    llvm::sort(methods);
    classes.push_back({cls.name, objects.classId(i), std::move(bases), cls.nameLocation,
                       attributeTypes(i, model, objects), std::move(methods)});
  }
  return classes;
}

std::vector<PythonModuleBinding> collectModuleBindings(const ScopeModel &model) {
  std::vector<PythonModuleBinding> bindings;
  ObjectResolver objects(model);
  const Scope &module = model.scope(0);
  for (const auto &entry : module.bindings) {
    ResolvedName name{0, entry.getKey().str()};
    const NameBinding &binding = entry.getValue();
    PythonModuleBinding out{model.file().str(), name.name, "", "", binding.definedAt};
    switch (binding.kind) {
    case BindingKind::Class:
      out.kind = "class";
      out.target = objects.classId(model.classBoundTo(name));
      break;
    case BindingKind::Function:
      out.kind = "function";
      out.target = objects.returnTypeOf(name);
      break;
    case BindingKind::Import:
      out.kind = "import";
      out.target = binding.importPath;
      break;
    case BindingKind::Assignment:
      out.kind = "value";
      out.target = binding.count == 1 ? objects.typeOfExpression(binding.value, 0) : "";
      break;
    default:
      continue;
    }
    bindings.push_back(std::move(out));
  }
  // StringMap order is a hash order: facts come out the same on every run.
  llvm::sort(bindings, [](const PythonModuleBinding &a, const PythonModuleBinding &b) {
    return a.name < b.name;
  });
  return bindings;
}

} // namespace capcycle::python
