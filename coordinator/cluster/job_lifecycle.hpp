#pragma once

#include "common/protocol/checkpoints.hpp"
#include "common/protocol/errors.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace ubaflow {

/// Where the job stands in the cluster manager (Flink's JobStatus).
enum class job_phase {
  waiting,    ///< fewer workers than needed; nothing deployed
  deploying,  ///< attempt n placed, its workers connecting to each other
  running,    ///< attempt n's job master is up
  restarting, ///< the attempt ended; its tasks are cancelled, then a pause
  finished,
};

const char* to_string(job_phase phase);

/// How an execution attempt ended, as its job master's exit says.
enum class attempt_end {
  completed,   ///< finished, drained or stopped: the final status is in
  unreachable, ///< a worker's link broke (a lost worker shows up so first)
  task_failed, ///< a task failed
};

/// What the cluster manager's actor does next; the lifecycle only decides.
namespace lifecycle_command {

/// Place the tasks of attempt `attempt` on the workers present (restoring
/// `restore_path` if set) and have them connect to each other.
struct deploy {
  uint32_t attempt = 0;
  uint32_t owners = 0; ///< keyed-state owners (0: one per slot)
  std::string restore_path;
  uint64_t next_checkpoint_id = 1;
};

/// The workers of `attempt` are connected: spawn its job master (and tell
/// it to drain at once if a drain was asked for).
struct launch {
  uint32_t attempt = 0;
  bool drain = false;
};

/// End the running attempt (if any), cancel every task on the workers
/// present, then come back with restart_delay_elapsed().
struct cancel_attempt {
  std::string reason;
};

/// Forward a drain request to the running job master.
struct drain_attempt {};

/// Stop the running attempt; with a savepoint first if asked.
struct stop_attempt {
  bool savepoint_first = false;
};

/// Take a savepoint of the running attempt, then come back with
/// rescale_savepoint_ended().
struct savepoint_for_rescale {
  uint32_t owners = 0;
};

/// The job is over: report the final status, shut the workers down.
struct finish {
  bool failed = false;
  std::string reason; ///< empty when it ended normally
};

} // namespace lifecycle_command

using job_command
  = std::variant<lifecycle_command::deploy, lifecycle_command::launch,
                 lifecycle_command::cancel_attempt,
                 lifecycle_command::drain_attempt,
                 lifecycle_command::stop_attempt,
                 lifecycle_command::savepoint_for_rescale,
                 lifecycle_command::finish>;

using job_commands = std::vector<job_command>;

/// The answer to a rescale request.
struct rescale_decision {
  std::optional<cluster_error> refusal; ///< set: refused, `message` says why
  std::string message;                  ///< the REST answer
  job_commands commands;
};

/// The policy knobs of the lifecycle.
struct lifecycle_limits {
  uint32_t min_workers = 1;       ///< gates the first deployment only
  uint32_t max_task_failures = 3; ///< task failures tolerated before giving up
  uint32_t key_groups = 128;      ///< the most owners a rescale can ask for
  bool checkpoints = false;       ///< a store exists: stop with a savepoint
  bool stop_savepoint = false;    ///< and a stop waits for one
};

/// The job's lifecycle over execution attempts: which attempt runs, when
/// to deploy, restart, give up or finish, what a stop or a rescale does,
/// and which checkpoint the next attempt restores. A plain state machine:
/// every event returns the commands the actor carries out, so each
/// transition is unit-tested without actors (tests/unit/coordinator/
/// job_lifecycle.test.cpp). Events that do not apply in a phase are
/// ignored (they may arrive late from an attempt already superseded).
class job_lifecycle {
public:
  job_lifecycle(lifecycle_limits limits, uint32_t owners,
                std::string restore_path, uint64_t first_checkpoint_id);

  // -- membership
  /// Workers present changed (joined, rejoined, left, lost); `workers` is
  /// how many are present now.
  job_commands workers_changed(size_t workers, std::string why);
  /// The pause after cancelling is over.
  job_commands restart_delay_elapsed(size_t workers);

  // -- the attempt
  /// Every worker of `attempt` reached its peers.
  job_commands peers_connected(uint32_t attempt);
  /// A worker of `attempt` cannot reach its peers.
  job_commands peers_unreachable(uint32_t attempt, std::string why);
  /// The checkpoint to restore cannot be read: the job cannot go on.
  job_commands restore_failed(std::string why);
  /// The running attempt's job master exited.
  job_commands attempt_ended(attempt_end how, std::string why);
  /// Something outside the job changed (e.g. the topic grew): redeploy.
  job_commands redeploy(std::string why);

  // -- requests
  job_commands drain_requested();
  job_commands stop_requested();
  rescale_decision rescale_requested(uint32_t owners);
  /// The rescale's savepoint ended (`path` empty: it failed).
  rescale_decision rescale_savepoint_ended(uint32_t owners,
                                           const std::string& path);

  // -- checkpoints
  /// Statistics from the running attempt's checkpoint coordinator.
  void checkpoint_reported(const checkpoint_stats& stats);
  /// A savepoint of the running attempt was written to the store.
  void savepoint_written(const std::string& path);
  /// The restore point was pruned; the attempt restores `path` instead
  /// (restore_point.hpp falls forward to the newest checkpoint).
  void restore_point_moved(const std::string& path);

  job_phase phase() const { return phase_; }
  bool stopping() const { return stopping_; }
  bool draining() const { return draining_; }
  uint32_t attempt() const { return attempt_; }
  uint32_t task_failures() const { return task_failures_; }
  uint32_t owners() const { return owners_; }
  const std::string& restore_path() const { return restore_path_; }
  uint64_t next_checkpoint_id() const { return next_checkpoint_id_; }
  /// True while an attempt's job master may exist (deploying or running).
  bool attempt_active() const {
    return phase_ == job_phase::deploying || phase_ == job_phase::running;
  }

private:
  job_commands try_start(size_t workers);
  job_commands restart(std::string reason);
  job_commands finish(bool failed, std::string reason);

  lifecycle_limits limits_;
  job_phase phase_ = job_phase::waiting;
  uint32_t attempt_ = 0;
  uint32_t task_failures_ = 0;
  uint32_t owners_ = 0;
  bool stopping_ = false;
  bool draining_ = false;
  std::string restore_path_;
  uint64_t last_checkpoint_id_ = 0; ///< of restore_path_, if a checkpoint
  uint64_t next_checkpoint_id_ = 1;
};

} // namespace ubaflow
