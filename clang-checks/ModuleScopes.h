// Which pybind11 module a binding writes into, read inside one function: PYBIND11_MODULE's `m`,
// the module parameter of a binding function (`void bind_audio(py::module_ &m)`), a local made
// from one, or a `def_submodule("name")` of one. The module a binding function receives is
// known only from its callers (ModuleHandOff facts), which may be in other translation units,
// so a scope names the function whose parameter it starts from; BindingLinks.h finishes it.
#pragma once

#include "FactLocation.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace clang {
class Expr;
class QualType;
class SourceManager;
} // namespace clang

namespace capcycle {

struct ModuleScope {
  std::string function;  // functionIdentity of the function whose module parameter it is
  std::string submodule; // dotted path below that module: "" or "io" or "io.files"
};

// The scope an expression of a binding refers to; nullopt when it is not one of the forms above
// (a `py::class_` object as the scope of a nested class, a module from a call).
std::optional<ModuleScope> moduleScopeOf(const clang::Expr &expression,
                                         const clang::SourceManager &sources,
                                         const TranslationUnitPaths &paths);

// pybind11::module_, through references, cv and aliases (`py::module`).
bool isPybindModule(clang::QualType type);

// "speech" for "pybind11_init_speech", the body PYBIND11_MODULE(speech, m) defines.
std::optional<std::string> moduleDefinedBy(llvm::StringRef function);

// "speech" + "io" -> "speech.io".
std::string submoduleName(llvm::StringRef module, llvm::StringRef submodule);

} // namespace capcycle
