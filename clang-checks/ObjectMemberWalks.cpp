#include "ObjectMemberWalks.h"

#include "CodeNames.h"
#include "FunctionBodyWalks.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/STLExtras.h"

#include <optional>
#include <set>
#include <tuple>

namespace capcycle {

ObjectLayout::ObjectLayout(const clang::RecordDecl &object, const clang::ASTContext &context)
    : context(context) {
  add(object, 0, "");
}

void ObjectLayout::add(const clang::RecordDecl &record, uint64_t base, const std::string &prefix) {
  const clang::RecordDecl *definition = record.getDefinition();
  if (!definition || definition->isInvalidDecl() || definition->isDependentType())
    return;
  for (const clang::FieldDecl *field : definition->fields()) {
    if (isInBindingLibrary(field->getLocation(), context.getSourceManager()))
      continue; // PyObject_HEAD's ob_refcnt and ob_type
    uint64_t offset = base + context.getFieldOffset(field);
    std::string name = field->getName().empty() ? prefix : prefix + field->getName().str();
    const clang::RecordDecl *embedded = field->getType().getCanonicalType()->getAsRecordDecl();
    if (embedded && !field->getType()->isPointerType()) {
      add(*embedded, offset, name.empty() ? name : name + ".");
      continue;
    }
    leaves.emplace(offset, Leaf{name, field}); // the first of a union's members wins
  }
}

std::string ObjectLayout::nameAt(uint64_t bitOffset) const {
  auto it = leaves.find(bitOffset);
  return it == leaves.end() ? std::string() : it->second.name;
}

const clang::FieldDecl *ObjectLayout::fieldAt(uint64_t bitOffset) const {
  auto it = leaves.find(bitOffset);
  return it == leaves.end() ? nullptr : it->second.field;
}

namespace {

// Without casts, and without the assertion CPython's cast macros put in front of the value
// (3.11's `_PyTuple_CAST(op)` is `(assert(PyTuple_Check(op)), (PyTupleObject *)(op))`).
const clang::Expr *plain(const clang::Expr *expr) {
  while (expr) {
    expr = expr->IgnoreParenCasts();
    const auto *comma = llvm::dyn_cast<clang::BinaryOperator>(expr);
    if (!comma || !comma->isCommaOp())
      return expr;
    expr = comma->getRHS();
  }
  return expr;
}

// Where an expression points or lies relative to the object being walked.
struct Place {
  enum Kind {
    Object,  // a pointer to the object's storage at `offset` (self, (Base *)self, &self->base)
    Storage, // the object's own storage at `offset` (self->x, self->base.x, *self)
    Through  // something reached through the member at `offset` (node->next, items[i])
  } kind;
  uint64_t offset;
};

class Walk {
public:
  Walk(const clang::ASTContext &context, ObjectMemberUse &use) : context(context), use(use) {}

  void function(const clang::FunctionDecl &function, unsigned objectParameter, uint64_t base,
                int visitParameter) {
    const clang::FunctionDecl *definition = function.getDefinition();
    if (!definition || !definition->hasBody() || objectParameter >= definition->getNumParams())
      return;
    auto key = std::make_tuple(definition->getCanonicalDecl(), objectParameter, base, visitParameter);
    if (!walked.insert(key).second)
      return; // walked already, or a recursion on the way
    Frame frame;
    frame.body = definition->getBody();
    frame.places[definition->getParamDecl(objectParameter)] = {Place::Object, base};
    if (visitParameter >= 0 && unsigned(visitParameter) < definition->getNumParams())
      frame.visit = definition->getParamDecl(visitParameter);
    forEachStmt(definition->getBody(), [&](const clang::Stmt &node) { step(node, frame); });
  }

private:
  struct Frame {
    std::map<const clang::VarDecl *, Place> places; // the object, its aliases, member walkers
    const clang::ParmVarDecl *visit = nullptr;
    const clang::Stmt *body = nullptr;
  };

  std::optional<Place> place(const clang::Expr *expr, const Frame &frame) const {
    expr = plain(expr);
    if (const auto *ref = llvm::dyn_cast_or_null<clang::DeclRefExpr>(expr)) {
      const auto *variable = llvm::dyn_cast<clang::VarDecl>(ref->getDecl());
      auto it = variable ? frame.places.find(variable) : frame.places.end();
      return it == frame.places.end() ? std::nullopt : std::optional<Place>(it->second);
    }
    if (const auto *member = llvm::dyn_cast_or_null<clang::MemberExpr>(expr)) {
      const auto *field = llvm::dyn_cast<clang::FieldDecl>(member->getMemberDecl());
      std::optional<Place> base = place(member->getBase(), frame);
      if (!field || !base)
        return std::nullopt;
      bool intoObject = member->isArrow() ? base->kind == Place::Object
                                          : base->kind == Place::Storage;
      if (!intoObject)
        return Place{Place::Through, base->offset};
      if (field->getParent()->isInvalidDecl() || !field->getParent()->getDefinition())
        return std::nullopt;
      return Place{Place::Storage, base->offset + context.getFieldOffset(field)};
    }
    if (const auto *unary = llvm::dyn_cast_or_null<clang::UnaryOperator>(expr)) {
      std::optional<Place> inner = place(unary->getSubExpr(), frame);
      if (!inner)
        return std::nullopt;
      if (unary->getOpcode() == clang::UO_AddrOf && inner->kind == Place::Storage)
        return Place{Place::Object, inner->offset};
      if (unary->getOpcode() == clang::UO_Deref && inner->kind == Place::Object)
        return Place{Place::Storage, inner->offset};
      return Place{Place::Through, inner->offset};
    }
    // A tagged pointer: _elementtree's JOIN_OBJ(p) is ((uintptr_t)(p) & ~(uintptr_t)1).
    if (const auto *arithmetic = llvm::dyn_cast_or_null<clang::BinaryOperator>(expr);
        arithmetic && (arithmetic->isBitwiseOp() || arithmetic->isAdditiveOp())) {
      std::optional<Place> tagged = place(arithmetic->getLHS(), frame);
      return tagged && tagged->kind != Place::Object
                 ? std::optional<Place>(Place{Place::Through, tagged->offset})
                 : std::nullopt;
    }
    if (const auto *subscript = llvm::dyn_cast_or_null<clang::ArraySubscriptExpr>(expr)) {
      std::optional<Place> array = place(subscript->getBase(), frame);
      return array ? std::optional<Place>(Place{Place::Through, array->offset}) : std::nullopt;
    }
    return std::nullopt;
  }

  static void addUnique(std::vector<uint64_t> &offsets, uint64_t offset) {
    if (!llvm::is_contained(offsets, offset))
      offsets.push_back(offset);
  }

  bool callsVisit(const clang::CallExpr &call, const Frame &frame) const {
    const clang::Expr *callee = plain(call.getCallee());
    while (const auto *unary = llvm::dyn_cast_or_null<clang::UnaryOperator>(callee))
      callee = plain(unary->getSubExpr()); // Cython: (*v)(...)
    const auto *ref = llvm::dyn_cast_or_null<clang::DeclRefExpr>(callee);
    return frame.visit && ref && ref->getDecl() == frame.visit;
  }

  // A function the object is handed to, that may visit, clear or store its members.
  static const clang::FunctionDecl *followedCallee(const clang::CallExpr &call,
                                                   const clang::SourceManager &sources) {
    const clang::FunctionDecl *callee = call.getDirectCallee();
    if (!callee || !callee->getDeclName().isIdentifier())
      return nullptr;
    const clang::FunctionDecl *definition = callee->getDefinition();
    // CPython's own inline functions (Py_INCREF, Py_TYPE) never touch a type's members.
    if (!definition || !definition->hasBody() ||
        isInBindingLibrary(definition->getLocation(), sources))
      return nullptr;
    return definition;
  }

  void call(const clang::CallExpr &call, const Frame &frame) {
    if (callsVisit(call, frame)) {
      for (const clang::Expr *argument : call.arguments()) {
        std::optional<Place> at = place(argument, frame);
        if (!at || at->kind == Place::Object)
          continue;
        addUnique(use.visited, at->offset);
        const auto *member = llvm::dyn_cast<clang::MemberExpr>(plain(argument));
        std::optional<Place> base = member ? place(member->getBase(), frame) : std::nullopt;
        if (base && base->kind == Place::Through && member->isArrow())
          if (const auto *field = llvm::dyn_cast<clang::FieldDecl>(member->getMemberDecl());
              field && !llvm::is_contained(use.visitedThrough, field))
            use.visitedThrough.push_back(field);
      }
      return;
    }
    const clang::FunctionDecl *callee = followedCallee(call, context.getSourceManager());
    if (!callee)
      return;
    int visitArgument = -1;
    for (unsigned i = 0; i < call.getNumArgs(); ++i)
      if (const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(plain(call.getArg(i)));
          ref && frame.visit && ref->getDecl() == frame.visit)
        visitArgument = int(i);
    for (unsigned i = 0; i < call.getNumArgs(); ++i)
      if (std::optional<Place> at = place(call.getArg(i), frame); at && at->kind == Place::Object)
        function(*callee, i, at->offset, visitArgument);
  }

  // `T *self = (T *)op;` is the object; `node = self->first` walks what the member holds.
  void bind(const clang::VarDecl &variable, const clang::Expr *value, Frame &frame) {
    if (!variable.hasLocalStorage() || !value || frame.places.count(&variable))
      return;
    std::optional<Place> at = place(value, frame);
    if (!at)
      return;
    if (at->kind == Place::Object && variable.getType()->isPointerType())
      frame.places[&variable] = *at;
    else if (variable.getType()->isPointerType())
      frame.places[&variable] = Place{Place::Through, at->offset};
  }

  void step(const clang::Stmt &node, Frame &frame) {
    if (const auto *declaration = llvm::dyn_cast<clang::DeclStmt>(&node)) {
      for (const clang::Decl *decl : declaration->decls())
        if (const auto *variable = llvm::dyn_cast<clang::VarDecl>(decl))
          bind(*variable, variable->getInit(), frame);
    } else if (const auto *assignment = llvm::dyn_cast<clang::BinaryOperator>(&node);
               assignment && assignment->getOpcode() == clang::BO_Assign) {
      assign(*assignment, frame);
    } else if (const auto *invocation = llvm::dyn_cast<clang::CallExpr>(&node)) {
      call(*invocation, frame);
    } else if (const auto *member = llvm::dyn_cast<clang::MemberExpr>(&node);
               member && (member->getType()->isPointerType() ||
                          !member->getType()->getAsRecordDecl())) {
      // `self->state` in `self->state.string` names no member itself: its leaves are named.
      if (std::optional<Place> at = place(member, frame); at && at->kind != Place::Object)
        addUnique(use.named, at->offset);
    } else if (const auto *loop = llvm::dyn_cast<clang::CXXForRangeStmt>(&node)) {
      bool visits = false;
      forEachStmt(loop->getBody(), [&](const clang::Stmt &inner) {
        if (const auto *c = llvm::dyn_cast<clang::CallExpr>(&inner))
          visits |= callsVisit(*c, frame);
      });
      if (std::optional<Place> at = place(loop->getRangeInit(), frame); visits && at)
        addUnique(use.visited, at->offset);
    }
  }

  void assign(const clang::BinaryOperator &assignment, Frame &frame) {
    const clang::Expr *target = plain(assignment.getLHS());
    if (const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(target)) {
      if (const auto *variable = llvm::dyn_cast<clang::VarDecl>(ref->getDecl()))
        if (variable->hasLocalStorage() && !llvm::isa<clang::ParmVarDecl>(variable))
          bind(*variable, assignment.getRHS(), frame);
      return;
    }
    std::optional<Place> at = place(target, frame);
    if (at && at->kind == Place::Storage && !isNullOrSingleton(assignment.getRHS(), context) &&
        !bringsNoNewObjects(assignment.getRHS(), frame))
      addUnique(use.assigned, at->offset);
  }

  // Whether a value stored into a member cannot put objects within the object's reach that
  // could close a cycle only tp_clear can break: a tuple or list the function builds from
  // items of the object's own members (itertools' __setstate__ rebuilding `result` from
  // `pools`), or an object argument parsing proved to be a list, dict or set (`"O!",
  // &PyList_Type, &saved`), whose own tp_clear breaks any cycle through it.
  bool bringsNoNewObjects(const clang::Expr *value, const Frame &frame) const {
    const clang::VarDecl *local = localNamed(value);
    if (!local)
      return false;
    std::vector<const clang::Expr *> values = valuesOf(*local, frame);

    if (parsedAsClearableContainer(*local, frame))
      return values.empty();
    if (values.empty() || !llvm::all_of(values, [](const clang::Expr *v) {
          const auto *call = llvm::dyn_cast<clang::CallExpr>(plain(v));
          llvm::StringRef name = call ? calleeName(*call) : "";
          return name == "PyTuple_New" || name == "PyList_New";
        }))
      return false;
    bool closed = true;
    forEachStmt(frame.body, [&](const clang::Stmt &node) {
      const auto *call = llvm::dyn_cast<clang::CallExpr>(&node);
      if (!closed || !call || !llvm::any_of(call->arguments(), [&](const clang::Expr *argument) {
            return localNamed(argument) == local;
          }))
        return;
      llvm::StringRef name = calleeName(*call);
      if ((name == "PyTuple_SET_ITEM" || name == "PyList_SET_ITEM") && call->getNumArgs() == 3 &&
          localNamed(call->getArg(0)) == local)
        closed = fromObject(call->getArg(2), frame, 0);
      else
        closed = name == "Py_DECREF" || name == "Py_XDECREF" || name == "_Py_DECREF" ||
                 name == "_Py_XDECREF" || name.ends_with("_GET_SIZE");
    });
    return closed;
  }

  // An item of one of the object's own members, or of an item of one (`PyTuple_GET_ITEM(pool,
  // i)` where `pool = PyTuple_GET_ITEM(lz->pools, i)`); never the object itself.
  bool fromObject(const clang::Expr *expr, const Frame &frame, int depth) const {
    expr = plain(expr);
    if (!expr || depth > 3)
      return false;
    if (std::optional<Place> at = place(expr, frame))
      return at->kind != Place::Object;
    if (const auto *call = llvm::dyn_cast<clang::CallExpr>(expr)) {
      llvm::StringRef name = calleeName(*call);
      return (name == "PyTuple_GET_ITEM" || name == "PyTuple_GetItem" ||
              name == "PyList_GET_ITEM" || name == "PyList_GetItem") &&
             call->getNumArgs() == 2 && fromObject(call->getArg(0), frame, depth + 1);
    }
    const clang::VarDecl *local = localNamed(expr);
    if (!local)
      return false;
    std::vector<const clang::Expr *> values = valuesOf(*local, frame);
    return !values.empty() && llvm::all_of(values, [&](const clang::Expr *v) {
      return fromObject(v, frame, depth + 1);
    });
  }

  bool parsedAsClearableContainer(const clang::VarDecl &local, const Frame &frame) const {
    bool parsed = false;
    forEachStmt(frame.body, [&](const clang::Stmt &node) {
      const auto *call = llvm::dyn_cast<clang::CallExpr>(&node);
      if (!call || !calleeName(*call).contains("PyArg_Parse"))
        return;
      for (unsigned i = 1; i < call->getNumArgs(); ++i) {
        const auto *address = llvm::dyn_cast<clang::UnaryOperator>(plain(call->getArg(i)));
        const auto *type = llvm::dyn_cast<clang::UnaryOperator>(plain(call->getArg(i - 1)));
        const clang::VarDecl *typeObject = type && type->getOpcode() == clang::UO_AddrOf
                                               ? localOrGlobalNamed(type->getSubExpr())
                                               : nullptr;
        parsed |= address && address->getOpcode() == clang::UO_AddrOf &&
                  localNamed(address->getSubExpr()) == &local && typeObject &&
                  typeObject->getDeclName().isIdentifier() &&
                  (typeObject->getName() == "PyList_Type" || typeObject->getName() == "PyDict_Type" ||
                   typeObject->getName() == "PySet_Type");
      }
    });
    return parsed;
  }

  // What a local is initialised with and assigned, NULL and singletons left out.
  std::vector<const clang::Expr *> valuesOf(const clang::VarDecl &local, const Frame &frame) const {
    std::vector<const clang::Expr *> values;
    if (local.getInit() && !isNullOrSingleton(local.getInit(), context))
      values.push_back(local.getInit());
    forEachStmt(frame.body, [&](const clang::Stmt &node) {
      const auto *assignment = llvm::dyn_cast<clang::BinaryOperator>(&node);
      if (assignment && assignment->getOpcode() == clang::BO_Assign &&
          localNamed(assignment->getLHS()) == &local &&
          !isNullOrSingleton(assignment->getRHS(), context))
        values.push_back(assignment->getRHS());
    });
    return values;
  }

  static const clang::VarDecl *localOrGlobalNamed(const clang::Expr *expr) {
    const auto *ref = llvm::dyn_cast_or_null<clang::DeclRefExpr>(plain(expr));
    return ref ? llvm::dyn_cast<clang::VarDecl>(ref->getDecl()) : nullptr;
  }

  static const clang::VarDecl *localNamed(const clang::Expr *expr) {
    const clang::VarDecl *variable = localOrGlobalNamed(expr);
    return variable && variable->hasLocalStorage() && !llvm::isa<clang::ParmVarDecl>(variable)
               ? variable
               : nullptr;
  }

  static llvm::StringRef calleeName(const clang::CallExpr &call) {
    const clang::FunctionDecl *callee = call.getDirectCallee();
    return callee && callee->getDeclName().isIdentifier() ? callee->getName() : "";
  }

  const clang::ASTContext &context;
  ObjectMemberUse &use;
  std::set<std::tuple<const clang::FunctionDecl *, unsigned, uint64_t, int>> walked;
};

} // namespace

ObjectMemberUse objectMemberUse(const clang::FunctionDecl &function, unsigned objectParameter,
                                int visitParameter, const clang::ASTContext &context) {
  ObjectMemberUse use;
  Walk(context, use).function(function, objectParameter, 0, visitParameter);
  return use;
}

} // namespace capcycle
