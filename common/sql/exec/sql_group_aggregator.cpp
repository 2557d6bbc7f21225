#include "common/sql/exec/sql_group_aggregator.hpp"

#include "common/sql/exec/sql_query_rows.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace ubaflow {

uint32_t key_group_of(const sql_partial& partial, sql_routing routing,
                      uint32_t key_groups) {
  uint64_t hash = 0;
  switch (routing) {
    case sql_routing::group_keys:
      hash = stable_hash(partial.keys);
      break;
    case sql_routing::distinct_value:
      for (const auto& accumulator : partial.accumulators)
        if (const auto* set = accumulator.distinct_set())
          if (auto group = set->some_key_group(key_groups))
            return *group;
      return 0;
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

namespace {

/// CUMULATE windows are kept as slices on the zone-less clock only: steps
/// of an LTZ column are wall-clock steps, not fixed lengths of instants.
bool sliced(const sql_window_assigner& assigner) {
  return assigner.kind() == window_kind::cumulate && !assigner.instants();
}

} // namespace

int64_t allowed_lateness_of(const sql_query_plan& query, const time_zone& zone,
                            int64_t ms) {
  if (query.window && sliced(sql_window_assigner{*query.window, zone}))
    return 0;
  return std::max<int64_t>(0, ms);
}

std::vector<std::optional<sql_partial>>
split_by_key_groups(const sql_partial& partial,
                    const std::vector<key_group_range>& ranges,
                    uint32_t key_groups) {
  return split_by_key_groups(partial, ranges.size(),
                             [&](const sql_distinct_set& set) {
                               return set.split(key_groups, ranges);
                             });
}

std::vector<std::optional<sql_partial>>
split_by_key_groups(const sql_partial& partial, size_t ranges,
                    const sql_set_splitter& split_set) {
  std::vector<std::vector<sql_distinct_set>> sets; // per aggregate, per range
  for (const auto& accumulator : partial.accumulators) {
    const auto* set = accumulator.distinct_set();
    if (!set) // the planner routes by value only COUNT(DISTINCT)s
      throw std::invalid_argument("a partial routed by distinct value holds "
                                  "an aggregate other than COUNT(DISTINCT)");
    sets.push_back(split_set(*set));
    if (sets.back().size() != ranges)
      throw std::invalid_argument("a distinct set split into too few parts");
  }
  std::vector<std::optional<sql_partial>> out(ranges);
  for (size_t r = 0; r < ranges; ++r) {
    bool any = false;
    for (const auto& per_range : sets)
      any = any || !per_range[r].empty();
    if (!any)
      continue;
    auto& part = out[r].emplace();
    part.window = partial.window;
    part.keys = partial.keys;
    for (size_t a = 0; a < partial.accumulators.size(); ++a) {
      auto accumulator = partial.accumulators[a].fresh();
      *accumulator.distinct_set() = std::move(sets[a][r]);
      part.accumulators.push_back(std::move(accumulator));
    }
  }
  return out;
}

bool distinct_values_within(const sql_partial& partial, key_group_range range,
                            uint32_t key_groups) {
  for (const auto& accumulator : partial.accumulators) {
    const auto* set = accumulator.distinct_set();
    if (!set || !set->all_within(range, key_groups))
      return false;
  }
  return true;
}

size_t sql_group_aggregator::group_key_hash::operator()(const group_key& g) const {
  return static_cast<size_t>(stable_hash(g.keys) * 31
                             + static_cast<uint64_t>(g.start) * 17
                             + static_cast<uint64_t>(g.end));
}

size_t sql_group_aggregator::period_key_hash::operator()(const period_key& p) const {
  return static_cast<size_t>(stable_hash(p.keys) * 31
                             + static_cast<uint64_t>(p.start));
}

sql_group_aggregator::sql_group_aggregator(const sql_query_plan& query,
                                           const sql_row_evaluator& evaluator,
                                           reject_handler reject)
  : query_(query), evaluator_(evaluator), reject_(std::move(reject)) {
  arguments_.resize(query.aggregates.size());
  argument_values_.resize(query.aggregates.size());
  for (const auto& aggregate : query.aggregates) {
    auto& filter = filters_.emplace_back();
    if (aggregate.filter)
      filter.emplace(*aggregate.filter, evaluator);
  }
  if (query.window) {
    assigner_.emplace(*query.window, evaluator.zone());
    sliced_ = sliced(*assigner_);
    step_ms_ = assigner_->step_ms();
  }
}

void sql_group_aggregator::pre_aggregate() {
  collecting_ = true;
  distinct_aggregates_ = 0;
  for (const auto& aggregate : query_.aggregates)
    if (aggregate.function == aggregate_function::count_distinct)
      ++distinct_aggregates_;
}

std::vector<sql_accumulator> sql_group_aggregator::fresh_accumulators() const {
  std::vector<sql_accumulator> out;
  for (const auto& aggregate : query_.aggregates) {
    out.emplace_back(aggregate);
    if (collecting_)
      out.back().collect_until_read();
  }
  return out;
}

sql_group_aggregator::group&
sql_group_aggregator::find_group(const sql_window* window,
                                 const sql_row& keys) {
  probe_.start = window ? window->start : 0;
  probe_.end = window ? window->end : 0;
  probe_.keys = keys; // reuses the probe's buffer
  auto found = groups_.find(probe_);
  if (found != groups_.end())
    return *(last_ = &found->second);
  group_key id = probe_;
  group g;
  if (window)
    g.partial.window = *window;
  g.partial.keys = keys;
  g.partial.accumulators = fresh_accumulators();
  if (window) {
    next_due_ = std::min(next_due_, window->max_timestamp());
    if (sliced_)
      periods_.try_emplace(period_key{window->start, keys},
                           period{window->start, false, fresh_accumulators()});
  }
  return *(last_ = &groups_.emplace(std::move(id), std::move(g)).first->second);
}

std::optional<int64_t>
sql_group_aggregator::open_step_end(const sql_window& slice,
                                    int64_t watermark) const {
  const int64_t start = slice.start;
  const int64_t end
    = start + ((watermark + 1 - start) / step_ms_ + 1) * step_ms_;
  if (end > start + assigner_->size_ms())
    return std::nullopt;
  return end;
}

void sql_group_aggregator::add(const sql_relations& relations,
                               int64_t watermark) {
  auto& keys = keys_;
  keys.clear();
  for (const auto& key : query_.group_keys) {
    auto value = evaluator_.evaluate(key, relations);
    if (!value.ok()) {
      reject_(value.error);
      return;
    }
    keys.push_back(std::move(value.value));
  }
  // Each aggregate's argument (and FILTER), once per row: a column read in
  // place, anything else evaluated into its slot; nullptr skips the row.
  static const sql_value no_argument{}; // COUNT(*)
  auto& arguments = arguments_; // sized by the constructor
  for (size_t a = 0; a < query_.aggregates.size(); ++a) {
    const auto& aggregate = query_.aggregates[a];
    arguments[a] = nullptr;
    if (const auto& filter = filters_[a];
        filter && !filter->holds(relations, why_)) {
      if (!why_.empty()) {
        reject_(why_);
        why_.clear();
        return;
      }
      continue; // this aggregate skips the row
    }
    if (!aggregate.argument) {
      arguments[a] = &no_argument;
      continue;
    }
    if (const auto* column
        = sql_row_evaluator::column_in(*aggregate.argument, relations)) {
      arguments[a] = column;
      continue;
    }
    auto value = evaluator_.evaluate(*aggregate.argument, relations);
    if (!value.ok()) {
      reject_(value.error);
      return;
    }
    argument_values_[a] = std::move(value.value);
    arguments[a] = &argument_values_[a];
  }
  auto add_to = [&](group& g) {
    for (size_t a = 0; a < arguments.size(); ++a)
      if (arguments[a])
        g.partial.accumulators[a].add(*arguments[a]);
    g.changed = true;
    buffered_values_ += distinct_aggregates_;
  };
  if (!assigner_) {
    add_to(group_for(nullptr, keys));
    return;
  }
  int64_t time_ms = 0;
  if (const auto* column
      = sql_row_evaluator::column_in(query_.window->time_column, relations)) {
    if (column->is_null())
      return; // no event time: in no window (a streaming source drops it too)
    time_ms = column->as_millis();
  } else {
    auto time = evaluator_.evaluate(query_.window->time_column, relations);
    if (!time.ok()) {
      reject_(time.error);
      return;
    }
    if (time.value.is_null())
      return;
    time_ms = time.value.as_millis();
  }
  if (sliced_) {
    auto slice = assigner_->first_window(time_ms);
    if (slice.max_timestamp() <= watermark) {
      ++late_rows_;
      auto open = open_step_end(slice, watermark);
      if (!open)
        return;
      slice.end = *open;
    }
    add_to(group_for(&slice, keys));
    return;
  }
  if (assigner_->kind() == window_kind::tumble) { // one window: no list
    const auto window = assigner_->first_window(time_ms);
    if (beyond_lateness(window, watermark)) {
      ++late_rows_;
    } else {
      add_to(group_for(&window, keys));
      keep_due(window);
      took_on_time_ = window.max_timestamp() > watermark;
    }
    return;
  }
  windows_.clear();
  assigner_->assign(time_ms, windows_);
  bool late = false;
  for (const auto& window : windows_) {
    if (beyond_lateness(window, watermark)) {
      late = true;
      continue;
    }
    add_to(group_for(&window, keys));
    keep_due(window);
  }
  if (late)
    ++late_rows_;
}

void sql_group_aggregator::set_allowed_lateness(int64_t ms) {
  lateness_ms_ = sliced_ ? 0 : std::max<int64_t>(0, ms);
}

bool sql_group_aggregator::beyond_lateness(const sql_window& window,
                                           int64_t watermark) const {
  return window.max_timestamp() + lateness_ms_ <= watermark;
}

void sql_group_aggregator::keep_due(const sql_window& window) {
  // A window kept after it fired (allowed lateness) and changed again is
  // due again at once: its row is emitted anew at the next fire().
  if (lateness_ms_ > 0)
    next_due_ = std::min(next_due_, window.max_timestamp());
}

void sql_group_aggregator::merge(sql_partial partial) {
  if (partial.window && beyond_lateness(*partial.window, fired_up_to_)) {
    ++late_partials_;
    if (!sliced_ || fired_up_to_ == INT64_MAX)
      return;
    // A late slice: into the first step of its period still open, if any.
    auto open = open_step_end(*partial.window, fired_up_to_);
    if (!open)
      return;
    partial.window->end = *open;
  }
  auto& g = group_for(partial.window ? &*partial.window : nullptr, partial.keys);
  for (size_t a = 0; a < g.partial.accumulators.size()
                     && a < partial.accumulators.size();
       ++a)
    g.partial.accumulators[a].merge(partial.accumulators[a]);
  g.changed = true;
  if (partial.window)
    keep_due(*partial.window);
}

std::vector<sql_partial> sql_group_aggregator::take_partials() {
  std::vector<sql_partial> out;
  out.reserve(groups_.size());
  for (auto& [id, g] : groups_)
    out.push_back(std::move(g.partial));
  groups_.clear();
  last_ = nullptr;
  periods_.clear();
  next_due_ = INT64_MAX;
  buffered_values_ = 0;
  return out;
}

std::vector<sql_partial> sql_group_aggregator::copy_partials() const {
  std::vector<sql_partial> out;
  out.reserve(groups_.size());
  for (const auto& [id, g] : groups_)
    out.push_back(g.partial);
  return out;
}

std::optional<sql_row>
aggregated_row(const sql_query_plan& query, const sql_row_evaluator& evaluator,
               const sql_row& keys, const sql_row& values,
               const sql_window* window,
               const std::function<void(const std::string&)>& reject) {
  const sql_aggregate_row aggregated{&keys, &values, window};
  auto row = project_outputs(evaluator, query.aggregate_outputs, aggregated,
                             reject);
  if (!row)
    return std::nullopt;
  for (const auto& stage : query.results) {
    const std::vector<sql_row> relations{std::move(*row)};
    if (stage.where) {
      auto keep = evaluator.evaluate(*stage.where, relations);
      if (!keep.ok())
        reject(keep.error);
      if (!keep.is_true())
        return std::nullopt;
    }
    row = project_outputs(evaluator, stage.outputs, relations, reject);
    if (!row)
      return std::nullopt;
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
    if (auto row = aggregated_row(
          query_, evaluator_, g->partial.keys, values,
          g->partial.window ? &*g->partial.window : nullptr, reject_))
      rows.push_back(std::move(*row));
  }
  return rows;
}

std::vector<sql_row> sql_group_aggregator::fire(int64_t watermark) {
  std::vector<sql_row> rows;
  fire_groups(watermark, [&](std::vector<const group*> fired) {
    rows = output(std::move(fired));
  });
  return rows;
}

void sql_group_aggregator::fire_each(int64_t watermark,
                                     const window_visitor& visit) {
  std::vector<step_growth> growth;
  growth_ = sliced_ ? &growth : nullptr; // fire_slices fills it
  fire_groups(watermark, [&](std::vector<const group*> fired) {
    for (size_t i = 0; i < fired.size(); ++i) {
      fired_window f{*fired[i]->partial.window,
                     fired[i]->partial.accumulators};
      if (growth_) {
        f.added = &growth.at(i).added;
        f.period_ends = growth.at(i).period_ends;
      }
      visit(f);
    }
  });
  growth_ = nullptr;
}

void sql_group_aggregator::fire_groups(int64_t watermark,
                                       const fired_handler& take) {
  fired_up_to_ = std::max(fired_up_to_, watermark);
  if (watermark < next_due_)
    return; // nothing ends before the watermark: no scan
  if (sliced_) {
    fire_slices(watermark, take);
    return;
  }
  // Windows the watermark has passed fire if they changed since they last
  // did (every window, the first time); each is kept until its allowed
  // lateness has passed too, for late rows to update it.
  std::vector<group*> fired;
  for (auto& [id, g] : groups_)
    if (g.changed && g.partial.window
        && g.partial.window->max_timestamp() <= watermark)
      fired.push_back(&g);
  take({fired.begin(), fired.end()});
  for (auto* g : fired)
    g->changed = false;
  last_ = nullptr; // groups are erased below
  next_due_ = INT64_MAX;
  for (auto i = groups_.begin(); i != groups_.end();) {
    const auto& window = i->second.partial.window;
    if (window && beyond_lateness(*window, watermark)) {
      i = groups_.erase(i);
      continue;
    }
    if (window)
      next_due_ = std::min(next_due_, i->second.changed
                                        ? window->max_timestamp()
                                        : window->max_timestamp() + lateness_ms_);
    ++i;
  }
}

void sql_group_aggregator::fire_slices(int64_t watermark,
                                       const fired_handler& take) {
  // Each period folds its steps up to the watermark, in order, and emits
  // the window [period start, step end) once it holds data.
  const int64_t size = assigner_->size_ms();
  std::vector<group> windows;
  last_ = nullptr; // ended periods' slices are erased below
  next_due_ = INT64_MAX;
  for (auto p = periods_.begin(); p != periods_.end();) {
    const auto& id = p->first;
    auto& state = p->second;
    const int64_t period_end = id.start + size;
    for (int64_t end = state.folded_to + step_ms_;
         end <= period_end && end - 1 <= watermark; end += step_ms_) {
      auto slice = groups_.find(group_key{id.start, end, id.keys});
      step_growth grown;
      if (growth_)
        for (const auto& running : state.running)
          grown.added.push_back(running.fresh());
      if (slice != groups_.end()) {
        for (size_t a = 0; a < state.running.size(); ++a) {
          const auto& step = slice->second.partial.accumulators[a];
          if (growth_ && step.distinct_set()) {
            // Only what is new joins the period: a smaller union.
            *grown.added[a].distinct_set()
              = step.distinct_set()->without(*state.running[a].distinct_set());
            state.running[a].merge(grown.added[a]);
          } else {
            state.running[a].merge(step);
          }
        }
        state.has_data = true;
      }
      state.folded_to = end;
      if (state.has_data) {
        group window;
        window.partial.window = sql_window{id.start, end};
        window.partial.keys = id.keys;
        // A visitor of the growth reads the step's additions, not the
        // period's values: no copy of the period's sets for it.
        if (growth_)
          for (const auto& running : state.running)
            window.partial.accumulators.push_back(running.fresh());
        else
          window.partial.accumulators = state.running;
        windows.push_back(std::move(window));
        if (growth_) {
          grown.period_ends = end == period_end;
          growth_->push_back(std::move(grown));
        }
      }
    }
    if (state.folded_to >= period_end) {
      // The period's last window fired: its slices go.
      for (int64_t end = id.start + step_ms_; end <= period_end; end += step_ms_)
        groups_.erase(group_key{id.start, end, id.keys});
      p = periods_.erase(p);
      continue;
    }
    next_due_ = std::min(next_due_, state.folded_to + step_ms_ - 1);
    ++p;
  }
  std::vector<const group*> fired;
  fired.reserve(windows.size());
  for (const auto& w : windows)
    fired.push_back(&w);
  take(std::move(fired));
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
