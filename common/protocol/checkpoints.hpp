#pragma once

// Messages and stored form of aligned-barrier checkpoints
// (docs/architecture.md, "Checkpoints"):
// what each task contributes when a barrier passes it, and the checkpoint
// the coordinator assembles from those parts, writes to storage and hands
// back to the tasks of a later execution attempt.

#include "common/protocol/snapshots.hpp"
#include "common/time/event_time.hpp"

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ubaflow {

/// Where the source of one partition stands at a barrier: the next record
/// to read and the partition's watermark (its lateness reference).
struct partition_checkpoint {
  int32_t partition = 0;
  int64_t next_offset = -1; ///< Kafka offset, or line number for files
  event_time watermark = min_event_time;
  bool finished = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_checkpoint& x) {
  return f(caf::meta::type_name("partition_checkpoint"), x.partition,
           x.next_offset, x.watermark, x.finished);
}

/// Buys of a sub-category that waited for the former hard-wired job's
/// lookup join at a barrier: in its checkpoints (checkpoint_data), decoded
/// so that such a file is refused with a clear message.
struct pending_category_buys {
  int64_t category_id = 0;
  int64_t buys = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        pending_category_buys& x) {
  return f(caf::meta::type_name("pending_category_buys"), x.category_id,
           x.buys);
}

/// A source task's part, sent once its barrier batches are on their way.
struct source_checkpoint {
  uint64_t checkpoint = 0;
  uint32_t source = 0;
  std::vector<partition_checkpoint> partitions;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, source_checkpoint& x) {
  return f(caf::meta::type_name("source_checkpoint"), x.checkpoint, x.source,
           x.partitions);
}

/// The combined watermark an owner had reached over its key groups.
struct range_watermark {
  key_group_range range;
  event_time watermark = min_event_time;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, range_watermark& x) {
  return f(caf::meta::type_name("range_watermark"), x.range, x.watermark);
}

/// A keyed-state owner's part: its non-empty key groups once aligned, and
/// its combined watermark.
struct owner_checkpoint {
  uint64_t checkpoint = 0;
  uint32_t owner = 0;
  range_watermark watermark;
  std::vector<key_group_snapshot> groups;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, owner_checkpoint& x) {
  return f(caf::meta::type_name("owner_checkpoint"), x.checkpoint, x.owner,
           x.watermark, x.groups);
}

/// The UV combiner's part.
struct combiner_checkpoint {
  uint64_t checkpoint = 0;
  combiner_snapshot state;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, combiner_checkpoint& x) {
  return f(caf::meta::type_name("combiner_checkpoint"), x.checkpoint,
           x.state);
}

/// A completed checkpoint (or savepoint) as stored and restored. It holds
/// state by partition and by key group only, so it can be restored onto
/// any number of workers, sources and owners. Stored by
/// coordinator/checkpoint/checkpoint_format.hpp, never sent as a message.
struct checkpoint_data {
  uint64_t id = 0;
  bool savepoint = false;
  int64_t taken_ms = 0; ///< wall clock when the checkpoint was triggered
  std::string job;
  /// What the state means (windows, results, time zone) in words, and its
  /// hash: a restore into a job whose state means something else is
  /// refused. Empty and 0 in files of format version 2.
  std::string state_layout;
  uint64_t job_fingerprint = 0;
  uint32_t key_group_count = 0;
  std::vector<partition_checkpoint> partitions;
  /// The former hard-wired job's (see pending_category_buys); never written.
  std::vector<pending_category_buys> unresolved;
  std::vector<key_group_snapshot> groups;
  std::vector<range_watermark> owner_watermarks;
  std::vector<combiner_snapshot> combiner; ///< empty when UV is not computed
};

/// One checkpoint or savepoint in the history the REST API shows.
struct checkpoint_record {
  uint64_t id = 0;
  bool savepoint = false;
  bool completed = false; ///< false: failed
  int64_t trigger_ms = 0; ///< wall clock
  int64_t duration_ms = 0;
  uint64_t bytes = 0;
  uint32_t key_groups = 0; ///< key groups with state
  std::string path;
  std::string failure;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, checkpoint_record& x) {
  return f(caf::meta::type_name("checkpoint_record"), x.id, x.savepoint,
           x.completed, x.trigger_ms, x.duration_ms, x.bytes, x.key_groups,
           x.path, x.failure);
}

/// What the coordinator tells about checkpoints (status, UI, metrics).
struct checkpoint_stats {
  uint64_t completed = 0;
  uint64_t failed = 0;
  uint64_t in_progress = 0; ///< id of the running checkpoint, 0 if none
  uint64_t last_id = 0;
  int64_t last_duration_ms = 0;
  uint64_t last_bytes = 0;
  int64_t last_completed_ms = 0; ///< wall clock
  std::string last_path;
  std::string last_failure;
  uint64_t restored_id = 0; ///< the checkpoint this attempt started from
  std::string restored_path;
  std::vector<checkpoint_record> history; ///< oldest first, at most 10
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, checkpoint_stats& x) {
  return f(caf::meta::type_name("checkpoint_stats"), x.completed, x.failed,
           x.in_progress, x.last_id, x.last_duration_ms, x.last_bytes,
           x.last_completed_ms, x.last_path, x.last_failure, x.restored_id,
           x.restored_path, x.history);
}

} // namespace ubaflow
