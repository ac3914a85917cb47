// MemberStore facts: what the code of a translation unit stores into raw PyObject-pointer
// members of C structs, and where it gives their references back. A `PyObject *` member owns
// its referent only if the code says so (an INCREF'd or new value stored, a DECREF of the old
// one); one only ever handed borrowed pointers is a borrowed link (functools' lru list, sqlite's
// cached exception types), and one only ever given exact str/bytes/int/float objects cannot
// lead back to its owner. The decision is made once all units' facts are joined
// (BindingLinks.h), since a struct in a header is written by several units.
#pragma once

#include "FactLocation.h"
#include "OutParameterStores.h"
#include "facts/Facts.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"

#include <memory>
#include <set>
#include <utility>
#include <vector>

namespace capcycle {

// Matches, in code outside system headers:
//   `obj->member = value` (also through Py_SETREF/Py_XSETREF, which expand to it): a store,
//     classified "new", "borrowed" or "atomic" by where `value` comes from (a call by its
//     name; a variable by its initializer, its assignments and whether the function INCREFs
//     it; Py_NewRef(x) by x); NULL and the singletons (Py_None, Py_True, ...) are no store;
//   Py_DECREF / Py_XDECREF of the member or of a local holding it (Py_CLEAR's temporary): a
//     "release";
//   `&obj->member` passed to a call: a store (the string resizers keep an exact str/bytes:
//     "atomic"; PyArg_Parse*: "borrowed" unless the function INCREFs the member; others
//     "new"), or taken into a local pointer (Python 3.12's Py_CLEAR): a "release";
//   calls of the project's functions that the unit does not define: ExternalCall facts.
// Only members whose type is a raw pointer to a Python object and that are not CPython's own
// (ob_type) are reported. Besides MemberStore's kinds, an embedded struct's member can be
// "none": the unit writes that member of the file's own struct only into objects it has just
// allocated, so the embedded copy is provably never written (onEndOfTranslationUnit).
class MemberStoreCollector : public clang::ast_matchers::MatchFinder::MatchCallback {
public:
  MemberStoreCollector(TranslationUnitPaths paths, std::vector<MemberStore> &out,
                       std::vector<ExternalCall> &externalCalls)
      : paths(std::move(paths)), out(out), externalCalls(externalCalls) {}

  void registerMatchers(clang::ast_matchers::MatchFinder &finder);
  void run(const clang::ast_matchers::MatchFinder::MatchResult &result) override;
  // A store into a member of a struct S is a store into every Python object struct whose
  // layout holds S: one that embeds S by value (functools' `lru_list_elem root`, zoneinfo's
  // `_ttinfo std`), or one the unit views through a cast to S (a common-prefix struct shared by
  // several types, as multibytecodec's stateful codec contexts). Those copies are added here,
  // named as the object struct's flattened member ("root.prev").
  void onEndOfTranslationUnit() override;

private:
  // What a store's value rests on where it follows the callers of a function other units may
  // call (MemberStore::onlyCalledHere).
  struct CallerAssumption {
    std::string onlyCalledHere;
    std::string valueIfCalledElsewhere;
  };
  // copyOf: the other member of the same object the stored value is a copy of, if any.
  void add(const clang::MemberExpr &member, std::string value, const clang::Stmt &at,
           const clang::ast_matchers::MatchFinder::MatchResult &result, std::string copyOf = "",
           CallerAssumption assumption = {});

  // Stores made while the object pins itself, where the unit drops the pin only with the
  // member: "pinned".
  void markSelfPinnedStores();

  // A call of (or any other reference to: a function pointer) a function of the project that
  // this unit does not define.
  void noteExternalCall(const clang::DeclRefExpr &reference,
                        const clang::ast_matchers::MatchFinder::MatchResult &result);

  TranslationUnitPaths paths;
  std::vector<MemberStore> &out;
  std::vector<ExternalCall> &externalCalls;
  const clang::ASTContext *context = nullptr;
  struct RecordedStore {
    const clang::FieldDecl *field;
    MemberStore store;
    bool intoFresh; // into an object the storing function allocated itself
    // An embedded struct member the store is proven not to write (LocalFlow.h).
    const clang::FieldDecl *excluded;
    bool pinsObject; // the storing function also INCREFs the object stored into (SelfPins.h)
    // `out->member = value` through a pointer parameter of a function of the unit (into a
    // struct that is not itself an object): placed call site by call site
    // (OutParameterStores.h). Null otherwise.
    const clang::FunctionDecl *function = nullptr;
    const clang::ParmVarDecl *throughParameter = nullptr;
    const clang::Expr *storedValue = nullptr;
  };
  // Adds the copies of a store through a pointer parameter to the members its call sites point
  // it at; false where some call site cannot be followed.
  bool placeThroughCallSites(const RecordedStore &recordedStore);
  std::vector<RecordedStore> recorded;
  std::unique_ptr<OutParameterLandings> landings; // built at the end of a unit that needs it
  // (S, T): a pointer to T is cast to a pointer to S.
  std::set<std::pair<const clang::RecordDecl *, const clang::RecordDecl *>> views;
  // Members given an empty dict, list or set made here: atomic if the unit keeps it private
  // and puts only atomic values in it.
  std::vector<const clang::FieldDecl *> freshContainers;
};

} // namespace capcycle
