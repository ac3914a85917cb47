// Node kinds and fields of tree-sitter-python, resolved to ids once per process, so walks
// compare integers instead of strings. Also the few helpers every walk needs (text, location).
#pragma once

#include "facts/Facts.h"

#include "llvm/ADT/StringRef.h"

#include <tree_sitter/api.h>

extern "C" const TSLanguage *tree_sitter_python(void);

namespace capcycle::python {

struct NodeKinds {
  TSSymbol identifier, functionDefinition, lambda, classDefinition, parameters, lambdaParameters,
      typedParameter, defaultParameter, typedDefaultParameter, listSplatPattern,
      dictionarySplatPattern, assignment, augmentedAssignment, forStatement, forInClause,
      listComprehension, setComprehension, dictionaryComprehension, generatorExpression,
      asPattern, importStatement, importFromStatement, aliasedImport, dottedName,
      globalStatement, nonlocalStatement, namedExpression, attribute, keywordArgument, call,
      exceptClause, patternList, tuplePattern, listPattern, tuple, list, parenthesizedExpression,
      listSplat, asPatternTarget, expressionList, argumentList, comment, none, returnStatement,
      block, expressionStatement, finallyClause, tryStatement, withStatement, await, string,
      subscript, dictionary, set, pair, decoratedDefinition, decorator;
};

struct FieldIds {
  TSFieldId name, parameters, body, value, type, left, right, function, arguments, object,
      attributeName, alias, returnType, superclasses, moduleName, key, subscript, definition;
};

const NodeKinds &kinds();
const FieldIds &fields();

inline llvm::StringRef nodeText(TSNode node, llvm::StringRef source) {
  uint32_t begin = ts_node_start_byte(node), end = ts_node_end_byte(node);
  return source.substr(begin, end - begin);
}

// 1-based line and byte column; endColumn one past the last byte.
inline SourceLocation nodeLocation(TSNode node, const FilePath &file) {
  TSPoint start = ts_node_start_point(node), end = ts_node_end_point(node);
  return {file, start.row + 1, start.column + 1, end.row + 1, end.column + 1};
}

inline bool is(TSNode node, TSSymbol kind) {
  return !ts_node_is_null(node) && ts_node_symbol(node) == kind;
}

// A string, number, True/False/None or `...`: an expression that names no object of the
// program (and a null node).
bool isLiteral(TSNode node);

} // namespace capcycle::python
