#pragma once

#include "common/config/job_config.hpp"
#include "common/protocol/task_manager_interface.hpp"

#include <caf/fwd.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ubaflow {

/// Who this worker is and where its coordinator is.
struct worker_identity {
  std::string cluster_id;
  std::string secret; ///< the one in use; proves membership at every join
  std::string name;
  std::string host; ///< advertised to peers for the data exchange
  uint32_t slots = 1;
  std::string coordinator_host;
  uint16_t coordinator_port = 0;
  std::string bind_address;
  uint16_t port = 0; ///< data port (0: any free one)
  int64_t reconnect_ms = 1000;
  int64_t stop_timeout_ms = 30'000; ///< how long a leave may take
};

/// What the process around the session decides.
struct worker_hooks {
  /// The coordinator's job settings ("key=value") made into this node's job
  /// (its own secrets and paths kept); nothing, with the process's exit
  /// code set, when they do not work here.
  std::function<std::shared_ptr<const job_config>(
    const std::vector<std::string>& job_settings, int& exit_code)>
    configure;
  /// Joined the cluster as worker `id` (e.g. the /metrics endpoint starts
  /// reporting the task manager's figures).
  std::function<void(uint32_t id, const task_manager_actor& task_manager)>
    joined;
  /// Not a member any more (coordinator lost or this worker evicted).
  std::function<void()> left;
};

/// SIGINT/SIGTERM ask the worker to leave (hand its work back, then exit);
/// a second one exits at once.
void install_leave_signal_handlers();

/// The worker's life in the cluster: reaches the coordinator (retrying
/// with backoff), proves the cluster secret over a fresh challenge, starts
/// its task manager once with the job's settings, joins, serves until the
/// coordinator goes away (then rejoins) or the job ends or a signal asks it
/// to leave. Ends the process when the job is over; returns an exit code
/// when it cannot go on (refused credentials, a job that does not work
/// here, a port it cannot listen on).
int run_worker_session(caf::actor_system& system, const worker_identity& me,
                       const worker_hooks& hooks);

} // namespace ubaflow
