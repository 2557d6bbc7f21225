// The script: statements bound in order into the catalog (tables, views)
// and the job (INSERTs, each checked against its sink). CREATE TABLE is in
// sql_table_binder.cpp, queries in sql_query_binder.cpp.

#include "common/sql/sql_binder.hpp"

#include "common/sql/sql_bind_context.hpp"
#include "common/sql/sql_name_hints.hpp"
#include "common/sql/sql_parser.hpp"
#include "common/sql/sql_print.hpp"
#include "common/sql/sql_query_binder.hpp"

namespace ubaflow {

std::string ascii_upper(std::string_view text) {
  std::string out{text};
  for (char& c : out)
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::vector<std::string> relation_names(const bound_script& script) {
  std::vector<std::string> names;
  for (const auto& table : script.tables)
    names.push_back(table.name);
  for (const auto& view : script.views)
    names.push_back(view.name);
  return names;
}

void fail_no_relation(const bound_script& script, const sql_identifier& name) {
  // The seed's script creates `goum` with 'index' = 'buy_cnt_per_hour' and
  // inserts into buy_cnt_per_hour: the table whose target has that name is
  // the likeliest meaning.
  for (const auto& table : script.tables)
    for (const auto& option : table.options) {
      const bool names_target = option.flink_key == "index" || option.flink_key == "topic"
                                || option.flink_key == "table-name";
      if (names_target && option.value == name.text)
        bind_fail(name.position, "no table " + name.text + " (did you mean " + table.name + "?)",
                  table.name + "'s '" + option.flink_key + "' is " + name.text
                    + ": a table is named by CREATE TABLE, not by what its connector "
                      "writes to or reads");
    }
  const auto names = relation_names(script);
  bind_fail(name.position, "no table " + name.text + did_you_mean(name.text, names),
            names.empty() ? "create it with CREATE TABLE before this statement"
                          : "the tables and views so far are " + name_list(names));
}

namespace {

/// Fails if a table or view is already called `name`; true if the
/// statement is to be skipped (IF NOT EXISTS).
bool already_exists(const bound_script& script, const sql_identifier& name,
                    bool if_not_exists, std::vector<sql_warning>& warnings) {
  const bound_table* table = script.find_table(name.text);
  const bound_view* view = script.find_view(name.text);
  if (!table && !view)
    return false;
  const source_position first = table ? table->position : view->position;
  const std::string where = " (line " + std::to_string(first.line) + ")";
  if (if_not_exists) {
    warnings.push_back({name.position, name.text + " exists already" + where
                                         + "; IF NOT EXISTS skips this statement"});
    return true;
  }
  bind_fail(name.position, std::string{table ? "table " : "view "} + name.text
                             + " exists already" + where);
}

bound_view bind_view(const create_view_statement& statement, const bound_script& script) {
  bound_view view;
  view.name = statement.name.text;
  view.position = statement.name.position;
  view.query = bind_query(*statement.query, script);
  for (const auto& output : view.query.outputs) {
    for (const auto& column : view.columns)
      if (column.name == output.name)
        bind_fail(output.value.position,
                  "view " + view.name + " has two columns named " + output.name,
                  "give one an alias: AS other_name");
    view.columns.push_back({output.name, output.value.type, output.value.position,
                            std::nullopt});
  }
  return view;
}

std::vector<uint32_t> target_columns(const insert_statement& statement,
                                     const bound_table& table) {
  std::vector<uint32_t> targets;
  if (statement.columns.empty()) {
    for (size_t i = 0; i < table.columns.size(); ++i)
      if (!table.columns[i].computed)
        targets.push_back(static_cast<uint32_t>(i));
    return targets;
  }
  std::vector<std::string> names;
  for (const auto& column : table.columns)
    names.push_back(column.name);
  for (const auto& name : statement.columns) {
    size_t index = 0;
    while (index < names.size() && names[index] != name.text)
      ++index;
    if (index == names.size())
      bind_fail(name.position, "no column " + name.text + " in table " + table.name
                                 + did_you_mean(name.text, names));
    if (table.columns[index].computed)
      bind_fail(name.position, "computed column " + name.text + " cannot be written");
    for (uint32_t existing : targets)
      if (existing == index)
        bind_fail(name.position, "column " + name.text + " is named twice");
    targets.push_back(static_cast<uint32_t>(index));
  }
  for (size_t i = 0; i < table.columns.size(); ++i) {
    bool written = false;
    for (uint32_t t : targets)
      written = written || t == i;
    if (!written && !table.columns[i].computed && !table.columns[i].type.nullable)
      bind_fail(statement.table.position, "column " + table.columns[i].name + " of "
                                            + table.name + " is NOT NULL and not written");
  }
  return targets;
}

std::string output_names(const bound_query& query) {
  std::vector<std::string> names;
  for (const auto& output : query.outputs)
    names.push_back(output.name);
  return name_list(names, 12);
}

bool references(const bound_expression& e, bound_expression_kind kind, uint32_t index) {
  if (e.kind == kind && (kind != bound_expression_kind::group_key || e.index == index))
    return true;
  for (const auto& argument : e.arguments)
    if (references(argument, kind, index))
      return true;
  return false;
}

/// An aggregate's rows are told apart by its group keys and its window; a
/// sink with a primary key overwrites rows with equal keys, so the key
/// columns must be written from all of them, or groups would silently
/// overwrite one another.
void check_key_tells_groups_apart(const insert_statement& statement, const bound_table& table,
                                  const bound_insert& insert) {
  const bound_query& query = insert.query;
  if (table.primary_key.empty() || !query.aggregated)
    return;
  std::vector<const bound_expression*> key_values;
  std::vector<std::string> key_names;
  for (size_t i = 0; i < query.outputs.size(); ++i)
    for (uint32_t key : table.primary_key)
      if (insert.target_columns[i] == key)
        key_values.push_back(&query.outputs[i].value);
  for (uint32_t key : table.primary_key)
    key_names.push_back(table.columns[key].name);
  const auto covered = [&](bound_expression_kind kind, uint32_t index) {
    for (const auto* value : key_values)
      if (references(*value, kind, index))
        return true;
    return false;
  };
  const std::string key = table.name + "'s primary key (" + comma_list(key_names) + ")";
  for (size_t g = 0; g < query.group_keys.size(); ++g) {
    if (covered(bound_expression_kind::group_key, static_cast<uint32_t>(g)))
      continue;
    const std::string name = query.group_keys[g].name.empty()
                               ? "GROUP BY key " + std::to_string(g + 1)
                               : query.group_keys[g].name;
    bind_fail(statement.table.position,
              key + " is not written from " + name
                + ", so rows of different groups would overwrite each other",
              "write " + name + " into a key column");
  }
  if (query.window && !covered(bound_expression_kind::window_bound, 0))
    bind_fail(statement.table.position,
              key + " is not written from the window's start or end, so rows of different "
                    "windows would overwrite each other",
              query.window->syntax == window_syntax::table_function
                ? "write window_start or window_end into a key column"
                : query.window->kind == window_kind::hop
                    ? "write HOP_START(...) or HOP_END(...) into a key column"
                    : "write TUMBLE_START(...) or TUMBLE_END(...) into a key column");
}

void check_sink_fits(const insert_statement& statement, const bound_table& table,
                     const bound_insert& insert) {
  const auto& outputs = insert.query.outputs;
  if (outputs.size() != insert.target_columns.size()) {
    std::vector<std::string> names;
    for (uint32_t t : insert.target_columns)
      names.push_back(table.columns[t].name);
    bind_fail(statement.table.position,
              "INSERT INTO " + table.name + " writes " + std::to_string(names.size())
                + " columns (" + name_list(names, 12) + "), but the query gives "
                + std::to_string(outputs.size()) + " (" + output_names(insert.query) + ")",
              "select one value per column of " + table.name + ", in its order");
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    const bound_column& column = table.columns[insert.target_columns[i]];
    const data_type& given = outputs[i].value.type;
    if (!assignable(given, column.type))
      bind_fail(outputs[i].value.position,
                "column " + column.name + " of " + table.name + " is "
                  + to_string(column.type.plain()) + ", but the query gives "
                  + to_string(given.plain()) + " (" + outputs[i].name + ")",
                "CAST(... AS " + to_string(column.type.plain()) + ")");
  }
  check_key_tells_groups_apart(statement, table, insert);
  if (!insert.query.updating)
    return;
  if (table.connector != connector_kind::elasticsearch7)
    bind_fail(statement.table.position,
              "the query updates rows it wrote before, which a " + std::string{to_string(table.connector)}
                + " sink cannot take",
              "aggregate per window (GROUP BY TUMBLE(...)) to write each row once");
  if (table.primary_key.empty()) {
    std::vector<std::string> keys;
    for (size_t i = 0; i < outputs.size(); ++i)
      if (outputs[i].value.kind == bound_expression_kind::group_key)
        keys.push_back(table.columns[insert.target_columns[i]].name);
    bind_fail(statement.table.position,
              "the query updates rows it wrote before (an aggregate without a window), so "
                + table.name + " needs a primary key to update them by",
              "PRIMARY KEY (" + (keys.empty() ? std::string{"..."} : comma_list(keys))
                + ") NOT ENFORCED in CREATE TABLE " + table.name);
  }
}

bound_insert bind_insert(const insert_statement& statement, const bound_script& script,
                         int32_t statement_set) {
  const bound_table* table = script.find_table(statement.table.text);
  if (!table) {
    if (script.find_view(statement.table.text))
      bind_fail(statement.table.position,
                "cannot INSERT INTO view " + statement.table.text + ": a view is read, not written");
    fail_no_relation(script, statement.table);
  }
  if (!can_write(*table))
    bind_fail(statement.table.position,
              "table " + table->name + " (connector " + to_string(table->connector)
                + ") cannot be written",
              "sinks use the elasticsearch-7 or filesystem connector");
  bound_insert insert;
  insert.position = statement.position;
  insert.table = static_cast<uint32_t>(table - script.tables.data());
  insert.statement_set = statement_set;
  insert.target_columns = target_columns(statement, *table);
  insert.query = bind_query(*statement.query, script);
  check_sink_fits(statement, *table, insert);
  return insert;
}

void bind_statement(const sql_statement& statement, bound_script& script,
                    int32_t& statement_sets) {
  switch (statement.kind()) {
    case statement_kind::create_table: {
      const auto& create = std::get<create_table_statement>(statement.node);
      if (!already_exists(script, create.name, create.if_not_exists, script.warnings))
        script.tables.push_back(bind_create_table(create, script.warnings));
      break;
    }
    case statement_kind::create_view: {
      const auto& create = std::get<create_view_statement>(statement.node);
      if (!already_exists(script, create.name, create.if_not_exists, script.warnings))
        script.views.push_back(bind_view(create, script));
      break;
    }
    case statement_kind::insert:
      script.inserts.push_back(
        bind_insert(std::get<insert_statement>(statement.node), script, -1));
      break;
    case statement_kind::statement_set: {
      const int32_t set = statement_sets++;
      for (const auto& insert : std::get<statement_set>(statement.node).inserts)
        script.inserts.push_back(bind_insert(insert, script, set));
      break;
    }
    case statement_kind::query:
      bind_query(*std::get<query_statement>(statement.node).query, script);
      script.warnings.push_back(
        {statement.position, "a SELECT on its own is not part of the job and is skipped: "
                             "only INSERT INTO writes results"});
      break;
  }
}

} // namespace

bind_result bind_script(const std::vector<sql_statement>& statements) {
  bind_result result;
  try {
    int32_t statement_sets = 0;
    for (const auto& statement : statements)
      bind_statement(statement, result.script, statement_sets);
    if (result.script.inserts.empty())
      bind_fail(statements.empty() ? source_position{} : statements.back().position,
                "the script has no INSERT INTO: there is nothing to run");
  } catch (const sql_bind_failure& failure) {
    std::vector<sql_warning> warnings = std::move(result.script.warnings);
    result.script = bound_script{};
    result.script.warnings = std::move(warnings);
    result.error = failure.error;
  }
  return result;
}

bind_result bind_sql(std::string_view text) {
  auto parsed = parse_script(text);
  if (!parsed.ok()) {
    bind_result result;
    result.error = std::move(parsed.error);
    return result;
  }
  return bind_script(parsed.statements);
}

} // namespace ubaflow
