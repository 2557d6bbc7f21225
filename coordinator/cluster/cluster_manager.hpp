#pragma once

#include "common/protocol/cluster_manager_interface.hpp"
#include "common/protocol/task_manager_interface.hpp"
#include "coordinator/checkpoint/checkpoint_store.hpp"
#include "common/config/job_config.hpp"

#include <caf/actor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ubaflow {

struct cluster_settings {
  std::string cluster_id = "ubaflow";
  /// The secret in use first, then others still accepted (rotation);
  /// empty: an insecure cluster.
  std::vector<std::string> secrets;
  uint32_t min_workers = 1;
  int64_t heartbeat_interval_ms = 1'000;
  int64_t worker_timeout_ms = 5'000;
  int64_t restart_delay_ms = 1'000;
  uint32_t max_task_failures = 3;
  int32_t partition_count = 1;
  /// How often to ask Kafka whether the topic has gained partitions
  /// (kafka.partition-discovery-interval; 0: never). New ones are read
  /// from their beginning after a redeployment.
  int64_t partition_discovery_interval_ms = 0;
  /// Counts the topic's partitions (blocking; 0 and `error` on failure).
  std::function<int32_t(std::string& error)> count_partitions;
  /// The job's non-secret settings, "key=value", handed to joining workers.
  std::vector<std::string> job_settings;
  /// Checkpoints: none without a store.
  std::shared_ptr<checkpoint_store> checkpoints;
  int64_t checkpoint_interval_ms = 10'000;
  int64_t checkpoint_timeout_ms = 60'000;
  /// On a stop (SIGTERM), a savepoint first, waited for at most this long
  /// (0: none); only with checkpoints.
  int64_t stop_savepoint_timeout_ms = 6'000;
  /// Where the first attempt starts from (empty: kafka.startup-mode), and
  /// the first id to use (above every id already in the store).
  std::string restore_path;
  uint64_t first_checkpoint_id = 1;
  /// Keyed-state owners at the start (0: one per slot); a rescale changes it.
  uint32_t owners = 0;
  /// Source tasks per worker at most (0: one per slot).
  uint32_t sources_per_worker = 0;
  /// A task manager in this process that is a member from the start
  /// (`ubaflow run`: a cluster of one), with its slots; none in a cluster
  /// of worker processes. Its liveness is its actor's: no heartbeats.
  task_manager_actor local_task_manager;
  uint32_t local_slots = 1;
};

/// Spawns the coordinator's cluster manager (Flink's JobManager): it admits
/// workers (join_request, checked against cluster id and secret), tracks
/// their liveness (monitors plus heartbeats), assigns partitions and key
/// groups once `min_workers` have joined, and runs the job as a sequence of
/// execution attempts, each a job coordinator over the current workers.
/// A lost worker, a new worker, a worker leaving ((stop_atom, worker id))
/// or a failed task ends the attempt: every task is cancelled and the job
/// is redeployed on the workers present, from the latest completed
/// checkpoint (or `restore_path` before the first completes).
/// (savepoint_atom) takes a savepoint and answers with its path;
/// (results_atom) answers with the latest result documents;
/// (rescale_atom, n) takes a savepoint and redeploys with n keyed-state
/// owners (instead of one per slot). Forwards status_atom, drain_atom
/// and stop_atom to the running attempt. When the job has finished (or
/// failed for good) it sends (done_atom, job_status) to `listener`, tells
/// the workers to shut down and quits.
/// `listener` stays untyped: it is the blocking actor of the process's
/// command (or a test's stand-in).
cluster_manager_actor
spawn_cluster_manager(caf::actor_system& system,
                      std::shared_ptr<const job_config> config,
                      cluster_settings settings, caf::actor listener);

} // namespace ubaflow
