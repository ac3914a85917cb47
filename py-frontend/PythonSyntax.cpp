#include "PythonSyntax.h"

#include "llvm/ADT/STLExtras.h"

#include <cstring>

namespace capcycle::python {

namespace {
TSSymbol symbol(const char *name) {
  return ts_language_symbol_for_name(tree_sitter_python(), name, std::strlen(name), true);
}
TSFieldId field(const char *name) {
  return ts_language_field_id_for_name(tree_sitter_python(), name, std::strlen(name));
}
} // namespace

const NodeKinds &kinds() {
  static const NodeKinds k = {
      symbol("identifier"), symbol("function_definition"), symbol("lambda"),
      symbol("class_definition"), symbol("parameters"), symbol("lambda_parameters"),
      symbol("typed_parameter"), symbol("default_parameter"), symbol("typed_default_parameter"),
      symbol("list_splat_pattern"), symbol("dictionary_splat_pattern"), symbol("assignment"),
      symbol("augmented_assignment"), symbol("for_statement"), symbol("for_in_clause"),
      symbol("list_comprehension"), symbol("set_comprehension"),
      symbol("dictionary_comprehension"), symbol("generator_expression"), symbol("as_pattern"),
      symbol("import_statement"), symbol("import_from_statement"), symbol("aliased_import"),
      symbol("dotted_name"), symbol("global_statement"), symbol("nonlocal_statement"),
      symbol("named_expression"), symbol("attribute"), symbol("keyword_argument"),
      symbol("call"), symbol("except_clause"), symbol("pattern_list"), symbol("tuple_pattern"),
      symbol("list_pattern"), symbol("tuple"), symbol("list"), symbol("parenthesized_expression"),
      symbol("list_splat"), symbol("as_pattern_target"), symbol("expression_list"),
      symbol("argument_list"), symbol("comment"), symbol("none"), symbol("return_statement"),
      symbol("block"), symbol("expression_statement"), symbol("finally_clause"),
      symbol("try_statement"), symbol("with_statement"), symbol("await"), symbol("string"),
      symbol("subscript"), symbol("dictionary"), symbol("set"), symbol("pair"),
      symbol("decorated_definition"), symbol("decorator"),
  };
  return k;
}

const FieldIds &fields() {
  static const FieldIds f = {
      field("name"),      field("parameters"), field("body"),     field("value"),
      field("type"),      field("left"),       field("right"),    field("function"),
      field("arguments"), field("object"),     field("attribute"), field("alias"),
      field("return_type"), field("superclasses"), field("module_name"),
      field("key"),       field("subscript"), field("definition"),
  };
  return f;
}

bool isLiteral(TSNode node) {
  static const TSSymbol literals[] = {
      symbol("string"), symbol("concatenated_string"), symbol("integer"), symbol("float"),
      symbol("true"),   symbol("false"),               symbol("none"),    symbol("ellipsis"),
  };
  if (ts_node_is_null(node))
    return true;
  TSSymbol kind = ts_node_symbol(node);
  return llvm::is_contained(literals, kind);
}

} // namespace capcycle::python
