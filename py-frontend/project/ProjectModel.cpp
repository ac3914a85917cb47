#include "project/ProjectModel.h"

#include "project/CallSiteEvaluation.h"
#include "project/ModuleNames.h"
#include "ObjectResolver.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

#include <map>
#include <unordered_map>

namespace capcycle::python {

namespace {

// Names are followed through this many re-exports, returns and base classes: enough for an
// `__init__.py` that re-exports a module that re-exports a library, and a bound on cycles of
// imports.
constexpr int MaxDepth = 8;

} // namespace

ProjectModel::ProjectModel(const FactSet &facts) {
  for (const PythonModuleBinding &binding : facts.pythonModuleBindings)
    addFile(binding.file);
  for (const PythonClass &cls : facts.pythonClasses) {
    addFile(cls.location.file);
    classes[cls.bindingId] = &cls;
  }
  for (const PythonModuleBinding &binding : facts.pythonModuleBindings)
    exports[binding.file][binding.name] = &binding;
  for (const PythonFunction &function : facts.pythonFunctions)
    functions.try_emplace(function.key, &function);
  indexingCalls = true;
  for (const PythonCall &call : facts.pythonCalls)
    if (const PythonFunction *function = callee(call).function)
      callsOf.emplace(function->key, &call);
  indexingCalls = false;
}

ProjectModel::Callee ProjectModel::callee(const PythonCall &call) const {
  auto construct = [&](const std::string &type) -> Callee {
    if (!classes.count(type))
      return {};
    return {method(type, "__init__"), true};
  };
  if (call.kind == "function")
    return {functionByKey(call.callee), false};
  if (call.kind == "constructor")
    return construct(call.callee);
  if (call.kind == "import") {
    if (const PythonFunction *called = function(call.callee, call.site.file))
      return {called, false};
    return construct(resolve(call.callee, call.site.file));
  }
  ObjectPath receiver = call.receiver;
  resolvePath(receiver, call.site.file);
  const std::string &type = receiver.types.empty() ? "" : receiver.types.back();
  return {isBindingId(type) ? method(type, call.callee) : nullptr, false};
}

size_t ProjectModel::firstPassedParameter(const PythonFunction &function, const PythonCall &call,
                                          bool constructs) {
  return function.bindsSelf && (call.kind == "method" || constructs) ? 1 : 0;
}

std::string ProjectModel::parameterType(const std::string &key, llvm::StringRef parameter,
                                        int depth) const {
  const PythonFunction *function = functionByKey(key);
  if (!function || indexingCalls || depth > MaxDepth)
    return {};
  std::string memo = key + '\0' + parameter.str();
  if (auto known = parameterTypes.find(memo); known != parameterTypes.end())
    return known->second.value_or("");
  parameterTypes[memo] = std::nullopt;
  std::string type = passedType(*function, parameter, depth);
  parameterTypes[memo] = type;
  return type;
}

std::string ProjectModel::passedType(const PythonFunction &function, llvm::StringRef parameter,
                                     int depth) const {
  const std::string &key = function.key;
  auto position = llvm::find_if(function.parameters,
                                [&](const BindingRef &p) { return p.name == parameter; });
  if (position == function.parameters.end())
    return {};
  size_t index = position - function.parameters.begin();
  auto [begin, end] = callsOf.equal_range(key);
  for (auto it = begin; it != end; ++it) {
    const PythonCall &call = *it->second;
    size_t first = firstPassedParameter(function, call, callee(call).constructs);
    for (const PythonCallArgument &argument : call.arguments) {
      bool fills = argument.index >= 0 ? first + argument.index == index
                                       : argument.keyword == parameter;
      if (!fills || argument.path.root.name.empty())
        continue;
      ObjectPath passed = argument.path;
      // The caller's own parameter, passed on (`TimeTracker(player)` in a def taking
      // `player`): typed by the caller's callers in turn.
      if (passed.types.front().empty())
        if (const PythonFunction *caller = functionByKey(call.function))
          if (llvm::any_of(caller->parameters, [&](const BindingRef &p) {
                return p.bindingId == passed.root.bindingId;
              }))
            passed.types.front() = parameterType(caller->key, passed.root.name, depth + 1);
      resolvePath(passed, call.site.file, depth + 1);
      // What a call returned, named by the call only, is no type.
      if (const std::string &type = passed.types.back();
          !type.empty() && !llvm::StringRef(type).ends_with("()"))
        return type;
    }
  }
  return {};
}

std::string ProjectModel::resolve(const std::string &type, const std::string &file,
                                  int depth) const {
  if (type.empty() || isBindingId(type) || depth > MaxDepth)
    return type;
  std::optional<std::string> absolute = absolutize(type, file);
  if (!absolute)
    return type;
  if (std::optional<ModulePart> part = splitAtModule(*absolute))
    return resolveIn(part->file, part->name, part->rest, *absolute, depth);
  return *absolute;
}

std::optional<ProjectModel::ModulePart>
ProjectModel::splitAtModule(const std::string &absolute) const {
  llvm::SmallVector<llvm::StringRef, 8> parts;
  llvm::StringRef(absolute).split(parts, '.');
  // The longest prefix that is a module of the scan; the name after it is one it binds.
  for (size_t length = parts.size() - 1; length >= 1; --length) {
    auto module = files.find(llvm::join(llvm::ArrayRef(parts).take_front(length), "."));
    if (module == files.end() || module->second.empty())
      continue;
    return ModulePart{module->second, parts[length].str(),
                      llvm::join(llvm::ArrayRef(parts).drop_front(length + 1), ".")};
  }
  return std::nullopt;
}

std::string ProjectModel::attributeType(const std::string &classId, llvm::StringRef attribute,
                                        int depth) const {
  auto cls = classes.find(classId);
  if (cls == classes.end() || depth > MaxDepth)
    return {};
  // PyGObject's `obj.props.name` is the property `name` of obj (ObjectResolver.h).
  if (attribute == "props" && derivesFromGObject(classId, depth + 1) &&
      llvm::none_of(cls->second->attributes,
                    [](const PythonAttribute &a) { return a.name == "props"; }))
    return classId;
  for (const PythonAttribute &a : cls->second->attributes)
    if (a.name == attribute)
      return a.type.empty() ? chainType(a, cls->second->location.file, depth + 1)
                            : resolve(a.type, cls->second->location.file);
  for (const std::string &base : cls->second->bases)
    if (std::string type = attributeType(resolve(base, cls->second->location.file), attribute,
                                         depth + 1);
        !type.empty())
      return type;
  return {};
}

std::string ProjectModel::chainType(const PythonAttribute &attribute, const std::string &file,
                                    int depth) const {
  if (attribute.value.root.name.empty() || depth > MaxDepth)
    return {};
  ObjectPath value = attribute.value;
  if (value.types.front().empty() && !attribute.parameterOf.empty())
    value.types.front() = parameterType(attribute.parameterOf, value.root.name, depth + 1);
  resolvePath(value, file, depth + 1);
  const std::string &type = value.types.back();
  return llvm::StringRef(type).ends_with("()") ? std::string() : type;
}

bool ProjectModel::derivesFromGObject(const std::string &classId, int depth) const {
  auto cls = classes.find(classId);
  if (cls == classes.end() || depth > MaxDepth)
    return false;
  return llvm::any_of(cls->second->bases, [&](const std::string &base) {
    std::string resolved = resolve(base, cls->second->location.file);
    return isGObjectClass(resolved) || derivesFromGObject(resolved, depth + 1);
  });
}

void ProjectModel::resolvePath(ObjectPath &path, const std::string &file, int depth) const {
  std::vector<std::string> &types = path.types;
  for (size_t i = 0; i < types.size(); ++i) {
    llvm::StringRef step;
    if (i > 0 && i - 1 < path.attributes.size())
      step = path.attributes[i - 1];
    // A getter of a scanned class, which the file named by the class's import path: the
    // library's where no scanned class of its lineage defines it; a scanned method's returns
    // are known only to its own file.
    if (step.consume_back("()") && isBindingId(types[i - 1])) {
      if (!definesMethod(types[i - 1], step, depth))
        types[i] = libraryGetterType(types[i - 1], step, depth);
      else if (llvm::StringRef(types[i]).ends_with("()"))
        types[i].clear();
      else
        types[i] = resolve(types[i], file);
      continue;
    }
    types[i] = resolve(types[i], file);
    if (types[i].empty() && i > 0 && i - 1 < path.attributes.size() && isBindingId(types[i - 1]))
      types[i] = attributeType(types[i - 1], step, depth);
  }
}

bool ProjectModel::definesMethod(const std::string &classId, llvm::StringRef name,
                                 int depth) const {
  auto cls = classes.find(classId);
  if (cls == classes.end() || depth > MaxDepth)
    return false;
  if (llvm::is_contained(cls->second->methods, name))
    return true;
  return llvm::any_of(cls->second->bases, [&](const std::string &base) {
    return definesMethod(resolve(base, cls->second->location.file), name, depth + 1);
  });
}

// `view.get_selection()` on a scanned class that defines no such method, in itself or a
// scanned base: the library method of its one library base, named as the file-level stage
// names it ("gi.repository.Gtk.TreeView.get_selection()").
std::string ProjectModel::libraryGetterType(const std::string &classId, llvm::StringRef name,
                                            int depth) const {
  std::vector<std::string> libraries;
  collectLibraryBases(classId, libraries, depth);
  return libraries.size() == 1 ? libraries.front() + "." + name.str() + "()" : std::string();
}

void ProjectModel::collectLibraryBases(const std::string &classId,
                                       std::vector<std::string> &libraries, int depth) const {
  auto cls = classes.find(classId);
  if (cls == classes.end() || depth > MaxDepth)
    return;
  for (const std::string &base : cls->second->bases) {
    std::string resolved = resolve(base, cls->second->location.file);
    if (isBindingId(resolved))
      collectLibraryBases(resolved, libraries, depth + 1);
    else if (!resolved.empty() && resolved != "object" && resolved != "builtins.object" &&
             !llvm::StringRef(resolved).starts_with("typing.") &&
             !llvm::is_contained(libraries, resolved))
      libraries.push_back(resolved);
  }
}

const PythonFunction *ProjectModel::functionByKey(const std::string &key) const {
  auto it = functions.find(key);
  return it == functions.end() ? nullptr : it->second;
}

const PythonFunction *ProjectModel::function(const std::string &dotted,
                                             const std::string &file) const {
  const PythonModuleBinding *binding = bindingOf(dotted, file);
  if (!binding || binding->kind != "function")
    return nullptr;
  return functionByKey(binding->file + "::" + binding->name);
}

const PythonFunction *ProjectModel::method(const std::string &classId, llvm::StringRef name,
                                           int depth) const {
  if (const PythonFunction *own = functionByKey(classId + "." + name.str()))
    return own;
  auto cls = classes.find(classId);
  if (cls == classes.end() || depth > MaxDepth)
    return nullptr;
  for (const std::string &base : cls->second->bases)
    if (const PythonFunction *inherited =
            method(resolve(base, cls->second->location.file), name, depth + 1))
      return inherited;
  return nullptr;
}

const PythonModuleBinding *ProjectModel::bindingOf(const std::string &dotted,
                                                   const std::string &file, int depth) const {
  std::optional<std::string> absolute = absolutize(dotted, file);
  if (!absolute || depth > MaxDepth)
    return nullptr;
  std::optional<ModulePart> part = splitAtModule(*absolute);
  auto bound = part ? exports.find(part->file) : exports.end();
  if (bound == exports.end())
    return nullptr;
  auto it = bound->second.find(part->name);
  if (it == bound->second.end())
    return nullptr;
  const std::string &rest = part->rest;
  if (it->second->kind == "import")
    return bindingOf(rest.empty() ? it->second->target : it->second->target + "." + rest,
                     part->file, depth + 1);
  return rest.empty() ? it->second : nullptr;
}

void ProjectModel::addFile(const std::string &file) {
  if (file.empty() || moduleOf.count(file))
    return;
  std::string module = names.of(file);
  moduleOf[file] = module;
  isPackageFile[file] = llvm::StringRef(file).ends_with("__init__.py");
  // Two files of the scan with the same module name (two checkouts side by side): neither
  // is the one an import means, so the name resolves to nothing.
  auto [it, inserted] = files.try_emplace(module, file);
  if (!inserted && it->second != file)
    it->second.clear();
}

// `from ..a import b` in pkg/sub/m.py: "..a.b" -> "pkg.a.b". nullopt where the dots climb
// above the file's top-level package.
std::optional<std::string> ProjectModel::absolutize(const std::string &type,
                                                    const std::string &file) const {
  llvm::StringRef rest(type);
  size_t level = 0;
  while (rest.consume_front("."))
    ++level;
  if (level == 0)
    return type;
  auto module = moduleOf.find(file);
  if (module == moduleOf.end())
    return std::nullopt;
  llvm::SmallVector<llvm::StringRef, 8> package;
  llvm::StringRef(module->second).split(package, '.');
  auto packageFile = isPackageFile.find(file);
  bool isPackage = packageFile != isPackageFile.end() && packageFile->second;
  if (!isPackage && !package.empty())
    package.pop_back(); // a module's package is its parent; a package's own __init__ is it
  if (level - 1 > package.size())
    return std::nullopt;
  package.resize(package.size() - (level - 1));
  std::string absolute = llvm::join(package, ".");
  if (!rest.empty())
    absolute += (absolute.empty() ? "" : ".") + rest.str();
  return absolute;
}

// `name` as the module in `file` binds it, then `rest` of a dotted path below it.
std::string ProjectModel::resolveIn(const std::string &file, llvm::StringRef name,
                                    const std::string &rest, const std::string &absolute,
                                    int depth) const {
  auto module = exports.find(file);
  const PythonModuleBinding *binding = nullptr;
  if (module != exports.end())
    if (auto it = module->second.find(name); it != module->second.end())
      binding = it->second;
  if (!binding)
    return absolute; // a submodule the scan does not hold, or a name made at run time
  if (binding->kind == "import")
    return resolve(rest.empty() ? binding->target : binding->target + "." + rest, file,
                   depth + 1);
  // `view.get_selection()` on `view = RCMHintedTreeView()` of another module: where no
  // scanned class of its lineage defines the getter, its one library base's.
  if (llvm::StringRef getter = rest; binding->kind == "class" && getter.consume_back("()") &&
                                     !getter.contains('.') && !getter.empty() &&
                                     !definesMethod(binding->target, getter, depth))
    if (std::string library = libraryGetterType(binding->target, getter, depth); !library.empty())
      return library;
  if (!rest.empty())
    return absolute; // an attribute of a class or value: not a type the scan can name
  if (binding->kind == "class")
    return binding->target;
  return resolve(binding->target, file, depth + 1); // a function's returns, a value's type
}

namespace {

// Parameter binding id -> the def it is a parameter of (`self` aside): a receiver rooted at
// one is what the def's callers pass.
using ParameterOwners = std::map<std::string, const PythonFunction *>;

ParameterOwners parameterOwners(const FactSet &facts) {
  ParameterOwners owners;
  for (const PythonFunction &function : facts.pythonFunctions)
    for (size_t i = function.bindsSelf ? 1 : 0; i < function.parameters.size(); ++i)
      owners.emplace(function.parameters[i].bindingId, &function);
  return owners;
}

// Whether the class `classId` keeps, in an attribute, the parameter `parameter` of its def
// `function` as it came in (`def __init__(self, terminal): self.terminal = terminal`).
bool storesParameter(const FactSet &facts, const std::string &classId,
                     const std::string &function, llvm::StringRef parameter) {
  for (const PythonClass &cls : facts.pythonClasses)
    if (cls.bindingId == classId)
      return llvm::any_of(cls.attributes, [&](const PythonAttribute &a) {
        return a.parameterOf == function && a.value.root.name == parameter &&
               a.value.attributes.empty();
      });
  return false;
}

// A bound method of `self.titlebar` holds the titlebar, and so what the titlebar keeps of the
// arguments the same function gave it: `self.titlebar = Titlebar(self)` (its class's
// __init__ stores the argument) or `self.terminator.register_terminal(self)` (the method
// appends it to a list of its instance), in whichever module the class is.
// Calls by the binding their result goes to or their receiver starts from (`self` of
// `self.titlebar = Titlebar(self)`, of `self.registry.register(self)`).
using CallsByRoot = std::unordered_multimap<std::string, const PythonCall *>;

CallsByRoot callsByRoot(const FactSet &facts) {
  CallsByRoot calls;
  for (const PythonCall &call : facts.pythonCalls) {
    if (!call.result.root.bindingId.empty())
      calls.emplace(call.result.root.bindingId, &call);
    if (call.kind == "method" && call.receiver.root.bindingId != call.result.root.bindingId)
      calls.emplace(call.receiver.root.bindingId, &call);
  }
  return calls;
}

void addStoredArguments(const ProjectModel &project, const FactSet &facts,
                        const CallsByRoot &calls, CallbackRegistration &registration) {
  // A registration a helper makes is closed, if at all, where the helper keeps what it is
  // given (reported there once, CallSiteEvaluation's closesItself), not again here.
  if (!registration.through.empty())
    return;
  CaptureSet held;
  for (const Capture &capture : registration.captures) {
    if (capture.via != "bound-method" || capture.attributes.empty())
      continue;
    for (auto [it, end] = calls.equal_range(capture.binding.bindingId); it != end; ++it) {
      const PythonCall &call = *it->second;
      bool made = call.result.root.bindingId == capture.binding.bindingId &&
                  call.result.attributes == capture.attributes;
      bool called = call.kind == "method" &&
                    call.receiver.root.bindingId == capture.binding.bindingId &&
                    call.receiver.attributes == capture.attributes;
      if (!made && !called)
        continue;
      ProjectModel::Callee callee = project.callee(call);
      if (!callee.function || (made && !callee.constructs))
        continue;
      const PythonFunction &def = *callee.function;
      size_t first = ProjectModel::firstPassedParameter(def, call, callee.constructs);
      for (const PythonCallArgument &argument : call.arguments) {
        size_t index = first + argument.index;
        std::string parameter =
            argument.index >= 0 ? (index < def.parameters.size() ? def.parameters[index].name : "")
                                : argument.keyword;
        bool kept = !parameter.empty() &&
                    (llvm::is_contained(def.keptParameters, parameter) ||
                     (callee.constructs &&
                      storesParameter(facts, def.classBindingId, def.key, parameter)));
        if (argument.path.root.name.empty() || !kept)
          continue;
        held.push_back({argument.path.root, argument.path.attributes, capture.referencedAt,
                        "constructor-argument", capture.weak});
      }
    }
  }
  registration.captures.insert(registration.captures.end(), held.begin(), held.end());
}

void resolveReceiver(const ProjectModel &project, const ParameterOwners &parameters,
                     CallbackRegistration &registration) {
  ObjectPath &receiver = registration.receiver;
  if (!receiver.types.empty() && receiver.types.front().empty())
    if (auto owner = parameters.find(receiver.root.bindingId); owner != parameters.end())
      receiver.types.front() = project.parameterType(owner->second->key, receiver.root.name);
  project.resolvePath(registration.receiver, registration.site.file);
  if (registration.form == "constructor-call")
    registration.name = project.resolve(registration.name, registration.site.file);
}

} // namespace

void resolveAcrossFiles(FactSet &facts) {
  ProjectModel project(facts);
  std::vector<PythonClass> classes = facts.pythonClasses;
  for (PythonClass &cls : classes) {
    for (std::string &base : cls.bases)
      base = project.resolve(base, cls.location.file);
    for (PythonAttribute &attribute : cls.attributes)
      attribute.type = project.resolve(attribute.type, cls.location.file);
  }
  std::vector<CallbackRegistration> evaluated = evaluateAtCallSites(facts, project);
  facts.callbackRegistrations.insert(facts.callbackRegistrations.end(),
                                     std::make_move_iterator(evaluated.begin()),
                                     std::make_move_iterator(evaluated.end()));
  ParameterOwners parameters = parameterOwners(facts);
  CallsByRoot calls = callsByRoot(facts);
  for (CallbackRegistration &registration : facts.callbackRegistrations) {
    resolveReceiver(project, parameters, registration);
    addStoredArguments(project, facts, calls, registration);
  }
  // The model reads the classes as the files gave them; they change once it is done.
  facts.pythonClasses = std::move(classes);
}

} // namespace capcycle::python
