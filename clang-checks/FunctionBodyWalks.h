// Small intraprocedural walks over one function body, where AST matchers would need the
// function's own parameters as input. Shared by the collectors that ask the same question of
// different functions (a C-API tp_traverse and a pybind11 custom_type_setup traverse).
#pragma once

#include "clang/AST/ASTTypeTraits.h"
#include "clang/AST/Stmt.h"
#include "llvm/Support/Casting.h"

#include <functional>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class Expr;
class FieldDecl;
class LambdaExpr;
class FunctionDecl;
class ParmVarDecl;
class VarDecl;
} // namespace clang

namespace capcycle {

// The functions defined at file scope of the translation unit outside system headers: what a
// question about the whole unit ("is this type ever allocated directly?") has to read.
std::vector<const clang::FunctionDecl *> unitFunctionDefinitions(const clang::ASTContext &context);

// The variable an expression names, through parentheses and casts (`(PyObject *)v`), or nullptr.
const clang::VarDecl *variableNamed(const clang::Expr *expr);

// The node the expression `use` is part of, past parentheses and casts (`_PyObject_CAST(v)`);
// `child` is set to the last expression passed on the way up (a direct child of that node).
clang::DynTypedNode usingNode(const clang::Expr &use, const clang::ASTContext &context,
                              const clang::Expr *&child);

// Calls `visit` on `stmt` and every statement and expression below it, parents first.
void forEachStmt(const clang::Stmt *stmt, const std::function<void(const clang::Stmt &)> &visit);

// NULL, 0, an integer constant cast to a pointer (a sentinel), Py_None, Py_True, Py_False,
// Py_NotImplemented, Py_Ellipsis, or a new reference to one: a value that can hold no reference
// back to whatever stores it.
bool isNullOrSingleton(const clang::Expr *value, const clang::ASTContext &context);

// The first node of kind Node inside `stmt`, `stmt` included (depth first): the lambda a
// std::function or a function pointer is built from, the name literal in `py::arg("x")`.
template <typename Node> const Node *firstNodeIn(const clang::Stmt *stmt) {
  if (!stmt)
    return nullptr;
  if (const auto *node = llvm::dyn_cast<Node>(stmt))
    return node;
  for (const clang::Stmt *child : stmt->children())
    if (const Node *node = firstNodeIn<Node>(child))
      return node;
  return nullptr;
}

// Members passed to the `visit` callback (the second parameter of a traverse function), as
// Py_VISIT(self->cb) does, or iterated by a range-for whose body calls `visit` (a container of
// references visited element by element).
std::vector<const clang::FieldDecl *> fieldsVisitedByTraverse(const clang::FunctionDecl &traverse);

// Every member the body names: what a tp_clear function clears (Py_CLEAR(self->cb) expands to
// an assignment and a decref of the member).
std::vector<const clang::FieldDecl *> fieldsReferenced(const clang::FunctionDecl &function);

// For a function returning a reference or pointer: the member its first `return` hands out
// (`return recognized_;`, `return &self.recognized;`); nullptr otherwise.
const clang::FieldDecl *returnedMember(const clang::FunctionDecl &function);

// A member giving back a native resource.
struct ReleaseSite {
  const clang::FieldDecl *member = nullptr;
  std::string releaseCall;  // "delete", or the called function's or method's name
  const clang::Stmt *at = nullptr; // the release, or the call in `function` that reaches it
};

// Releases in `function` itself, and in the functions it calls that have a body in this
// translation unit (three calls deep): `delete h_`, `free(self->buf)`, `engine_destroy(h_)`,
// `file_->close()`. A release is a call whose name contains release, destroy, free or close
// (any case), with a member as argument or object, or a local alias made from a member (`int
// fd = self->fd; self->fd = -1; close(fd);`); CPython's own reference counting
// (Py*/_Py*) and methods of std:: classes (unique_ptr::release gives up ownership, it frees
// nothing) are not releases, nor are members that hold Python objects.
std::vector<ReleaseSite> releasesReachedFrom(const clang::FunctionDecl &function);

// A parameter kept in a member of a Python-holding type.
struct StoreSite {
  const clang::FieldDecl *member = nullptr;
  const clang::Stmt *at = nullptr; // the assignment or insertion
};

// Where `function` stores `parameter` — itself, a local holding it (`auto g = std::move(p)`) or
// a lambda capturing it (`auto w = [p](...) {...}`), not a value computed from it: `m = p`,
// `m = std::move(p)`, `m[key] = p`, a
// constructor's member initializer `m(std::move(p))`,
// `m.push_back(p)` / emplace_back / insert / emplace / push / push_front / insert_or_assign /
// try_emplace, into a member whose type holds Python objects (PythonHeldTypes.h); and, one
// level deep, where a function of this translation unit that receives `parameter` stores it,
// or a constructor it runs on it (`T(p)`, `new T(p)`, `std::make_unique<T>(p)`) — a factory
// passed to `py::init`.
std::vector<StoreSite> storesOfParameter(const clang::FunctionDecl &function,
                                         const clang::ParmVarDecl &parameter);

} // namespace capcycle
