// Which members of a C-API object struct a slot function reaches through its object
// parameter: what a tp_traverse visits, what a tp_clear clears, what a method stores. Real
// extension code rarely does it all in one function: a derived type's traverse calls its
// base's (`Base_traverse((BaseObject *)self, visit, arg)`), several types share a helper typed
// on a common-prefix struct, a derived struct embeds its base by value (`BaseObject base;`).
// So members are identified by where they lie in the object (their offset), not by the
// struct that declares them, and calls that hand the object on are followed.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class FieldDecl;
class FunctionDecl;
class RecordDecl;
} // namespace clang

namespace capcycle {

// The members of an object struct, flattened through structs embedded by value: "callback",
// or "base.callback" for a member of `BaseObject base;`. CPython's own header fields
// (ob_refcnt, ob_type) are left out.
class ObjectLayout {
public:
  ObjectLayout(const clang::RecordDecl &object, const clang::ASTContext &context);
  // The member whose storage starts `bitOffset` bits into the object; empty if none.
  std::string nameAt(uint64_t bitOffset) const;
  // The field declared there (for its type), or nullptr.
  const clang::FieldDecl *fieldAt(uint64_t bitOffset) const;

private:
  void add(const clang::RecordDecl &record, uint64_t base, const std::string &prefix);
  const clang::ASTContext &context;
  struct Leaf {
    std::string name;
    const clang::FieldDecl *field;
  };
  std::map<uint64_t, Leaf> leaves;
};

// What a function does with the members of the object its `objectParameter` points to.
struct ObjectMemberUse {
  std::vector<uint64_t> visited; // passed to the traverse's visit callback
  std::vector<uint64_t> named;   // named at all (what a clear function clears)
  // Assigned a value that is neither NULL nor Py_None: `self->cb = arg`, Py_XSETREF(self->x, v).
  std::vector<uint64_t> assigned;
  // Members of other objects the traverse visits in objects it reaches through its own members
  // (functools' lru_cache visits each `link->key` of the links it walks from `root`).
  std::vector<const clang::FieldDecl *> visitedThrough;
};

// Walks `function` with parameter `objectParameter` as the object and (for a traverse)
// `visitParameter` as the visit callback (-1: none). Locals made from the object (`T *self =
// (T *)op;`) are the object too; a local taken from a member (a linked list's `node =
// self->first`, walked with `node = node->next`) stands for that member. Calls that pass the
// object, a cast of it or an embedded part of it (`&self->base`) to a function with a body in
// the translation unit are followed, with the visit callback when it is passed along, to any
// depth; a function already on the way is not entered again, and each (function, parameter,
// offset) is walked once.
ObjectMemberUse objectMemberUse(const clang::FunctionDecl &function, unsigned objectParameter,
                                int visitParameter, const clang::ASTContext &context);

} // namespace capcycle
