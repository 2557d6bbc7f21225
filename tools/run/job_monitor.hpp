#pragma once

#include "common/protocol/cluster_manager_interface.hpp"
#include "common/protocol/status.hpp"

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>

#include <optional>

namespace ubaflow {

/// SIGINT/SIGTERM ask for a stop (a second one exits at once), SIGUSR1 for
/// a drain, SIGUSR2 for a savepoint; job_monitor picks the requests up.
void install_job_signal_handlers();

/// Keeps freed memory in the process instead of returning it to the kernel
/// at once (see the definition for why).
void tune_allocator();

/// Ends the process at once with `code` after flushing the logs and stdio:
/// for a process whose work is complete (files synced, offsets committed),
/// where destructors would only wait on library threads.
[[noreturn]] void exit_without_teardown(int code);

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

/// Ends the process with exit code 1 after `ms` unless it ended before:
/// the last resort that makes SIGTERM always end a process in bounded
/// time (a hung peer, a full disk). Logs `what` when it fires.
void arm_exit_watchdog(int64_t ms, std::string what);

/// Prints the final summary (stdout) and failure (stderr) of a job;
/// returns the process exit code.
int report_outcome(const caf::actor_system& system, const job_outcome& outcome,
                   const char* command);

} // namespace ubaflow
