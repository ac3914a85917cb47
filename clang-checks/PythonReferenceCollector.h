// PythonReference facts: data members that hold Python objects.
#pragma once

#include "FactLocation.h"
#include "facts/Facts.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"

#include <vector>

namespace capcycle {

// Matches every data member of a class or struct written by the user (not in system headers,
// nor in Python's or pybind11's own headers) whose type holds Python objects
// (PythonHeldTypes.h) and emits PythonReference{class, member, heldAs, container, owning, at
// the declaration}. `traversed`, and `owning` of std::function members, are filled in once all
// facts are known (BindingLinks.h). Members of class templates are taken from their
// instantiations. A PyObject* member declared as the type's weak reference list
// (`__weaklistoffset__` in a PyMemberDef table) is reported as not owning.
// A C-API object struct's members embedded by value (`BaseObject base;`) are its own, named
// "base.member" and located at the embedding member.
class PythonReferenceCollector : public clang::ast_matchers::MatchFinder::MatchCallback {
public:
  PythonReferenceCollector(TranslationUnitPaths paths, std::vector<PythonReference> &out)
      : paths(std::move(paths)), out(out) {}

  void registerMatchers(clang::ast_matchers::MatchFinder &finder);
  void run(const clang::ast_matchers::MatchFinder::MatchResult &result) override;
  void onEndOfTranslationUnit() override;

private:
  void recordMember(const clang::FieldDecl &field,
                    const clang::ast_matchers::MatchFinder::MatchResult &result);
  void recordWeakList(const clang::OffsetOfExpr &offset);
  // The references of a struct embedded by value, as members "field.member" of `owner`, at the
  // embedding field.
  void addEmbedded(const clang::RecordDecl &record, const std::string &owner,
                   const std::string &prefix, const SourceLocation &at,
                   const clang::ast_matchers::MatchFinder::MatchResult &result, int depth);
  void add(PythonReference reference);

  TranslationUnitPaths paths;
  std::vector<PythonReference> &out;
  // (class, member) named as the weak reference list head: `{"__weaklistoffset__",
  // T_PYSSIZET, offsetof(T, weakreflist), READONLY}`. CPython keeps weak references there,
  // which own nothing, so the member is not owning (and must not be visited).
  std::vector<std::pair<std::string, std::string>> weakLists;
};

} // namespace capcycle
