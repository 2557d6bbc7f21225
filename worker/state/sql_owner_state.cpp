#include "worker/state/sql_owner_state.hpp"

#include "common/sql/exec/sql_document.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
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
    watermarks_(input_count) {
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
}

key_group_snapshot sql_owner_state::snapshot(key_group group,
                                             uint32_t) const {
  key_group_snapshot s;
  s.group = group;
  auto groups = state_.snapshot();
  if (auto it = groups.find(group); it != groups.end())
    s.sql = std::move(it->second);
  return s;
}

std::vector<key_group_snapshot>
sql_owner_state::snapshot_groups(uint32_t) const {
  std::vector<key_group_snapshot> out;
  for (auto& [group, bytes] : state_.snapshot()) {
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
                            state_output& out) const {
  for (auto& r : rows) {
    const auto& query = job_->plan.queries.at(r.query);
    const auto& sink = job_->script.tables.at(query.sink);
    auto document = sql_document(sink, r.row, evaluator_.zone());
    result_row row;
    row.index = job_->query_indices.at(r.query);
    row.id = r.id.empty() ? document_id(sink, r.row, document) : r.id;
    row.document = boost::json::serialize(document);
    out.rows.push_back(std::move(row));
  }
}

} // namespace ubaflow
