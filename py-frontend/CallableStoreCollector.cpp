#include "CallableStoreCollector.h"

#include "CallbackResolver.h"
#include "ObjectResolver.h"

#include "llvm/ADT/STLExtras.h"

namespace capcycle::python {

namespace {

// The parameter (after self) a node names, or -1.
int parameterIndex(const Scope &method, TSNode node, llvm::StringRef source) {
  if (!is(node, kinds().identifier))
    return -1;
  auto it = llvm::find(method.parameters, nodeText(node, source));
  if (it == method.parameters.end() || it == method.parameters.begin())
    return -1;
  return int(it - method.parameters.begin()) - 1;
}

// `self.<attribute>` written in `method`, or empty.
std::string selfAttribute(const Scope &method, TSNode node, llvm::StringRef source) {
  if (!is(node, kinds().attribute))
    return {};
  TSNode object = ts_node_child_by_field_id(node, fields().object);
  if (!is(object, kinds().identifier) || nodeText(object, source) != method.firstParameter)
    return {};
  return nodeText(ts_node_child_by_field_id(node, fields().attributeName), source).str();
}

std::vector<std::string> methodsOf(const ScopeModel &model, int classScope) {
  std::vector<std::string> names;
  for (int child : model.scope(classScope).children)
    if (model.scope(child).kind == ScopeKind::Function)
      names.push_back(model.scope(child).name);
  return names;
}

} // namespace

std::vector<PythonCallableStore> collectCallableStores(const ScopeModel &model) {
  std::vector<PythonCallableStore> stores;
  ObjectResolver objects(model);
  auto add = [&](int method, int argument, std::string attribute, TSNode at) {
    int cls = model.enclosingClass(method);
    stores.push_back({model.scope(cls).name, objects.classId(cls), model.scope(method).name,
                      argument, std::move(attribute), methodsOf(model, cls),
                      nodeLocation(at, model.file())});
  };
  // self.<list>.append(cb), self.<set>.add(cb)
  for (const Site &site : model.calls()) {
    int method = site.scope;
    if (model.enclosingClass(method) < 0)
      continue;
    TSNode function = ts_node_child_by_field_id(site.node, fields().function);
    if (!is(function, kinds().attribute))
      continue;
    llvm::StringRef name =
        nodeText(ts_node_child_by_field_id(function, fields().attributeName), model.source());
    if (name != "append" && name != "add" && name != "insert")
      continue;
    std::string attribute = selfAttribute(model.scope(method),
                                          ts_node_child_by_field_id(function, fields().object),
                                          model.source());
    for (const CallArgument &argument : model.argumentsOf(site.node)) {
      int index = parameterIndex(model.scope(method), argument.value, model.source());
      if (!attribute.empty() && index >= 0)
        add(method, index, attribute, site.node);
    }
  }
  // self.<attribute> = cb
  for (int cls = 0; cls < model.scopeCount(); ++cls)
    for (const AttributeAssignment &assignment : model.scope(cls).attributeAssignments) {
      int index = parameterIndex(model.scope(assignment.scope), assignment.value, model.source());
      if (index >= 0 && model.scope(assignment.scope).name != "__init__")
        add(assignment.scope, index, assignment.attribute, ts_node_parent(assignment.value));
    }
  return stores;
}

} // namespace capcycle::python
