// Scripts and their statements: CREATE TABLE, CREATE VIEW, INSERT INTO,
// statement sets and bare queries, separated by ';'. Also the public entry
// points, which run the lexer, then the grammar, and turn the first
// failure into the result's error.

#include "common/sql/sql_parser.hpp"

#include "common/sql/sql_grammar.hpp"
#include "common/sql/sql_lexer.hpp"

#include <set>
#include <string>

namespace ubaflow {

namespace {

constexpr const char* supported_statements
  = "a script has CREATE TABLE, CREATE VIEW, INSERT INTO, statement sets "
    "(EXECUTE STATEMENT SET BEGIN ... END) and SELECT";

sql_identifier read_object_name(token_cursor& cursor, const char* what) {
  auto name = cursor.expect_name(what);
  if (cursor.at(token_kind::dot))
    cursor.fail(cursor.peek().position,
                "qualified names (catalog.database.name) are not supported",
                "name it alone: " + name.text);
  return name;
}

bool read_if_not_exists(token_cursor& cursor) {
  if (!cursor.at_keyword("IF"))
    return false;
  cursor.advance();
  cursor.expect_keyword("NOT");
  cursor.expect_keyword("EXISTS");
  return true;
}

std::optional<std::string> read_optional_comment(token_cursor& cursor) {
  if (!cursor.accept_keyword("COMMENT"))
    return std::nullopt;
  return cursor.expect(token_kind::string_literal, "a quoted comment").text;
}

/// (a, b, ...): column names in parentheses.
std::vector<sql_identifier> read_name_list(token_cursor& cursor, const char* what) {
  cursor.expect(token_kind::left_paren, "'('");
  std::vector<sql_identifier> names;
  do {
    names.push_back(cursor.expect_name(what));
  } while (cursor.accept(token_kind::comma));
  cursor.expect(token_kind::right_paren, "',' or ')'");
  return names;
}

column_definition read_column(token_cursor& cursor) {
  column_definition column;
  column.name = cursor.expect_name("a column name");
  if (cursor.accept_keyword("AS")) {
    column.computed = read_expression(cursor);
  } else {
    column.type = read_type(cursor);
    if (cursor.at_keyword("METADATA"))
      cursor.fail(cursor.peek().position, "metadata columns are not supported");
    if (cursor.at_keyword("NOT") && cursor.peek(1).is_keyword("NULL")) {
      cursor.advance();
      cursor.advance();
      column.not_null = true;
    } else {
      cursor.accept_keyword("NULL");
    }
  }
  if (cursor.at_keyword("PRIMARY"))
    cursor.fail(cursor.peek().position,
                "a key is declared after the columns, not on one",
                "PRIMARY KEY (" + column.name.text + ") NOT ENFORCED");
  column.comment = read_optional_comment(cursor);
  return column;
}

primary_key_definition read_primary_key(token_cursor& cursor) {
  primary_key_definition key;
  key.position = cursor.peek().position;
  if (cursor.accept_keyword("CONSTRAINT"))
    key.constraint_name = cursor.expect_name("a constraint name");
  cursor.expect_keyword("PRIMARY");
  cursor.expect_keyword("KEY");
  key.columns = read_name_list(cursor, "a key column");
  if (!cursor.at_keyword("NOT") || !cursor.peek(1).is_keyword("ENFORCED"))
    cursor.fail(cursor.peek().position, "PRIMARY KEY must be NOT ENFORCED",
                "Flink does not check keys: PRIMARY KEY (...) NOT ENFORCED");
  cursor.advance();
  cursor.advance();
  return key;
}

void read_table_elements(token_cursor& cursor, create_table_statement& table) {
  cursor.expect(token_kind::left_paren, "'(' and the table's columns");
  do {
    const sql_token& first = cursor.peek();
    if (first.is_keyword("WATERMARK") && cursor.peek(1).is_keyword("FOR")) {
      if (table.watermark)
        cursor.fail(first.position, "a table has one WATERMARK");
      watermark_definition watermark;
      watermark.position = first.position;
      cursor.advance();
      cursor.advance();
      watermark.column = cursor.expect_name("the watermark's time column");
      cursor.expect_keyword("AS");
      watermark.strategy = read_expression(cursor);
      table.watermark = std::move(watermark);
    } else if ((first.is_keyword("PRIMARY") && cursor.peek(1).is_keyword("KEY"))
               || (first.is_keyword("CONSTRAINT")
                   && cursor.peek(2).is_keyword("PRIMARY"))) {
      if (table.primary_key)
        cursor.fail(first.position, "a table has one PRIMARY KEY");
      table.primary_key = read_primary_key(cursor);
    } else {
      table.columns.push_back(read_column(cursor));
    }
  } while (cursor.accept(token_kind::comma));
  cursor.expect(token_kind::right_paren, "',' or ')' after a column");
}

void read_table_options(token_cursor& cursor, create_table_statement& table) {
  cursor.expect(token_kind::left_paren, "'(' and the options after WITH");
  std::set<std::string> keys;
  do {
    const sql_token& key = cursor.peek();
    if (key.kind != token_kind::string_literal)
      cursor.fail_expected("an option key in quotes",
                           "options are written 'connector' = 'kafka'");
    cursor.advance();
    cursor.expect(token_kind::equals, "'=' after the option key");
    const sql_token& value = cursor.peek();
    if (value.kind != token_kind::string_literal)
      cursor.fail_expected("the option's value in quotes",
                           "values are strings, also numbers: '5000'");
    cursor.advance();
    if (!keys.insert(key.text).second)
      cursor.fail(key.position, "option '" + key.text + "' is given twice");
    table.options.push_back({key.text, value.text, key.position, value.position});
  } while (cursor.accept(token_kind::comma));
  cursor.expect(token_kind::right_paren, "',' or ')' after an option");
}

create_table_statement read_create_table(token_cursor& cursor, bool temporary) {
  create_table_statement table;
  table.temporary = temporary;
  table.if_not_exists = read_if_not_exists(cursor);
  table.name = read_object_name(cursor, "a table name");
  if (cursor.at_keyword("LIKE") || cursor.at_keyword("AS"))
    cursor.fail(cursor.peek().position,
                "CREATE TABLE ... " + cursor.peek().text + " is not supported",
                "declare the columns: CREATE TABLE t (col TYPE, ...) WITH (...)");
  read_table_elements(cursor, table);
  table.comment = read_optional_comment(cursor);
  if (cursor.at_keyword("PARTITIONED"))
    cursor.fail(cursor.peek().position, "PARTITIONED BY is not supported");
  if (cursor.accept_keyword("WITH"))
    read_table_options(cursor, table);
  return table;
}

create_view_statement read_create_view(token_cursor& cursor, bool temporary) {
  create_view_statement view;
  view.temporary = temporary;
  view.if_not_exists = read_if_not_exists(cursor);
  view.name = read_object_name(cursor, "a view name");
  if (cursor.at(token_kind::left_paren))
    cursor.fail(cursor.peek().position, "a view's column list is not supported",
                "name the columns in the query: SELECT a AS x");
  if (!cursor.accept_keyword("AS"))
    cursor.fail_expected("AS and the view's query");
  view.query = read_query(cursor);
  return view;
}

insert_statement read_insert(token_cursor& cursor) {
  insert_statement insert;
  insert.position = cursor.peek().position;
  cursor.expect_keyword("INSERT");
  if (cursor.at_keyword("OVERWRITE"))
    cursor.fail(cursor.peek().position, "INSERT OVERWRITE is not supported",
                "a streaming job appends or upserts: INSERT INTO");
  cursor.expect_keyword("INTO");
  insert.table = read_object_name(cursor, "a table name after INSERT INTO");
  if (cursor.at_keyword("PARTITION"))
    cursor.fail(cursor.peek().position, "INSERT ... PARTITION is not supported");
  if (cursor.at(token_kind::left_paren) && !at_query_start(cursor))
    insert.columns = read_name_list(cursor, "a column name");
  if (!at_query_start(cursor))
    cursor.fail_expected("a query (SELECT ...) after INSERT INTO "
                         + insert.table.text);
  insert.query = read_query(cursor);
  return insert;
}

/// The INSERTs of a statement set, each ended by ';', up to END.
statement_set read_set_body(token_cursor& cursor) {
  statement_set set;
  while (!cursor.at_keyword("END")) {
    if (!cursor.at_keyword("INSERT"))
      cursor.fail_expected("INSERT INTO or END in the statement set",
                           "a statement set holds INSERT statements only");
    set.inserts.push_back(read_insert(cursor));
    cursor.expect(token_kind::semicolon, "';' after the INSERT");
  }
  if (set.inserts.empty())
    cursor.fail(cursor.peek().position, "a statement set without INSERT");
  cursor.advance(); // END
  return set;
}

sql_statement read_statement(token_cursor& cursor) {
  sql_statement statement;
  const sql_token& first = cursor.peek();
  statement.position = first.position;
  if (cursor.accept_keyword("CREATE")) {
    const bool temporary = cursor.accept_keyword("TEMPORARY");
    if (cursor.accept_keyword("TABLE"))
      statement.node = read_create_table(cursor, temporary);
    else if (cursor.accept_keyword("VIEW"))
      statement.node = read_create_view(cursor, temporary);
    else if (cursor.at(token_kind::identifier))
      cursor.fail(cursor.peek().position,
                  "CREATE " + cursor.peek().text + " is not supported",
                  supported_statements);
    else
      cursor.fail_expected("TABLE or VIEW after CREATE");
  } else if (first.is_keyword("INSERT")) {
    statement.node = read_insert(cursor);
  } else if (cursor.accept_keyword("EXECUTE")) {
    cursor.expect_keyword("STATEMENT");
    cursor.expect_keyword("SET");
    cursor.expect_keyword("BEGIN");
    statement.node = read_set_body(cursor);
  } else if (cursor.accept_keyword("BEGIN")) {
    cursor.expect_keyword("STATEMENT");
    cursor.expect_keyword("SET");
    cursor.expect(token_kind::semicolon, "';' after BEGIN STATEMENT SET");
    statement.node = read_set_body(cursor);
  } else if (at_query_start(cursor)) {
    statement.node = query_statement{read_query(cursor)};
  } else if (first.kind == token_kind::identifier) {
    for (const char* word :
         {"DROP", "ALTER", "USE", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "SET",
          "RESET", "LOAD", "UNLOAD", "ADD", "REMOVE", "DELETE", "UPDATE",
          "TRUNCATE", "ANALYZE", "CALL"})
      if (first.is_keyword(word))
        cursor.fail(first.position,
                    std::string{word} + " statements are not supported",
                    supported_statements);
    cursor.fail_expected("a statement", supported_statements);
  } else {
    cursor.fail_expected("a statement", supported_statements);
  }
  return statement;
}

} // namespace

parse_result parse_script(std::string_view text) {
  parse_result result;
  auto lexed = tokenize_sql(text);
  if (lexed.error) {
    result.error = std::move(lexed.error);
    return result;
  }
  token_cursor cursor{std::move(lexed.tokens)};
  try {
    for (;;) {
      while (cursor.accept(token_kind::semicolon)) {
        // empty statements are allowed, as in Flink's SQL client
      }
      if (cursor.at(token_kind::end_of_input))
        break;
      result.statements.push_back(read_statement(cursor));
      if (!cursor.at(token_kind::end_of_input))
        cursor.expect(token_kind::semicolon, "';' after the statement");
    }
  } catch (const sql_syntax_failure& failure) {
    result.statements.clear();
    result.error = failure.error;
  }
  return result;
}

expression_parse_result parse_sql_expression(std::string_view text) {
  expression_parse_result result;
  auto lexed = tokenize_sql(text);
  if (lexed.error) {
    result.error = std::move(lexed.error);
    return result;
  }
  token_cursor cursor{std::move(lexed.tokens)};
  try {
    result.expression = read_expression(cursor);
    if (!cursor.at(token_kind::end_of_input))
      cursor.fail_expected("the end of the expression");
  } catch (const sql_syntax_failure& failure) {
    result.expression.reset();
    result.error = failure.error;
  }
  return result;
}

} // namespace ubaflow
