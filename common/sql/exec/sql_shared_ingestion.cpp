#include "common/sql/exec/sql_shared_ingestion.hpp"

#include <algorithm>

namespace ubaflow {

namespace {

bool same(const std::optional<bound_expression>& a,
          const std::optional<bound_expression>& b) {
  return a.has_value() == b.has_value()
         && (!a || canonical_text(*a) == canonical_text(*b));
}

/// The FROM row of `query`'s table goes straight into its aggregation.
bool aggregates_its_rows(const sql_query_plan& query) {
  return query.aggregated && query.rows.size() == 1
         && query.rows[0].joins.empty() && query.rows[0].outputs.empty()
         && query.rows[0].relations.size() == 1;
}

} // namespace

bool shares_ingestion(const sql_query_plan& leader,
                      const sql_query_plan& follower) {
  if (leader.source != follower.source || !aggregates_its_rows(leader)
      || !aggregates_its_rows(follower))
    return false;
  const auto& l = leader.rows[0];
  const auto& f = follower.rows[0];
  if (!same(l.before_joins, f.before_joins) || !same(l.where, f.where))
    return false;
  if (leader.group_keys.size() != follower.group_keys.size()
      || leader.aggregates.size() != follower.aggregates.size())
    return false;
  for (size_t k = 0; k < leader.group_keys.size(); ++k)
    if (canonical_text(leader.group_keys[k])
        != canonical_text(follower.group_keys[k]))
      return false;
  for (size_t a = 0; a < leader.aggregates.size(); ++a) {
    const auto& x = leader.aggregates[a];
    const auto& y = follower.aggregates[a];
    if (x.function != y.function || !same(x.argument, y.argument)
        || !same(x.filter, y.filter) || !same_type(x.type, y.type))
      return false;
  }
  if (!leader.window || !follower.window)
    return false;
  const auto& lw = *leader.window;
  const auto& fw = *follower.window;
  // Wall-clock windows only: an instant's window is aligned on its local
  // time, which need not map back one to one where clocks change.
  if (lw.kind != window_kind::tumble
      || canonical_text(lw.time_column) != canonical_text(fw.time_column)
      || !same_type(lw.time_column.type, fw.time_column.type)
      || lw.time_column.type.kind == data_type_kind::timestamp_ltz)
    return false;
  switch (fw.kind) {
    case window_kind::tumble:
      return fw.size_ms == lw.size_ms;
    case window_kind::cumulate:
      return fw.step_ms == lw.size_ms && fw.size_ms % fw.step_ms == 0;
    case window_kind::hop:
      return false;
  }
  return false;
}

sql_partial follower_partial(const sql_partial& leader_partial,
                             const sql_group_aggregator& follower) {
  sql_partial out = leader_partial;
  // The leader's window starts where the follower's slice of its rows
  // begins its step: the follower's window of that instant.
  if (leader_partial.window)
    out.window = follower.window_of(leader_partial.window->start);
  return out;
}

void add_shared_partial(std::vector<sql_partial>& partials, sql_partial shared) {
  const auto same_group = [&](const sql_partial& p) {
    return p.window == shared.window && p.keys == shared.keys;
  };
  const auto it = std::find_if(partials.begin(), partials.end(), same_group);
  if (it == partials.end()) {
    partials.push_back(std::move(shared));
    return;
  }
  for (size_t a = 0; a < it->accumulators.size() && a < shared.accumulators.size(); ++a)
    it->accumulators[a].merge(shared.accumulators[a]);
}

} // namespace ubaflow
