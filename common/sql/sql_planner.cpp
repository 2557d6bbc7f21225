#include "common/sql/sql_planner.hpp"

#include "common/sql/sql_filter_pushdown.hpp"

#include <algorithm>

namespace ubaflow {

const char* to_string(sql_routing routing) {
  switch (routing) {
    case sql_routing::group_keys: return "group keys";
    case sql_routing::distinct_value: return "distinct value";
    case sql_routing::window: return "window";
    case sql_routing::single_group: return "single key group";
  }
  return "?";
}

namespace {

/// Thrown inside the planner, caught at its entry (as the binder does).
struct plan_failure {
  sql_error error;
};

[[noreturn]] void plan_fail(source_position at, std::string message,
                            std::string hint = {}) {
  throw plan_failure{{at, std::move(message), std::move(hint)}};
}

/// The query a relation stands for, if it is a view or a subquery.
const bound_query* inner_query(const bound_script& script,
                               const bound_relation& relation) {
  switch (relation.kind) {
    case relation_kind::table: return nullptr;
    case relation_kind::view:
      if (relation.index >= script.views.size())
        plan_fail(relation.position, "view " + relation.name + " is unknown");
      return &script.views[relation.index].query;
    case relation_kind::derived:
      if (!relation.derived)
        plan_fail(relation.position, "a subquery without its query");
      return relation.derived.get();
  }
  return nullptr;
}

sql_row_stage row_stage(const std::string& name, const bound_query& q,
                        bool with_outputs) {
  sql_row_stage stage;
  stage.name = name;
  stage.relations = q.relations;
  stage.joins = q.joins;
  stage.where = q.where;
  if (with_outputs)
    stage.outputs = q.outputs;
  return stage;
}

/// The columns a COUNT(DISTINCT x) counts, if every aggregate is one over
/// the same column (then the values can be routed, counted where they
/// land and the counts added).
std::optional<std::string>
shared_distinct_column(const std::vector<bound_aggregate>& aggregates) {
  std::optional<std::string> column;
  for (const auto& a : aggregates) {
    // A FILTER keeps its own set of the same column's values: split by
    // value like the others.
    if (a.function != aggregate_function::count_distinct || !a.argument)
      return std::nullopt;
    const auto text = canonical_text(*a.argument);
    if (column && *column != text)
      return std::nullopt;
    column = text;
  }
  return column;
}

sql_distinct_storage distinct_set_of(const std::vector<bound_aggregate>& aggs) {
  sql_distinct_storage set = sql_distinct_storage::none;
  for (const auto& a : aggs) {
    if (a.function != aggregate_function::count_distinct || !a.argument)
      continue;
    if (!is_integer(a.argument->type.kind))
      return sql_distinct_storage::hash_set; // the larger of the two
    set = sql_distinct_storage::roaring_bitmap;
  }
  return set;
}

/// Plans one INSERT: walks from the INSERT's query down its FROM chain
/// (views, subqueries) to the table it reads, and splits the chain at its
/// one aggregating query.
sql_query_plan plan_insert(const bound_script& script, uint32_t index,
                           const plan_options& options) {
  const auto& insert = script.inserts[index];
  sql_query_plan plan;
  plan.insert = index;
  plan.sink = insert.table;
  plan.position = insert.position;
  if (insert.table >= script.tables.size())
    plan_fail(insert.position, "the INSERT's table is unknown");
  const std::string sink_name = script.tables[insert.table].name;
  // The chain, outermost first, with each layer's name.
  std::vector<std::pair<std::string, const bound_query*>> chain;
  const bound_query* q = &insert.query;
  std::string name = sink_name;
  for (size_t depth = 0;; ++depth) {
    if (depth > 64)
      plan_fail(insert.position, "views nest more than 64 deep");
    if (q->relations.empty())
      plan_fail(q->position, "a query without FROM is not supported");
    chain.emplace_back(name, q);
    const auto& from = q->relations.front();
    const auto* inner = inner_query(script, from);
    if (!inner) {
      plan.source = from.index;
      break;
    }
    name = from.name;
    q = inner;
  }
  // Split at the aggregating layer.
  std::optional<size_t> aggregating;
  for (size_t i = 0; i < chain.size(); ++i) {
    if (!chain[i].second->aggregated)
      continue;
    if (aggregating)
      plan_fail(chain[*aggregating].second->position,
                "a query over an aggregating view or subquery ("
                  + chain[i].first + ") cannot aggregate again",
                "aggregate once, over the rows of the source; several "
                "INSERTs may read the same source");
    aggregating = i;
  }
  // Row stages below the aggregation and result stages above it, both
  // innermost first (the chain is outermost first).
  for (size_t i = chain.size(); i-- > 0;) {
    const auto& [layer, query] = chain[i];
    if (!aggregating || i > *aggregating) {
      plan.rows.push_back(row_stage(layer, *query, true));
    } else if (i == *aggregating) {
      plan.rows.push_back(row_stage(layer, *query, false));
    } else {
      if (!query->joins.empty())
        plan_fail(query->joins.front().position,
                  "a lookup join above an aggregation is not supported",
                  "join in the query or view the aggregation reads");
      plan.results.push_back(row_stage(layer, *query, true));
    }
  }
  if (options.push_filters)
    push_filters_down(plan);
  if (!aggregating) {
    plan.updating = insert.query.updating;
    return plan;
  }
  const auto& agg = *chain[*aggregating].second;
  plan.aggregated = true;
  plan.window = agg.window;
  plan.group_keys = agg.group_keys;
  plan.aggregates = agg.aggregates;
  plan.aggregate_outputs = agg.outputs;
  plan.updating = insert.query.updating;
  plan.state = agg.window ? sql_state_kind::window_aggregates
                          : sql_state_kind::running_aggregates;
  plan.distinct = distinct_set_of(agg.aggregates);
  if (!agg.group_keys.empty())
    plan.routing = sql_routing::group_keys;
  else if (agg.window && !agg.aggregates.empty()
           && shared_distinct_column(agg.aggregates))
    plan.routing = sql_routing::distinct_value;
  else if (agg.window)
    plan.routing = sql_routing::window;
  else
    plan.routing = sql_routing::single_group;
  plan.combiner = plan.routing == sql_routing::distinct_value;
  return plan;
}

} // namespace

plan_result plan_script(const bound_script& script, plan_options options) {
  plan_result result;
  try {
    for (uint32_t i = 0; i < script.inserts.size(); ++i) {
      auto query = plan_insert(script, i, options);
      const uint32_t number = static_cast<uint32_t>(result.plan.queries.size());
      auto source = std::find_if(
        result.plan.sources.begin(), result.plan.sources.end(),
        [&](const sql_source_plan& s) { return s.table == query.source; });
      if (source == result.plan.sources.end())
        source = result.plan.sources.insert(result.plan.sources.end(),
                                            sql_source_plan{query.source, {}});
      source->queries.push_back(number);
      result.plan.queries.push_back(std::move(query));
    }
    if (result.plan.queries.empty())
      plan_fail({}, "the script inserts into no table: nothing to run",
                "INSERT INTO sink SELECT ... FROM source ...");
  } catch (const plan_failure& failure) {
    result.plan = {};
    result.error = failure.error;
  }
  return result;
}

std::vector<uint32_t> joined_tables(const sql_plan& plan) {
  std::vector<uint32_t> out;
  for (const auto& query : plan.queries)
    for (const auto& stage : query.rows)
      for (const auto& join : stage.joins) {
        const auto table = stage.relations.at(join.relation).index;
        if (std::find(out.begin(), out.end(), table) == out.end())
          out.push_back(table);
      }
  return out;
}

} // namespace ubaflow
