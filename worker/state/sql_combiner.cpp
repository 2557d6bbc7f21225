#include "worker/state/sql_combiner.hpp"

#include "common/sql/exec/sql_group_aggregator.hpp"
#include "common/sql/exec/sql_source_state.hpp"
#include "worker/state/sql_result_rows.hpp"

#include <utility>

namespace ubaflow {

sql_combiner::sql_combiner(std::shared_ptr<const sql_job> job,
                           const time_zone& zone, uint32_t key_groups,
                           int64_t allowed_lateness_ms)
  : job_(std::move(job)), evaluator_(zone), progress_(key_groups) {
  for (const auto& query : job_->plan.queries)
    lateness_ms_.push_back(
      allowed_lateness_of(query, zone, allowed_lateness_ms));
}

bool sql_combiner::fits(uint32_t query, uint32_t aggregate) const {
  const auto& queries = job_->plan.queries;
  return query < queries.size() && queries[query].combiner
         && aggregate < queries[query].aggregates.size();
}

std::optional<std::string> sql_combiner::check(const uv_report& report) const {
  const auto range = report.progress.range;
  for (const auto& slice : report.slices) {
    if (!fits(slice.query, slice.aggregate))
      return "a slice of query " + std::to_string(slice.query)
             + ", aggregate " + std::to_string(slice.aggregate)
             + ", which this job does not combine";
    if (slice.window_end <= slice.window_start)
      return std::string{"a slice of an empty window"};
    for (const auto& g : slice.groups)
      if (!range.contains(g.group) || g.users < 0)
        return "a slice's count for key group " + std::to_string(g.group)
               + ", which the reporting owner does not hold, or negative";
  }
  return std::nullopt;
}

sql_combiner::pending& sql_combiner::window(const window_id& id) {
  auto& p = windows_[id];
  const auto aggregates = job_->plan.queries.at(id.query).aggregates.size();
  if (p.counts.size() != aggregates) {
    p.counts.resize(aggregates);
    p.emitted_totals.resize(aggregates, 0);
  }
  return p;
}

void sql_combiner::on_report(const uv_report& report,
                             std::vector<result_row>& out) {
  const event_time before = watermark();
  for (const auto& slice : report.slices) {
    const window_id id{slice.window_end, slice.query, slice.window_start};
    // A window final and gone cannot take a slice any more: writing it
    // again from this share alone would shrink its row.
    if (before != min_event_time
        && slice.window_end - 1 + keep_ms(slice.query) <= before
        && !windows_.count(id)) {
      ++late_slices_;
      continue;
    }
    auto& counts = window(id).counts.at(slice.aggregate);
    for (const auto& g : slice.groups)
      counts[g.group] = g.users;
  }
  progress_.update(report.progress.range, report.progress.watermark,
                   report.progress.final);
  emit_ready(watermark(), out);
}

void sql_combiner::emit_ready(event_time wm, std::vector<result_row>& out) {
  std::vector<sql_sink_row> rows;
  const sql_row no_keys;
  for (auto it = windows_.begin(); it != windows_.end();) {
    const auto& id = it->first;
    if (id.end - 1 > wm)
      break;
    auto& p = it->second;
    std::vector<int64_t> totals;
    for (const auto& counts : p.counts) {
      int64_t total = 0;
      for (const auto& [group, count] : counts)
        total += count;
      totals.push_back(total);
    }
    if (!p.emitted || totals != p.emitted_totals) {
      const auto& query = job_->plan.queries.at(id.query);
      sql_row values;
      for (auto total : totals)
        values.push_back(sql_value::bigint(total));
      const sql_window bounds{id.start, id.end};
      if (auto row = aggregated_row(query, evaluator_, no_keys, values, &bounds,
                                    [this](const std::string&) { ++rejected_; }))
        rows.push_back({id.query, in_sink_columns(job_->script, query,
                                                  std::move(*row)),
                        {}});
      p.emitted = true;
      p.emitted_totals = std::move(totals);
    }
    if (wm == max_event_time || id.end - 1 + keep_ms(id.query) <= wm)
      it = windows_.erase(it);
    else
      ++it;
  }
  append_result_rows(*job_, evaluator_.zone(), std::move(rows), out);
}

combiner_snapshot sql_combiner::snapshot() const {
  combiner_snapshot s;
  progress_.save(s);
  for (const auto& [id, p] : windows_)
    for (uint32_t a = 0; a < p.counts.size(); ++a) {
      uv_window_snapshot w;
      w.window_start = id.start;
      w.window_end = id.end;
      w.emitted = p.emitted;
      w.emitted_total = p.emitted_totals[a];
      w.query = id.query;
      w.aggregate = a;
      for (const auto& [group, count] : p.counts[a])
        w.groups.push_back({group, count});
      s.windows.push_back(std::move(w));
    }
  return s;
}

bool sql_combiner::restore(const combiner_snapshot& s) {
  for (const auto& w : s.windows) {
    if (w.daily || !fits(w.query, w.aggregate)
        || w.window_end <= w.window_start)
      return false;
    for (const auto& g : w.groups)
      if (g.group >= progress_.size() || g.users < 0)
        return false;
  }
  if (!progress_.load(s))
    return false;
  windows_.clear();
  for (const auto& w : s.windows) {
    auto& p = window({w.window_end, w.query, w.window_start});
    p.emitted = w.emitted;
    p.emitted_totals.at(w.aggregate) = w.emitted_total;
    for (const auto& g : w.groups)
      p.counts.at(w.aggregate)[g.group] = g.users;
  }
  return true;
}

} // namespace ubaflow
