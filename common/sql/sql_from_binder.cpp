// FROM and JOIN: the relations a query reads. A query reads one table,
// view, subquery or window table function, and may enrich it with lookup
// joins (JOIN dim FOR SYSTEM_TIME AS OF u.proctime AS d ON u.k = d.k):
// the only join a stream of this kind needs, and one ubaflow's sources
// evaluate row by row against MySQL or a CSV file with a cache. Other joins
// would need state ubaflow does not keep, so they are refused.

#include "common/sql/sql_bind_context.hpp"
#include "common/sql/sql_expression_binder.hpp"
#include "common/sql/sql_print.hpp"
#include "common/sql/sql_query_binder.hpp"

#include <set>

namespace ubaflow {

namespace {

const char* lookup_example
  = "LEFT JOIN dim FOR SYSTEM_TIME AS OF u.proctime AS d ON u.id = d.id";

void collect_relations(const bound_expression& e, std::set<uint32_t>& out) {
  if (e.kind == bound_expression_kind::column)
    out.insert(e.relation);
  for (const auto& argument : e.arguments)
    collect_relations(argument, out);
}

bound_relation derived_relation(const derived_table& derived, const bound_script& script,
                                source_position at) {
  auto query = std::make_shared<bound_query>(bind_query(*derived.query, script));
  bound_relation relation;
  relation.kind = relation_kind::derived;
  relation.position = at;
  relation.updating = query->updating;
  for (const auto& output : query->outputs)
    relation.columns.push_back({output.name, output.value.type, output.value.position,
                                std::nullopt});
  relation.derived = std::move(query);
  return relation;
}

bound_relation lookup_relation(const table_reference& right, const bound_script& script,
                               join_kind kind) {
  const auto* named = std::get_if<named_table>(&right.source);
  if (!named)
    bind_fail(right.position, "a lookup join reads a table by name", lookup_example);
  const sql_identifier& name = named->name;
  const bound_table* table = script.find_table(name.text);
  if (!table) {
    if (script.find_view(name.text))
      bind_fail(name.position, "a lookup join reads a table, and " + name.text + " is a view");
    fail_no_relation(script, name);
  }
  if (!can_lookup(*table))
    bind_fail(name.position,
              "table " + name.text + " (connector " + to_string(table->connector)
                + ") cannot be looked up",
              "a dimension table uses the jdbc connector or filesystem with format csv");
  bound_relation relation;
  relation.kind = relation_kind::table;
  relation.index = static_cast<uint32_t>(table - script.tables.data());
  relation.name = name.text;
  relation.alias = right.alias ? right.alias->text : name.text;
  relation.position = right.position;
  for (auto column : table->columns) {
    // A LEFT join gives NULL where the dimension has no row.
    column.type = column.type.plain().with_nullable(column.type.nullable
                                                    || kind == join_kind::left);
    relation.columns.push_back(std::move(column));
  }
  return relation;
}

/// Splits ON into its AND-ed equalities between the left side and a column
/// of the dimension (`relation`).
void bind_lookup_keys(const sql_expression& condition, const bound_expression& bound,
                      bound_lookup_join& join) {
  if (bound.kind == bound_expression_kind::call
      && bound.function == bound_function::logical_and) {
    const auto& node = std::get<binary_expression>(condition.node);
    bind_lookup_keys(*node.left, bound.arguments[0], join);
    bind_lookup_keys(*node.right, bound.arguments[1], join);
    return;
  }
  const auto refuse = [&] {
    bind_fail(condition.position,
              "a lookup join's ON compares columns of the dimension with the other side: "
                + print_expression(condition).substr(0, 60) + " is not such an equality",
              lookup_example);
  };
  if (bound.kind != bound_expression_kind::call || bound.function != bound_function::equal)
    refuse();
  for (int side = 0; side < 2; ++side) {
    const auto& dimension = bound.arguments[side];
    const auto& other = bound.arguments[1 - side];
    std::set<uint32_t> other_relations;
    collect_relations(other, other_relations);
    if (dimension.kind == bound_expression_kind::column && dimension.relation == join.relation
        && !other_relations.empty() && !other_relations.count(join.relation)) {
      join.keys.emplace_back(other, dimension.column);
      return;
    }
  }
  refuse();
}

void bind_lookup_join(const sql_join& clause, const bound_script& script,
                      bound_query& query) {
  if (!clause.right.system_time)
    bind_fail(clause.position, "regular joins are not supported",
              std::string{"a lookup join: "} + lookup_example);
  for (const auto& relation : query.relations)
    if (relation.updating)
      bind_fail(clause.position, "a lookup join cannot enrich " + relation.alias
                                   + ": its rows are updated");
  bound_lookup_join join;
  join.kind = clause.kind;
  join.position = clause.position;
  join.relation = static_cast<uint32_t>(query.relations.size());
  query.relations.push_back(lookup_relation(clause.right, script, clause.kind));
  for (size_t i = 0; i + 1 < query.relations.size(); ++i)
    if (query.relations[i].alias == query.relations.back().alias)
      bind_fail(clause.right.alias ? clause.right.alias->position : clause.right.position,
                "the name " + query.relations.back().alias + " is used twice in FROM",
                "give the joined table an alias: AS d");
  expression_context context;
  context.relations = &query.relations;
  context.visible_relations = join.relation;
  context.clause = "FOR SYSTEM_TIME AS OF";
  const sql_expression& as_of = *clause.right.system_time;
  join.system_time = bind_expression(as_of, context);
  const auto attribute = join.system_time.type.attribute;
  if (join.system_time.kind != bound_expression_kind::column
      || attribute != time_attribute::proctime)
    bind_fail(as_of.position,
              attribute == time_attribute::rowtime
                ? "event-time temporal joins are not supported"
                : "FOR SYSTEM_TIME AS OF needs a processing-time attribute, but "
                    + print_expression(as_of).substr(0, 60) + " is "
                    + to_string(join.system_time.type),
              "look up as of a PROCTIME() column: declare proctime AS PROCTIME() in the "
              "source table");
  context.visible_relations = query.relations.size();
  context.clause = "ON";
  if (!clause.condition)
    bind_fail(clause.position, "a lookup join needs ON", lookup_example);
  const bound_expression on = bind_condition(*clause.condition, context);
  bind_lookup_keys(*clause.condition, on, join);
  query.joins.push_back(std::move(join));
}

} // namespace

bound_relation scanned_relation(const bound_script& script, const sql_identifier& name) {
  bound_relation relation;
  relation.name = name.text;
  relation.alias = name.text;
  relation.position = name.position;
  if (const bound_table* table = script.find_table(name.text)) {
    if (!can_scan(*table))
      bind_fail(name.position,
                "table " + name.text + " (connector " + to_string(table->connector) + ") "
                  + (can_lookup(*table) ? "can only be looked up" : "is a sink")
                  + ", not read",
                can_lookup(*table) ? std::string{lookup_example}
                                   : "write it with INSERT INTO " + name.text);
    relation.kind = relation_kind::table;
    relation.index = static_cast<uint32_t>(table - script.tables.data());
    relation.columns = table->columns;
    return relation;
  }
  if (const bound_view* view = script.find_view(name.text)) {
    relation.kind = relation_kind::view;
    relation.index = static_cast<uint32_t>(view - script.views.data());
    relation.columns = view->columns;
    relation.updating = view->query.updating;
    return relation;
  }
  fail_no_relation(script, name);
}

void bind_from(const select_block& block, const bound_script& script, bound_query& query) {
  if (!block.from)
    bind_fail(block.position, "a query without FROM is not supported",
              "ubaflow's queries read a table or view");
  const table_reference& from = *block.from;
  if (from.system_time)
    bind_fail(from.system_time->position,
              "FOR SYSTEM_TIME AS OF belongs to the joined dimension table", lookup_example);
  bound_relation relation;
  if (const auto* named = std::get_if<named_table>(&from.source)) {
    relation = scanned_relation(script, named->name);
  } else if (const auto* derived = std::get_if<derived_table>(&from.source)) {
    relation = derived_relation(*derived, script, from.position);
  } else {
    bound_window window;
    relation = bind_window_table_function(std::get<window_table_function>(from.source),
                                          from.position, script, window);
    query.window = std::move(window);
  }
  if (from.alias)
    relation.alias = from.alias->text;
  query.relations.push_back(std::move(relation));
  for (const auto& join : block.joins)
    bind_lookup_join(join, script, query);
}

} // namespace ubaflow
