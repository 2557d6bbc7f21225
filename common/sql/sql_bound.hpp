#pragma once

// A SQL script after binding (issue 13): every name resolved, every
// expression typed, every query checked against the subset ubaflow runs.
// The planner reads this, never the syntax tree: what is here is runnable.
//
// Expressions refer to their input by position: a column is (relation,
// column) in the FROM clause of its query; after GROUP BY, a select item is
// built from group keys, aggregates and window bounds only. Positions of
// the script are kept for `ubaflow sql`'s explanations and for errors the
// planner may still find.

#include "common/sql/sql_ast.hpp"
#include "common/sql/sql_data_type.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ubaflow {

// -- expressions

/// What a bound expression computes. Operators and functions share one
/// list: the planner evaluates a call by its function and arguments.
enum class bound_function : uint8_t {
  // logic (BOOLEAN arguments)
  logical_and,
  logical_or,
  logical_not,
  // comparisons (two comparable arguments)
  equal,
  not_equal,
  less,
  less_equal,
  greater,
  greater_equal,
  // arithmetic (numbers; TIMESTAMP +/- INTERVAL)
  add,
  subtract,
  multiply,
  divide,
  modulo,
  negate,
  concat, ///< || on strings
  // predicates
  is_null,
  is_not_null,
  in_list,     ///< argument 0 IN (arguments 1..n)
  not_in_list,
  between,     ///< argument 0 BETWEEN 1 AND 2 (inclusive)
  not_between,
  like,        ///< argument 0 LIKE argument 1 (% and _)
  not_like,
  /// Searched CASE: (condition, result) pairs, then the ELSE result if
  /// the argument count is odd. CASE x WHEN v is bound as CASE WHEN x = v.
  case_when,
  cast,        ///< to the expression's type; fails on bad input
  try_cast,    ///< to the expression's type; NULL on bad input
  extract,     ///< EXTRACT(unit FROM argument 0): BIGINT
  hour,        ///< HOUR(timestamp): BIGINT, 0..23
  date_format, ///< DATE_FORMAT(timestamp or string, literal pattern): STRING
  proctime,    ///< PROCTIME(), in computed columns only
};

enum class bound_expression_kind : uint8_t {
  literal,      ///< text holds the value (see literal_kind)
  interval,     ///< interval_ms holds the duration
  column,       ///< relation, column
  call,         ///< function, arguments
  group_key,    ///< index into bound_query::group_keys (after GROUP BY)
  aggregate,    ///< index into bound_query::aggregates (after GROUP BY)
  window_bound, ///< the window's start, end or time (after a window GROUP BY)
};

enum class window_bound_kind : uint8_t { start, end, time };

struct bound_expression {
  bound_expression_kind kind = bound_expression_kind::literal;
  data_type type;
  source_position position;
  /// literal: literal_kind and the value as written (string decoded).
  literal_kind literal = literal_kind::null;
  std::string text;
  int64_t interval_ms = 0;
  /// column: the relation of the query's FROM (0, then one per join) and
  /// the column in it; name as the relation calls it.
  uint32_t relation = 0;
  uint32_t column = 0;
  std::string name;
  /// call
  bound_function function = bound_function::equal;
  time_unit unit = time_unit::hour; ///< extract
  std::vector<bound_expression> arguments;
  /// group_key, aggregate
  uint32_t index = 0;
  window_bound_kind bound = window_bound_kind::start;
};

/// The operator or function's SQL spelling: "AND", "=", "+", "IS NULL",
/// "CASE", "DATE_FORMAT", ...
const char* sql_function_name(bound_function function);

/// The expression as SQL-like text, stable for equal expressions (used to
/// match select items with GROUP BY keys and to name aggregates).
std::string canonical_text(const bound_expression& expression);

// -- catalog

/// A connector option after mapping: the Flink key as written, the ubaflow
/// setting it becomes (empty: accepted but unused, with a warning), the
/// value unexpanded (`${VAR}` references are expanded at run time).
struct bound_option {
  std::string flink_key;
  std::string ubaflow_key;
  std::string value;
  bool secret = false;            ///< never print the value
  bool has_env_reference = false; ///< value holds ${VAR}
  source_position position;
};

enum class connector_kind : uint8_t { kafka, elasticsearch7, jdbc, filesystem };

const char* to_string(connector_kind kind); ///< as in 'connector' = '...'

struct bound_column {
  std::string name;
  data_type type;
  source_position position;
  /// Set for a computed column (`proctime AS PROCTIME()`), over the
  /// table's physical columns (relation 0).
  std::optional<bound_expression> computed;
};

struct bound_watermark {
  uint32_t column = 0;   ///< the rowtime column
  int64_t delay_ms = 0;  ///< `ts - INTERVAL '5' SECOND`: 5000; `ts`: 0
  source_position position;
};

struct bound_table {
  std::string name;
  source_position position;
  std::vector<bound_column> columns; ///< physical and computed, as declared
  std::optional<bound_watermark> watermark;
  std::vector<uint32_t> primary_key; ///< column indices; empty: none
  connector_kind connector = connector_kind::kafka;
  std::vector<bound_option> options;  ///< in the order written
  /// ubaflow setting -> value, for the mapped options (the URL of a jdbc
  /// table is split into lookup.mysql.host, port and database).
  std::map<std::string, std::string> settings;
};

// -- queries

struct bound_query;

enum class relation_kind : uint8_t { table, view, derived };

/// One relation in a query's FROM: the table read, a lookup join's
/// dimension table, a view or a subquery. A window table function's
/// relation is its table with window_start, window_end and window_time
/// appended.
struct bound_relation {
  relation_kind kind = relation_kind::table;
  uint32_t index = 0;  ///< into bound_script::tables or ::views
  std::string name;    ///< the table's or view's name
  std::string alias;   ///< how the query calls it (the name if no alias)
  std::vector<bound_column> columns;
  std::shared_ptr<const bound_query> derived; ///< relation_kind::derived
  bool updating = false; ///< a view whose rows are updated (upserts)
  source_position position;
};

enum class window_kind : uint8_t { tumble, hop, cumulate };
/// GROUP BY TUMBLE(ts, ...) or FROM TABLE(TUMBLE(TABLE t, ...)).
enum class window_syntax : uint8_t { group_window, table_function };

struct bound_window {
  window_kind kind = window_kind::tumble;
  window_syntax syntax = window_syntax::group_window;
  bound_expression time_column; ///< a rowtime or proctime column of relation 0
  int64_t size_ms = 0;          ///< CUMULATE: the largest window
  int64_t step_ms = 0;          ///< HOP: the slide; CUMULATE: the step; TUMBLE: size
  source_position position;
};

/// LEFT JOIN dim FOR SYSTEM_TIME AS OF u.proctime AS c ON u.k = c.k [AND ...]
struct bound_lookup_join {
  join_kind kind = join_kind::left;
  uint32_t relation = 0;        ///< the dimension's relation (1, 2, ...)
  bound_expression system_time; ///< a proctime column
  /// ON's equalities: left-side expression = the dimension's column.
  std::vector<std::pair<bound_expression, uint32_t>> keys;
  source_position position;
};

enum class aggregate_function : uint8_t {
  count_star,
  count,          ///< non-null values
  count_distinct, ///< exact
  sum,
  min,
  max,
  avg,
};

const char* to_string(aggregate_function function); ///< COUNT(*), SUM, ...

struct bound_aggregate {
  aggregate_function function = aggregate_function::count_star;
  std::optional<bound_expression> argument; ///< none for COUNT(*)
  std::optional<bound_expression> filter;   ///< FILTER (WHERE ...)
  data_type type;
  source_position position;
  std::string text; ///< as the script wrote it, printed: COUNT(DISTINCT user_id)
};

struct bound_output {
  std::string name; ///< alias, column name, or EXPR$n as in Flink
  bound_expression value;
};

struct bound_query {
  source_position position;
  std::vector<bound_relation> relations; ///< [0] is FROM, then one per join
  std::vector<bound_lookup_join> joins;
  std::optional<bound_expression> where; ///< over the relations' columns
  std::optional<bound_window> window;
  /// GROUP BY's keys other than the window (over the relations' columns).
  std::vector<bound_expression> group_keys;
  std::vector<bound_aggregate> aggregates; ///< distinct, in order of appearance
  bool aggregated = false; ///< GROUP BY or an aggregate in the select list
  /// The result updates rows it gave before (an aggregate without a
  /// window, or reading such a view): its sink needs a primary key.
  bool updating = false;
  std::vector<bound_output> outputs;
};

struct bound_view {
  std::string name;
  source_position position;
  bound_query query;
  std::vector<bound_column> columns; ///< the query's outputs, with types
};

struct bound_insert {
  source_position position;
  uint32_t table = 0; ///< into bound_script::tables
  /// For each of the query's outputs, the sink column it writes.
  std::vector<uint32_t> target_columns;
  bound_query query;
  /// Which EXECUTE STATEMENT SET it belongs to (0, 1, ...), or -1. All
  /// INSERTs of a script run as one job either way.
  int32_t statement_set = -1;
};

/// Something accepted that the author should know: an option ubaflow does
/// not need, a password written in clear, a bare SELECT that is skipped.
struct sql_warning {
  source_position position;
  std::string message;

  std::string to_string() const {
    return "line " + std::to_string(position.line) + ":"
           + std::to_string(position.column) + ": warning: " + message;
  }
};

struct bound_script {
  std::vector<bound_table> tables;
  std::vector<bound_view> views;
  std::vector<bound_insert> inserts;
  std::vector<sql_warning> warnings;

  /// By name as written (names are case-sensitive, as in Flink).
  const bound_table* find_table(const std::string& name) const;
  const bound_view* find_view(const std::string& name) const;
};

} // namespace ubaflow
