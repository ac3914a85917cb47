// The cross-file stage of the Python frontend: one model of every file of a scan, built once
// from the per-file facts (never from syntax), that resolves what each file leaves as a dotted
// name of another module of the scan. `from .audio import Recognizer; r = Recognizer()` types
// `r` as the scanned class; `self.rec = make_recognizer()` as what `make_recognizer` returns in
// its own module; `from .compat import QtCore` as whatever `compat` imports; an attribute a
// class inherits from a base in another module has the type that base's methods give it; and
// a registration inside a def whose receiver or callback is a parameter is evaluated at each
// call site of the def (CallSiteEvaluation.h).
#pragma once

#include "facts/Facts.h"
#include "project/ModuleNames.h"

#include "llvm/ADT/StringMap.h"

#include <map>
#include <optional>

namespace capcycle::python {

// A scanned class's binding id ("file::Name", "file:3:1:Name"), never a dotted import path.
inline bool isBindingId(llvm::StringRef type) { return type.contains(':'); }

class ProjectModel {
public:
  // Reads the facts' classes, module bindings and defs, which must outlive the model.
  explicit ProjectModel(const FactSet &facts);

  // The type a dotted name denotes, seen from `file`.
  std::string resolve(const std::string &type, const std::string &file, int depth = 0) const;
  // The type instances of a scanned class hold in `attribute`: the class's own methods tell,
  // then its bases', in order.
  std::string attributeType(const std::string &classId, llvm::StringRef attribute,
                            int depth = 0) const;
  // Every type of `path` resolved, and an attribute's type taken from the scanned class before
  // it where the file could not tell.
  void resolvePath(ObjectPath &path, const std::string &file, int depth = 0) const;
  // The def a call of the scan reaches, and whether the call makes an instance
  // (`PauseOnSuspend(player)` reaches PauseOnSuspend.__init__, whose `self` is the new object).
  struct Callee {
    const PythonFunction *function = nullptr;
    bool constructs = false;
  };
  Callee callee(const PythonCall &call) const;
  // Index of the first of a def's parameters a call's positional arguments fill (after the
  // `self` a method call or a constructor call binds).
  static size_t firstPassedParameter(const PythonFunction &function, const PythonCall &call,
                                     bool constructs);
  // The def a dotted name denotes from `file` (`util.connect_obj`), or nullptr.
  const PythonFunction *function(const std::string &dotted, const std::string &file) const;
  // The def with this key (PythonFunction::key), or nullptr.
  const PythonFunction *functionByKey(const std::string &key) const;
  // The method `name` instances of the scanned class get: its own, else its bases', in order.
  const PythonFunction *method(const std::string &classId, llvm::StringRef name,
                               int depth = 0) const;

  // The type a def's parameter has where its callers say: what the first call site that tells
  // passes for it.
  std::string parameterType(const std::string &function, llvm::StringRef parameter,
                            int depth = 0) const;

private:
  bool derivesFromGObject(const std::string &classId, int depth) const;
  // Whether the scanned class or a scanned base defines the method (PythonClass::methods).
  bool definesMethod(const std::string &classId, llvm::StringRef name, int depth) const;
  // What a getter step (`view.get_selection()`) of an instance of a scanned class returns
  // where no scanned class of its lineage defines the method.
  std::string libraryGetterType(const std::string &classId, llvm::StringRef name,
                                int depth) const;
  // The library classes (not classes of the scan) among a class's bases and theirs.
  void collectLibraryBases(const std::string &classId, std::vector<std::string> &libraries,
                           int depth) const;
  // The type of the chain an attribute stores (PythonAttribute::value), seen from `file`.
  std::string chainType(const PythonAttribute &attribute, const std::string &file,
                        int depth) const;
  std::string passedType(const PythonFunction &function, llvm::StringRef parameter,
                         int depth) const;
  // An absolute dotted name cut at the longest prefix that is a module of the scan: that
  // module's file, the name after it, and the rest ("pkg.audio.Recognizer.Event" ->
  // pkg/audio.py, "Recognizer", "Event").
  struct ModulePart {
    std::string file;
    std::string name;
    std::string rest;
  };
  std::optional<ModulePart> splitAtModule(const std::string &absolute) const;
  void addFile(const std::string &file);
  std::optional<std::string> absolutize(const std::string &type, const std::string &file) const;
  std::string resolveIn(const std::string &file, llvm::StringRef name, const std::string &rest,
                        const std::string &absolute, int depth) const;
  // The module binding a dotted name ends at, with the file that binds it.
  const PythonModuleBinding *bindingOf(const std::string &dotted, const std::string &file,
                                       int depth = 0) const;

  ModuleNames names;
  std::map<std::string, std::string> moduleOf; // file -> module
  std::map<std::string, bool> isPackageFile;
  llvm::StringMap<std::string> files;           // module -> file ("" when ambiguous)
  std::map<std::string, llvm::StringMap<const PythonModuleBinding *>> exports;
  std::map<std::string, const PythonClass *> classes;
  std::map<std::string, const PythonFunction *> functions; // by key
  std::multimap<std::string, const PythonCall *> callsOf;   // callee key -> calls
  // While callsOf is built, receivers are typed without it (a parameter's callers are not
  // known yet).
  bool indexingCalls = false;
  // parameterType, once per parameter: call sites fan out, and a parameter passed on through
  // a chain of defs would otherwise be typed again at every step. nullopt while in progress
  // (a parameter a call passes back to its own def is typed by the other callers).
  mutable std::map<std::string, std::optional<std::string>> parameterTypes;
};

// Rewrites, in place, the types the facts of all files name: the receivers' types of callback
// registrations (and a constructor call's class), and the classes' bases and attribute types;
// adds the registrations that parameterized registrations make at their call sites. A name no
// module of the scan defines (a library) is left as it is, relative imports made absolute.
void resolveAcrossFiles(FactSet &facts);

} // namespace capcycle::python
