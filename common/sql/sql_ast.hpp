#pragma once

// The syntax tree of a SQL script in ubaflow's dialect (the seed's Flink
// SQL subset, issue 13), as the parser (sql_parser.hpp) builds it: what was
// written, with the position of every node, and nothing resolved yet
// (names, types and whether a query is runnable are the binder's).
//
// Names keep the case they were written in; keywords and function names
// are case-insensitive. Chains that a script can make long (AND/OR/+ and
// the like) are binary nodes whose height the parser bounds
// (sql_max_expression_height); joins and UNION ALL branches are lists.

#include "common/sql/sql_token.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace ubaflow {

/// A name as written, e.g. a table, column, alias or option key's owner.
struct sql_identifier {
  std::string text;
  source_position position;
};

// -- types

enum class sql_type_name : uint8_t {
  boolean,
  tinyint,
  smallint,
  integer,   ///< INT or INTEGER
  bigint,
  float_,    ///< FLOAT (4 bytes)
  double_,   ///< DOUBLE or DOUBLE PRECISION
  decimal,   ///< DECIMAL, DEC or NUMERIC (p, s)
  string,    ///< STRING (VARCHAR of the largest length)
  varchar,   ///< VARCHAR(n)
  char_,     ///< CHAR(n)
  date,
  timestamp, ///< TIMESTAMP(p), with or without WITH LOCAL TIME ZONE
};

/// A column or CAST type. Precision/scale are what was written; the
/// binder applies Flink's defaults.
struct sql_type {
  sql_type_name name = sql_type_name::string;
  std::optional<uint32_t> precision; ///< DECIMAL(p), VARCHAR(n), TIMESTAMP(p)
  std::optional<uint32_t> scale;     ///< DECIMAL(p, s)
  /// TIMESTAMP(p) WITH LOCAL TIME ZONE, also written TIMESTAMP_LTZ(p).
  bool local_time_zone = false;
  source_position position;
};

// -- expressions

struct sql_expression;
using sql_expression_ptr = std::unique_ptr<sql_expression>;

enum class literal_kind : uint8_t {
  integer,   ///< 42
  decimal,   ///< 0.25
  string,    ///< 'text'
  boolean,   ///< TRUE or FALSE (text "TRUE"/"FALSE")
  null,      ///< NULL
  date,      ///< DATE 'yyyy-MM-dd'
  timestamp, ///< TIMESTAMP 'yyyy-MM-dd HH:mm:ss'
};

struct literal_expression {
  literal_kind kind = literal_kind::null;
  std::string text; ///< digits, the string's value, TRUE/FALSE, or empty
};

/// A column, possibly qualified: `ts`, `U.proctime`.
struct column_reference {
  std::vector<sql_identifier> parts; ///< at least one
};

/// `*` or `t.*` in a select list; `*` alone as COUNT(*)'s argument.
struct star_expression {
  std::optional<sql_identifier> qualifier;
};

/// Units of INTERVAL literals and of EXTRACT.
enum class time_unit : uint8_t { second, minute, hour, day, month, year };

/// INTERVAL '5' SECOND: a day-time duration of a whole number of units.
struct interval_expression {
  std::string value; ///< the digits between the quotes
  time_unit unit = time_unit::second;
};

/// name(args) [FILTER (WHERE condition)], also COUNT(*) and
/// COUNT(DISTINCT x). Window functions in GROUP BY (TUMBLE(ts, INTERVAL
/// ...)) and auxiliary ones (TUMBLE_START) are plain calls too.
struct function_call {
  sql_identifier name; ///< as written; compare without case
  bool distinct = false;
  std::vector<sql_expression_ptr> arguments;
  sql_expression_ptr filter; ///< FILTER (WHERE ...), or null
};

enum class unary_operator : uint8_t { negate, plus, logical_not };

struct unary_expression {
  unary_operator op = unary_operator::negate;
  sql_expression_ptr operand;
};

enum class binary_operator : uint8_t {
  logical_or,
  logical_and,
  equal,
  not_equal,
  less,
  less_equal,
  greater,
  greater_equal,
  add,
  subtract,
  multiply,
  divide,
  modulo,
  concat,
};

struct binary_expression {
  binary_operator op = binary_operator::equal;
  sql_expression_ptr left;
  sql_expression_ptr right;
};

/// x IS [NOT] NULL
struct is_null_expression {
  sql_expression_ptr operand;
  bool negated = false;
};

/// x [NOT] IN (a, b, ...) with a list of values (no subquery).
struct in_list_expression {
  sql_expression_ptr operand;
  std::vector<sql_expression_ptr> values; ///< at least one
  bool negated = false;
};

/// x [NOT] BETWEEN low AND high
struct between_expression {
  sql_expression_ptr operand;
  sql_expression_ptr low;
  sql_expression_ptr high;
  bool negated = false;
};

/// x [NOT] LIKE pattern
struct like_expression {
  sql_expression_ptr operand;
  sql_expression_ptr pattern;
  bool negated = false;
};

struct case_branch {
  sql_expression_ptr when;
  sql_expression_ptr then;
};

/// CASE [operand] WHEN .. THEN .. [ELSE ..] END. Without an operand each
/// `when` is a condition; with one, a value compared with it.
struct case_expression {
  sql_expression_ptr operand; ///< null for the searched form
  std::vector<case_branch> branches; ///< at least one
  sql_expression_ptr otherwise;      ///< ELSE, or null
};

/// CAST(x AS type), or TRY_CAST (null instead of an error).
struct cast_expression {
  sql_expression_ptr operand;
  sql_type type;
  bool try_cast = false;
};

/// EXTRACT(unit FROM x)
struct extract_expression {
  time_unit unit = time_unit::hour;
  sql_expression_ptr operand;
};

using sql_expression_node
  = std::variant<literal_expression, column_reference, star_expression,
                 interval_expression, function_call, unary_expression,
                 binary_expression, is_null_expression, in_list_expression,
                 between_expression, like_expression, case_expression,
                 cast_expression, extract_expression>;

struct sql_expression {
  /// For operators, where the operator is (`=` of `a = b`, `IS` of `x IS
  /// NULL`): that is what an error about the operation points at. For
  /// everything else, the first token.
  source_position position;
  /// 1 for a leaf, else one more than the highest operand.
  uint32_t height = 1;
  sql_expression_node node;
};

/// Calls `visit(const sql_expression&)` for each direct operand of `e`
/// (arguments, filter, branches, ...), in the order written.
template <class Visit>
void for_each_operand(const sql_expression& e, Visit&& visit) {
  auto one = [&](const sql_expression_ptr& operand) {
    if (operand)
      visit(*operand);
  };
  std::visit(
    [&](const auto& node) {
      using node_type = std::decay_t<decltype(node)>;
      if constexpr (std::is_same_v<node_type, function_call>) {
        for (const auto& argument : node.arguments)
          one(argument);
        one(node.filter);
      } else if constexpr (std::is_same_v<node_type, unary_expression>
                           || std::is_same_v<node_type, is_null_expression>
                           || std::is_same_v<node_type, cast_expression>
                           || std::is_same_v<node_type, extract_expression>) {
        one(node.operand);
      } else if constexpr (std::is_same_v<node_type, binary_expression>) {
        one(node.left);
        one(node.right);
      } else if constexpr (std::is_same_v<node_type, in_list_expression>) {
        one(node.operand);
        for (const auto& value : node.values)
          one(value);
      } else if constexpr (std::is_same_v<node_type, between_expression>) {
        one(node.operand);
        one(node.low);
        one(node.high);
      } else if constexpr (std::is_same_v<node_type, like_expression>) {
        one(node.operand);
        one(node.pattern);
      } else if constexpr (std::is_same_v<node_type, case_expression>) {
        one(node.operand);
        for (const auto& branch : node.branches) {
          one(branch.when);
          one(branch.then);
        }
        one(node.otherwise);
      }
    },
    e.node);
}

// -- queries

struct sql_query;
using sql_query_ptr = std::unique_ptr<sql_query>;

/// A table or view by name.
struct named_table {
  sql_identifier name;
};

/// (SELECT ...) in FROM.
struct derived_table {
  sql_query_ptr query;
};

enum class window_function_kind : uint8_t { tumble, hop, cumulate };

/// TABLE(TUMBLE|HOP|CUMULATE(TABLE t, DESCRIPTOR(col), durations...)):
/// Flink's window table-valued functions, adding window_start, window_end
/// and window_time to t's columns.
struct window_table_function {
  window_function_kind kind = window_function_kind::tumble;
  sql_identifier table;       ///< TABLE t
  sql_identifier time_column; ///< DESCRIPTOR(col)
  /// HOP's slide or CUMULATE's step (their first duration); null for TUMBLE.
  sql_expression_ptr step;
  sql_expression_ptr size;   ///< the window's size (CUMULATE's largest)
  sql_expression_ptr offset; ///< optional last argument, or null
};

struct table_reference {
  source_position position;
  std::variant<named_table, derived_table, window_table_function> source;
  /// FOR SYSTEM_TIME AS OF x: a lookup (temporal) join's right side.
  sql_expression_ptr system_time;
  std::optional<sql_identifier> alias;
};

enum class join_kind : uint8_t { inner, left };

struct sql_join {
  source_position position; ///< the JOIN keyword (or LEFT/INNER before it)
  join_kind kind = join_kind::inner;
  table_reference right;
  sql_expression_ptr condition; ///< ON ...
};

struct select_item {
  sql_expression_ptr value; ///< a star_expression for * and t.*
  std::optional<sql_identifier> alias;
};

/// One SELECT ... FROM ... [WHERE] [GROUP BY] [HAVING].
struct select_block {
  source_position position; ///< the SELECT keyword
  bool distinct = false;
  std::vector<select_item> items;
  std::optional<table_reference> from; ///< absent: SELECT without FROM
  std::vector<sql_join> joins;         ///< applied left to right
  sql_expression_ptr where;
  std::vector<sql_expression_ptr> group_by;
  sql_expression_ptr having;
};

struct order_item {
  sql_expression_ptr value;
  bool descending = false;
};

/// SELECT blocks joined by UNION ALL, then ORDER BY and LIMIT over all.
struct sql_query {
  source_position position;
  std::vector<select_block> branches; ///< at least one
  std::vector<order_item> order_by;
  std::optional<uint64_t> limit;
};

// -- statements

/// `name type [NOT NULL]` or the computed `name AS expression`.
struct column_definition {
  sql_identifier name;
  std::optional<sql_type> type;  ///< set for a physical column
  bool not_null = false;
  sql_expression_ptr computed;   ///< set for a computed column
  std::optional<std::string> comment;
};

/// WATERMARK FOR column AS strategy
struct watermark_definition {
  source_position position;
  sql_identifier column;
  sql_expression_ptr strategy;
};

/// [CONSTRAINT name] PRIMARY KEY (columns) NOT ENFORCED
struct primary_key_definition {
  source_position position;
  std::optional<sql_identifier> constraint_name;
  std::vector<sql_identifier> columns;
};

/// 'key' = 'value' in WITH (...); both are strings in Flink.
struct table_option {
  std::string key;
  std::string value;
  source_position key_position;
  source_position value_position;
};

struct create_table_statement {
  bool temporary = false;
  bool if_not_exists = false;
  sql_identifier name;
  std::vector<column_definition> columns;
  std::optional<watermark_definition> watermark;
  std::optional<primary_key_definition> primary_key;
  std::optional<std::string> comment;
  std::vector<table_option> options; ///< in the order written, keys unique
};

struct create_view_statement {
  bool temporary = false;
  bool if_not_exists = false;
  sql_identifier name;
  sql_query_ptr query;
};

/// INSERT INTO table [(columns)] query
struct insert_statement {
  source_position position;
  sql_identifier table;
  std::vector<sql_identifier> columns; ///< empty: all, in order
  sql_query_ptr query;
};

/// EXECUTE STATEMENT SET BEGIN ... END or BEGIN STATEMENT SET; ... END:
/// INSERTs that run as one job.
struct statement_set {
  std::vector<insert_statement> inserts; ///< at least one
};

/// A query on its own, as the SQL client runs it to show rows (the seed's
/// `SELECT * FROM user_behavior`). Whether a job may have one is the
/// binder's to decide.
struct query_statement {
  sql_query_ptr query;
};

enum class statement_kind : uint8_t {
  create_table,
  create_view,
  insert,
  statement_set,
  query,
};

struct sql_statement {
  source_position position; ///< the first token
  std::variant<create_table_statement, create_view_statement,
               insert_statement, statement_set, query_statement>
    node;

  /// The alternative held, by name (the order of `node`'s alternatives).
  statement_kind kind() const {
    return static_cast<statement_kind>(node.index());
  }
};

// -- names for messages and printing

const char* to_string(time_unit unit);            ///< "SECOND", ...
const char* to_string(window_function_kind kind); ///< "TUMBLE", ...
const char* to_string(binary_operator op);        ///< "OR", "=", "+", ...
const char* to_string(statement_kind kind);       ///< "CREATE TABLE", ...

} // namespace ubaflow
