#include "CallSiteCollector.h"

#include "CallbackResolver.h"
#include "ObjectResolver.h"

#include "llvm/ADT/STLExtras.h"

namespace capcycle::python {

namespace {

bool isParameter(const ScopeModel &model, const ObjectResolver &objects, const ObjectPath &path,
                 int scope) {
  // By the def's parameter list: a parameter with a default is bound as its default's target.
  auto root = objects.resolveName(path.root.name, scope);
  return root && llvm::is_contained(model.scope(root->scope).parameters, root->name);
}

struct Callee {
  std::string kind;
  ObjectPath receiver;
  std::string name;
};

std::optional<Callee> calleeOf(const ScopeModel &model, const ObjectResolver &objects,
                               TSNode function, int scope) {
  if (is(function, kinds().attribute)) {
    std::string method = nodeText(ts_node_child_by_field_id(function, fields().attributeName),
                                  model.source())
                             .str();
    TSNode object = ts_node_child_by_field_id(function, fields().object);
    if (auto receiver = objects.instancePathOf(object, scope))
      return Callee{"method", *receiver, method};
    // `util.connect_obj(...)` through `from quodlibet.qltk import util`.
    std::string dotted = objects.qualifiedName(function, scope);
    if (!dotted.empty() && !llvm::StringRef(dotted).contains(':'))
      return Callee{"import", {}, dotted};
    return std::nullopt;
  }
  if (!is(function, kinds().identifier))
    return std::nullopt;
  auto binding = objects.resolveName(nodeText(function, model.source()), scope);
  const NameBinding *bound = binding ? model.binding(*binding) : nullptr;
  if (!bound)
    return std::nullopt;
  if (bound->kind == BindingKind::Function)
    return Callee{"function", {}, model.bindingId(*binding)};
  if (bound->kind == BindingKind::Class && model.classBoundTo(*binding) >= 0)
    return Callee{"constructor", {}, objects.classId(model.classBoundTo(*binding))};
  if (bound->kind == BindingKind::Import) {
    std::string dotted = objects.qualifiedName(function, scope);
    if (!dotted.empty())
      return Callee{"import", {}, dotted};
  }
  return std::nullopt;
}

} // namespace

// The parameters (after `self`) the method `def` stores on its instance as they came in: an
// attribute's value, or an element, key or value it puts in a container attribute.
std::vector<std::string> keptParameters(const ScopeModel &model, int def) {
  const Scope &method = model.scope(def);
  const Scope &cls = model.scope(method.parent);
  auto names = [&](TSNode value, const std::string &parameter) {
    return is(value, kinds().identifier) && nodeText(value, model.source()) == parameter;
  };
  std::vector<std::string> kept;
  for (size_t i = 1; i < method.parameters.size(); ++i) {
    const std::string &parameter = method.parameters[i];
    const NameBinding *binding = model.binding({def, parameter});
    if (!binding || binding->kind != BindingKind::Parameter || binding->count != 1)
      continue; // rebound: what is stored may be something else
    bool stored = llvm::any_of(cls.attributeAssignments, [&](const AttributeAssignment &a) {
      return a.scope == def && names(a.value, parameter);
    }) || llvm::any_of(cls.elementStores, [&](const ElementStore &e) {
      return e.scope == def && (names(e.value, parameter) || names(e.key, parameter));
    });
    if (stored)
      kept.push_back(parameter);
  }
  return kept;
}

std::vector<PythonFunction> collectFunctions(const ScopeModel &model) {
  std::vector<PythonFunction> functions;
  ObjectResolver objects(model);
  for (int i = 0; i < model.scopeCount(); ++i) {
    const Scope &def = model.scope(i);
    if (def.kind != ScopeKind::Function)
      continue;
    bool method = model.scope(def.parent).kind == ScopeKind::Class;
    if (method && objects.isStaticOrClassMethod(i))
      continue; // no instance in its first parameter: calls through `self` would misplace it
    PythonFunction function;
    function.key = objects.functionKey(i);
    function.name = def.name;
    function.classBindingId = method ? objects.classId(def.parent) : "";
    function.bindsSelf = method;
    for (const std::string &parameter : def.parameters) {
      ResolvedName name{i, parameter};
      function.parameters.push_back({parameter, model.bindingId(name), model.definitionOf(name)});
    }
    function.returned = objects.returnedIds(i);
    function.location = def.nameLocation;
    if (method)
      function.keptParameters = keptParameters(model, i);
    functions.push_back(std::move(function));
  }
  return functions;
}

std::vector<PythonCall> collectCalls(const ScopeModel &model) {
  std::vector<PythonCall> calls;
  ObjectResolver objects(model);
  CallbackResolver callbacks(model, objects);
  for (const Site &site : model.calls()) {
    // Most calls pass only literals and assign nothing: no object, no callback, no result to
    // type, so nothing to resolve (the checks below are costly and would drop them anyway).
    const std::vector<CallArgument> &written = model.argumentsOf(site.node);
    TSNode parent = model.assignmentOf(site.node);
    if (ts_node_is_null(parent) && llvm::all_of(written, [](const CallArgument &argument) {
          return isLiteral(argument.value);
        }))
      continue;
    // Builtins and names bound outside the scan (`len(x)`, `print(...)`) call nothing the
    // cross-file stage can follow: a named callee is resolved first, as it is cheap; a
    // method's receiver is typed only for a call that is kept.
    TSNode called = ts_node_child_by_field_id(site.node, fields().function);
    std::optional<Callee> callee;
    if (!is(called, kinds().attribute) &&
        !(callee = calleeOf(model, objects, called, site.scope)))
      continue;
    std::vector<PythonCallArgument> arguments;
    bool localsOnly = true;
    for (const CallArgument &argument : written) {
      PythonCallArgument passed;
      passed.index = argument.index;
      passed.keyword = argument.keyword.str();
      if (auto path = objects.instancePathOf(argument.value, site.scope))
        passed.path = *path;
      // A plain local of the caller (not `self`, not a parameter, not another name for one of
      // their attributes) is owned by nothing the caller's callers hold: only a callback given
      // in the same call could close a cycle through it.
      // Unless its type is known: the callee's parameter then has that type (an attribute
      // that stores it, PythonAttribute::parameterOf).
      bool local = !passed.path.root.name.empty() &&
                   !isParameter(model, objects, passed.path, site.scope) &&
                   passed.path.types.back().empty();
      if (auto callback = callbacks.resolve(argument.value, site.scope);
          callback && !callback->captures.empty()) {
        passed.callbackName = callback->name;
        passed.callbackKind = callback->kind;
        passed.callbackDefinition = callback->definition;
        passed.captures = callback->captures;
      }
      localsOnly = localsOnly && (local || passed.path.root.name.empty()) &&
                   passed.callbackKind.empty();
      if (!passed.path.root.name.empty() || !passed.callbackKind.empty()) {
        passed.location = nodeLocation(argument.value, model.file());
        arguments.push_back(std::move(passed));
      }
    }
    if (localsOnly && !arguments.empty())
      arguments.clear();
    // `self.action = self.create_action(...)`: a registration on what the def returns is on
    // this target.
    ObjectPath result;
    if (!ts_node_is_null(parent))
      if (auto target = objects.instancePathOf(ts_node_child_by_field_id(parent, fields().left),
                                     site.scope))
        result = *target;
    if (arguments.empty() && (result.root.name.empty() || result.attributes.empty()))
      continue;
    if (!callee && !(callee = calleeOf(model, objects, called, site.scope)))
      continue;
    int function = objects.enclosingFunction(site.scope);
    calls.push_back({nodeLocation(site.node, model.file()),
                     function >= 0 ? objects.functionKey(function) : "", callee->kind,
                     callee->receiver, callee->name, std::move(arguments), std::move(result)});
  }
  return calls;
}

std::vector<PythonFunction>
functionsCallSitesNeed(std::vector<PythonFunction> functions,
                       const std::vector<ParameterizedRegistration> &registrations,
                       const std::vector<PythonCall> &calls,
                       const std::vector<PythonClass> &classes) {
  llvm::erase_if(functions, [&](const PythonFunction &function) {
    // What it keeps of its arguments is held by whatever holds its instance.
    if (!function.keptParameters.empty())
      return false;
    // Its callers type an attribute that stores a parameter.
    for (const PythonClass &cls : classes)
      if (llvm::any_of(cls.attributes,
                       [&](const PythonAttribute &a) { return a.parameterOf == function.key; }))
        return false;
    if (llvm::any_of(registrations, [&](const ParameterizedRegistration &r) {
          return r.function == function.key;
        }))
      return false;
    // A method's `self` is the caller's own object, never one its callers supply.
    auto supplied = llvm::ArrayRef(function.parameters).drop_front(function.bindsSelf ? 1 : 0);
    auto handedOn = [&](const std::string &id) {
      return llvm::any_of(supplied, [&](const BindingRef &p) { return p.bindingId == id; }) ||
             llvm::is_contained(function.returned, id);
    };
    return llvm::none_of(calls, [&](const PythonCall &call) {
      if (call.function != function.key)
        return false;
      if (handedOn(call.result.root.bindingId))
        return false;
      return llvm::any_of(call.arguments, [&](const PythonCallArgument &argument) {
        return handedOn(argument.path.root.bindingId) ||
               llvm::any_of(argument.captures,
                            [&](const Capture &c) { return handedOn(c.binding.bindingId); });
      });
    });
  });
  return functions;
}

} // namespace capcycle::python
