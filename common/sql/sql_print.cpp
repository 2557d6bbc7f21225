#include "common/sql/sql_print.hpp"

#include "common/sql/sql_token_cursor.hpp"

namespace ubaflow {

namespace {

/// How tightly an expression binds, as the parser reads it
/// (sql_expression_parser.cpp): an operand binding less tightly than its
/// operator needs parentheses.
enum precedence : int {
  or_level = 1,
  and_level = 2,
  not_level = 3,
  predicate_level = 4, ///< comparisons, IS NULL, IN, LIKE, BETWEEN
  additive_level = 5,
  multiplicative_level = 6,
  sign_level = 7,
  primary_level = 8,
};

int precedence_of(const sql_expression& e) {
  if (auto binary = std::get_if<binary_expression>(&e.node)) {
    switch (binary->op) {
      case binary_operator::logical_or: return or_level;
      case binary_operator::logical_and: return and_level;
      case binary_operator::add:
      case binary_operator::subtract: return additive_level;
      case binary_operator::multiply:
      case binary_operator::divide:
      case binary_operator::modulo:
      case binary_operator::concat: return multiplicative_level;
      default: return predicate_level;
    }
  }
  if (auto unary = std::get_if<unary_expression>(&e.node))
    return unary->op == unary_operator::logical_not ? not_level : sign_level;
  if (std::holds_alternative<is_null_expression>(e.node)
      || std::holds_alternative<in_list_expression>(e.node)
      || std::holds_alternative<between_expression>(e.node)
      || std::holds_alternative<like_expression>(e.node))
    return predicate_level;
  return primary_level;
}

/// `e`, in parentheses if it binds less tightly than `at_least`.
std::string operand(const sql_expression& e, int at_least) {
  std::string text = print_expression(e);
  return precedence_of(e) < at_least ? "(" + text + ")" : text;
}

bool is_plain_word(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9'))
    return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

std::string upper(std::string_view word) {
  std::string out{word};
  for (char& c : out)
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::string quote_identifier_always(std::string_view name) {
  std::string out = "`";
  for (char c : name)
    out += c == '`' ? std::string{"``"} : std::string(1, c);
  return out + "`";
}

/// A function's name: upper case, unless it has to be quoted (a name the
/// parser would read as CAST(...) or EXTRACT(...) is quoted as well).
std::string function_name(std::string_view name) {
  const std::string word = upper(name);
  if (!is_plain_word(name) || is_reserved_word(name) || word == "TRY_CAST"
      || word == "EXTRACT")
    return quote_identifier_always(name);
  return word;
}

std::string join(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i)
    out += (i ? separator : "") + parts[i];
  return out;
}

std::string print_literal(const literal_expression& literal) {
  switch (literal.kind) {
    case literal_kind::integer:
    case literal_kind::decimal:
    case literal_kind::boolean: return literal.text;
    case literal_kind::string: return quote_string(literal.text);
    case literal_kind::null: return "NULL";
    case literal_kind::date: return "DATE " + quote_string(literal.text);
    case literal_kind::timestamp: return "TIMESTAMP " + quote_string(literal.text);
  }
  return {};
}

std::string print_call(const function_call& call) {
  std::vector<std::string> arguments;
  for (const auto& argument : call.arguments)
    arguments.push_back(print_expression(*argument));
  std::string out = function_name(call.name.text) + "("
                    + (call.distinct ? "DISTINCT " : "") + join(arguments, ", ")
                    + ")";
  if (call.filter)
    out += " FILTER (WHERE " + print_expression(*call.filter) + ")";
  return out;
}

std::string print_case(const case_expression& node) {
  std::string out = "CASE";
  if (node.operand)
    out += " " + print_expression(*node.operand);
  for (const auto& branch : node.branches)
    out += " WHEN " + print_expression(*branch.when) + " THEN "
           + print_expression(*branch.then);
  if (node.otherwise)
    out += " ELSE " + print_expression(*node.otherwise);
  return out + " END";
}

std::string print_unary(const unary_expression& node) {
  if (node.op == unary_operator::logical_not)
    return "NOT " + operand(*node.operand, not_level);
  // Two signs in a row are kept apart: "--" would start a comment.
  const bool sign_next = precedence_of(*node.operand) == sign_level;
  return std::string{node.op == unary_operator::negate ? "-" : "+"}
         + (sign_next ? " " : "") + operand(*node.operand, sign_level);
}

std::string print_table_reference(const table_reference& reference,
                                  const std::string& indent) {
  std::string out = std::visit(
    [&](const auto& source) -> std::string {
      using source_type = std::decay_t<decltype(source)>;
      if constexpr (std::is_same_v<source_type, named_table>) {
        return quote_identifier(source.name.text);
      } else if constexpr (std::is_same_v<source_type, derived_table>) {
        return "(\n" + indent + "  " + print_query(*source.query, indent + "  ")
               + "\n" + indent + ")";
      } else {
        std::string call = std::string{"TABLE("} + to_string(source.kind)
                           + "(TABLE " + quote_identifier(source.table.text)
                           + ", DESCRIPTOR(" + quote_identifier(source.time_column.text)
                           + ")";
        for (const auto* duration : {&source.step, &source.size, &source.offset})
          if (*duration)
            call += ", " + print_expression(**duration);
        return call + "))";
      }
    },
    reference.source);
  if (reference.system_time)
    out += " FOR SYSTEM_TIME AS OF " + print_expression(*reference.system_time);
  if (reference.alias)
    out += " AS " + quote_identifier(reference.alias->text);
  return out;
}

std::string print_select_block(const select_block& block, const std::string& indent) {
  std::vector<std::string> items;
  for (const auto& item : block.items)
    items.push_back(print_expression(*item.value)
                    + (item.alias ? " AS " + quote_identifier(item.alias->text) : ""));
  // A select list that would make a long line gets one item per line.
  constexpr size_t long_line = 80;
  const std::string line = "\n" + indent;
  std::string list = join(items, ", ");
  if (list.size() + indent.size() + 16 > long_line)
    list = line + "  " + join(items, ("," + line + "  ").c_str());
  std::string out = std::string{"SELECT"} + (block.distinct ? " DISTINCT" : "")
                    + (!list.empty() && list.front() == '\n' ? "" : " ") + list;
  if (block.from)
    out += line + "FROM " + print_table_reference(*block.from, indent);
  for (const auto& join_clause : block.joins)
    out += line + (join_clause.kind == join_kind::left ? "LEFT JOIN " : "JOIN ")
           + print_table_reference(join_clause.right, indent) + " ON "
           + print_expression(*join_clause.condition);
  if (block.where)
    out += line + "WHERE " + print_expression(*block.where);
  if (!block.group_by.empty()) {
    std::vector<std::string> keys;
    for (const auto& key : block.group_by)
      keys.push_back(print_expression(*key));
    out += line + "GROUP BY " + join(keys, ", ");
  }
  if (block.having)
    out += line + "HAVING " + print_expression(*block.having);
  return out;
}

std::string print_column(const column_definition& column) {
  std::string out = quote_identifier(column.name.text);
  if (column.computed)
    out += " AS " + print_expression(*column.computed);
  if (column.type)
    out += " " + print_type(*column.type);
  if (column.not_null)
    out += " NOT NULL";
  if (column.comment)
    out += " COMMENT " + quote_string(*column.comment);
  return out;
}

std::string print_create_table(const create_table_statement& table) {
  std::vector<std::string> elements;
  for (const auto& column : table.columns)
    elements.push_back(print_column(column));
  if (table.watermark)
    elements.push_back("WATERMARK FOR " + quote_identifier(table.watermark->column.text)
                       + " AS " + print_expression(*table.watermark->strategy));
  if (table.primary_key) {
    std::vector<std::string> columns;
    for (const auto& column : table.primary_key->columns)
      columns.push_back(quote_identifier(column.text));
    std::string key;
    if (table.primary_key->constraint_name)
      key = "CONSTRAINT " + quote_identifier(table.primary_key->constraint_name->text)
            + " ";
    elements.push_back(key + "PRIMARY KEY (" + join(columns, ", ") + ") NOT ENFORCED");
  }
  std::string out = std::string{"CREATE "} + (table.temporary ? "TEMPORARY " : "")
                    + "TABLE " + (table.if_not_exists ? "IF NOT EXISTS " : "")
                    + quote_identifier(table.name.text) + " (\n  "
                    + join(elements, ",\n  ") + "\n)";
  if (table.comment)
    out += " COMMENT " + quote_string(*table.comment);
  if (!table.options.empty()) {
    std::vector<std::string> options;
    for (const auto& option : table.options)
      options.push_back(quote_string(option.key) + " = " + quote_string(option.value));
    out += " WITH (\n  " + join(options, ",\n  ") + "\n)";
  }
  return out;
}

std::string print_insert(const insert_statement& insert) {
  std::string out = "INSERT INTO " + quote_identifier(insert.table.text);
  if (!insert.columns.empty()) {
    std::vector<std::string> columns;
    for (const auto& column : insert.columns)
      columns.push_back(quote_identifier(column.text));
    out += " (" + join(columns, ", ") + ")";
  }
  return out + "\n" + print_query(*insert.query);
}

} // namespace

std::string print_insert_statement(const insert_statement& insert) {
  return print_insert(insert);
}

std::string quote_identifier(std::string_view name) {
  if (is_plain_word(name) && !is_reserved_word(name))
    return std::string{name};
  return quote_identifier_always(name);
}

std::string quote_string(std::string_view text) {
  std::string out = "'";
  for (char c : text)
    out += c == '\'' ? std::string{"''"} : std::string(1, c);
  return out + "'";
}

std::string print_type(const sql_type& type) {
  auto with_length = [&](const char* name) {
    std::string out = name;
    if (type.precision) {
      out += "(" + std::to_string(*type.precision);
      if (type.scale)
        out += ", " + std::to_string(*type.scale);
      out += ")";
    }
    return out;
  };
  switch (type.name) {
    case sql_type_name::boolean: return "BOOLEAN";
    case sql_type_name::tinyint: return "TINYINT";
    case sql_type_name::smallint: return "SMALLINT";
    case sql_type_name::integer: return "INT";
    case sql_type_name::bigint: return "BIGINT";
    case sql_type_name::float_: return "FLOAT";
    case sql_type_name::double_: return "DOUBLE";
    case sql_type_name::decimal: return with_length("DECIMAL");
    case sql_type_name::string: return "STRING";
    case sql_type_name::varchar: return with_length("VARCHAR");
    case sql_type_name::char_: return with_length("CHAR");
    case sql_type_name::date: return "DATE";
    case sql_type_name::timestamp:
      return with_length("TIMESTAMP")
             + (type.local_time_zone ? " WITH LOCAL TIME ZONE" : "");
  }
  return {};
}

std::string print_expression(const sql_expression& e) {
  return std::visit(
    [&](const auto& node) -> std::string {
      using node_type = std::decay_t<decltype(node)>;
      if constexpr (std::is_same_v<node_type, literal_expression>) {
        return print_literal(node);
      } else if constexpr (std::is_same_v<node_type, column_reference>) {
        std::vector<std::string> parts;
        for (const auto& part : node.parts)
          parts.push_back(quote_identifier(part.text));
        return join(parts, ".");
      } else if constexpr (std::is_same_v<node_type, star_expression>) {
        return node.qualifier ? quote_identifier(node.qualifier->text) + ".*" : "*";
      } else if constexpr (std::is_same_v<node_type, interval_expression>) {
        return "INTERVAL " + quote_string(node.value) + " " + to_string(node.unit);
      } else if constexpr (std::is_same_v<node_type, function_call>) {
        return print_call(node);
      } else if constexpr (std::is_same_v<node_type, unary_expression>) {
        return print_unary(node);
      } else if constexpr (std::is_same_v<node_type, binary_expression>) {
        const int level = precedence_of(e);
        return operand(*node.left, level) + " " + to_string(node.op) + " "
               + operand(*node.right, level + 1);
      } else if constexpr (std::is_same_v<node_type, is_null_expression>) {
        return operand(*node.operand, predicate_level)
               + (node.negated ? " IS NOT NULL" : " IS NULL");
      } else if constexpr (std::is_same_v<node_type, in_list_expression>) {
        std::vector<std::string> values;
        for (const auto& value : node.values)
          values.push_back(print_expression(*value));
        return operand(*node.operand, predicate_level)
               + (node.negated ? " NOT IN (" : " IN (") + join(values, ", ") + ")";
      } else if constexpr (std::is_same_v<node_type, between_expression>) {
        return operand(*node.operand, predicate_level)
               + (node.negated ? " NOT BETWEEN " : " BETWEEN ")
               + operand(*node.low, additive_level) + " AND "
               + operand(*node.high, additive_level);
      } else if constexpr (std::is_same_v<node_type, like_expression>) {
        return operand(*node.operand, predicate_level)
               + (node.negated ? " NOT LIKE " : " LIKE ")
               + operand(*node.pattern, additive_level);
      } else if constexpr (std::is_same_v<node_type, case_expression>) {
        return print_case(node);
      } else if constexpr (std::is_same_v<node_type, cast_expression>) {
        return std::string{node.try_cast ? "TRY_CAST(" : "CAST("}
               + print_expression(*node.operand) + " AS " + print_type(node.type) + ")";
      } else {
        return std::string{"EXTRACT("} + to_string(node.unit) + " FROM "
               + print_expression(*node.operand) + ")";
      }
    },
    e.node);
}

std::string print_query(const sql_query& query, const std::string& indent) {
  std::string out;
  for (size_t i = 0; i < query.branches.size(); ++i) {
    if (i > 0)
      out += "\n" + indent + "UNION ALL\n" + indent;
    out += print_select_block(query.branches[i], indent);
  }
  if (!query.order_by.empty()) {
    std::vector<std::string> items;
    for (const auto& item : query.order_by)
      items.push_back(print_expression(*item.value) + (item.descending ? " DESC" : ""));
    out += "\n" + indent + "ORDER BY " + join(items, ", ");
  }
  if (query.limit)
    out += "\n" + indent + "LIMIT " + std::to_string(*query.limit);
  return out;
}

std::string print_statement(const sql_statement& statement) {
  return std::visit(
    [&](const auto& node) -> std::string {
      using node_type = std::decay_t<decltype(node)>;
      if constexpr (std::is_same_v<node_type, create_table_statement>) {
        return print_create_table(node);
      } else if constexpr (std::is_same_v<node_type, create_view_statement>) {
        return std::string{"CREATE "} + (node.temporary ? "TEMPORARY " : "") + "VIEW "
               + (node.if_not_exists ? "IF NOT EXISTS " : "")
               + quote_identifier(node.name.text) + " AS\n" + print_query(*node.query);
      } else if constexpr (std::is_same_v<node_type, insert_statement>) {
        return print_insert(node);
      } else if constexpr (std::is_same_v<node_type, statement_set>) {
        std::string out = "EXECUTE STATEMENT SET\nBEGIN\n";
        for (const auto& insert : node.inserts)
          out += print_insert(insert) + ";\n";
        return out + "END";
      } else {
        return print_query(*node.query);
      }
    },
    statement.node);
}

std::string print_script(const std::vector<sql_statement>& statements) {
  std::string out;
  for (size_t i = 0; i < statements.size(); ++i)
    out += (i ? "\n" : "") + print_statement(statements[i]) + ";\n";
  return out;
}

} // namespace ubaflow
