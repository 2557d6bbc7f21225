// CREATE TABLE: columns with their types (physical ones as declared,
// computed ones such as `proctime AS PROCTIME()` typed from their
// expression), the watermark that makes a column the event time, the
// primary key that makes a sink take upserts, and the connector options
// (sql_connector_options.cpp).

#include "common/sql/sql_bind_context.hpp"
#include "common/sql/sql_expression_binder.hpp"
#include "common/sql/sql_name_hints.hpp"
#include "common/sql/sql_print.hpp"

namespace ubaflow {

namespace {

const char* watermark_example = "WATERMARK FOR ts AS ts - INTERVAL '5' SECOND";

std::vector<std::string> column_names(const bound_table& table) {
  std::vector<std::string> names;
  for (const auto& column : table.columns)
    names.push_back(column.name);
  return names;
}

uint32_t column_index(const bound_table& table, const sql_identifier& name,
                      const std::string& what) {
  for (size_t i = 0; i < table.columns.size(); ++i)
    if (table.columns[i].name == name.text)
      return static_cast<uint32_t>(i);
  bind_fail(name.position,
            "no column " + name.text + " in table " + table.name + " for " + what
              + did_you_mean(name.text, column_names(table)),
            table.name + " has " + name_list(column_names(table), 12));
}

void declare_columns(const create_table_statement& statement, bound_table& table) {
  for (const auto& definition : statement.columns) {
    for (const auto& existing : table.columns)
      if (existing.name == definition.name.text)
        bind_fail(definition.name.position, "table " + table.name
                                              + " has two columns named "
                                              + definition.name.text);
    bound_column column;
    column.name = definition.name.text;
    column.position = definition.name.position;
    if (definition.type) {
      const auto declared = resolve_declared_type(*definition.type);
      if (!declared.error.empty())
        bind_fail(definition.type->position, declared.error);
      column.type = declared.type;
      column.type.nullable = !definition.not_null;
    }
    table.columns.push_back(std::move(column));
  }
}

/// The first column `e` names that is itself computed, or null: Flink's
/// computed columns read physical columns only.
const sql_identifier* computed_reference(const sql_expression& e,
                                         const create_table_statement& statement) {
  if (const auto* reference = std::get_if<column_reference>(&e.node))
    for (const auto& definition : statement.columns)
      if (definition.computed && definition.name.text == reference->parts.back().text)
        return &reference->parts.back();
  const sql_identifier* found = nullptr;
  for_each_operand(e, [&](const sql_expression& operand) {
    if (!found)
      found = computed_reference(operand, statement);
  });
  return found;
}

/// Computed columns see the physical columns (relation 0 is the table).
void bind_computed_columns(const create_table_statement& statement, bound_table& table) {
  for (size_t i = 0; i < statement.columns.size(); ++i) {
    const auto& definition = statement.columns[i];
    if (!definition.computed)
      continue;
    if (const auto* other = computed_reference(*definition.computed, statement))
      bind_fail(other->position, "computed column " + definition.name.text
                                   + " cannot read computed column " + other->text,
                "compute it from the physical columns");
    std::vector<bound_relation> relations(1);
    relations.front().name = relations.front().alias = table.name;
    relations.front().columns = table.columns;
    expression_context context;
    context.relations = &relations;
    context.visible_relations = 1;
    context.clause = "a computed column";
    context.computed_column = true;
    bound_expression value = bind_expression(*definition.computed, context);
    if (value.type.kind == data_type_kind::null
        || value.type.kind == data_type_kind::interval)
      bind_fail(definition.computed->position,
                "computed column " + definition.name.text + " needs a typed value, not "
                  + print_expression(*definition.computed).substr(0, 60));
    table.columns[i].type = value.type;
    table.columns[i].computed = std::move(value);
  }
}

void bind_watermark(const watermark_definition& definition, bound_table& table) {
  const uint32_t index = column_index(table, definition.column, "the watermark");
  bound_column& column = table.columns[index];
  if (!is_timestamp(column.type.kind) || column.type.precision > 3
      || column.type.attribute == time_attribute::proctime)
    bind_fail(definition.column.position,
              "the watermark's column " + column.name + " must be TIMESTAMP(3) or "
                "TIMESTAMP_LTZ(3), not " + to_string(column.type));
  const sql_expression& strategy = *definition.strategy;
  const auto names_column = [&](const sql_expression& e) {
    const auto* reference = std::get_if<column_reference>(&e.node);
    return reference && reference->parts.size() == 1
           && reference->parts.front().text == column.name;
  };
  int64_t delay_ms = 0;
  const auto* binary = std::get_if<binary_expression>(&strategy.node);
  if (binary && binary->op == binary_operator::subtract && names_column(*binary->left)
      && std::holds_alternative<interval_expression>(binary->right->node)) {
    delay_ms = bind_interval_ms(*binary->right, "the watermark's delay");
  } else if (!names_column(strategy)) {
    bind_fail(strategy.position,
              "the watermark must be " + column.name + " or " + column.name
                + " - INTERVAL '...' SECOND, not " + print_expression(strategy).substr(0, 60),
              watermark_example);
  }
  column.type.attribute = time_attribute::rowtime;
  table.watermark = bound_watermark{index, delay_ms, definition.position};
}

void bind_primary_key(const primary_key_definition& key, bound_table& table) {
  for (const auto& name : key.columns) {
    const uint32_t index = column_index(table, name, "the primary key");
    if (table.columns[index].computed)
      bind_fail(name.position, "the primary key cannot hold computed column " + name.text);
    for (uint32_t existing : table.primary_key)
      if (existing == index)
        bind_fail(name.position, "the primary key names " + name.text + " twice");
    table.primary_key.push_back(index);
    table.columns[index].type.nullable = false; // as Flink: key columns are NOT NULL
  }
}

} // namespace

bound_table bind_create_table(const create_table_statement& statement,
                              std::vector<sql_warning>& warnings) {
  bound_table table;
  table.name = statement.name.text;
  table.position = statement.name.position;
  if (statement.columns.empty())
    bind_fail(statement.name.position, "table " + table.name + " has no columns");
  declare_columns(statement, table);
  bind_computed_columns(statement, table);
  if (statement.watermark)
    bind_watermark(*statement.watermark, table);
  if (statement.primary_key)
    bind_primary_key(*statement.primary_key, table);
  bind_connector_options(statement, table, warnings);
  return table;
}

} // namespace ubaflow
