// Queries: SELECT blocks (items, FROM with joins, WHERE, GROUP BY,
// HAVING) joined by UNION ALL, then ORDER BY and LIMIT. FROM takes tables
// and views, subqueries, the window table functions TABLE(TUMBLE|HOP|
// CUMULATE(...)) and lookup joins (FOR SYSTEM_TIME AS OF). What Flink has
// beyond that is refused by name.

#include "common/sql/sql_grammar.hpp"

#include <string>

namespace ubaflow {

namespace {

/// A table's name; catalog.database.table is refused.
sql_identifier read_table_name(token_cursor& cursor, const char* what) {
  auto name = cursor.expect_name(what);
  if (cursor.at(token_kind::dot))
    cursor.fail(cursor.peek().position,
                "qualified table names (catalog.database.table) are not "
                "supported",
                "name the table alone: " + name.text);
  return name;
}

std::optional<sql_identifier> read_optional_alias(token_cursor& cursor) {
  if (cursor.accept_keyword("AS"))
    return cursor.expect_name("an alias after AS");
  if (cursor.at_name())
    return cursor.expect_name("an alias");
  return std::nullopt;
}

window_table_function read_window_function(token_cursor& cursor) {
  const sql_token& name = cursor.peek();
  window_table_function window;
  size_t fewest = 2;
  if (name.is_keyword("TUMBLE")) {
    window.kind = window_function_kind::tumble;
    fewest = 1;
  } else if (name.is_keyword("HOP")) {
    window.kind = window_function_kind::hop;
  } else if (name.is_keyword("CUMULATE")) {
    window.kind = window_function_kind::cumulate;
  } else if (name.is_keyword("SESSION")) {
    cursor.fail(name.position, "SESSION windows are not supported",
                "the window functions are TUMBLE, HOP and CUMULATE");
  } else {
    cursor.fail_expected("TUMBLE, HOP or CUMULATE in TABLE(...)");
  }
  const std::string function = to_string(window.kind);
  cursor.advance();
  cursor.expect(token_kind::left_paren, "'(' after " + function);
  refuse_named_argument(cursor);
  if (!cursor.accept_keyword("TABLE"))
    cursor.fail_expected("TABLE <name> as " + function + "'s first argument");
  window.table = read_table_name(cursor, "a table name after TABLE");
  cursor.expect(token_kind::comma, "',' and DESCRIPTOR(<time column>)");
  refuse_named_argument(cursor);
  if (!cursor.accept_keyword("DESCRIPTOR"))
    cursor.fail_expected("DESCRIPTOR(<time column>) as " + function
                         + "'s second argument");
  cursor.expect(token_kind::left_paren, "'(' after DESCRIPTOR");
  window.time_column = cursor.expect_name("a time column in DESCRIPTOR(...)");
  cursor.expect(token_kind::right_paren, "')' after DESCRIPTOR's column");
  std::vector<sql_expression_ptr> durations;
  while (cursor.accept(token_kind::comma) && durations.size() <= fewest) {
    refuse_named_argument(cursor);
    durations.push_back(read_expression(cursor));
  }
  const std::string usage
    = window.kind == window_function_kind::tumble
        ? "TUMBLE(TABLE t, DESCRIPTOR(ts), size [, offset])"
        : function + "(TABLE t, DESCRIPTOR(ts), "
            + (window.kind == window_function_kind::hop ? "slide" : "step")
            + ", size [, offset])";
  if (durations.size() < fewest || durations.size() > fewest + 1
      || !cursor.at(token_kind::right_paren))
    cursor.fail(cursor.peek().position,
                function + " takes " + std::to_string(fewest) + " or "
                  + std::to_string(fewest + 1) + " durations",
                "write " + usage);
  cursor.advance();
  if (window.kind != window_function_kind::tumble)
    window.step = std::move(durations[0]);
  window.size = std::move(durations[fewest - 1]);
  if (durations.size() > fewest)
    window.offset = std::move(durations[fewest]);
  return window;
}

void refuse_table_function(const token_cursor& cursor) {
  const sql_token& token = cursor.peek();
  if (token.is_keyword("LATERAL") || token.is_keyword("UNNEST"))
    cursor.fail(token.position, "LATERAL and UNNEST are not supported",
                "the table functions are the windows TABLE(TUMBLE|HOP|CUMULATE(...))");
}

void read_window_source(token_cursor& cursor, table_reference& reference) {
  cursor.advance(); // TABLE
  cursor.expect(token_kind::left_paren, "'(' after TABLE, as in TABLE(TUMBLE(...))");
  reference.source = read_window_function(cursor);
  cursor.expect(token_kind::right_paren, "')' closing TABLE(...)");
}

void read_derived_source(token_cursor& cursor, table_reference& reference) {
  if (!at_query_start(cursor))
    cursor.fail(cursor.peek().position,
                "expected a subquery (SELECT ...) in parentheses");
  cursor.advance(); // '('
  reference.source = derived_table{read_query(cursor)};
  cursor.expect(token_kind::right_paren, "')' closing the subquery");
}

void read_named_source(token_cursor& cursor, table_reference& reference) {
  reference.source
    = named_table{read_table_name(cursor, "a table name, a subquery or TABLE(...)")};
  if (cursor.at(token_kind::left_paren))
    cursor.fail(cursor.peek().position, "table functions are not supported",
                "window functions are written TABLE(TUMBLE(TABLE t, "
                "DESCRIPTOR(ts), INTERVAL '1' HOUR))");
}

/// [FOR SYSTEM_TIME AS OF x] [[AS] alias] after a table.
void read_table_suffix(token_cursor& cursor, table_reference& reference) {
  if (cursor.accept_keyword("FOR")) {
    if (!cursor.accept_keyword("SYSTEM_TIME"))
      cursor.fail_expected("SYSTEM_TIME after FOR",
                           "a lookup join's table is written dim FOR SYSTEM_TIME "
                           "AS OF t.proctime");
    cursor.expect_keyword("AS");
    cursor.expect_keyword("OF");
    reference.system_time = read_expression(cursor);
  }
  if (cursor.at_keyword("MATCH_RECOGNIZE"))
    cursor.fail(cursor.peek().position, "MATCH_RECOGNIZE is not supported");
  reference.alias = read_optional_alias(cursor);
  if (reference.alias && cursor.at(token_kind::left_paren))
    cursor.fail(cursor.peek().position,
                "column aliases after a table alias, t(a, b), are not supported",
                "rename the columns in the select list: a AS x");
}

table_reference read_table_reference(token_cursor& cursor) {
  table_reference reference;
  reference.position = cursor.peek().position;
  refuse_table_function(cursor);
  if (cursor.at_keyword("TABLE"))
    read_window_source(cursor, reference);
  else if (cursor.at(token_kind::left_paren))
    read_derived_source(cursor, reference);
  else
    read_named_source(cursor, reference);
  read_table_suffix(cursor, reference);
  return reference;
}

void refuse_join_kind(const token_cursor& cursor) {
  const sql_token& first = cursor.peek();
  if (first.is_keyword("RIGHT") || first.is_keyword("FULL")
      || first.is_keyword("CROSS") || first.is_keyword("NATURAL"))
    cursor.fail(first.position, first.text + " JOIN is not supported",
                "the joins are [INNER] JOIN and LEFT [OUTER] JOIN ... ON");
  if (first.kind == token_kind::comma)
    cursor.fail(first.position, "joins written with ',' are not supported",
                "write JOIN ... ON <condition>");
}

/// ON, after a join's table.
void expect_join_condition(token_cursor& cursor) {
  if (cursor.at_keyword("USING"))
    cursor.fail(cursor.peek().position, "JOIN ... USING is not supported",
                "write ON a.col = b.col");
  if (!cursor.accept_keyword("ON"))
    cursor.fail_expected("ON and the join condition");
}

/// Reads the joins after FROM's first table, if any.
void read_joins(token_cursor& cursor, select_block& block) {
  for (;;) {
    const sql_token& first = cursor.peek();
    sql_join join;
    join.position = first.position;
    refuse_join_kind(cursor);
    if (cursor.accept_keyword("INNER")) {
      join.kind = join_kind::inner;
    } else if (cursor.accept_keyword("LEFT")) {
      join.kind = join_kind::left;
      cursor.accept_keyword("OUTER");
    } else if (!first.is_keyword("JOIN")) {
      return;
    }
    cursor.expect_keyword("JOIN");
    join.right = read_table_reference(cursor);
    expect_join_condition(cursor);
    join.condition = read_expression(cursor);
    block.joins.push_back(std::move(join));
  }
}

select_item read_select_item(token_cursor& cursor) {
  select_item item;
  const source_position at = cursor.peek().position;
  if (cursor.accept(token_kind::star)) {
    item.value = cursor.build(at, star_expression{});
    return item;
  }
  item.value = read_expression(cursor);
  if (std::holds_alternative<star_expression>(item.value->node))
    return item; // t.*
  item.alias = read_optional_alias(cursor);
  return item;
}

/// BY keys, after GROUP.
void read_group_by(token_cursor& cursor, select_block& block) {
  cursor.expect_keyword("BY");
  const sql_token& first = cursor.peek();
  if ((first.is_keyword("GROUPING") && cursor.peek(1).is_keyword("SETS"))
      || ((first.is_keyword("ROLLUP") || first.is_keyword("CUBE"))
          && cursor.peek(1).kind == token_kind::left_paren))
    cursor.fail(first.position, "GROUPING SETS, ROLLUP and CUBE are not supported",
                "write one query per grouping");
  do {
    block.group_by.push_back(read_expression(cursor));
  } while (cursor.accept(token_kind::comma));
}

void refuse_named_window(const token_cursor& cursor) {
  if (cursor.at_keyword("WINDOW"))
    cursor.fail(cursor.peek().position,
                "named windows (WINDOW w AS ...) are not supported");
}

select_block read_select_block(token_cursor& cursor) {
  select_block block;
  block.position = cursor.peek().position;
  cursor.expect_keyword("SELECT");
  if (cursor.accept_keyword("DISTINCT"))
    block.distinct = true;
  else
    cursor.accept_keyword("ALL");
  do {
    block.items.push_back(read_select_item(cursor));
  } while (cursor.accept(token_kind::comma));
  if (cursor.accept_keyword("FROM")) {
    block.from = read_table_reference(cursor);
    read_joins(cursor, block);
  }
  if (cursor.accept_keyword("WHERE"))
    block.where = read_expression(cursor);
  if (cursor.accept_keyword("GROUP"))
    read_group_by(cursor, block);
  if (cursor.accept_keyword("HAVING"))
    block.having = read_expression(cursor);
  refuse_named_window(cursor);
  return block;
}

void refuse_query_start(const token_cursor& cursor) {
  const sql_token& first = cursor.peek();
  if (first.is_keyword("WITH"))
    cursor.fail(first.position, "WITH (common table expressions) is not supported",
                "define the query as a view: CREATE VIEW name AS SELECT ...");
  if (first.is_keyword("VALUES"))
    cursor.fail(first.position, "VALUES is not supported",
                "queries read tables: SELECT ... FROM t");
}

/// One branch of a UNION ALL: a SELECT, or a query in parentheses.
sql_query_ptr read_query_term(token_cursor& cursor) {
  const sql_token& first = cursor.peek();
  if (first.kind == token_kind::left_paren) {
    cursor.advance();
    auto inner = read_query(cursor);
    cursor.expect(token_kind::right_paren, "')' closing the query");
    return inner;
  }
  refuse_query_start(cursor);
  auto query = std::make_unique<sql_query>();
  query->position = first.position;
  query->branches.push_back(read_select_block(cursor));
  return query;
}

uint64_t read_limit(token_cursor& cursor) {
  const sql_token& token
    = cursor.expect(token_kind::integer_literal, "a number of rows after LIMIT");
  uint64_t value = 0;
  for (char c : token.text) {
    const auto digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10)
      cursor.fail(token.position, "LIMIT " + token.text + " is too large");
    value = value * 10 + digit;
  }
  return value;
}

void refuse_ordered_branch(const token_cursor& cursor, const sql_query& branch,
                           source_position where) {
  if (!branch.order_by.empty() || branch.limit)
    cursor.fail(where, "ORDER BY and LIMIT inside a UNION ALL are not supported",
                "write them once, after the last branch");
}

/// UNION ALL and the branches after the first, appended to `query`.
void read_union_branches(token_cursor& cursor, sql_query& query) {
  while (cursor.at_keyword("UNION")) {
    const source_position union_at = cursor.advance().position;
    if (!cursor.accept_keyword("ALL"))
      cursor.fail(union_at, "UNION without ALL is not supported",
                  "write UNION ALL (rows are not deduplicated)");
    refuse_ordered_branch(cursor, query, union_at);
    const source_position branch_at = cursor.peek().position;
    auto branch = read_query_term(cursor);
    refuse_ordered_branch(cursor, *branch, branch_at);
    for (auto& block : branch->branches)
      query.branches.push_back(std::move(block));
  }
  for (const char* operation : {"INTERSECT", "EXCEPT", "MINUS"})
    if (cursor.at_keyword(operation))
      cursor.fail(cursor.peek().position,
                  std::string{operation} + " is not supported",
                  "queries combine with UNION ALL");
}

void read_order_and_limit(token_cursor& cursor, sql_query& query) {
  if (cursor.at_keyword("ORDER")) {
    if (!query.order_by.empty() || query.limit)
      cursor.fail(cursor.peek().position, "a second ORDER BY for one query");
    cursor.advance();
    cursor.expect_keyword("BY");
    do {
      order_item item;
      item.value = read_expression(cursor);
      if (cursor.accept_keyword("DESC"))
        item.descending = true;
      else
        cursor.accept_keyword("ASC");
      if (cursor.at_keyword("NULLS"))
        cursor.fail(cursor.peek().position, "NULLS FIRST/LAST is not supported");
      query.order_by.push_back(std::move(item));
    } while (cursor.accept(token_kind::comma));
  }
  if (cursor.at_keyword("LIMIT")) {
    if (query.limit)
      cursor.fail(cursor.peek().position, "a second LIMIT for one query");
    cursor.advance();
    query.limit = read_limit(cursor);
  }
  if (cursor.at_keyword("OFFSET") || cursor.at_keyword("FETCH"))
    cursor.fail(cursor.peek().position, "OFFSET and FETCH are not supported",
                "use LIMIT n");
}

} // namespace

bool at_query_start(const token_cursor& cursor) {
  size_t ahead = 0;
  while (cursor.peek(ahead).kind == token_kind::left_paren)
    ++ahead;
  const sql_token& first = cursor.peek(ahead);
  return first.is_keyword("SELECT") || first.is_keyword("WITH")
         || first.is_keyword("VALUES");
}

sql_query_ptr read_query(token_cursor& cursor) {
  token_cursor::nesting_guard guard{cursor, cursor.peek().position};
  const source_position at = cursor.peek().position;
  auto query = read_query_term(cursor);
  query->position = at;
  read_union_branches(cursor, *query);
  read_order_and_limit(cursor, *query);
  return query;
}

} // namespace ubaflow
