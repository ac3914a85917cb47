// The fact model: the only contract between the frontends (py-frontend/, clang-checks/) and the
// rules. Facts are plain records with source locations; they say what the code *is* (a bound
// type, a signal connection and what its callback captures), never whether that is a bug.
// Depends on nothing but LLVM Support (for JSON). Everything else may depend on it.
#pragma once

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <compare>
#include <ostream>
#include <string>
#include <vector>

namespace capcycle {

// A file's path as locations carry it. Every location in a file names the same path and a
// scan makes millions of locations, so the text is interned, once per process and path: a
// FilePath is one pointer, copied and compared for equality without touching the text.
// Ordered by the text, as the path it stands for.
class FilePath {
public:
  FilePath() : text(&emptyPath()) {}
  FilePath(llvm::StringRef path); // interns: takes a lock, so make one per file, not per node
  FilePath(const std::string &path) : FilePath(llvm::StringRef(path)) {}
  FilePath(const char *path) : FilePath(llvm::StringRef(path)) {}

  const std::string &str() const { return *text; }
  operator const std::string &() const { return *text; }
  operator llvm::StringRef() const { return *text; }
  bool empty() const { return text->empty(); }
  const char *c_str() const { return text->c_str(); }
  size_t size() const { return text->size(); }

  friend bool operator==(const FilePath &a, const FilePath &b) { return a.text == b.text; }
  friend bool operator==(const FilePath &a, const std::string &b) { return *a.text == b; }
  friend bool operator==(const FilePath &a, const char *b) { return *a.text == b; }
  friend std::strong_ordering operator<=>(const FilePath &a, const FilePath &b) {
    return a.text == b.text ? std::strong_ordering::equal : a.text->compare(*b.text) <=> 0;
  }
  friend std::string operator+(const FilePath &a, const std::string &b) { return *a.text + b; }
  friend std::string operator+(const FilePath &a, const char *b) { return *a.text + b; }
  friend std::string operator+(const std::string &a, const FilePath &b) { return a + *b.text; }
  friend std::string operator+(const char *a, const FilePath &b) { return a + *b.text; }
  friend std::ostream &operator<<(std::ostream &out, const FilePath &p) { return out << *p.text; }
  friend llvm::raw_ostream &operator<<(llvm::raw_ostream &out, const FilePath &p) {
    return out << *p.text;
  }

private:
  static const std::string &emptyPath();
  const std::string *text;
};

// A source range; lines and columns are 1-based, endColumn is one past the last character
// (SARIF's convention), so a one-character token at column 5 has endColumn 6.
struct SourceLocation {
  FilePath file;
  unsigned line = 0;
  unsigned column = 0;
  unsigned endLine = 0;
  unsigned endColumn = 0;

  bool valid() const { return !file.empty() && line > 0; }
  friend bool operator==(const SourceLocation &, const SourceLocation &) = default;
};

// A name bound in one scope. Two references denote the same object binding exactly when their
// bindingIds are equal; the id is stable within one scan (file, scope start, name).
struct BindingRef {
  std::string name;
  std::string bindingId;
  SourceLocation definedAt; // first binding occurrence (assignment target, parameter, def ...)
  friend bool operator==(const BindingRef &, const BindingRef &) = default;
};

// An object reached from a binding through attributes: `self.recognizer` is the binding
// `self` and the attributes ["recognizer"]. The object owns everything further down its path.
struct ObjectPath {
  BindingRef root;
  std::vector<std::string> attributes;
  // types[i]: how the object after i attributes was made, where imports and constructor calls
  // tell: the qualified callee ("azure.cognitiveservices.speech.SpeechRecognizer"), a local
  // class's binding id, or empty. Always attributes.size() + 1 entries.
  std::vector<std::string> types;
  std::string text; // as written
  // The local the code wrote where the path names the object it stands for
  // (`sel = self.view.get_selection()`: written `sel`, standing for the first 2 attributes);
  // empty name when the path is as written. A callback that captures the local holds the
  // same object.
  BindingRef written = {};
  unsigned writtenAttributes = 0;
  friend bool operator==(const ObjectPath &, const ObjectPath &) = default;
};

// How a finding names the object after `attributes` steps of `path`: "self.view.props", and,
// past an element of a container (a "[]" step: `for w in self.widgets`), the local the loop
// binds it to, as the loop reads ("w.clicked in self.widgets").
std::string spellPath(const ObjectPath &path, size_t attributes);

// One object a callback keeps alive: a free variable of its body, a parameter default, the
// `self` of a bound method, an argument frozen by functools.partial, an argument a local class
// stores in `__init__`, or an argument a closure factory's inner function uses.
struct Capture {
  BindingRef binding;
  std::vector<std::string> attributes; // held object is binding.attributes... ([] = the binding)
  SourceLocation referencedAt;
  std::string via;   // free-variable | default-argument | bound-method | partial-argument |
                     // constructor-argument | factory-argument
  bool weak = false; // held only through weakref.ref / weakref.proxy / weakref.WeakMethod
  friend bool operator==(const Capture &, const Capture &) = default;
};

using CaptureSet = std::vector<Capture>;

// A call or statement that breaks the stored reference again, and runs on every path after a
// registration in the same function: in a `finally` block or unconditionally at the top level
// of the function body.
struct CycleBreaker {
  std::string kind;    // call | rebind-none | assign-none
  ObjectPath target;   // call: the called function `t.transcribed.disconnect_all`; rebind: `t`;
                       // assign-none: the attribute `client.on_message`
  SourceLocation location;
  unsigned arguments = 0; // call: how many arguments it is given (`sig.disconnect()`: none)
  friend bool operator==(const CycleBreaker &, const CycleBreaker &) = default;
};

// A statement in another method of the owner's class that undoes a registration on `self`'s
// attributes whenever that method runs (`self.bus.disconnect(self.bus_id)` in stop(),
// `self.timer = None` in close()); the rules decide, as for CycleBreaker, which really do.
struct LifecycleBreaker {
  std::string method;   // "Player.stop"
  CycleBreaker breaker; // its target rebased onto the registering method's `self`
  friend bool operator==(const LifecycleBreaker &, const LifecycleBreaker &) = default;
};

// Where a function hands an object of its own to another object that may keep it: a call
// (`self.group.add_action(action)`, `self.providers.append(provider)`) or a subscript store
// (`self.timers[name] = timer`). API models say which calls keep their argument
// (`holders:`): the holder then owns the object, as an object tree or a container does.
struct ObjectHolder {
  std::string form;   // call | subscript-assignment | property-assignment
  ObjectPath holder;  // `self.group`, `self.providers`, `self.timers`, `self.view` (of
                      // `self.view.props.factory = factory`)
  std::string name;   // call: the method ("add_action"); property-assignment: the property
                      // ("factory"); "" for a subscript store
  int argument = -1;  // call: the positional index the object is passed at
  SourceLocation location;
  friend bool operator==(const ObjectHolder &, const ObjectHolder &) = default;
};

// A callback handed to an object that may store it: `recv.sig.connect(cb)`,
// `recv.add_listener(cb)`, `recv.on_message = cb`, `Button(command=cb)`, ... The frontend
// records the shape; API models (rules/models) say whether and how that shape stores it.
struct CallbackRegistration {
  SourceLocation site;           // the call or assignment
  std::string form;              // call | constructor-call | assignment | augmented-assignment
  ObjectPath receiver;           // call: the object whose method is called (`t.transcribed`);
                                 // assignment: the object whose attribute is set; constructor
                                 // call: the target the new object is assigned to
  std::string name;              // method (call), attribute (assignment) or qualified class
                                 // (constructor-call) name
  int callbackArgument = -1;     // positional index of the callback, -1 for a keyword or statement
  std::string callbackKeyword;   // keyword carrying the callback, if any
  std::string callbackName;      // "on_transcribed", "<lambda>", "self.on_text", "partial(...)"
  std::string callbackKind;      // lambda | nested-function | bound-method | partial | instance | closure
  SourceLocation callbackDefinition;
  SourceLocation callbackArgumentLocation;
  CaptureSet captures;
  std::vector<CycleBreaker> breakers;
  // Made by the cross-file stage from a registration inside a function whose receiver,
  // callback or captures are its parameters, evaluated at a call site (then `site`): where the
  // function (and each function it hands them on to) registers the callback, innermost last.
  std::vector<SourceLocation> through = {};
  // Registrations on `self`'s attributes in a method: what other methods of the class undo.
  std::vector<LifecycleBreaker> lifecycleBreakers = {};
  // Where the function hands the receiver, a local of its own, to an object that may keep it,
  // before or after the registration: what may own the receiver when no capture does.
  std::vector<ObjectHolder> keptBy = {};
  friend bool operator==(const CallbackRegistration &, const CallbackRegistration &) = default;
};

// A def of the scanned Python, as calls in any file reach it.
struct PythonFunction {
  // "<class binding id>.<name>" for a method; the def's binding id otherwise ("file::name").
  std::string key;
  std::string name;
  std::string classBindingId; // "" outside a class
  bool bindsSelf = false;     // a method called through an instance: its first parameter is it
  std::vector<BindingRef> parameters; // in order, `self` included
  // Binding ids of the locals it returns (`action = QAction(...); ...; return action`): a
  // registration on one of them is on whatever each caller assigns the result to.
  std::vector<std::string> returned = {};
  SourceLocation location;
  // The parameters a method keeps on its instance as they came in: `self.terminal = terminal`,
  // `self.terminals.append(terminal)`, `self.handlers[view] = ...` (names, in order).
  std::vector<std::string> keptParameters = {};
  friend bool operator==(const PythonFunction &, const PythonFunction &) = default;
};

// A registration inside a def whose receiver, callback or a capture is one of the def's
// parameters (`def _wire(self, rec, cb): rec.recognized.connect(cb)`): what it registers
// depends on the caller, so the cross-file stage evaluates it at each call site.
struct ParameterizedRegistration {
  std::string function;              // PythonFunction::key
  CallbackRegistration registration; // captures and receiver may name the def's parameters
  std::string callbackParameter;     // the callback is this parameter ("" if resolved here)
  friend bool operator==(const ParameterizedRegistration &,
                         const ParameterizedRegistration &) = default;
};

// What a call passes in one argument: the object (a name or attribute chain) and, where the
// argument is a callable this file defines or builds, what it captures.
struct PythonCallArgument {
  int index = -1;      // positional index, -1 for a keyword argument
  std::string keyword;
  SourceLocation location;
  ObjectPath path;     // root.name empty where the argument is no name or attribute chain
  std::string callbackName;
  std::string callbackKind; // as CallbackRegistration::callbackKind; "" for no callable
  SourceLocation callbackDefinition;
  CaptureSet captures;
  friend bool operator==(const PythonCallArgument &, const PythonCallArgument &) = default;
};

// A call of a def that may be in the scan: `self.cnxids.new(self.vte, "key-press-event",
// self.on_keypress)`, `self._wire(self.rec)`, `connect_obj(view, "popup-menu", cb)`.
struct PythonCall {
  SourceLocation site;
  std::string function; // the enclosing def's PythonFunction::key, "" at module level
  std::string kind;     // method (on `receiver`) | function (`callee` is a key) | import |
                        // constructor (`callee` is a class of this file's binding id)
  ObjectPath receiver;  // method: the object the method is looked up on
  std::string callee;   // method: its name; function: a PythonFunction key; import: dotted path
  std::vector<PythonCallArgument> arguments;
  ObjectPath result = {}; // `self.action = f(...)`: where the result goes (root.name "" if nowhere)
  friend bool operator==(const PythonCall &, const PythonCall &) = default;
};

// A Python class whose `__del__` releases a native resource (a ctypes/cffi call, or a
// close/release/free/destroy-named call on a handle attribute).
struct FinalizerRelease {
  std::string className;
  std::string classBindingId;  // identity of the class, as in ObjectPath::types
  SourceLocation classLocation;
  SourceLocation releaseCall;  // the releasing call inside __del__
  std::string releaseText;     // e.g. "lib.recognizer_release(self._handle)"
  bool hasClose = false;       // a close/release/dispose/destroy method
  bool hasContextManager = false; // __exit__ (or __aexit__)
  friend bool operator==(const FinalizerRelease &, const FinalizerRelease &) = default;
};

// A method of a Python class of the scan that keeps one of its arguments on the instance:
// `def connect(self, cb): self._callbacks.append(cb)` — a pure-Python signal.
struct PythonCallableStore {
  std::string className;
  std::string classBindingId;            // as in ObjectPath::types
  std::string method;                    // "connect"
  int argument = 0;                      // positional index of the stored argument, after self
  std::string attribute;                 // "_callbacks"
  std::vector<std::string> classMethods; // every method the class defines (removal calls)
  SourceLocation location;               // the storing statement
  friend bool operator==(const PythonCallableStore &, const PythonCallableStore &) = default;
};

// What instances of a Python class hold in one attribute, as the class's own file tells:
// `self.rec = speechsdk.SpeechRecognizer(...)` in any method gives "rec" that type.
struct PythonAttribute {
  std::string name;
  std::string type; // as in ObjectPath::types
  // Where the class says so: the assignment that gives the type (`self.rec = Recognizer()`),
  // else the declaration (`rec: Recognizer`, a property's def). The first edge of a cycle
  // through the attribute is shown there, in whichever file the class is.
  SourceLocation location = {};
  // Where the file cannot tell the type but the value is a name or attribute chain
  // (`self._player = player`, `self._settings = application.props.settings`,
  // `self._model = self._coremodel.props.songs`): that chain, for the cross-file stage to
  // type through other modules' classes. When its root is a parameter of the assigning def,
  // `parameterOf` is that def's PythonFunction::key: the def's call sites say what it is
  // (`PauseOnSuspend(self._player)`).
  ObjectPath value = {};
  std::string parameterOf = {};
  friend bool operator==(const PythonAttribute &, const PythonAttribute &) = default;
};

// A class of the scanned Python with its bases: an instance of `class Window(QWidget)` is a
// QWidget for the API models. The cross-file stage (py-frontend/project/) resolves bases and
// attribute types named through other modules of the scan.
struct PythonClass {
  std::string name;
  std::string bindingId;          // as in ObjectPath::types
  std::vector<std::string> bases; // qualified import paths, or binding ids of scanned classes
  SourceLocation location;
  std::vector<PythonAttribute> attributes = {}; // the first assignment that tells, per attribute
  // The names its body defines with `def`, sorted: a method of the class, not its library
  // base's (`view.get_selection()` on a class that defines its own get_selection).
  std::vector<std::string> methods = {};
  friend bool operator==(const PythonClass &, const PythonClass &) = default;
};

// A name a Python module binds at its top level, as other modules of the scan import it: what
// the per-file model knows of it, for the cross-file stage to follow (`from .audio import
// Recognizer`, `from app import make_recognizer`).
struct PythonModuleBinding {
  std::string file;
  std::string name;
  std::string kind;   // class | function | import | value
  // class: its binding id; import: the dotted path imported, leading dots for a relative
  // import (`from ..a import b`: "..a.b"); function: the type its returns give; value: the
  // type of the single value assigned. "" where the file cannot tell.
  std::string target;
  SourceLocation location;
  friend bool operator==(const PythonModuleBinding &, const PythonModuleBinding &) = default;
};

// A C++ type exposed to Python (pybind11 `py::class_<T>(m, "Name")`).
struct BoundType {
  std::string cppType;    // fully qualified, e.g. "speech::Transcriber"
  std::string pythonName; // "Transcriber"
  // The dotted module the name lives in: PYBIND11_MODULE(module, m), plus the names of
  // `def_submodule` calls. Empty while only a binding function is known (below), and after
  // linking when no module body hands its module to that function.
  std::string module;
  SourceLocation location;
  // When the class is bound in a function that receives the module (`void bind_audio(py::module_
  // &m)`): that function, and the submodule path below its module ("" for the module itself,
  // "io" for `m.def_submodule("io")`). ModuleHandOff facts name the modules it receives.
  std::string bindingFunction = {};
  std::string submodule = {};
  friend bool operator==(const BoundType &, const BoundType &) = default;
};

// A pybind11 module passed to a function that binds into it: `bind_audio(m)` in
// PYBIND11_MODULE(speech, m) — caller "pybind11_init_speech", callee "bind_audio" — or
// `bind_io(m.def_submodule("io"))` in a binding function (submodule "io"). Calls chain: the
// module a binding function receives is its callers' module plus the submodule path.
struct ModuleHandOff {
  std::string caller;    // qualified name; a module body is "pybind11_init_<module>"
  std::string callee;    // qualified name
  std::string submodule; // below the caller's module; "" for the module itself
  SourceLocation location; // the call
  friend bool operator==(const ModuleHandOff &, const ModuleHandOff &) = default;
};

// The C++ facts below are keyed by `cppType` (the fully qualified C++ class or C struct), so
// they join with BoundType, and through it with the Python side by (module, pythonName,
// attribute name). A C function or method is named by `cppFunction`: its qualified name, or
// "lambda at FILE:LINE:COL" for a lambda.

// A Python attribute of a bound type and the C++ that implements it: pybind11 `.def`,
// `.def_property*`, `.def_readonly/readwrite`, a PyMethodDef or PyGetSetDef table entry.
struct BoundMember {
  std::string cppType;
  std::string pythonName;         // the attribute: "connect", "recognized"
  std::string kind;               // "method" | "static-method" | "property" | "readonly" |
                                  // "readwrite" | "getset" | "constructor"
  std::string cppFunction;        // the method/getter ("" for a property without one); for
                                  // readonly/readwrite the member itself
  std::string returnedMember;     // a member of cppType the attribute returns by reference or
                                  // pointer (or exposes, for readonly/readwrite); else empty
  std::string returnedMemberType; // that member's class, fully qualified
  SourceLocation location;        // the Python name literal
  // For a property with a setter (`.def_property("on_done", getter, setter)`): the setter, as
  // cppFunction names functions. Python's `obj.on_done = cb` calls it.
  std::string setterFunction = {};
  // For a constructor (`.def(py::init<double, F>(), py::arg("interval"), py::arg("on_timeout"))`,
  // kind "constructor", pythonName "__init__"): the Python names of its arguments, in order;
  // "" for an argument without one.
  std::vector<std::string> argumentNames = {};
  friend bool operator==(const BoundMember &, const BoundMember &) = default;
};

// A data member that holds a Python object: PyObject*, pybind11::object and its subclasses,
// pybind11::handle (not owning), a std::function (owning once a Python callable is stored in
// it, see CallableStore), directly or inside a standard container or smart pointer.
struct PythonReference {
  std::string cppType;
  std::string member;
  std::string heldAs;    // "PyObject*", "pybind11::function", "pybind11::handle", "std::function"
  std::string container; // outermost wrapper: "std::vector", "std::map", ... or empty
  bool owning = false;   // keeps the Python object alive
  bool traversed = false; // visited by a GC traversal that runs (see clang-checks/BindingLinks.h)
  SourceLocation location; // the member declaration
  friend bool operator==(const PythonReference &, const PythonReference &) = default;
};

// How a bound type takes part in Python's cyclic GC: a C-API type's tp_flags/tp_traverse/
// tp_clear, or a pybind11 `py::custom_type_setup` that installs them. A C-API type always has
// one (possibly with no traverse); a pybind11 type only when it has a custom_type_setup.
// One way Python code can put a new object into a live instance: through `via` ("setter
// 'callback'", "writable member 'on_done'", "tp_init 'Timer_init'", "method 'connect'"), into
// `member` ("" where the scan cannot tell which member).
struct LaterStore {
  std::string via;
  std::string member;
  // "method 'connect' stores 'handler'"; "writable member 'on_done'" where the names agree.
  std::string describe() const {
    bool named = member.empty() || llvm::StringRef(via).ends_with("'" + member + "'");
    return named ? via : via + " stores '" + member + "'";
  }
  friend bool operator==(const LaterStore &, const LaterStore &) = default;
};

struct GcSupport {
  std::string cppType;
  std::string mechanism;        // "tp_traverse" | "custom_type_setup"
  bool gcFlag = false;          // Py_TPFLAGS_HAVE_GC: without it tp_traverse is never called
  std::string traverseFunction; // empty: none
  std::string clearFunction;    // empty: none
  std::vector<std::string> visitedMembers; // members passed to the visit callback; a member
                                           // of an embedded object as "Class::member"
  std::vector<std::string> clearedMembers; // members of cppType the clear function touches
  SourceLocation location;      // the traverse slot, or the type definition when there is none
  // Where Python code can hand the type new objects after it was created (C-API types). Empty:
  // the type only keeps what it was made from, so a cycle through it passes through some other
  // object that was changed later, and that object's tp_clear can break it (CPython's
  // "Supporting Cyclic Garbage Collection" convention).
  std::vector<LaterStore> storesAfterCreation;
  // tp_weaklistoffset's member: the list of weak references to the instance, owning nothing.
  std::string weakListMember;
  // Python code can subclass the type and instantiate the subclass (C-API: Py_TPFLAGS_BASETYPE
  // without Py_TPFLAGS_DISALLOW_INSTANTIATION); such instances can hold anything.
  bool subclassable = true;
  // Without Py_TPFLAGS_HAVE_GC but with a tp_traverse, and tp_new refuses the type itself (the
  // abstract-base idiom): every instance is of a heap subclass, which type_new makes GC-tracked
  // with a traverse that calls this one. Judged through those subclasses.
  bool onlySubclassesInstantiated = false;
  // No Python object ever refers to an instance: the unit allocates them itself and keeps them
  // only in C (clang-checks/PrivateInstances.h), so no cycle passes through one.
  bool instancesStayInC = false;
  // Whether the GC calls the traverse on the type's instances: PyType_IS_GC needs the flag.
  bool traverseRuns() const {
    return !traverseFunction.empty() && (gcFlag || onlySubclassesInstantiated);
  }
  friend bool operator==(const GcSupport &, const GcSupport &) = default;
};

// A function whose callable parameter is kept in a member: `cb_ = f`,
// `callbacks_.push_back(std::move(f))`, `map_[key] = f`, directly or through one call to a
// function of the same translation unit.
struct CallableStore {
  std::string cppType;     // the class owning the member
  std::string member;
  std::string cppFunction; // the function whose parameter is stored
  std::vector<std::string> pythonMethods; // Python attributes bound to cppFunction
  SourceLocation location; // the store (assignment or container insertion)
  int parameter = 0;       // which parameter of cppFunction is stored (0-based)
  friend bool operator==(const CallableStore &, const CallableStore &) = default;
};

// A bound attribute returns (a reference or pointer to) a member object whose class stores
// callables: `recognizer.recognized` is a signal owned by the recognizer.
struct SignalOwnership {
  std::string ownerType;
  std::string pythonAttribute;
  std::string member;
  std::string signalType;
  SourceLocation location; // the attribute's Python name literal
  friend bool operator==(const SignalOwnership &, const SignalOwnership &) = default;
};

// A native resource a member of cppType gives back: `delete h_`, `free(buf_)`,
// `engine_destroy(h_)`, `h_->close()`. In a finalizer (a destructor, tp_dealloc) or in another
// function; finalizer releases list the bound Python methods that reach the same release.
struct NativeRelease {
  std::string cppType;
  std::string member;
  std::string releaseCall;   // "delete", "free", "engine_destroy", "close" ...
  std::string releasedIn;    // the function the release is reached from
  bool finalizer = false;
  std::vector<std::string> explicitlyReleasedBy; // Python methods; empty: finalizer only
  SourceLocation location;   // the release, or the call in releasedIn that reaches it
  friend bool operator==(const NativeRelease &, const NativeRelease &) = default;
};

// What the code puts into, or takes out of, a C-API member holding a raw PyObject pointer:
// whether the member owns its referent, and whether that referent could ever lead back to the
// object. Facts of every unit are read together (a struct in a header is used by several).
struct MemberStore {
  std::string cppType; // the struct declaring the member
  std::string member;
  // "release": Py_DECREF / Py_XDECREF / Py_CLEAR / Py_XSETREF gives the old value back;
  // "new": a new reference is stored (Py_NewRef, an INCREF'd value, a call's result);
  // "borrowed": a pointer nobody INCREF'd (a parameter, PyTuple_GET_ITEM);
  // "atomic": an exact str, bytes, int, float or bool (PyUnicode_*, PyBytes_*, PyLong_* ...) or
  // a weak reference without callback, which holds no strong reference and so cannot be part
  // of a cycle; "pinned": a new reference stored while the object takes a reference to itself
  // that the code gives back only where it clears the member (a timer token alive until it
  // fires): the GC could never free the object meanwhile, so seeing the member changes nothing;
  // "none": the embedded copy of a struct member the unit provably never writes;
  // "rooted": an object a static variable of the unit keeps until the process ends (never
  // released), so a cycle through it is never garbage, whether the GC sees the member or not.
  std::string value;
  SourceLocation location; // the store or release
  // Set where the stored value is another member of the same object (`self->writenl =
  // self->readnl`): the store holds whatever kind of value that member holds.
  std::string copyOf;
  // Set where `value` follows what the unit's calls of the storing function pass, and that
  // function may be called from other units too: its name. Where another unit of the scan calls
  // it (ExternalCall), the store holds `valueIfCalledElsewhere` instead (BindingLinks.h).
  std::string onlyCalledHere = {};
  std::string valueIfCalledElsewhere = {};
  friend bool operator==(const MemberStore &, const MemberStore &) = default;
};

// A call of (or another reference to, such as a function pointer) a function of the scanned code
// that this unit does not define (it is declared in a header of the project, outside Python's
// and pybind11's): what tells whether a function's calls in its own unit are all its calls in
// the scan.
struct ExternalCall {
  std::string callee; // qualified name
  SourceLocation location; // the first such call in the unit
  friend bool operator==(const ExternalCall &, const ExternalCall &) = default;
};

// Something a frontend could not analyse: a file it skipped or read only in part. Reported
// beside findings (SARIF toolExecutionNotifications), never a reason to stop the scan.
struct Notification {
  enum class Level { Note, Warning, Error };
  Level level = Level::Warning;
  std::string message;
  SourceLocation location; // at least the file; line 0 when the whole file is concerned
  friend bool operator==(const Notification &, const Notification &) = default;
};

struct FactSet {
  std::vector<CallbackRegistration> callbackRegistrations;
  std::vector<FinalizerRelease> finalizerReleases;
  std::vector<PythonCallableStore> pythonCallableStores;
  std::vector<PythonClass> pythonClasses;
  std::vector<PythonModuleBinding> pythonModuleBindings;
  std::vector<PythonFunction> pythonFunctions;
  std::vector<ParameterizedRegistration> parameterizedRegistrations;
  std::vector<PythonCall> pythonCalls;
  std::vector<BoundType> boundTypes;
  std::vector<ModuleHandOff> moduleHandOffs;
  std::vector<BoundMember> boundMembers;
  std::vector<PythonReference> pythonReferences;
  std::vector<GcSupport> gcSupport;
  std::vector<CallableStore> callableStores;
  std::vector<SignalOwnership> signalOwnerships;
  std::vector<NativeRelease> nativeReleases;
  std::vector<MemberStore> memberStores;
  std::vector<ExternalCall> externalCalls;
  std::vector<Notification> notifications;

  void append(FactSet &&other);
  friend bool operator==(const FactSet &, const FactSet &) = default;
};

const char *levelName(Notification::Level level);

// The version of the facts' shape and JSON form. Bump it when a fact gains, loses or renames a
// field, or when what a field means changes: facts stored by an earlier capcycle (the C++ facts
// cache, clang-checks/FactsCache.h) must then be extracted again, not read in the old shape.
inline constexpr unsigned FactsFormatVersion = 15;

// JSON round-trip (the format of `capcycle facts`).
llvm::json::Value toJSON(const SourceLocation &location);
llvm::json::Value toJSON(const BindingRef &binding);
llvm::json::Value toJSON(const ObjectPath &path);
llvm::json::Value toJSON(const Capture &capture);
llvm::json::Value toJSON(const CycleBreaker &breaker);
llvm::json::Value toJSON(const LifecycleBreaker &breaker);
llvm::json::Value toJSON(const ObjectHolder &holder);
llvm::json::Value toJSON(const CallbackRegistration &registration);
llvm::json::Value toJSON(const FinalizerRelease &release);
llvm::json::Value toJSON(const PythonCallableStore &store);
llvm::json::Value toJSON(const PythonClass &cls);
llvm::json::Value toJSON(const PythonAttribute &attribute);
llvm::json::Value toJSON(const PythonModuleBinding &binding);
llvm::json::Value toJSON(const PythonFunction &function);
llvm::json::Value toJSON(const ParameterizedRegistration &registration);
llvm::json::Value toJSON(const PythonCallArgument &argument);
llvm::json::Value toJSON(const PythonCall &call);
llvm::json::Value toJSON(const BoundType &type);
llvm::json::Value toJSON(const ModuleHandOff &handOff);
llvm::json::Value toJSON(const BoundMember &member);
llvm::json::Value toJSON(const PythonReference &reference);
llvm::json::Value toJSON(const GcSupport &gc);
llvm::json::Value toJSON(const CallableStore &store);
llvm::json::Value toJSON(const SignalOwnership &ownership);
llvm::json::Value toJSON(const NativeRelease &release);
llvm::json::Value toJSON(const MemberStore &store);
llvm::json::Value toJSON(const Notification &notification);
llvm::json::Value toJSON(const FactSet &facts);

bool fromJSON(const llvm::json::Value &value, FilePath &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, SourceLocation &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, BindingRef &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, ObjectPath &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, Capture &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, CycleBreaker &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, LifecycleBreaker &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, ObjectHolder &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, CallbackRegistration &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, FinalizerRelease &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, PythonCallableStore &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, PythonClass &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, PythonAttribute &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, PythonModuleBinding &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, PythonFunction &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, ParameterizedRegistration &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, PythonCallArgument &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, PythonCall &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, BoundType &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, ModuleHandOff &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, BoundMember &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, PythonReference &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, GcSupport &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, CallableStore &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, SignalOwnership &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, NativeRelease &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, MemberStore &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, Notification &out, llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, FactSet &out, llvm::json::Path path);

} // namespace capcycle
