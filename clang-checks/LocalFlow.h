// What a local pointer holds at one use, read from the structure of the function body rather
// than from a control-flow graph: the one assignment that reaches the use on every path, and
// what an earlier guard that returns proves the assigned value is not. Enough for the
// linked-list idiom real extensions use (a sentinel embedded in the object, `if (list is empty)
// return; link = head->next; link->key = ...`), and sound where it answers: any label, case,
// loop write or nested write of the local between the two makes it answer "unknown".
#pragma once

namespace clang {
class ASTContext;
class Expr;
class FieldDecl;
class Stmt;
class VarDecl;
} // namespace clang

namespace capcycle {

// The value of the assignment (or initialisation) of `local` that reaches `use` on every path
// through the function, or nullptr where the structure does not show one. `definition` is set
// to that assignment's statement.
const clang::Expr *reachingValue(const clang::VarDecl &local, const clang::Stmt &use,
                                 clang::ASTContext &context, const clang::Stmt **definition);

// Where `value` (a member read such as `self->root.next`) is assigned at `definition` after a
// guard `if (... || value == &obj->root) { ...; return ...; }` that dominates it, with nothing
// between them writing that member or handing its object to a call: the embedded struct member
// (`root`) whose address `value` is proven not to be. nullptr where nothing is proven.
const clang::FieldDecl *excludedAddress(const clang::Expr &value, const clang::Stmt &definition,
                                        clang::ASTContext &context);

} // namespace capcycle
