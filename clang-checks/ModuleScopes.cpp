#include "ModuleScopes.h"

#include "CodeNames.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"

namespace capcycle {

namespace {
constexpr llvm::StringLiteral ModuleInitPrefix = "pybind11_init_";

// Steps over what the compiler adds between a module variable and its use: implicit casts,
// temporaries, parentheses, and the copy of a module into a `handle` or `module_` by value.
const clang::Expr *skipConversions(const clang::Expr *expression) {
  for (;;) {
    const clang::Expr *inner = expression->IgnoreImplicit()->IgnoreParens();
    if (const auto *construct = llvm::dyn_cast<clang::CXXConstructExpr>(inner);
        construct && construct->getNumArgs() >= 1 &&
        (construct->getConstructor()->isCopyOrMoveConstructor() ||
         construct->getConstructor()->isConvertingConstructor(false)))
      inner = construct->getArg(0);
    if (inner == expression)
      return expression;
    expression = inner;
  }
}

// `parent.def_submodule("name", ...)`: the parent expression and the name.
std::optional<std::pair<const clang::Expr *, std::string>>
submoduleCall(const clang::Expr &expression) {
  const auto *call = llvm::dyn_cast<clang::CXXMemberCallExpr>(&expression);
  if (!call || !call->getMethodDecl() || call->getMethodDecl()->getName() != "def_submodule" ||
      !isPybindModule(call->getObjectType()) || call->getNumArgs() < 1)
    return std::nullopt;
  const auto *name = llvm::dyn_cast<clang::StringLiteral>(call->getArg(0)->IgnoreParenImpCasts());
  if (!name || !(name->isOrdinary() || name->isUTF8()))
    return std::nullopt;
  return std::make_pair(call->getImplicitObjectArgument(), name->getString().str());
}
} // namespace

bool isPybindModule(clang::QualType type) {
  const clang::RecordDecl *record = recordOf(type);
  // recordOf also looks through pointers: a `module_ *` is no module expression here.
  return record && !type.getNonReferenceType()->isPointerType() &&
         recordName(*record) == "pybind11::module_";
}

std::optional<ModuleScope> moduleScopeOf(const clang::Expr &expression,
                                         const clang::SourceManager &sources,
                                         const TranslationUnitPaths &paths) {
  const clang::Expr *at = skipConversions(&expression);
  // A local of module type made from a scope, a submodule of one: a chain as long as the code
  // wrote it, bounded against a variable initialized from itself.
  std::string below;
  for (int step = 0; step < 32; ++step) {
    if (auto submodule = submoduleCall(*at)) {
      below = submoduleName(submodule->second, below);
      at = skipConversions(submodule->first);
      continue;
    }
    const auto *reference = llvm::dyn_cast<clang::DeclRefExpr>(at);
    if (!reference)
      return std::nullopt;
    if (const auto *parameter = llvm::dyn_cast<clang::ParmVarDecl>(reference->getDecl())) {
      // The parameter's own function, also when a lambda inside it captures the module.
      const auto *function =
          llvm::dyn_cast_or_null<clang::FunctionDecl>(parameter->getDeclContext());
      if (!function || !isPybindModule(parameter->getType()))
        return std::nullopt;
      return ModuleScope{functionIdentity(*function, sources, paths), below};
    }
    const auto *variable = llvm::dyn_cast<clang::VarDecl>(reference->getDecl());
    if (!variable || !variable->hasLocalStorage() || !variable->getInit() ||
        !isPybindModule(variable->getType()))
      return std::nullopt;
    at = skipConversions(variable->getInit());
  }
  return std::nullopt;
}

std::optional<std::string> moduleDefinedBy(llvm::StringRef function) {
  if (!function.consume_front(ModuleInitPrefix) || function.empty())
    return std::nullopt;
  return function.str();
}

std::string submoduleName(llvm::StringRef module, llvm::StringRef submodule) {
  if (module.empty())
    return submodule.str();
  if (submodule.empty())
    return module.str();
  return (module + "." + submodule).str();
}

} // namespace capcycle
