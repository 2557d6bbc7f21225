// Column and CAST types: the scalar types of Flink SQL that the seed's
// kind of job uses. Precision and scale are checked against Flink's ranges
// here, where the position of the number is known.

#include "common/sql/sql_grammar.hpp"

#include <string>

namespace ubaflow {

namespace {

constexpr const char* supported_types
  = "BOOLEAN, TINYINT, SMALLINT, INT, BIGINT, FLOAT, DOUBLE, DECIMAL(p, s), "
    "STRING, VARCHAR(n), CHAR(n), DATE, TIMESTAMP(p), "
    "TIMESTAMP(p) WITH LOCAL TIME ZONE";

/// A whole number within [low, high] between the type's parentheses.
uint32_t read_bound(token_cursor& cursor, const char* what, uint64_t low,
                    uint64_t high) {
  const sql_token& token = cursor.expect(token_kind::integer_literal, what);
  uint64_t value = 0;
  for (char c : token.text) {
    value = value * 10 + static_cast<uint64_t>(c - '0');
    if (value > high)
      break;
  }
  if (value < low || value > high)
    cursor.fail(token.position,
                std::string{what} + " " + token.text + " is out of range",
                "it is between " + std::to_string(low) + " and "
                  + std::to_string(high));
  return static_cast<uint32_t>(value);
}

/// (n) after a type name, if there.
void read_optional_length(token_cursor& cursor, sql_type& type,
                          const char* what, uint64_t low, uint64_t high) {
  if (!cursor.accept(token_kind::left_paren))
    return;
  type.precision = read_bound(cursor, what, low, high);
  cursor.expect(token_kind::right_paren, "')'");
}

void read_time_zone_suffix(token_cursor& cursor, sql_type& type) {
  if (cursor.at_keyword("WITHOUT")) {
    cursor.advance();
    cursor.expect_keyword("TIME");
    cursor.expect_keyword("ZONE");
    return;
  }
  if (!cursor.at_keyword("WITH")
      || !(cursor.peek(1).is_keyword("LOCAL") || cursor.peek(1).is_keyword("TIME")))
    return;
  cursor.advance();
  if (cursor.at_keyword("TIME"))
    cursor.fail(cursor.peek().position, "TIMESTAMP WITH TIME ZONE is not supported",
                "Flink's zoned timestamp is TIMESTAMP(3) WITH LOCAL TIME ZONE");
  cursor.expect_keyword("LOCAL");
  cursor.expect_keyword("TIME");
  cursor.expect_keyword("ZONE");
  type.local_time_zone = true;
}

} // namespace

sql_type read_type(token_cursor& cursor) {
  const sql_token& token = cursor.peek();
  sql_type type;
  type.position = token.position;
  if (token.kind != token_kind::identifier)
    cursor.fail_expected("a type", std::string{"the types are "} + supported_types);
  auto simple = [&](sql_type_name name) {
    cursor.advance();
    type.name = name;
    return type;
  };
  if (token.is_keyword("BOOLEAN"))
    return simple(sql_type_name::boolean);
  if (token.is_keyword("TINYINT"))
    return simple(sql_type_name::tinyint);
  if (token.is_keyword("SMALLINT"))
    return simple(sql_type_name::smallint);
  if (token.is_keyword("INT") || token.is_keyword("INTEGER"))
    return simple(sql_type_name::integer);
  if (token.is_keyword("BIGINT"))
    return simple(sql_type_name::bigint);
  if (token.is_keyword("FLOAT"))
    return simple(sql_type_name::float_);
  if (token.is_keyword("DOUBLE")) {
    simple(sql_type_name::double_);
    cursor.accept_keyword("PRECISION");
    return type;
  }
  if (token.is_keyword("STRING"))
    return simple(sql_type_name::string);
  if (token.is_keyword("DATE"))
    return simple(sql_type_name::date);
  if (token.is_keyword("DECIMAL") || token.is_keyword("DEC")
      || token.is_keyword("NUMERIC")) {
    simple(sql_type_name::decimal);
    if (cursor.accept(token_kind::left_paren)) {
      type.precision = read_bound(cursor, "DECIMAL precision", 1, 38);
      if (cursor.accept(token_kind::comma))
        type.scale = read_bound(cursor, "DECIMAL scale", 0, *type.precision);
      cursor.expect(token_kind::right_paren, "')'");
    }
    return type;
  }
  if (token.is_keyword("VARCHAR") || token.is_keyword("CHAR")) {
    simple(token.is_keyword("VARCHAR") ? sql_type_name::varchar
                                       : sql_type_name::char_);
    read_optional_length(cursor, type, "length", 1, 2147483647);
    return type;
  }
  if (token.is_keyword("TIMESTAMP") || token.is_keyword("TIMESTAMP_LTZ")) {
    const bool ltz = token.is_keyword("TIMESTAMP_LTZ");
    simple(sql_type_name::timestamp);
    read_optional_length(cursor, type, "TIMESTAMP precision", 0, 9);
    if (ltz)
      type.local_time_zone = true;
    else
      read_time_zone_suffix(cursor, type);
    return type;
  }
  for (const char* unsupported :
       {"ARRAY", "MAP", "MULTISET", "ROW", "BYTES", "BINARY", "VARBINARY",
        "TIME", "INTERVAL", "RAW", "REAL"})
    if (token.is_keyword(unsupported))
      cursor.fail(token.position, "type " + token.text + " is not supported",
                  std::string{"the types are "} + supported_types);
  cursor.fail(token.position, "unknown type " + token_cursor::describe(token),
              std::string{"the types are "} + supported_types);
}

} // namespace ubaflow
