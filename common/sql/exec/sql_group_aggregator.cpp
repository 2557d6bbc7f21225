#include "common/sql/exec/sql_group_aggregator.hpp"

#include "common/sql/exec/sql_query_rows.hpp"

#include <algorithm>

namespace ubaflow {

uint32_t key_group_of(const sql_partial& partial, sql_routing routing,
                      uint32_t key_groups) {
  uint64_t hash = 0;
  switch (routing) {
    case sql_routing::group_keys:
      hash = stable_hash(partial.keys);
      break;
    case sql_routing::distinct_value:
    case sql_routing::window:
      hash = partial.window ? static_cast<uint64_t>(partial.window->start)
                                * 0x9e3779b97f4a7c15ULL
                            : 0;
      break;
    case sql_routing::single_group:
      hash = 0;
      break;
  }
  return key_groups == 0 ? 0 : static_cast<uint32_t>((hash >> 17) % key_groups);
}

size_t sql_group_aggregator::group_key_hash::operator()(const group_key& g) const {
  return static_cast<size_t>(stable_hash(g.keys) * 31
                             + static_cast<uint64_t>(g.start) * 17
                             + static_cast<uint64_t>(g.end));
}

sql_group_aggregator::sql_group_aggregator(const sql_query_plan& query,
                                           const sql_row_evaluator& evaluator,
                                           reject_handler reject)
  : query_(query), evaluator_(evaluator), reject_(std::move(reject)) {
  if (query.window)
    assigner_.emplace(*query.window, evaluator.zone());
}

sql_group_aggregator::group&
sql_group_aggregator::group_for(const std::optional<sql_window>& window,
                                const sql_row& keys) {
  group_key id{window ? window->start : 0, window ? window->end : 0, keys};
  auto found = groups_.find(id);
  if (found != groups_.end())
    return found->second;
  group g;
  g.partial.window = window;
  g.partial.keys = keys;
  for (const auto& aggregate : query_.aggregates)
    g.partial.accumulators.emplace_back(aggregate);
  return groups_.emplace(std::move(id), std::move(g)).first->second;
}

void sql_group_aggregator::add(const std::vector<sql_row>& relations) {
  sql_row keys;
  keys.reserve(query_.group_keys.size());
  for (const auto& key : query_.group_keys) {
    auto value = evaluator_.evaluate(key, relations);
    if (!value.ok()) {
      reject_(value.error);
      return;
    }
    keys.push_back(std::move(value.value));
  }
  // Each aggregate's argument (and FILTER), once per row.
  std::vector<std::optional<sql_value>> arguments(query_.aggregates.size());
  for (size_t a = 0; a < query_.aggregates.size(); ++a) {
    const auto& aggregate = query_.aggregates[a];
    if (aggregate.filter) {
      auto keep = evaluator_.evaluate(*aggregate.filter, relations);
      if (!keep.ok()) {
        reject_(keep.error);
        return;
      }
      if (!keep.is_true())
        continue; // this aggregate skips the row
    }
    sql_value argument;
    if (aggregate.argument) {
      auto value = evaluator_.evaluate(*aggregate.argument, relations);
      if (!value.ok()) {
        reject_(value.error);
        return;
      }
      argument = std::move(value.value);
    }
    arguments[a] = std::move(argument);
  }
  auto add_to = [&](group& g) {
    for (size_t a = 0; a < arguments.size(); ++a)
      if (arguments[a])
        g.partial.accumulators[a].add(*arguments[a]);
    g.changed = true;
  };
  if (!assigner_) {
    add_to(group_for(std::nullopt, keys));
    return;
  }
  auto time = evaluator_.evaluate(query_.window->time_column, relations);
  if (!time.ok()) {
    reject_(time.error);
    return;
  }
  if (time.value.is_null())
    return; // no event time: in no window (a streaming source drops it too)
  windows_.clear();
  assigner_->assign(time.value.as_millis(), windows_);
  for (const auto& window : windows_)
    add_to(group_for(window, keys));
}

void sql_group_aggregator::merge(sql_partial partial) {
  if (partial.window && partial.window->max_timestamp() <= fired_up_to_) {
    ++late_partials_;
    return;
  }
  auto& g = group_for(partial.window, partial.keys);
  for (size_t a = 0; a < g.partial.accumulators.size()
                     && a < partial.accumulators.size();
       ++a)
    g.partial.accumulators[a].merge(partial.accumulators[a]);
  g.changed = true;
}

std::vector<sql_partial> sql_group_aggregator::take_partials() {
  std::vector<sql_partial> out;
  out.reserve(groups_.size());
  for (auto& [id, g] : groups_)
    out.push_back(std::move(g.partial));
  groups_.clear();
  return out;
}

std::vector<sql_partial> sql_group_aggregator::copy_partials() const {
  std::vector<sql_partial> out;
  out.reserve(groups_.size());
  for (const auto& [id, g] : groups_)
    out.push_back(g.partial);
  return out;
}

std::optional<sql_row> sql_group_aggregator::results(sql_row row) {
  for (const auto& stage : query_.results) {
    const std::vector<sql_row> relations{std::move(row)};
    if (stage.where) {
      auto keep = evaluator_.evaluate(*stage.where, relations);
      if (!keep.ok())
        reject_(keep.error);
      if (!keep.is_true())
        return std::nullopt;
    }
    auto next = project_outputs(evaluator_, stage.outputs, relations, reject_);
    if (!next)
      return std::nullopt;
    row = std::move(*next);
  }
  return row;
}

std::vector<sql_row>
sql_group_aggregator::output(std::vector<const group*> fired) {
  std::sort(fired.begin(), fired.end(), [](const group* a, const group* b) {
    if (a->partial.window != b->partial.window)
      return a->partial.window < b->partial.window;
    return row_less(a->partial.keys, b->partial.keys);
  });
  std::vector<sql_row> rows;
  for (const auto* g : fired) {
    sql_row values;
    for (const auto& accumulator : g->partial.accumulators)
      values.push_back(accumulator.result());
    const sql_aggregate_row aggregated{
      &g->partial.keys, &values,
      g->partial.window ? &*g->partial.window : nullptr};
    auto row = project_outputs(evaluator_, query_.aggregate_outputs,
                               aggregated, reject_);
    if (!row)
      continue;
    if (auto finished = results(std::move(*row)))
      rows.push_back(std::move(*finished));
  }
  return rows;
}

std::vector<sql_row> sql_group_aggregator::fire(int64_t watermark) {
  fired_up_to_ = std::max(fired_up_to_, watermark);
  std::vector<const group*> fired;
  for (const auto& [id, g] : groups_)
    if (g.partial.window && g.partial.window->max_timestamp() <= watermark)
      fired.push_back(&g);
  auto rows = output(fired);
  for (auto i = groups_.begin(); i != groups_.end();)
    if (i->second.partial.window
        && i->second.partial.window->max_timestamp() <= watermark)
      i = groups_.erase(i);
    else
      ++i;
  return rows;
}

std::vector<sql_row> sql_group_aggregator::updates() {
  std::vector<const group*> changed;
  for (auto& [id, g] : groups_)
    if (!g.partial.window && g.changed) {
      changed.push_back(&g);
      g.changed = false;
    }
  return output(changed);
}

std::vector<sql_row> sql_group_aggregator::finish() {
  return assigner_ ? fire(INT64_MAX) : updates();
}

} // namespace ubaflow
