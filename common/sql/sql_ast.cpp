#include "common/sql/sql_ast.hpp"

namespace ubaflow {

const char* to_string(time_unit unit) {
  switch (unit) {
    case time_unit::second: return "SECOND";
    case time_unit::minute: return "MINUTE";
    case time_unit::hour: return "HOUR";
    case time_unit::day: return "DAY";
    case time_unit::month: return "MONTH";
    case time_unit::year: return "YEAR";
  }
  return "?";
}

const char* to_string(window_function_kind kind) {
  switch (kind) {
    case window_function_kind::tumble: return "TUMBLE";
    case window_function_kind::hop: return "HOP";
    case window_function_kind::cumulate: return "CUMULATE";
  }
  return "?";
}

const char* to_string(binary_operator op) {
  switch (op) {
    case binary_operator::logical_or: return "OR";
    case binary_operator::logical_and: return "AND";
    case binary_operator::equal: return "=";
    case binary_operator::not_equal: return "<>";
    case binary_operator::less: return "<";
    case binary_operator::less_equal: return "<=";
    case binary_operator::greater: return ">";
    case binary_operator::greater_equal: return ">=";
    case binary_operator::add: return "+";
    case binary_operator::subtract: return "-";
    case binary_operator::multiply: return "*";
    case binary_operator::divide: return "/";
    case binary_operator::modulo: return "%";
    case binary_operator::concat: return "||";
  }
  return "?";
}

const char* to_string(statement_kind kind) {
  switch (kind) {
    case statement_kind::create_table: return "CREATE TABLE";
    case statement_kind::create_view: return "CREATE VIEW";
    case statement_kind::insert: return "INSERT INTO";
    case statement_kind::statement_set: return "STATEMENT SET";
    case statement_kind::query: return "SELECT";
  }
  return "?";
}

} // namespace ubaflow
