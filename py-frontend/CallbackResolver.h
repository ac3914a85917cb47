// Which objects a callable passed as an argument keeps alive, for every form real code uses:
// a lambda, a nested `def` (also through other local defs it calls), a bound method
// (`self.on_text` holds `self`), `functools.partial(f, obj)`, an instance of a local class
// whose `__init__` stores an argument, and a closure returned by a local factory function
// (`make_handler(obj)`).
#pragma once

#include "ObjectResolver.h"

namespace capcycle::python {

struct ResolvedCallback {
  std::string name;
  std::string kind; // lambda | nested-function | bound-method | partial | instance | closure
  SourceLocation definition;
  CaptureSet captures;
};

class CallbackResolver {
public:
  CallbackResolver(const ScopeModel &model, const ObjectResolver &objects)
      : model(model), objects(objects) {}

  // nullopt when the expression is not a callable this file defines or builds.
  std::optional<ResolvedCallback> resolve(TSNode expression, int scope, int depth = 0) const;
  // Everything a lambda's or def's closure keeps alive, including what the local defs it
  // calls keep alive.
  CaptureSet capturesOf(int callable) const;

private:
  const ScopeModel &model;
  const ObjectResolver &objects;
  // capturesOf per callable scope: a handler connected at many sites is read once.
  mutable llvm::DenseMap<int, CaptureSet> capturesByCallable;

  std::optional<ResolvedCallback> resolveName(TSNode identifier, int scope, int depth) const;
  std::optional<ResolvedCallback> resolveBoundMethod(TSNode attribute, int scope, int depth) const;
  std::optional<ResolvedCallback> resolveCall(TSNode call, int scope, int depth,
                                              bool asCallable) const;
  std::optional<ResolvedCallback> resolvePartial(TSNode call, int scope, int depth) const;
  std::optional<ResolvedCallback> resolveInstance(TSNode call, int classScope, int scope) const;
  std::optional<ResolvedCallback> resolveFactory(TSNode call, int function, int scope) const;
  void addArgumentCapture(TSNode argument, int scope, const char *via, CaptureSet &out) const;
  bool mayInheritMethod(int classScope, llvm::StringRef name) const;
};


} // namespace capcycle::python
