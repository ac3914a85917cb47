// Facts about types written against the CPython C-API: static PyTypeObject definitions and
// PyType_Spec + PyType_Slot arrays (heap types).
#pragma once

#include "FactLocation.h"
#include "facts/Facts.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"

namespace capcycle {

struct TypeSlots;
class ObjectLayout;

// Matches every variable of type PyTypeObject or PyType_Spec with an initializer (designated
// or positional) and reads its slots (TypeSlots.h). A type whose tp_basicsize is
// `sizeof(Object)` and that has a tp_name "module.Name" yields:
//   BoundType{Object, "Name", "module", at the variable};
//   GcSupport{Object, "tp_traverse", Py_TPFLAGS_HAVE_GC set, tp_traverse, tp_clear, members of
//     Object passed to `visit`, members of Object tp_clear touches, at the traverse slot (or
//     the variable when there is none)} — always, so a C-API type without GC says so;
//   BoundMember{Object, name, "method"/"getset", function} per PyMethodDef/PyGetSetDef entry
//     (with the getset's setter), and BoundMember{Object, name, "readwrite"/"readonly", the
//     member} per PyMemberDef entry of an object type (T_OBJECT, T_OBJECT_EX) at `offsetof`;
//   NativeRelease facts of tp_dealloc (finalizer) and of each method.
//
// Not seen: slots assigned at run time (`Type.tp_traverse = f;` in PyInit_), types whose
// basicsize is not a sizeof, PyMemberDef entries of other types (ints, strings: no callable).
class CPythonTypeCollector : public clang::ast_matchers::MatchFinder::MatchCallback {
public:
  CPythonTypeCollector(TranslationUnitPaths paths, FactSet &out)
      : paths(std::move(paths)), out(out) {}

  void registerMatchers(clang::ast_matchers::MatchFinder &finder);
  void run(const clang::ast_matchers::MatchFinder::MatchResult &result) override;

private:
  void emitType(const TypeSlots &slots, const clang::VarDecl &variable,
                const clang::ast_matchers::MatchFinder::MatchResult &result);
  void emitGcSupport(const TypeSlots &slots, const clang::VarDecl &variable,
                     const std::string &cppType, const SourceLocation &typeLocation,
                     const clang::ast_matchers::MatchFinder::MatchResult &result);
  std::vector<LaterStore>
  storesAfterCreation(const TypeSlots &slots, const ObjectLayout &layout,
                      const clang::ast_matchers::MatchFinder::MatchResult &result) const;
  void emitTableMembers(const clang::VarDecl *table, llvm::StringRef kind,
                        const std::string &cppType,
                        const clang::ast_matchers::MatchFinder::MatchResult &result);
  void emitObjectMembers(const clang::VarDecl *table, const std::string &cppType,
                         const clang::ast_matchers::MatchFinder::MatchResult &result);

  TranslationUnitPaths paths;
  FactSet &out;
};

} // namespace capcycle
