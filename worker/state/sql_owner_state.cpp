#include "worker/state/sql_owner_state.hpp"

#include "worker/state/sql_result_rows.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace ubaflow {

sql_owner_state::sql_owner_state(std::shared_ptr<const sql_job> job,
                                 const time_zone& zone, key_group_range range,
                                 uint32_t key_groups, size_t input_count)
  : job_(std::move(job)),
    evaluator_(zone),
    range_(range),
    state_(job_->script, job_->plan, evaluator_, range, key_groups,
           static_cast<uint32_t>(input_count)),
    watermarks_(input_count),
    checkpointed_bytes_(range.size(), 0) {
  // nop
}

bool sql_owner_state::merge(const partial_batch& batch, state_output& out,
                            std::string& error) {
  if (!batch.sql.empty() && !state_.take_partials(batch.source, batch.sql, error))
    return false;
  ++batches_;
  write(state_.take_direct_rows(), out); // final rows: written at once
  if (!restored_rows_.empty())
    write(std::exchange(restored_rows_, {}), out);
  if (watermarks_.update(batch.source, progress_of(batch)))
    out.progressed = true;
  if (finished()) {
    if (!finished_emitted_) {
      finished_emitted_ = true;
      write(state_.finish(), out);
    }
    return true;
  }
  write(state_.fire(watermark()), out);
  return true;
}

void sql_owner_state::emit_updates(state_output& out) {
  write(state_.updates(), out);
}

event_time sql_owner_state::watermark() const {
  return std::max(watermarks_.current(), floor_);
}

void sql_owner_state::restore_watermark(event_time floor) {
  floor_ = floor;
  // Firing at the floor marks what fired before the checkpoint as fired,
  // so that a late partial for it is dropped rather than fired again with
  // part of its data. Restored windows the floor has passed (none, when
  // the floor is the lowest of the owners' watermarks) go out first.
  restored_rows_ = state_.fire(floor);
  // Shares of windows up to the floor are not sent again: the combiner,
  // restored from the same checkpoint, has every owner's progress up to
  // the floor, so it wrote those windows already (and keeps the ones
  // within the allowed lateness with these very counts).
  (void)state_.take_shares();
}

key_group_snapshot sql_owner_state::snapshot(key_group group,
                                             uint32_t) const {
  key_group_snapshot s;
  s.group = group;
  auto groups = state_.snapshot();
  if (auto it = groups.find(group); it != groups.end())
    s.sql = std::move(it->second);
  if (range_.contains(group))
    checkpointed_bytes_.at(group - range_.first) = s.sql.size();
  return s;
}

uint64_t sql_owner_state::state_bytes() const {
  uint64_t total = 0;
  for (auto bytes : checkpointed_bytes_)
    total += bytes;
  return total;
}

std::vector<key_group_snapshot>
sql_owner_state::snapshot_groups(uint32_t) const {
  std::vector<key_group_snapshot> out;
  std::fill(checkpointed_bytes_.begin(), checkpointed_bytes_.end(), 0);
  for (auto& [group, bytes] : state_.snapshot()) {
    if (range_.contains(group))
      checkpointed_bytes_.at(group - range_.first) = bytes.size();
    key_group_snapshot s;
    s.group = group;
    s.sql = std::move(bytes);
    out.push_back(std::move(s));
  }
  return out;
}

bool sql_owner_state::restore(const key_group_snapshot& snapshot) {
  if (!snapshot.hourly.empty() || !snapshot.categories.empty()
      || !snapshot.uv_cells.empty() || !snapshot.uv_days.empty())
    return false; // the built-in job's state
  if (snapshot.sql.empty())
    return range_.contains(snapshot.group);
  std::string error;
  return state_.restore(snapshot.group, snapshot.sql, error);
}

void sql_owner_state::write(std::vector<sql_sink_row> rows,
                            state_output& out) {
  append_result_rows(*job_, evaluator_.zone(), std::move(rows), out.rows);
  for (auto& slice : slices_of(state_.take_shares()))
    out.slices.push_back(std::move(slice));
}

std::vector<uv_slice>
sql_owner_state::slices_of(const std::vector<sql_share>& shares) const {
  // One slice per (query, aggregate, window), its key groups ascending.
  std::map<std::tuple<uint32_t, uint32_t, int64_t, int64_t>, uv_slice> slices;
  for (const auto& share : shares)
    for (uint32_t a = 0; a < share.counts.size(); ++a) {
      auto& slice = slices[{share.query, a, share.window.start,
                            share.window.end}];
      slice.window_start = share.window.start;
      slice.window_end = share.window.end;
      slice.range = range_;
      slice.query = share.query;
      slice.aggregate = a;
      slice.users += share.counts[a];
      slice.groups.push_back({share.key_group, share.counts[a]});
    }
  std::vector<uv_slice> out;
  for (auto& [id, slice] : slices) {
    std::sort(slice.groups.begin(), slice.groups.end(),
              [](const group_users& x, const group_users& y) {
                return x.group < y.group;
              });
    out.push_back(std::move(slice));
  }
  return out;
}

} // namespace ubaflow
