#pragma once

#include "common/protocol/checkpoints.hpp"
#include "common/util/key_groups.hpp"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace ubaflow {

/// Who takes part in a checkpoint of one execution attempt.
struct checkpoint_participants {
  size_t sources = 0;
  size_t owners = 0;
  bool combiner = false;
  size_t sinks = 0;
};

/// What every checkpoint of a job records about the job.
struct checkpointed_job {
  std::string name;
  std::string state_layout; ///< state_layout.hpp
  uint32_t key_group_count = 0;
};

/// Assembles one checkpoint from the parts its tasks send as the barrier
/// passes them: every source's positions, every owner's key groups, the
/// combiner's state and every sink's acknowledgement that the results
/// before the barrier are written. A second part from the same source or
/// owner is ignored; each sink acknowledges an id once.
class checkpoint_builder {
public:
  checkpoint_builder(uint64_t id, bool savepoint, int64_t wall_ms,
                     const checkpointed_job& job,
                     checkpoint_participants expected);

  void add(source_checkpoint part);
  void add(owner_checkpoint part);
  void add(combiner_checkpoint part);
  void add_sink_ack();

  bool complete() const;
  /// What is still missing, for the log line of a timeout.
  std::string missing() const;

  uint64_t id() const { return data_.id; }
  bool savepoint() const { return data_.savepoint; }
  const checkpoint_data& data() const { return data_; }

private:
  checkpoint_data data_;
  checkpoint_participants expected_;
  std::set<uint32_t> sources_;
  std::set<uint32_t> owners_;
  bool combiner_ = false;
  size_t sink_acks_ = 0;
};

/// The parts of a checkpoint that one task of a new attempt restores.
/// Partitions and key groups are matched by id, so a checkpoint restores
/// onto any number of sources and owners (rescaling).
std::vector<partition_checkpoint>
partitions_for(const checkpoint_data& data,
               const std::vector<int32_t>& partitions);

std::vector<key_group_snapshot> groups_for(const checkpoint_data& data,
                                           key_group_range range);

/// The lowest watermark the owners covering `range` had reached (min when
/// none did): the restored owner of `range` starts from it.
event_time watermark_floor_for(const checkpoint_data& data,
                               key_group_range range);

/// Checks that `data` can be restored into `job` (same key-group count,
/// same state layout) and, if the job computes UV, holds UV state; explains
/// why not in `error`.
bool restorable(const checkpoint_data& data, const checkpointed_job& job,
                bool computes_uv, std::string& error);

} // namespace ubaflow
