// Where a store through a helper's pointer parameter lands, call site by call site. Real
// extensions fill the structs embedded in their objects through helpers
// (`build_ttinfo(off, dst, abbr, &rv.dst)`, then `*out = rv` into `&self->tzrule_after`), and
// each call site hands the helper different values: a store `out->tzname = tzname` is a store
// of what *that* call passes, into the member *that* call points at, not into every embedded
// copy of the struct with the worst value any caller passes.
#pragma once

#include "UnitCalls.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace clang {
class ASTContext;
class FunctionDecl;
class ParmVarDecl;
class RecordDecl;
} // namespace clang

namespace capcycle {

// The member `offset` bits into the Python object struct `object` that a store through the
// helper's parameter reaches by the calls `steps` (the helper's own caller first).
struct OutParameterLanding {
  const clang::RecordDecl *object;
  uint64_t offset;
  std::vector<CallStep> steps;
};

// Every landing of a store `offsetInPointee` bits into what `helper`'s parameter `pointer`
// points to. The helper (and each function the parameter is handed in from) must be the unit's
// own, with internal linkage and only ever called directly; each call site must hand it:
//  - the address of a member of a Python object (`&self->rule`, `&self->rule.dst`): a landing;
//  - its own pointer parameter, or the address of a member of what that parameter points to:
//    followed into that function's call sites;
//  - the address of (a member of) a local struct that is then copied whole into what one of
//    the caller's pointer parameters points to (`*out = rv`) or into an object's member, and
//    is otherwise only read, written or handed by address to the unit's own functions (taken
//    to fill or read it, not to copy it elsewhere);
//  - an element of a heap array that a member only ever holds (`&self->items[i]`, with every
//    store into `items` an allocation or NULL): no landing, the store reaches no object.
// nullopt where some call site hands anything else: the caller must then count the store
// wherever the struct lies. Six calls deep at most. Built once per translation unit.
class OutParameterLandings {
public:
  OutParameterLandings(clang::ASTContext &context, const UnitCalls &unitCalls);
  ~OutParameterLandings();

  std::optional<std::vector<OutParameterLanding>>
  through(const clang::FunctionDecl &helper, const clang::ParmVarDecl &pointer,
          uint64_t offsetInPointee) const;

private:
  struct UnitStores;
  clang::ASTContext &context;
  const UnitCalls &unitCalls;
  std::unique_ptr<UnitStores> stores;
};

} // namespace capcycle
