#pragma once

#include "common/protocol/checkpoints.hpp"
#include "common/protocol/errors.hpp"
#include "coordinator/checkpoint/checkpoint_builder.hpp"
#include "coordinator/checkpoint/checkpoint_store.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace ubaflow {

/// Where an attempt's checkpointing stands (Flink's CheckpointCoordinator,
/// one checkpoint at a time).
enum class checkpoint_phase {
  idle,        ///< none pending; the next trigger starts one
  in_progress, ///< barriers out, parts coming in
  closing,     ///< every source is done: the pending one may still finish,
               ///< no new one starts
  closed,      ///< the job ends; nothing more is taken
};

const char* to_string(checkpoint_phase phase);

/// What the checkpoint coordinator's actor does next.
namespace checkpoint_command {

/// Ask every source for barrier `id`; give the checkpoint up if it is not
/// complete after `timeout_ms` (come back with timed_out(id)).
struct request_barriers {
  uint64_t id = 0;
  int64_t timeout_ms = 0;
};

/// The state covering these positions is durable: commit them to the
/// consumer group (lag tools, startup-mode=group-offsets).
struct commit_offsets {
  std::vector<partition_checkpoint> partitions;
};

/// Answer everyone waiting for a savepoint: with its location, or refused.
struct answer_savepoints {
  std::string path;                     ///< empty when refused
  std::optional<cluster_error> refusal; ///< set: `reason` says why
  std::string reason;
};

/// Tell the job master the new statistics.
struct report {
  checkpoint_stats stats;
};

} // namespace checkpoint_command

using checkpoint_step
  = std::variant<checkpoint_command::request_barriers,
                 checkpoint_command::commit_offsets,
                 checkpoint_command::answer_savepoints,
                 checkpoint_command::report>;
using checkpoint_steps = std::vector<checkpoint_step>;

/// The clocks a checkpoint is timed with (injectable for tests).
struct checkpoint_clocks {
  std::function<int64_t()> wall;   ///< trigger time, recorded in the file
  std::function<int64_t()> steady; ///< durations
};

checkpoint_clocks system_checkpoint_clocks();

/// The checkpoints of one execution attempt as a state machine: triggers,
/// the parts tasks send as the barrier passes them, timeouts, writing the
/// completed checkpoint to the store and what follows (commits, savepoint
/// answers, statistics). One at a time: a periodic trigger while one is
/// pending is skipped; a savepoint asked for meanwhile goes next. Every
/// event returns the steps the actor carries out, so each transition is
/// unit-tested without actors (tests/unit/coordinator/checkpoint_cycle).
class checkpoint_cycle {
public:
  checkpoint_cycle(checkpointed_job job, checkpoint_participants expected,
                   std::shared_ptr<checkpoint_store> store, int64_t timeout_ms,
                   uint64_t next_id, checkpoint_stats stats,
                   checkpoint_clocks clocks = system_checkpoint_clocks());

  /// The checkpoint interval has passed.
  checkpoint_steps periodic_trigger();
  /// Someone asks for a savepoint (answered by an answer_savepoints step).
  checkpoint_steps savepoint_requested();

  // -- parts of the pending checkpoint (others are ignored)
  checkpoint_steps source_part(source_checkpoint part);
  checkpoint_steps owner_part(owner_checkpoint part);
  checkpoint_steps combiner_part(combiner_checkpoint part);
  checkpoint_steps sink_ack(uint64_t id);

  /// A task did not take barrier `id`: a source gone, failed or timed
  /// out, or an owner that refused a batch carrying it.
  checkpoint_steps barrier_refused(uint64_t id, const std::string& why);
  /// The timeout of checkpoint `id` has passed.
  checkpoint_steps timed_out(uint64_t id);

  /// One more source has read its bounded input to the end.
  void source_done();
  /// The job stops: its sources are gone, no checkpoint can complete.
  checkpoint_steps stop();

  checkpoint_phase phase() const { return phase_; }
  const checkpoint_stats& stats() const { return stats_; }
  /// The pending checkpoint's id, 0 if none.
  uint64_t pending_id() const { return pending_ ? pending_->id() : 0; }
  bool savepoint_queued() const { return savepoint_queued_; }

private:
  checkpoint_steps start(bool savepoint);
  checkpoint_steps complete_if_whole();
  checkpoint_steps fail_pending(const std::string& why);
  checkpoint_steps end_pending(checkpoint_steps steps);
  void remember(checkpoint_record record);

  checkpointed_job job_;
  checkpoint_participants expected_;
  std::shared_ptr<checkpoint_store> store_;
  int64_t timeout_ms_;
  uint64_t next_id_;
  checkpoint_stats stats_;
  checkpoint_clocks clocks_;
  checkpoint_phase phase_ = checkpoint_phase::idle;
  std::optional<checkpoint_builder> pending_;
  int64_t pending_since_ms_ = 0; ///< steady clock
  bool savepoint_queued_ = false;
  size_t sources_done_ = 0;
};

} // namespace ubaflow
