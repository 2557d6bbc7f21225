#pragma once

// The cluster manager's state and its attempt lifecycle, shared by
// cluster_manager.cpp (the actor's message handlers) and
// attempt_lifecycle.cpp (starting, restarting and finishing attempts).
// Internal to coordinator/cluster.

#include "coordinator/cluster/cluster_manager.hpp"

#include "common/cluster/join_proof.hpp"
#include "common/protocol/status.hpp"
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

enum class phase {
  waiting,    ///< fewer workers than min_workers
  running,    ///< an attempt is deploying or running
  restarting, ///< cancelling the attempt's tasks, then a pause
  finished,
};

struct manager_state {
  std::shared_ptr<const job_config> config;
  cluster_settings settings;
  caf::actor listener;
  membership workers;
  std::map<int32_t, uint32_t> partition_owners; ///< of the last attempt
  caf::actor attempt;                           ///< the job coordinator
  uint32_t attempt_number = 0;
  phase state = phase::waiting;
  uint32_t task_failures = 0;
  bool draining = false; ///< drain asked for; applies to later attempts
  bool stopping = false;
  std::optional<job_status> last_status;
  std::set<uint32_t> shutdown_pending; ///< workers yet to confirm the end
  caf::error final_reason;
  int64_t started_ms = 0;
  checkpoint_stats checkpoints;  ///< over all attempts
  uint64_t next_checkpoint_id = 1;
  std::string restore_path;      ///< the newest completed checkpoint
  std::shared_ptr<const checkpoint_data> restore; ///< loaded restore_path
  std::string loaded_path;
  std::vector<failure_summary> failures;
  task_placement placement; ///< of the running attempt
  result_store results;     ///< latest result documents, for the REST API
  uint32_t owners = 0;      ///< keyed-state owners; 0: one per slot
  /// Partitions at the job's start; those above it were added while it
  /// ran and are read from their beginning.
  int32_t initial_partitions = 0;
  challenge_book challenges; ///< outstanding join challenges

  static inline const char* name = "ubaflow.cluster_manager";
};

using manager_actor = caf::stateful_actor<manager_state>;

std::vector<worker_summary> summarize_workers(const membership& m);
std::vector<std::string> describe_workers(const membership& m);

/// Deploys the next attempt on the workers present.
void start_attempt(manager_actor* self);

/// Quits once every worker has confirmed the shutdown or gone away.
void quit_when_workers_gone(manager_actor* self);

/// Ends the job with `status`: tells the listener, shuts the workers down.
void finish_job(manager_actor* self, job_status status, caf::error reason);

/// Ends the running attempt (if any), cancels every task on the workers
/// still present, and starts the next attempt after the restart delay.
void restart(manager_actor* self, std::string reason);

/// What the next attempt checkpoints with and restores from.
std::optional<attempt_checkpointing> checkpointing_for(manager_actor* self,
                                                       std::string& error);

/// Drops worker `id` from the membership and restarts the job without it.
void lose_worker(manager_actor* self, uint32_t id, const std::string& why);

} // namespace ubaflow::cluster_manager_detail
