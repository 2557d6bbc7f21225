// One query: SELECT ... FROM ... [WHERE] [GROUP BY], in this order of
// binding (FROM first, since it gives the names the rest uses; GROUP BY
// before the select list, since it decides what the list may name).
// After GROUP BY, a select item is built from group keys, aggregates and
// window bounds only; a column that is none of them is an error, as in
// Flink.

#include "common/sql/sql_query_binder.hpp"

#include "common/sql/sql_bind_context.hpp"
#include "common/sql/sql_expression_binder.hpp"
#include "common/sql/sql_print.hpp"

namespace ubaflow {

namespace {

/// What GROUP BY said, for rewriting the select list.
struct grouping {
  std::vector<std::string> key_texts; ///< canonical_text of each group key
  bool window_table_function = false;
  bool has_window_start = false;
  bool has_window_end = false;
  size_t window_start_index = 0; ///< of relation 0's window_start column
};

void refuse_outside_subset(const sql_query& query, const select_block& block) {
  if (query.branches.size() > 1)
    bind_fail(query.branches[1].position, "UNION ALL is not supported",
              "write one INSERT per branch in a statement set");
  if (!query.order_by.empty())
    bind_fail(query.order_by.front().value->position,
              "ORDER BY is not supported in a streaming query",
              "the sink's reader sorts (e.g. Kibana)");
  if (query.limit)
    bind_fail(query.position, "LIMIT is not supported in a streaming query");
  if (block.distinct)
    bind_fail(block.position, "SELECT DISTINCT is not supported",
              "GROUP BY the columns, or COUNT(DISTINCT x)");
  if (block.having)
    bind_fail(block.having->position, "HAVING is not supported",
              "filter the aggregate's rows in a query over a view of it");
}

expression_context context_for(bound_query& query, const char* clause) {
  expression_context context;
  context.relations = &query.relations;
  context.visible_relations = query.relations.size();
  context.clause = clause;
  return context;
}

void bind_group_by(const select_block& block, bound_query& query, grouping& group) {
  const expression_context context = context_for(query, "GROUP BY");
  group.window_table_function
    = query.window && query.window->syntax == window_syntax::table_function;
  if (group.window_table_function)
    group.window_start_index = query.relations.front().columns.size() - 3;
  for (const auto& item : block.group_by) {
    if (is_group_window_call(*item)) {
      if (query.window)
        bind_fail(item->position, "a query has one window",
                  "group by one TUMBLE or HOP, or by a window table function's bounds");
      query.window = bind_group_window(*item, context);
      continue;
    }
    bound_expression key = bind_expression(*item, context);
    if (group.window_table_function && key.kind == bound_expression_kind::column
        && key.relation == 0 && key.column >= group.window_start_index) {
      const size_t which = key.column - group.window_start_index;
      group.has_window_start = group.has_window_start || which == 0;
      group.has_window_end = group.has_window_end || which == 1;
      continue; // window_time is implied by the bounds
    }
    if (key.type.kind == data_type_kind::interval || key.type.kind == data_type_kind::null)
      bind_fail(item->position, "cannot group by " + print_expression(*item).substr(0, 60));
    const std::string text = canonical_text(key);
    bool seen = false;
    for (const auto& existing : group.key_texts)
      seen = seen || existing == text;
    if (seen)
      continue;
    group.key_texts.push_back(text);
    key.type = key.type.plain();
    query.group_keys.push_back(std::move(key));
  }
}

/// A select item after GROUP BY: group keys, aggregates and window bounds
/// stand for themselves; calls are rebuilt from their rewritten arguments.
bound_expression after_grouping(const bound_expression& e, const bound_query& query,
                                const grouping& group) {
  switch (e.kind) {
    case bound_expression_kind::aggregate:
    case bound_expression_kind::window_bound:
    case bound_expression_kind::literal:
    case bound_expression_kind::interval:
    case bound_expression_kind::group_key: return e;
    default: break;
  }
  const std::string text = canonical_text(e);
  for (size_t i = 0; i < group.key_texts.size(); ++i) {
    if (group.key_texts[i] != text)
      continue;
    bound_expression key;
    key.kind = bound_expression_kind::group_key;
    key.index = static_cast<uint32_t>(i);
    key.type = query.group_keys[i].type;
    key.name = query.group_keys[i].name;
    key.position = e.position;
    return key;
  }
  if (e.kind == bound_expression_kind::column) {
    if (group.window_table_function && e.relation == 0
        && e.column >= group.window_start_index && group.has_window_start
        && group.has_window_end) {
      bound_expression bound = e;
      bound.kind = bound_expression_kind::window_bound;
      const size_t which = e.column - group.window_start_index;
      bound.bound = which == 0   ? window_bound_kind::start
                    : which == 1 ? window_bound_kind::end
                                 : window_bound_kind::time;
      return bound;
    }
    bind_fail(e.position, "column " + e.name + " is neither grouped nor aggregated",
              "add it to GROUP BY, or aggregate it, e.g. MAX(" + e.name + ")");
  }
  bound_expression out = e;
  for (auto& argument : out.arguments)
    argument = after_grouping(argument, query, group);
  out.type = out.type.plain();
  return out;
}

std::string output_name(const select_item& item, size_t index) {
  if (item.alias)
    return item.alias->text;
  if (const auto* column = std::get_if<column_reference>(&item.value->node))
    return column->parts.back().text;
  return "EXPR$" + std::to_string(index);
}

void bind_select_list(const select_block& block, bound_query& query) {
  expression_context context = context_for(query, "the select list");
  context.aggregates = &query.aggregates;
  if (query.window && query.window->syntax == window_syntax::group_window)
    context.window = &*query.window;
  for (const auto& item : block.items) {
    if (const auto* star = std::get_if<star_expression>(&item.value->node)) {
      for (auto& column : expand_star(*star, item.value->position, context))
        query.outputs.push_back({column.name, std::move(column)});
      continue;
    }
    bound_expression value = bind_expression(*item.value, context);
    if (value.type.kind == data_type_kind::interval)
      bind_fail(item.value->position, "an INTERVAL cannot be a column");
    if (value.type.kind == data_type_kind::null)
      bind_fail(item.value->position, "NULL needs a type here", "CAST(NULL AS STRING)");
    query.outputs.push_back({output_name(item, query.outputs.size()), std::move(value)});
  }
}

void check_aggregation(const select_block& block, bound_query& query, const grouping& group) {
  query.aggregated = !block.group_by.empty() || !query.aggregates.empty();
  if (group.window_table_function) {
    const source_position at = block.from->position;
    if (!query.aggregated)
      bind_fail(at, "a window table function must be aggregated",
                "GROUP BY window_start, window_end");
    if (!group.has_window_start || !group.has_window_end)
      bind_fail(block.group_by.empty() ? at : block.group_by.front()->position,
                "a window aggregation groups by window_start and window_end",
                "GROUP BY window_start, window_end[, other keys]");
  }
  if (!query.aggregated)
    return;
  for (const auto& relation : query.relations)
    if (relation.updating)
      bind_fail(block.position, "aggregating " + relation.alias
                                  + " is not supported: its rows are updated");
  for (auto& output : query.outputs)
    output.value = after_grouping(output.value, query, group);
}

} // namespace

bound_query bind_query(const sql_query& source, const bound_script& script) {
  const select_block& block = source.branches.front();
  refuse_outside_subset(source, block);
  bound_query query;
  query.position = block.position;
  bind_from(block, script, query);
  if (block.where)
    query.where = bind_condition(*block.where, context_for(query, "WHERE"));
  grouping group;
  bind_group_by(block, query, group);
  bind_select_list(block, query);
  check_aggregation(block, query, group);
  query.updating = query.aggregated && !query.window;
  for (const auto& relation : query.relations)
    query.updating = query.updating || relation.updating;
  return query;
}

} // namespace ubaflow
