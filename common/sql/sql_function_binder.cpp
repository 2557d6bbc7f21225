// Named functions: the aggregates (COUNT, SUM, MIN, MAX, AVG, with DISTINCT
// and FILTER where they apply) and the scalar functions of the subset
// (HOUR, DATE_FORMAT, PROCTIME). Window functions are in
// sql_window_binder.cpp. Any other name is refused with the nearest
// supported ones, so a typo never reads as "unsupported feature".

#include "common/sql/sql_bind_context.hpp"
#include "common/sql/sql_expression_binder.hpp"
#include "common/sql/sql_name_hints.hpp"
#include "common/sql/sql_print.hpp"

#include <algorithm>

namespace ubaflow {

namespace {

const std::vector<std::string>& supported_functions() {
  static const std::vector<std::string> names = {
    "COUNT",      "SUM",        "MIN",          "MAX",        "AVG",
    "HOUR",       "DATE_FORMAT", "PROCTIME",    "TUMBLE",     "HOP",
    "CUMULATE",   "TUMBLE_START", "TUMBLE_END", "HOP_START",  "HOP_END",
  };
  return names;
}

bool is_aggregate_name(const std::string& name) {
  return name == "COUNT" || name == "SUM" || name == "MIN" || name == "MAX" || name == "AVG";
}

void require_arguments(const sql_expression& e, const function_call& call,
                       const std::string& name, size_t count) {
  if (call.arguments.size() != count)
    bind_fail(e.position, name + " takes " + std::to_string(count) + " argument"
                            + (count == 1 ? "" : "s") + ", not "
                            + std::to_string(call.arguments.size()));
}

bool is_star(const sql_expression& e) {
  return std::holds_alternative<star_expression>(e.node);
}

std::string aggregate_key(const bound_aggregate& a) {
  std::string key = to_string(a.function);
  if (a.argument)
    key += "(" + canonical_text(*a.argument) + ")";
  if (a.filter)
    key += " FILTER " + canonical_text(*a.filter);
  return key;
}

std::string where_hint(const std::string& clause) {
  if (clause == "WHERE")
    return "count only some rows with FILTER (WHERE ...) or CASE inside the aggregate; "
           "filter aggregated rows in a query over a view";
  if (clause == "GROUP BY")
    return "group by columns; aggregate in the select list";
  return {};
}

data_type aggregate_type(aggregate_function f, const bound_expression& argument,
                         const sql_expression& source) {
  const data_type& t = argument.type;
  const std::string shown = print_expression(source).substr(0, 60);
  switch (f) {
    case aggregate_function::count_distinct:
      if (!is_integer(t.kind) && !is_character(t.kind))
        bind_fail(source.position,
                  "COUNT(DISTINCT ...) counts integers and strings exactly; " + shown
                    + " is " + to_string(t.plain()),
                  "CAST(" + shown + " AS STRING)");
      return data_type::of(data_type_kind::bigint, false);
    case aggregate_function::sum:
    case aggregate_function::avg: {
      if (!is_numeric(t.kind))
        bind_fail(source.position, std::string{to_string(f)} + " adds numbers; " + shown
                                     + " is " + to_string(t.plain()));
      // Flink keeps the input's type (SUM and AVG of INT are INT); DECIMAL
      // sums take all 38 digits, averages at least 6 fraction digits.
      if (t.kind != data_type_kind::decimal)
        return data_type::of(t.kind);
      const uint32_t scale = f == aggregate_function::avg ? std::max<uint32_t>(t.scale, 6)
                                                          : t.scale;
      return data_type::decimal(max_decimal_precision, scale);
    }
    case aggregate_function::min:
    case aggregate_function::max:
      if (t.kind == data_type_kind::interval || t.kind == data_type_kind::null)
        bind_fail(source.position, std::string{to_string(f)} + " needs comparable values; "
                                     + shown + " is " + to_string(t.plain()));
      return t.plain().with_nullable(true);
    default: return data_type::of(data_type_kind::bigint, false);
  }
}

bound_expression bind_aggregate(const sql_expression& e, const function_call& call,
                                const std::string& name, const expression_context& context) {
  if (context.inside_aggregate)
    bind_fail(e.position, "aggregates cannot be nested: " + name + " inside another aggregate");
  if (!context.aggregates)
    bind_fail(e.position, "aggregate " + name + " is not allowed in " + context.clause,
              where_hint(context.clause));
  expression_context inner = context;
  inner.inside_aggregate = true;
  bound_aggregate aggregate;
  aggregate.position = e.position;
  aggregate.text = print_expression(e);
  const bool star = call.arguments.size() == 1 && is_star(*call.arguments.front());
  if (star && name != "COUNT")
    bind_fail(e.position, "* is an argument of COUNT only, not of " + name);
  if (call.distinct && name != "COUNT")
    bind_fail(e.position, name + "(DISTINCT ...) is not supported",
              "COUNT(DISTINCT x) is the distinct aggregate ubaflow computes");
  if (name == "COUNT" && call.distinct && call.arguments.size() > 1)
    bind_fail(e.position, "COUNT(DISTINCT ...) of several columns is not supported",
              "COUNT(DISTINCT a || '|' || b) over one string");
  if (star) {
    aggregate.function = aggregate_function::count_star;
    aggregate.type = data_type::of(data_type_kind::bigint, false);
  } else {
    require_arguments(e, call, name, 1);
    aggregate.function = name == "COUNT" ? (call.distinct ? aggregate_function::count_distinct
                                                          : aggregate_function::count)
                         : name == "SUM" ? aggregate_function::sum
                         : name == "MIN" ? aggregate_function::min
                         : name == "MAX" ? aggregate_function::max
                                         : aggregate_function::avg;
    aggregate.argument = bind_expression(*call.arguments.front(), inner);
    aggregate.type = aggregate_type(aggregate.function, *aggregate.argument,
                                    *call.arguments.front());
  }
  if (call.filter) {
    inner.clause = "FILTER";
    aggregate.filter = bind_condition(*call.filter, inner);
  }
  auto& list = *context.aggregates;
  const std::string key = aggregate_key(aggregate);
  size_t index = 0;
  while (index < list.size() && aggregate_key(list[index]) != key)
    ++index;
  if (index == list.size())
    list.push_back(aggregate);
  bound_expression out;
  out.kind = bound_expression_kind::aggregate;
  out.index = static_cast<uint32_t>(index);
  out.type = aggregate.type;
  out.position = e.position;
  return out;
}

/// Java date pattern letters ubaflow formats: year, month, day, hour,
/// minute, second, millisecond; text in quotes is copied.
void check_date_pattern(const bound_expression& pattern, source_position at) {
  bool quoted = false;
  for (char c : pattern.text) {
    if (c == '\'')
      quoted = !quoted;
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (quoted || !letter)
      continue;
    if (std::string{"yMdHmsS"}.find(c) == std::string::npos)
      bind_fail(at, std::string{"DATE_FORMAT pattern letter '"} + c + "' is not supported",
                "ubaflow formats yyyy, MM, dd, HH, mm, ss and SSS");
  }
}

bound_expression make_call(bound_function function, data_type type, source_position at,
                           std::vector<bound_expression> arguments) {
  bound_expression out;
  out.kind = bound_expression_kind::call;
  out.function = function;
  out.type = type;
  out.position = at;
  out.arguments = std::move(arguments);
  return out;
}

bound_expression bind_scalar(const sql_expression& e, const function_call& call,
                             const std::string& name, const expression_context& context) {
  if (name == "PROCTIME") {
    require_arguments(e, call, name, 0);
    if (!context.computed_column)
      bind_fail(e.position, "PROCTIME() declares a processing-time column",
                "declare it in CREATE TABLE: proctime AS PROCTIME()");
    data_type type = data_type::timestamp(3, false, data_type_kind::timestamp_ltz);
    type.attribute = time_attribute::proctime;
    return make_call(bound_function::proctime, type, e.position, {});
  }
  if (name == "HOUR") {
    require_arguments(e, call, name, 1);
    auto argument = bind_expression(*call.arguments.front(), context);
    if (!is_timestamp(argument.type.kind))
      bind_fail(call.arguments.front()->position,
                "HOUR reads a TIMESTAMP, not " + to_string(argument.type.plain()));
    const data_type type = data_type::of(data_type_kind::bigint, argument.type.nullable);
    return make_call(bound_function::hour, type, e.position, {std::move(argument)});
  }
  // DATE_FORMAT(timestamp or string, pattern)
  require_arguments(e, call, name, 2);
  auto value = bind_expression(*call.arguments[0], context);
  auto pattern = bind_expression(*call.arguments[1], context);
  if (!is_timestamp(value.type.kind) && !is_character(value.type.kind))
    bind_fail(call.arguments[0]->position,
              "DATE_FORMAT formats a TIMESTAMP or a 'yyyy-MM-dd HH:mm:ss' string, not "
                + to_string(value.type.plain()));
  if (pattern.kind != bound_expression_kind::literal || pattern.literal != literal_kind::string)
    bind_fail(call.arguments[1]->position, "DATE_FORMAT's pattern must be a string literal",
              "DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm:ss')");
  check_date_pattern(pattern, call.arguments[1]->position);
  const data_type type = data_type::string(value.type.nullable);
  return make_call(bound_function::date_format, type, e.position,
                   {std::move(value), std::move(pattern)});
}

} // namespace

bound_expression bind_function_call(const sql_expression& e, const function_call& call,
                                    const expression_context& context) {
  const std::string name = ascii_upper(call.name.text);
  if (is_aggregate_name(name))
    return bind_aggregate(e, call, name, context);
  const auto& known = supported_functions();
  if (std::find(known.begin(), known.end(), name) == known.end())
    bind_fail(call.name.position,
              "function " + call.name.text + " is not supported" + did_you_mean(name, known),
              "ubaflow's functions are " + comma_list(known) + ", CAST, EXTRACT and CASE");
  if (call.filter)
    bind_fail(call.filter->position, "FILTER (WHERE ...) applies to aggregates, not to " + name);
  if (call.distinct)
    bind_fail(e.position, "DISTINCT applies to aggregates, not to " + name);
  if (name == "TUMBLE" || name == "HOP" || name == "CUMULATE" || name == "SESSION")
    bind_fail(e.position, name + "(...) groups rows into windows: it belongs in GROUP BY",
              "select the window's bounds with TUMBLE_START(...) and TUMBLE_END(...)");
  if (is_window_auxiliary(name))
    return bind_window_auxiliary(e, call, context);
  return bind_scalar(e, call, name, context); // PROCTIME, HOUR or DATE_FORMAT
}

} // namespace ubaflow
