#include "common/sql/sql_bound.hpp"

#include <algorithm>

namespace ubaflow {

const char* sql_function_name(bound_function function) {
  switch (function) {
    case bound_function::logical_and: return "AND";
    case bound_function::logical_or: return "OR";
    case bound_function::logical_not: return "NOT";
    case bound_function::equal: return "=";
    case bound_function::not_equal: return "<>";
    case bound_function::less: return "<";
    case bound_function::less_equal: return "<=";
    case bound_function::greater: return ">";
    case bound_function::greater_equal: return ">=";
    case bound_function::add: return "+";
    case bound_function::subtract: return "-";
    case bound_function::multiply: return "*";
    case bound_function::divide: return "/";
    case bound_function::modulo: return "%";
    case bound_function::negate: return "NEGATE";
    case bound_function::concat: return "||";
    case bound_function::is_null: return "IS NULL";
    case bound_function::is_not_null: return "IS NOT NULL";
    case bound_function::in_list: return "IN";
    case bound_function::not_in_list: return "NOT IN";
    case bound_function::between: return "BETWEEN";
    case bound_function::not_between: return "NOT BETWEEN";
    case bound_function::like: return "LIKE";
    case bound_function::not_like: return "NOT LIKE";
    case bound_function::case_when: return "CASE";
    case bound_function::cast: return "CAST";
    case bound_function::try_cast: return "TRY_CAST";
    case bound_function::extract: return "EXTRACT";
    case bound_function::hour: return "HOUR";
    case bound_function::date_format: return "DATE_FORMAT";
    case bound_function::proctime: return "PROCTIME";
  }
  return "?";
}

std::string canonical_text(const bound_expression& e) {
  switch (e.kind) {
    case bound_expression_kind::literal:
      return e.literal == literal_kind::string ? "'" + e.text + "'" : e.text;
    case bound_expression_kind::interval:
      return "INTERVAL " + std::to_string(e.interval_ms) + "ms";
    case bound_expression_kind::column:
      return "$" + std::to_string(e.relation) + "." + std::to_string(e.column);
    case bound_expression_kind::group_key: return "$key" + std::to_string(e.index);
    case bound_expression_kind::aggregate: return "$agg" + std::to_string(e.index);
    case bound_expression_kind::window_bound:
      return e.bound == window_bound_kind::start ? "$window_start"
             : e.bound == window_bound_kind::end ? "$window_end"
                                                 : "$window_time";
    case bound_expression_kind::call: break;
  }
  std::string out = sql_function_name(e.function);
  if (e.function == bound_function::cast || e.function == bound_function::try_cast)
    out += "<" + to_string(e.type) + ">";
  if (e.function == bound_function::extract)
    out += std::string{"<"} + to_string(e.unit) + ">";
  out += "(";
  for (size_t i = 0; i < e.arguments.size(); ++i)
    out += (i > 0 ? ", " : "") + canonical_text(e.arguments[i]);
  return out + ")";
}

const char* to_string(aggregate_function function) {
  switch (function) {
    case aggregate_function::count_star: return "COUNT(*)";
    case aggregate_function::count: return "COUNT";
    case aggregate_function::count_distinct: return "COUNT(DISTINCT)";
    case aggregate_function::sum: return "SUM";
    case aggregate_function::min: return "MIN";
    case aggregate_function::max: return "MAX";
    case aggregate_function::avg: return "AVG";
  }
  return "?";
}

const bound_table* bound_script::find_table(const std::string& name) const {
  const auto found = std::find_if(tables.begin(), tables.end(),
                                  [&](const bound_table& t) { return t.name == name; });
  return found == tables.end() ? nullptr : &*found;
}

const bound_view* bound_script::find_view(const std::string& name) const {
  const auto found = std::find_if(views.begin(), views.end(),
                                  [&](const bound_view& v) { return v.name == name; });
  return found == views.end() ? nullptr : &*found;
}

} // namespace ubaflow
