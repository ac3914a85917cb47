// How clang-checks names C++ things in facts, so that facts from different collectors (and
// translation units) join by plain string equality.
#pragma once

#include "FactLocation.h"

#include <string>

namespace clang {
class ASTContext;
class ClassTemplateSpecializationDecl;
class FunctionDecl;
class QualType;
class RecordDecl;
class SourceManager;
class SourceLocation;
} // namespace clang

namespace capcycle {

// "speech::Transcriber"; a C struct is its tag name ("CallbackObject").
std::string recordName(const clang::RecordDecl &record);

// How facts name a class (their `cppType` keys): recordName, but a class template
// specialization with its arguments ("events::Signal<int>"), as boundClassOf names the class of
// a `py::class_<events::Signal<int>>`. (recordName stays the template's own name, which is
// what tells `std::function<...>` or `std::vector<...>` apart.)
std::string factTypeName(const clang::RecordDecl &record);

// The class a type names, through references, pointers, cv and aliases; nullptr for others.
const clang::RecordDecl *recordOf(clang::QualType type);

// The qualified function name ("speech::Transcriber::connect", "Callback_dealloc"), or
// "lambda at FILE:LINE:COL" for a lambda's call operator: lambdas have no name to join on. A
// constructor adds its canonical parameter types ("Timer::Timer(double, std::function<void
// ()>)"): overloads share a name.
std::string functionIdentity(const clang::FunctionDecl &function,
                             const clang::SourceManager &sources,
                             const TranslationUnitPaths &paths);

// T of pybind11::class_<T, holder, bases...>, fully qualified with aliases resolved.
std::string boundClassOf(const clang::ClassTemplateSpecializationDecl &pybindClass,
                         const clang::ASTContext &context);

// True in the headers of Python itself or of pybind11: their own structs hold PyObject*
// members and release things in destructors, which says nothing about the user's bindings.
// They are often included with -I (not as system headers), so the path decides.
bool isInBindingLibrary(clang::SourceLocation location, const clang::SourceManager &sources);

} // namespace capcycle
