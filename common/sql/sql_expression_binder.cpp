// Literals and operators: their types by Flink's rules (sql_data_type.hpp)
// and the messages when operands do not fit. Named functions are in
// sql_function_binder.cpp.

#include "common/sql/sql_expression_binder.hpp"

#include "common/sql/sql_bind_context.hpp"
#include "common/sql/sql_print.hpp"

#include <limits>

namespace ubaflow {

namespace {

/// The expression as the script wrote it, cut to stay readable.
std::string shown(const sql_expression& e) {
  std::string text = print_expression(e);
  if (text.size() > 60)
    text = text.substr(0, 57) + "...";
  return text;
}

bound_expression make_call(bound_function function, data_type type,
                           source_position position,
                           std::vector<bound_expression> arguments) {
  bound_expression out;
  out.kind = bound_expression_kind::call;
  out.function = function;
  out.type = type;
  out.position = position;
  out.arguments = std::move(arguments);
  return out;
}

bool any_nullable(const std::vector<bound_expression>& arguments) {
  for (const auto& a : arguments)
    if (a.type.nullable)
      return true;
  return false;
}

bool digits_only(const std::string& text, size_t from, size_t count) {
  if (from + count > text.size())
    return false;
  for (size_t i = from; i < from + count; ++i)
    if (text[i] < '0' || text[i] > '9')
      return false;
  return true;
}

int number_at(const std::string& text, size_t from, size_t count) {
  return std::stoi(text.substr(from, count));
}

/// yyyy-MM-dd with a real month and day (leap years aside: day <= 31).
bool valid_date(const std::string& text) {
  return text.size() >= 10 && digits_only(text, 0, 4) && text[4] == '-'
         && digits_only(text, 5, 2) && text[7] == '-' && digits_only(text, 8, 2)
         && number_at(text, 5, 2) >= 1 && number_at(text, 5, 2) <= 12
         && number_at(text, 8, 2) >= 1 && number_at(text, 8, 2) <= 31;
}

/// yyyy-MM-dd HH:mm:ss[.fraction]; the fraction's digits (0..9), or -1.
int timestamp_precision(const std::string& text) {
  if (!valid_date(text) || text.size() < 19 || text[10] != ' '
      || !digits_only(text, 11, 2) || text[13] != ':' || !digits_only(text, 14, 2)
      || text[16] != ':' || !digits_only(text, 17, 2) || number_at(text, 11, 2) > 23
      || number_at(text, 14, 2) > 59 || number_at(text, 17, 2) > 59)
    return -1;
  if (text.size() == 19)
    return 0;
  const size_t digits = text.size() - 20;
  if (text[19] != '.' || digits < 1 || digits > 9 || !digits_only(text, 20, digits))
    return -1;
  return static_cast<int>(digits);
}

uint32_t code_points(const std::string& text) {
  uint32_t n = 0;
  for (char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
      ++n;
  return n;
}

bound_expression bind_literal(const literal_expression& literal, source_position at) {
  bound_expression out;
  out.kind = bound_expression_kind::literal;
  out.literal = literal.kind;
  out.text = literal.text;
  out.position = at;
  out.type.nullable = false;
  switch (literal.kind) {
    case literal_kind::null: out.type = data_type::of(data_type_kind::null); break;
    case literal_kind::boolean: out.type.kind = data_type_kind::boolean; break;
    case literal_kind::string:
      out.type.kind = data_type_kind::char_;
      out.type.precision = code_points(literal.text);
      break;
    case literal_kind::integer: {
      std::string digits = literal.text;
      digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size() - 1));
      if (digits.size() > max_decimal_precision)
        bind_fail(at, "the number " + digits.substr(0, 40) + "... has more than 38 digits");
      if (digits.size() < 19 || (digits.size() == 19 && digits <= "9223372036854775807"))
        out.type.kind = std::stoll(digits) <= std::numeric_limits<int32_t>::max()
                          ? data_type_kind::integer
                          : data_type_kind::bigint;
      else
        out.type = data_type::decimal(static_cast<uint32_t>(digits.size()), 0, false);
      break;
    }
    case literal_kind::decimal: {
      const size_t point = literal.text.find('.');
      const uint32_t scale = static_cast<uint32_t>(literal.text.size() - point - 1);
      std::string whole = literal.text.substr(0, point);
      whole.erase(0, whole.find_first_not_of('0'));
      const uint32_t precision = static_cast<uint32_t>(whole.size()) + scale;
      if (precision > max_decimal_precision)
        bind_fail(at, "the number " + literal.text.substr(0, 40)
                        + " has more than 38 digits");
      out.type = data_type::decimal(std::max<uint32_t>(precision, 1), scale, false);
      break;
    }
    case literal_kind::date:
      if (!valid_date(literal.text) || literal.text.size() != 10)
        bind_fail(at, "DATE '" + literal.text.substr(0, 40) + "' is not a date",
                  "DATE '2017-11-25'");
      out.type.kind = data_type_kind::date;
      break;
    case literal_kind::timestamp: {
      const int precision = timestamp_precision(literal.text);
      if (precision < 0)
        bind_fail(at, "TIMESTAMP '" + literal.text.substr(0, 40) + "' is not a timestamp",
                  "TIMESTAMP '2017-11-25 08:00:00' or with .SSS");
      out.type = data_type::timestamp(static_cast<uint32_t>(precision), false);
      break;
    }
  }
  return out;
}

void require_boolean(const bound_expression& operand, const sql_expression& source,
                     const char* what) {
  const auto kind = operand.type.kind;
  if (kind != data_type_kind::boolean && kind != data_type_kind::null)
    bind_fail(source.position, std::string{what} + " needs a BOOLEAN, but "
                                 + shown(source) + " is " + to_string(operand.type));
}

void require_comparable(const bound_expression& a, const bound_expression& b,
                        const sql_expression& whole, const char* what) {
  if (!comparable(a.type, b.type))
    bind_fail(whole.position,
              std::string{"cannot "} + what + " " + to_string(a.type.plain()) + " with "
                + to_string(b.type.plain()) + " in " + shown(whole),
              "CAST one side to the other's type");
}

bound_function comparison_function(binary_operator op) {
  switch (op) {
    case binary_operator::equal: return bound_function::equal;
    case binary_operator::not_equal: return bound_function::not_equal;
    case binary_operator::less: return bound_function::less;
    case binary_operator::less_equal: return bound_function::less_equal;
    case binary_operator::greater: return bound_function::greater;
    default: return bound_function::greater_equal;
  }
}

bound_function arithmetic_function(binary_operator op) {
  switch (op) {
    case binary_operator::add: return bound_function::add;
    case binary_operator::subtract: return bound_function::subtract;
    case binary_operator::multiply: return bound_function::multiply;
    case binary_operator::divide: return bound_function::divide;
    default: return bound_function::modulo;
  }
}

bound_expression bind_binary(const sql_expression& e, const binary_expression& node,
                             const expression_context& context) {
  bound_expression left = bind_expression(*node.left, context);
  bound_expression right = bind_expression(*node.right, context);
  const bool nullable = left.type.nullable || right.type.nullable;
  const char* op_name = to_string(node.op);
  switch (node.op) {
    case binary_operator::logical_and:
    case binary_operator::logical_or: {
      require_boolean(left, *node.left, op_name);
      require_boolean(right, *node.right, op_name);
      const auto f = node.op == binary_operator::logical_and ? bound_function::logical_and
                                                            : bound_function::logical_or;
      return make_call(f, data_type::of(data_type_kind::boolean, nullable), e.position,
                       {std::move(left), std::move(right)});
    }
    case binary_operator::equal:
    case binary_operator::not_equal:
    case binary_operator::less:
    case binary_operator::less_equal:
    case binary_operator::greater:
    case binary_operator::greater_equal:
      require_comparable(left, right, e, "compare");
      return make_call(comparison_function(node.op),
                       data_type::of(data_type_kind::boolean, nullable), e.position,
                       {std::move(left), std::move(right)});
    case binary_operator::concat: {
      for (const auto* side : {&left, &right})
        if (!is_character(side->type.kind) && side->type.kind != data_type_kind::null)
          bind_fail(e.position, std::string{"|| concatenates strings, not "}
                                  + to_string(side->type.plain()) + " in " + shown(e),
                    "CAST(x AS STRING)");
      return make_call(bound_function::concat, data_type::string(nullable), e.position,
                       {std::move(left), std::move(right)});
    }
    default: break;
  }
  // + - * / %: numbers, or a timestamp moved by an interval.
  const bool shifts_time = (node.op == binary_operator::add
                            || node.op == binary_operator::subtract)
                           && is_timestamp(left.type.kind)
                           && right.type.kind == data_type_kind::interval;
  if (shifts_time) {
    const data_type type = left.type.plain();
    return make_call(arithmetic_function(node.op), type, e.position,
                     {std::move(left), std::move(right)});
  }
  const auto result = numeric_result(node.op, left.type, right.type);
  const bool integral_modulo
    = node.op != binary_operator::modulo
      || (is_integer(left.type.kind) && is_integer(right.type.kind));
  if (!result || !integral_modulo)
    bind_fail(e.position,
              std::string{"cannot apply "} + op_name + " to "
                + to_string(left.type.plain()) + " and " + to_string(right.type.plain())
                + " in " + shown(e),
              node.op == binary_operator::add && is_character(left.type.kind)
                ? "|| concatenates strings"
                : node.op == binary_operator::modulo
                    ? "% takes integers"
                    : "arithmetic takes numbers, and TIMESTAMP +/- INTERVAL");
  return make_call(arithmetic_function(node.op), *result, e.position,
                   {std::move(left), std::move(right)});
}

bound_expression bind_unary(const sql_expression& e, const unary_expression& node,
                            const expression_context& context) {
  bound_expression operand = bind_expression(*node.operand, context);
  if (node.op == unary_operator::logical_not) {
    require_boolean(operand, *node.operand, "NOT");
    const data_type type = data_type::of(data_type_kind::boolean, operand.type.nullable);
    return make_call(bound_function::logical_not, type, e.position, {std::move(operand)});
  }
  const auto kind = operand.type.kind;
  if (!is_numeric(kind) && kind != data_type_kind::interval)
    bind_fail(e.position, "a sign applies to numbers, not " + to_string(operand.type.plain())
                            + " in " + shown(e));
  if (node.op == unary_operator::plus)
    return operand;
  if (kind == data_type_kind::interval) {
    operand.interval_ms = -operand.interval_ms;
    operand.position = e.position;
    return operand;
  }
  const data_type type = operand.type.plain();
  return make_call(bound_function::negate, type, e.position, {std::move(operand)});
}

/// The common type of `values`, or a message naming the first that does
/// not fit.
data_type common_type_of(const std::vector<const bound_expression*>& values,
                         const std::vector<const sql_expression*>& sources,
                         const char* what) {
  data_type result = values.front()->type.plain();
  for (size_t i = 1; i < values.size(); ++i) {
    const auto next = common_type(result, values[i]->type);
    if (!next)
      bind_fail(sources[i]->position,
                std::string{what} + " mixes " + to_string(result) + " and "
                  + to_string(values[i]->type.plain()) + " (" + shown(*sources[i]) + ")",
                "CAST the values to one type");
    result = *next;
  }
  return result;
}

bound_expression bind_case(const sql_expression& e, const case_expression& node,
                           const expression_context& context) {
  std::optional<bound_expression> operand;
  if (node.operand)
    operand = bind_expression(*node.operand, context);
  std::vector<bound_expression> arguments;
  std::vector<const sql_expression*> result_sources;
  for (const auto& branch : node.branches) {
    if (operand) {
      bound_expression value = bind_expression(*branch.when, context);
      require_comparable(*operand, value, *branch.when, "compare the CASE operand");
      const data_type type = data_type::of(data_type_kind::boolean,
                                           operand->type.nullable || value.type.nullable);
      arguments.push_back(make_call(bound_function::equal, type, branch.when->position,
                                    {*operand, std::move(value)}));
    } else {
      arguments.push_back(bind_condition(*branch.when, context));
    }
    arguments.push_back(bind_expression(*branch.then, context));
    result_sources.push_back(branch.then.get());
  }
  if (node.otherwise) {
    arguments.push_back(bind_expression(*node.otherwise, context));
    result_sources.push_back(node.otherwise.get());
  }
  std::vector<const bound_expression*> results;
  for (size_t i = 1; i < arguments.size(); i += 2)
    results.push_back(&arguments[i]);
  if (node.otherwise)
    results.push_back(&arguments.back());
  data_type type = common_type_of(results, result_sources, "CASE");
  bool nullable = !node.otherwise;
  for (const auto* r : results)
    nullable = nullable || r->type.nullable;
  type.nullable = nullable;
  if (type.kind == data_type_kind::null)
    bind_fail(e.position, "every result of this CASE is NULL: its type is unknown",
              "CAST(NULL AS type) in one branch");
  return make_call(bound_function::case_when, type, e.position, std::move(arguments));
}

bound_expression bind_cast(const sql_expression& e, const cast_expression& node,
                           const expression_context& context) {
  bound_expression operand = bind_expression(*node.operand, context);
  const auto target = resolve_declared_type(node.type);
  if (!target.error.empty())
    bind_fail(node.type.position, target.error);
  data_type type = target.type;
  if (!castable(operand.type, type))
    bind_fail(e.position, "cannot CAST " + to_string(operand.type.plain()) + " to "
                            + to_string(type) + " in " + shown(e));
  type.nullable = operand.type.nullable || node.try_cast;
  return make_call(node.try_cast ? bound_function::try_cast : bound_function::cast, type,
                   e.position, {std::move(operand)});
}

bound_expression bind_in_list(const sql_expression& e, const in_list_expression& node,
                              const expression_context& context) {
  std::vector<bound_expression> arguments;
  arguments.push_back(bind_expression(*node.operand, context));
  bool nullable = arguments.front().type.nullable;
  for (const auto& value : node.values) {
    arguments.push_back(bind_expression(*value, context));
    require_comparable(arguments.front(), arguments.back(), *value, "compare");
    nullable = nullable || arguments.back().type.nullable;
  }
  return make_call(node.negated ? bound_function::not_in_list : bound_function::in_list,
                   data_type::of(data_type_kind::boolean, nullable), e.position,
                   std::move(arguments));
}

bound_expression bind_between(const sql_expression& e, const between_expression& node,
                              const expression_context& context) {
  std::vector<bound_expression> arguments;
  arguments.push_back(bind_expression(*node.operand, context));
  arguments.push_back(bind_expression(*node.low, context));
  arguments.push_back(bind_expression(*node.high, context));
  require_comparable(arguments[0], arguments[1], e, "compare");
  require_comparable(arguments[0], arguments[2], e, "compare");
  const data_type type = data_type::of(data_type_kind::boolean, any_nullable(arguments));
  return make_call(node.negated ? bound_function::not_between : bound_function::between,
                   type, e.position, std::move(arguments));
}

bound_expression bind_like(const sql_expression& e, const like_expression& node,
                           const expression_context& context) {
  std::vector<bound_expression> arguments;
  arguments.push_back(bind_expression(*node.operand, context));
  arguments.push_back(bind_expression(*node.pattern, context));
  for (const auto& a : arguments)
    if (!is_character(a.type.kind) && a.type.kind != data_type_kind::null)
      bind_fail(e.position, "LIKE matches strings, not " + to_string(a.type.plain())
                              + " in " + shown(e));
  const data_type type = data_type::of(data_type_kind::boolean, any_nullable(arguments));
  return make_call(node.negated ? bound_function::not_like : bound_function::like, type,
                   e.position, std::move(arguments));
}

bound_expression bind_extract(const sql_expression& e, const extract_expression& node,
                              const expression_context& context) {
  bound_expression operand = bind_expression(*node.operand, context);
  const auto kind = operand.type.kind;
  if (!is_timestamp(kind) && kind != data_type_kind::date)
    bind_fail(e.position, "EXTRACT reads a DATE or TIMESTAMP, not "
                            + to_string(operand.type.plain()) + " in " + shown(e));
  const data_type type = data_type::of(data_type_kind::bigint, operand.type.nullable);
  auto out = make_call(bound_function::extract, type, e.position, {std::move(operand)});
  out.unit = node.unit;
  return out;
}

} // namespace

bound_expression bind_expression(const sql_expression& e, const expression_context& context) {
  return std::visit(
    [&](const auto& node) -> bound_expression {
      using node_type = std::decay_t<decltype(node)>;
      if constexpr (std::is_same_v<node_type, literal_expression>) {
        return bind_literal(node, e.position);
      } else if constexpr (std::is_same_v<node_type, column_reference>) {
        return resolve_column(node, e.position, context);
      } else if constexpr (std::is_same_v<node_type, star_expression>) {
        bind_fail(e.position, "* stands for columns only in the select list and COUNT(*)");
      } else if constexpr (std::is_same_v<node_type, interval_expression>) {
        bound_expression out;
        out.kind = bound_expression_kind::interval;
        out.type = data_type::of(data_type_kind::interval, false);
        out.position = e.position;
        out.interval_ms = bind_interval_ms(e, "an INTERVAL");
        return out;
      } else if constexpr (std::is_same_v<node_type, function_call>) {
        return bind_function_call(e, node, context);
      } else if constexpr (std::is_same_v<node_type, unary_expression>) {
        return bind_unary(e, node, context);
      } else if constexpr (std::is_same_v<node_type, binary_expression>) {
        return bind_binary(e, node, context);
      } else if constexpr (std::is_same_v<node_type, is_null_expression>) {
        auto operand = bind_expression(*node.operand, context);
        return make_call(node.negated ? bound_function::is_not_null : bound_function::is_null,
                         data_type::of(data_type_kind::boolean, false), e.position,
                         {std::move(operand)});
      } else if constexpr (std::is_same_v<node_type, in_list_expression>) {
        return bind_in_list(e, node, context);
      } else if constexpr (std::is_same_v<node_type, between_expression>) {
        return bind_between(e, node, context);
      } else if constexpr (std::is_same_v<node_type, like_expression>) {
        return bind_like(e, node, context);
      } else if constexpr (std::is_same_v<node_type, case_expression>) {
        return bind_case(e, node, context);
      } else if constexpr (std::is_same_v<node_type, cast_expression>) {
        return bind_cast(e, node, context);
      } else {
        static_assert(std::is_same_v<node_type, extract_expression>);
        return bind_extract(e, node, context);
      }
    },
    e.node);
}

bound_expression bind_condition(const sql_expression& e, const expression_context& context) {
  bound_expression out = bind_expression(e, context);
  if (out.type.kind != data_type_kind::boolean)
    bind_fail(e.position, context.clause + " needs a BOOLEAN condition, but " + shown(e)
                            + " is " + to_string(out.type.plain()));
  return out;
}

int64_t bind_interval_ms(const sql_expression& e, const std::string& what) {
  const auto* interval = std::get_if<interval_expression>(&e.node);
  if (!interval)
    bind_fail(e.position, what + " must be an INTERVAL literal, not " + shown(e),
              "INTERVAL '10' MINUTE");
  int64_t unit_ms = 0;
  switch (interval->unit) {
    case time_unit::second: unit_ms = 1000; break;
    case time_unit::minute: unit_ms = 60'000; break;
    case time_unit::hour: unit_ms = 3'600'000; break;
    case time_unit::day: unit_ms = 86'400'000; break;
    default:
      bind_fail(e.position, "INTERVAL ... MONTH and YEAR are not supported (a month has no "
                            "fixed length)",
                "INTERVAL '30' DAY");
  }
  const std::string& digits = interval->value;
  int64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9' || value > (std::numeric_limits<int64_t>::max() / unit_ms) / 10)
      bind_fail(e.position, "INTERVAL '" + digits.substr(0, 30) + "' is too long");
    value = value * 10 + (c - '0');
  }
  if (value * unit_ms > std::numeric_limits<int64_t>::max() / 4)
    bind_fail(e.position, "INTERVAL '" + digits.substr(0, 30) + "' is too long");
  return value * unit_ms;
}

bool is_time_attribute(const bound_expression& e) {
  return e.kind == bound_expression_kind::column
         && e.type.attribute != time_attribute::none;
}

} // namespace ubaflow
