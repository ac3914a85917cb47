// Who calls whom in one translation unit, read once: what a question about a function's
// callers ("what does every caller pass for this parameter?") needs.
#pragma once

#include "llvm/ADT/SmallPtrSet.h"

#include <map>
#include <vector>

namespace clang {
class ASTContext;
class CallExpr;
class FunctionDecl;
} // namespace clang

namespace capcycle {

// One call: the call and the function making it.
struct CallStep {
  const clang::CallExpr *call;
  const clang::FunctionDecl *caller;
};

class UnitCalls {
public:
  explicit UnitCalls(clang::ASTContext &context);

  // The direct calls of `function` in the unit's own functions.
  const std::vector<CallStep> &callsOf(const clang::FunctionDecl &function) const;
  // Whether the unit names `function` only as the callee of direct calls: its address is never
  // taken (a slot table, a function pointer), so those calls are all the unit's calls of it.
  bool calledOnlyDirectly(const clang::FunctionDecl &function) const;

private:
  std::map<const clang::FunctionDecl *, std::vector<CallStep>> calls;
  llvm::SmallPtrSet<const clang::FunctionDecl *, 32> addressTaken;
};

} // namespace capcycle
