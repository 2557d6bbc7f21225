// Expressions by precedence, loosest first: OR, AND, NOT, comparisons and
// the predicates IS [NOT] NULL / [NOT] IN / [NOT] LIKE / [NOT] BETWEEN,
// + - , * / % ||, unary signs, then primaries. Binary operators associate
// to the left. Prefix operators (NOT, signs) are read in a loop, so only
// parentheses, calls and the like recurse, each through read_expression's
// nesting guard.

#include "common/sql/sql_grammar.hpp"

#include <optional>
#include <utility>
#include <vector>

namespace ubaflow {

namespace {

sql_expression_ptr read_and(token_cursor& cursor);
sql_expression_ptr read_not(token_cursor& cursor);
sql_expression_ptr read_predicate(token_cursor& cursor);
sql_expression_ptr read_additive(token_cursor& cursor);
sql_expression_ptr read_multiplicative(token_cursor& cursor);
sql_expression_ptr read_unary(token_cursor& cursor);
sql_expression_ptr read_primary(token_cursor& cursor);

sql_expression_ptr binary(token_cursor& cursor, source_position at,
                          binary_operator op, sql_expression_ptr left,
                          sql_expression_ptr right) {
  return cursor.build(at, binary_expression{op, std::move(left),
                                            std::move(right)});
}

sql_expression_ptr read_or(token_cursor& cursor) {
  auto left = read_and(cursor);
  while (cursor.at_keyword("OR")) {
    const source_position at = cursor.advance().position;
    left = binary(cursor, at, binary_operator::logical_or, std::move(left),
                  read_and(cursor));
  }
  return left;
}

sql_expression_ptr read_and(token_cursor& cursor) {
  auto left = read_not(cursor);
  while (cursor.at_keyword("AND")) {
    const source_position at = cursor.advance().position;
    left = binary(cursor, at, binary_operator::logical_and, std::move(left),
                  read_not(cursor));
  }
  return left;
}

sql_expression_ptr read_not(token_cursor& cursor) {
  std::vector<source_position> nots;
  while (cursor.at_keyword("NOT"))
    nots.push_back(cursor.advance().position);
  auto operand = read_predicate(cursor);
  for (auto at = nots.rbegin(); at != nots.rend(); ++at)
    operand = cursor.build(*at, unary_expression{unary_operator::logical_not,
                                                 std::move(operand)});
  return operand;
}

std::optional<binary_operator> comparison(token_kind kind) {
  switch (kind) {
    case token_kind::equals: return binary_operator::equal;
    case token_kind::not_equal: return binary_operator::not_equal;
    case token_kind::less: return binary_operator::less;
    case token_kind::less_equal: return binary_operator::less_equal;
    case token_kind::greater: return binary_operator::greater;
    case token_kind::greater_equal: return binary_operator::greater_equal;
    default: return std::nullopt;
  }
}

sql_expression_ptr read_in_list(token_cursor& cursor, source_position at,
                                 sql_expression_ptr operand, bool negated) {
  cursor.expect(token_kind::left_paren, "'(' and a list of values after IN");
  if (at_query_start(cursor))
    cursor.fail(cursor.peek().position,
                "IN with a subquery is not supported",
                "list the values, x IN (1, 2, 3), or join a view");
  in_list_expression in{std::move(operand), {}, negated};
  do {
    in.values.push_back(read_expression(cursor));
  } while (cursor.accept(token_kind::comma));
  cursor.expect(token_kind::right_paren, "',' or ')' in the IN list");
  return cursor.build(at, std::move(in));
}

/// Applies the predicate after `left` (IS [NOT] NULL, [NOT] IN, [NOT]
/// LIKE, [NOT] BETWEEN) if one follows; else gives `left` back untouched
/// and sets `applied` to false. Kept apart from read_predicate so that the
/// frames on the path of nested parentheses stay small.
sql_expression_ptr read_postfix_predicate(token_cursor& cursor,
                                          sql_expression_ptr left, bool& applied) {
  const sql_token& token = cursor.peek();
  const source_position at = token.position;
  applied = true;
  if (token.is_keyword("IS")) {
    cursor.advance();
    const bool negated = cursor.accept_keyword("NOT");
    if (!cursor.accept_keyword("NULL"))
      cursor.fail_expected("NULL after IS", "the test is IS [NOT] NULL");
    return cursor.build(at, is_null_expression{std::move(left), negated});
  }
  const bool negated = token.is_keyword("NOT")
                       && (cursor.peek(1).is_keyword("IN")
                           || cursor.peek(1).is_keyword("LIKE")
                           || cursor.peek(1).is_keyword("BETWEEN"));
  if (negated)
    cursor.advance();
  if (cursor.accept_keyword("IN"))
    return read_in_list(cursor, at, std::move(left), negated);
  if (cursor.accept_keyword("LIKE")) {
    auto pattern = read_additive(cursor);
    if (cursor.at_keyword("ESCAPE"))
      cursor.fail(cursor.peek().position, "LIKE ... ESCAPE is not supported",
                  "the wildcards are % and _");
    return cursor.build(at, like_expression{std::move(left), std::move(pattern),
                                            negated});
  }
  if (cursor.accept_keyword("BETWEEN")) {
    if (cursor.at_keyword("SYMMETRIC") || cursor.at_keyword("ASYMMETRIC"))
      cursor.fail(cursor.peek().position,
                  "BETWEEN SYMMETRIC/ASYMMETRIC is not supported");
    auto low = read_additive(cursor);
    cursor.expect_keyword("AND");
    auto high = read_additive(cursor);
    return cursor.build(at, between_expression{std::move(left), std::move(low),
                                               std::move(high), negated});
  }
  applied = false;
  return left;
}

sql_expression_ptr read_predicate(token_cursor& cursor) {
  auto left = read_additive(cursor);
  for (;;) {
    if (auto op = comparison(cursor.peek().kind)) {
      const source_position at = cursor.advance().position;
      left = binary(cursor, at, *op, std::move(left), read_additive(cursor));
      continue;
    }
    bool applied = false;
    left = read_postfix_predicate(cursor, std::move(left), applied);
    if (!applied)
      return left;
  }
}

sql_expression_ptr read_additive(token_cursor& cursor) {
  auto left = read_multiplicative(cursor);
  for (;;) {
    binary_operator op;
    if (cursor.at(token_kind::plus))
      op = binary_operator::add;
    else if (cursor.at(token_kind::minus))
      op = binary_operator::subtract;
    else
      return left;
    const source_position at = cursor.advance().position;
    left = binary(cursor, at, op, std::move(left), read_multiplicative(cursor));
  }
}

sql_expression_ptr read_multiplicative(token_cursor& cursor) {
  auto left = read_unary(cursor);
  for (;;) {
    binary_operator op;
    if (cursor.at(token_kind::star))
      op = binary_operator::multiply;
    else if (cursor.at(token_kind::slash))
      op = binary_operator::divide;
    else if (cursor.at(token_kind::percent))
      op = binary_operator::modulo;
    else if (cursor.at(token_kind::concat))
      op = binary_operator::concat;
    else
      return left;
    const source_position at = cursor.advance().position;
    left = binary(cursor, at, op, std::move(left), read_unary(cursor));
  }
}

sql_expression_ptr read_unary(token_cursor& cursor) {
  std::vector<std::pair<source_position, unary_operator>> signs;
  while (cursor.at(token_kind::minus) || cursor.at(token_kind::plus)) {
    const auto op = cursor.at(token_kind::minus) ? unary_operator::negate
                                                 : unary_operator::plus;
    signs.emplace_back(cursor.advance().position, op);
  }
  auto operand = read_primary(cursor);
  for (auto sign = signs.rbegin(); sign != signs.rend(); ++sign)
    operand = cursor.build(sign->first,
                           unary_expression{sign->second, std::move(operand)});
  return operand;
}

sql_expression_ptr read_interval(token_cursor& cursor) {
  const source_position at = cursor.advance().position; // INTERVAL
  const char* example = "INTERVAL '5' SECOND";
  if (cursor.at(token_kind::integer_literal))
    cursor.fail(cursor.peek().position, "INTERVAL takes its value in quotes",
                example);
  const sql_token& value
    = cursor.expect(token_kind::string_literal, "a quoted number after INTERVAL");
  bool digits = !value.text.empty() && value.text.size() <= 18;
  for (char c : value.text)
    digits = digits && c >= '0' && c <= '9';
  if (!digits)
    cursor.fail(value.position,
                "INTERVAL '" + value.text + "': the value must be a whole number",
                example);
  const sql_token& unit_token = cursor.peek();
  const auto unit = time_unit_named(unit_token);
  if (!unit || *unit == time_unit::month || *unit == time_unit::year)
    cursor.fail(unit_token.position,
                (unit ? "INTERVAL unit " : "bad INTERVAL unit ")
                  + token_cursor::describe(unit_token)
                  + (unit ? " is not supported" : ""),
                "the units are SECOND, MINUTE, HOUR and DAY");
  cursor.advance();
  if (cursor.at_keyword("TO"))
    cursor.fail(cursor.peek().position,
                "INTERVAL ranges (HOUR TO MINUTE) are not supported",
                "write one unit: INTERVAL '90' MINUTE");
  return cursor.build(at, interval_expression{value.text, *unit});
}

sql_expression_ptr read_case(token_cursor& cursor) {
  const source_position at = cursor.advance().position; // CASE
  case_expression node;
  if (!cursor.at_keyword("WHEN"))
    node.operand = read_expression(cursor);
  while (cursor.accept_keyword("WHEN")) {
    case_branch branch;
    branch.when = read_expression(cursor);
    cursor.expect_keyword("THEN");
    branch.then = read_expression(cursor);
    node.branches.push_back(std::move(branch));
  }
  if (node.branches.empty())
    cursor.fail_expected("WHEN after CASE");
  if (cursor.accept_keyword("ELSE"))
    node.otherwise = read_expression(cursor);
  if (!cursor.accept_keyword("END"))
    cursor.fail_expected("WHEN, ELSE or END in CASE");
  return cursor.build(at, std::move(node));
}

sql_expression_ptr read_cast(token_cursor& cursor) {
  const sql_token& keyword = cursor.advance(); // CAST or TRY_CAST
  const source_position at = keyword.position;
  const bool try_cast = keyword.is_keyword("TRY_CAST");
  cursor.expect(token_kind::left_paren, "'(' after CAST");
  auto operand = read_expression(cursor);
  cursor.expect_keyword("AS");
  sql_type type = read_type(cursor);
  cursor.expect(token_kind::right_paren, "')' after the CAST's type");
  return cursor.build(at, cast_expression{std::move(operand), type, try_cast});
}

sql_expression_ptr read_extract(token_cursor& cursor) {
  const source_position at = cursor.advance().position; // EXTRACT
  cursor.expect(token_kind::left_paren, "'(' after EXTRACT");
  const auto unit = time_unit_named(cursor.peek());
  if (!unit)
    cursor.fail_expected("a unit (SECOND, MINUTE, HOUR, DAY, MONTH, YEAR)");
  cursor.advance();
  cursor.expect_keyword("FROM");
  auto operand = read_expression(cursor);
  cursor.expect(token_kind::right_paren, "')' after EXTRACT's operand");
  return cursor.build(at, extract_expression{*unit, std::move(operand)});
}

void refuse_over(const token_cursor& cursor) {
  if (cursor.at_keyword("OVER"))
    cursor.fail(cursor.peek().position, "OVER windows are not supported",
                "aggregate per group window: GROUP BY TUMBLE(ts, INTERVAL '1' "
                "HOUR) or FROM TABLE(TUMBLE(...)) GROUP BY window_start, "
                "window_end");
}

void expect_call_end(token_cursor& cursor, const std::string& function) {
  if (!cursor.at(token_kind::right_paren))
    cursor.fail_expected("',' or ')' in the call of " + function);
  cursor.advance();
}

/// name(...) [FILTER (WHERE ...)]: the name is the current token, '('
/// the next.
sql_expression_ptr read_call(token_cursor& cursor) {
  const sql_token& name = cursor.advance();
  const source_position at = name.position;
  function_call call;
  call.name = {name.text, name.position};
  cursor.advance(); // '('
  if (cursor.accept_keyword("DISTINCT"))
    call.distinct = true;
  else
    cursor.accept_keyword("ALL");
  if (!call.distinct && cursor.at(token_kind::star)
      && cursor.peek(1).kind == token_kind::right_paren) {
    call.arguments.push_back(
      cursor.build(cursor.advance().position, star_expression{}));
  } else if (call.distinct || !cursor.at(token_kind::right_paren)) {
    do {
      refuse_named_argument(cursor);
      call.arguments.push_back(read_expression(cursor));
    } while (cursor.accept(token_kind::comma));
  }
  expect_call_end(cursor, name.text);
  if (cursor.accept_keyword("FILTER")) {
    cursor.expect(token_kind::left_paren, "'(' after FILTER");
    cursor.expect_keyword("WHERE");
    call.filter = read_expression(cursor);
    cursor.expect(token_kind::right_paren, "')' after FILTER's condition");
  }
  refuse_over(cursor);
  return cursor.build(at, std::move(call));
}

/// A column, `t.col`, `t.*` or a call, starting at a name.
sql_expression_ptr read_name_expression(token_cursor& cursor) {
  if (cursor.peek(1).kind == token_kind::left_paren)
    return read_call(cursor);
  const source_position at = cursor.peek().position;
  column_reference column;
  column.parts.push_back(cursor.expect_name("a column name"));
  while (cursor.accept(token_kind::dot)) {
    if (cursor.at(token_kind::star)) {
      cursor.advance();
      if (column.parts.size() != 1)
        cursor.fail(at, "only a table's name can qualify *, as in t.*");
      return cursor.build(at, star_expression{std::move(column.parts.front())});
    }
    column.parts.push_back(cursor.expect_name("a column name after '.'"));
  }
  return cursor.build(at, std::move(column));
}

sql_expression_ptr read_parenthesized(token_cursor& cursor) {
  const source_position at = cursor.advance().position; // '('
  if (cursor.at_keyword("SELECT") || cursor.at_keyword("WITH"))
    cursor.fail(cursor.peek().position,
                "subqueries in expressions are not supported",
                "compute the value in a view and join it");
  auto inner = read_expression(cursor);
  if (cursor.at(token_kind::comma))
    cursor.fail(at, "row values (a, b, ...) are not supported");
  cursor.expect(token_kind::right_paren, "')'");
  return inner;
}

sql_expression_ptr read_literal(token_cursor& cursor, literal_kind kind) {
  const sql_token& token = cursor.advance();
  return cursor.build(token.position, literal_expression{kind, token.text});
}

/// The forms a keyword starts: TRUE, FALSE, NULL, INTERVAL, CASE, CAST,
/// EXTRACT, DATE '...', TIMESTAMP '...'; null if the word starts none.
sql_expression_ptr read_keyword_form(token_cursor& cursor) {
  const sql_token& token = cursor.peek();
  const bool call_next = cursor.peek(1).kind == token_kind::left_paren;
  if (token.is_keyword("TRUE") || token.is_keyword("FALSE")) {
    const bool value = token.is_keyword("TRUE");
    cursor.advance();
    return cursor.build(token.position, literal_expression{literal_kind::boolean,
                                                           value ? "TRUE" : "FALSE"});
  }
  if (cursor.accept_keyword("NULL"))
    return cursor.build(token.position, literal_expression{literal_kind::null, {}});
  if (token.is_keyword("INTERVAL"))
    return read_interval(cursor);
  if (token.is_keyword("CASE"))
    return read_case(cursor);
  if ((token.is_keyword("CAST") || token.is_keyword("TRY_CAST")) && call_next)
    return read_cast(cursor);
  if (token.is_keyword("EXTRACT") && call_next)
    return read_extract(cursor);
  if ((token.is_keyword("DATE") || token.is_keyword("TIMESTAMP"))
      && cursor.peek(1).kind == token_kind::string_literal) {
    const auto kind = token.is_keyword("DATE") ? literal_kind::date
                                               : literal_kind::timestamp;
    cursor.advance();
    return read_literal(cursor, kind);
  }
  if (token.is_keyword("EXISTS"))
    cursor.fail(token.position, "EXISTS subqueries are not supported",
                "join a view instead");
  if (is_reserved_word(token.text))
    cursor.fail_expected("an expression");
  return nullptr;
}

sql_expression_ptr read_primary(token_cursor& cursor) {
  switch (cursor.peek().kind) {
    case token_kind::integer_literal:
      return read_literal(cursor, literal_kind::integer);
    case token_kind::decimal_literal:
      return read_literal(cursor, literal_kind::decimal);
    case token_kind::string_literal:
      return read_literal(cursor, literal_kind::string);
    case token_kind::left_paren: return read_parenthesized(cursor);
    case token_kind::quoted_identifier: return read_name_expression(cursor);
    case token_kind::identifier:
      if (auto form = read_keyword_form(cursor))
        return form;
      return read_name_expression(cursor);
    default: cursor.fail_expected("an expression");
  }
}

} // namespace

sql_expression_ptr read_expression(token_cursor& cursor) {
  token_cursor::nesting_guard guard{cursor, cursor.peek().position};
  return read_or(cursor);
}

std::optional<time_unit> time_unit_named(const sql_token& token) {
  struct spelling {
    const char* singular;
    const char* plural;
    time_unit unit;
  };
  static constexpr spelling units[] = {
    {"SECOND", "SECONDS", time_unit::second}, {"MINUTE", "MINUTES", time_unit::minute},
    {"HOUR", "HOURS", time_unit::hour},       {"DAY", "DAYS", time_unit::day},
    {"MONTH", "MONTHS", time_unit::month},    {"YEAR", "YEARS", time_unit::year},
  };
  for (const auto& u : units)
    if (token.is_keyword(u.singular) || token.is_keyword(u.plural))
      return u.unit;
  return std::nullopt;
}

void refuse_named_argument(const token_cursor& cursor) {
  if ((cursor.peek().kind == token_kind::identifier
       || cursor.peek().kind == token_kind::quoted_identifier)
      && cursor.peek(1).kind == token_kind::equals
      && cursor.peek(2).kind == token_kind::greater)
    cursor.fail(cursor.peek().position,
                "named arguments (name => value) are not supported",
                "pass the arguments in order");
}

} // namespace ubaflow
