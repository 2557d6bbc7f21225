#pragma once

#include "common/protocol/cluster_manager_interface.hpp"
#include "common/protocol/status.hpp"
#include "common/util/process_control.hpp"

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>

#include <optional>

namespace ubaflow {

/// SIGINT/SIGTERM ask for a stop (a second one exits at once), SIGUSR1 for
/// a drain, SIGUSR2 for a savepoint; job_monitor picks the requests up.
void install_job_signal_handlers();



struct job_outcome {
  std::optional<job_status> final_status;
  caf::error exit_reason;
  double elapsed_s = 0;
};

/// Watches the cluster manager (of a cluster, or of `run`'s cluster of
/// one) until it ends: forwards stop and drain requests from
/// signals, prints a progress line to stderr every `progress_interval_ms`
/// (0: never) and collects the final status it sends with done_atom. Once
/// a stop was asked for, the process ends within `stop_timeout_ms` even if
/// the job master does not (arm_exit_watchdog).
job_outcome monitor_job(caf::scoped_actor& self,
                        const cluster_manager_actor& job,
                        int64_t progress_interval_ms, int64_t stop_timeout_ms);


/// Prints the final summary (stdout) and failure (stderr) of a job;
/// returns the process exit code.
int report_outcome(const caf::actor_system& system, const job_outcome& outcome,
                   const char* command);

} // namespace ubaflow
