#include "coordinator/checkpoint/checkpoint_builder.hpp"

#include "common/util/hash.hpp"

#include <algorithm>

namespace ubaflow {

checkpoint_builder::checkpoint_builder(uint64_t id, bool savepoint,
                                       int64_t wall_ms,
                                       const checkpointed_job& job,
                                       checkpoint_participants expected)
  : expected_(expected) {
  data_.id = id;
  data_.savepoint = savepoint;
  data_.taken_ms = wall_ms;
  data_.job = job.name;
  data_.state_layout = job.state_layout;
  data_.job_fingerprint = hash_bytes(job.state_layout);
  data_.key_group_count = job.key_group_count;
}

void checkpoint_builder::add(source_checkpoint part) {
  if (part.checkpoint != data_.id || !sources_.insert(part.source).second)
    return;
  for (auto& p : part.partitions)
    data_.partitions.push_back(p);
}

void checkpoint_builder::add(owner_checkpoint part) {
  if (part.checkpoint != data_.id || !owners_.insert(part.owner).second)
    return;
  data_.owner_watermarks.push_back(part.watermark);
  for (auto& g : part.groups)
    data_.groups.push_back(std::move(g));
}

void checkpoint_builder::add(combiner_checkpoint part) {
  if (part.checkpoint != data_.id || combiner_)
    return;
  combiner_ = true;
  data_.combiner.push_back(std::move(part.state));
}

void checkpoint_builder::add_sink_ack() {
  ++sink_acks_;
}

bool checkpoint_builder::complete() const {
  return sources_.size() >= expected_.sources
         && owners_.size() >= expected_.owners
         && (combiner_ || !expected_.combiner)
         && sink_acks_ >= expected_.sinks;
}

std::string checkpoint_builder::missing() const {
  std::string out;
  auto add = [&](size_t have, size_t want, const char* what) {
    if (have >= want)
      return;
    out += (out.empty() ? "" : ", ") + std::to_string(want - have) + " " + what;
  };
  add(sources_.size(), expected_.sources, "source(s)");
  add(owners_.size(), expected_.owners, "owner(s)");
  add(combiner_ ? 1 : 0, expected_.combiner ? 1 : 0, "UV combiner");
  add(sink_acks_, expected_.sinks, "sink(s) still writing");
  return out.empty() ? "nothing" : out;
}

std::vector<partition_checkpoint>
partitions_for(const checkpoint_data& data,
               const std::vector<int32_t>& partitions) {
  std::vector<partition_checkpoint> out;
  for (const auto& p : data.partitions)
    if (std::find(partitions.begin(), partitions.end(), p.partition)
        != partitions.end())
      out.push_back(p);
  return out;
}

std::vector<key_group_snapshot> groups_for(const checkpoint_data& data,
                                           key_group_range range) {
  std::vector<key_group_snapshot> out;
  for (const auto& g : data.groups)
    if (range.contains(g.group))
      out.push_back(g);
  return out;
}

event_time watermark_floor_for(const checkpoint_data& data,
                               key_group_range range) {
  event_time floor = max_event_time;
  bool any = false;
  for (const auto& w : data.owner_watermarks)
    if (w.range.first < range.last && range.first < w.range.last) {
      floor = std::min(floor, w.watermark);
      any = true;
    }
  return any ? floor : min_event_time;
}

bool restorable(const checkpoint_data& data, const checkpointed_job& job,
                bool computes_uv, std::string& error) {
  const auto key_group_count = job.key_group_count;
  if (data.key_group_count != key_group_count) {
    error = "checkpoint " + std::to_string(data.id) + " was taken with "
            + std::to_string(data.key_group_count)
            + " key groups; this job has " + std::to_string(key_group_count)
            + " (job.key-groups cannot change across a restore)";
    return false;
  }
  // Format version 2 files carry no layout: they restore as before.
  if (data.job_fingerprint != 0
      && data.job_fingerprint != hash_bytes(job.state_layout)) {
    error = (data.savepoint ? "savepoint " : "checkpoint ")
            + std::to_string(data.id) + " holds state of other windows or "
            "results (" + data.state_layout + "); this job keeps "
            + job.state_layout;
    return false;
  }
  if (computes_uv && data.combiner.empty() && !data.groups.empty()) {
    error = "checkpoint " + std::to_string(data.id)
            + " holds no UV combiner state, but this job computes UV";
    return false;
  }
  return true;
}

} // namespace ubaflow
