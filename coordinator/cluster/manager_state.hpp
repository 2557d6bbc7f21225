#pragma once

// The cluster manager's state and its attempt lifecycle, shared by
// cluster_manager.cpp (the actor's message handlers) and
// lifecycle_commands.cpp (carrying out what job_lifecycle decides).
// Internal to coordinator/cluster.

#include "coordinator/cluster/cluster_manager.hpp"

#include "common/cluster/join_proof.hpp"
#include "common/protocol/status.hpp"
#include "coordinator/cluster/job_lifecycle.hpp"
#include "coordinator/cluster/membership.hpp"
#include "coordinator/job_coordinator.hpp"
#include "coordinator/rest/result_store.hpp"

#include <caf/stateful_actor.hpp>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ubaflow::cluster_manager_detail {

/// An attempt placed on its workers while they connect to each other.
struct pending_attempt {
  job_plan plan;
  std::vector<task_manager_actor> task_managers;
  attempt_checkpointing checkpointing;
};

struct manager_state {
  std::shared_ptr<const job_config> config;
  cluster_settings settings;
  caf::actor listener;
  membership workers;
  std::map<int32_t, uint32_t> partition_owners; ///< of the last attempt
  job_master_actor attempt; ///< the job master of the running attempt
  std::optional<pending_attempt> deploying; ///< the attempt being connected
  /// Which attempt runs and what comes next (job_lifecycle.hpp).
  job_lifecycle lifecycle{lifecycle_limits{}, 0, {}, 1};
  /// The worker count last logged while waiting for workers: the line is
  /// logged when the count changes, not after every event.
  std::optional<size_t> waiting_logged_for;
  std::optional<job_status> last_status;
  std::set<uint32_t> shutdown_pending; ///< workers yet to confirm the end
  caf::error final_reason;
  int64_t started_ms = 0;
  checkpoint_stats checkpoints;  ///< over all attempts
  std::shared_ptr<const checkpoint_data> restore; ///< loaded_path's data
  std::string loaded_path;
  std::vector<failure_summary> failures;
  task_placement placement; ///< of the running attempt
  result_store results;     ///< latest result documents, for the REST API
  /// Partitions at the job's start; those above it were added while it
  /// ran and are read from their beginning.
  int32_t initial_partitions = 0;
  challenge_book challenges; ///< outstanding join challenges

  static inline const char* name = "ubaflow.cluster_manager";
};

using manager_actor = cluster_manager_actor::stateful_base<manager_state>;

std::vector<worker_summary> summarize_workers(const membership& m);
std::vector<std::string> describe_workers(const membership& m);

/// Carries out the lifecycle's commands; `reason` is the error the job
/// ends with if one of them finishes it (none: taken from the command).
void execute(manager_actor* self, job_commands commands,
             caf::error reason = caf::none);

/// Quits once every worker has confirmed the shutdown or gone away.
void quit_when_workers_gone(manager_actor* self);

/// Drops worker `id` from the membership and redeploys without it.
void lose_worker(manager_actor* self, uint32_t id, const std::string& why);

} // namespace ubaflow::cluster_manager_detail
