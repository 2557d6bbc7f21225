#include "coordinator/process/job_monitor.hpp"

#include "common/protocol/type_ids.hpp"
#include "common/util/clock.hpp"
#include "coordinator/process/progress.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

namespace ubaflow {

namespace {

std::atomic<int> stop_requests{0};
std::atomic<bool> drain_requested{false};
std::atomic<bool> savepoint_requested{false};

extern "C" void on_stop_signal(int) {
  if (stop_requests.fetch_add(1) >= 1)
    std::_Exit(130); // second Ctrl-C: leave now
}

extern "C" void on_drain_signal(int) {
  drain_requested = true;
}

extern "C" void on_savepoint_signal(int) {
  savepoint_requested = true;
}

} // namespace

void install_job_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sa.sa_handler = on_drain_signal;
  sigaction(SIGUSR1, &sa, nullptr);
  sa.sa_handler = on_savepoint_signal;
  sigaction(SIGUSR2, &sa, nullptr);
}

job_outcome monitor_job(caf::scoped_actor& self,
                        const cluster_manager_actor& job,
                        int64_t interval, int64_t stop_timeout_ms) {
  self->monitor(job);
  job_outcome outcome;
  const int64_t started = steady_now_ms();
  int64_t next_progress = started + (interval > 0 ? interval : 0);
  job_totals last_totals;
  int64_t last_totals_ms = started;
  bool stop_sent = false;
  bool down = false;
  while (!down) {
    self->receive(
      [&](done_atom, job_status& status) {
        outcome.final_status = std::move(status);
      },
      [&](caf::down_msg& msg) {
        down = true;
        outcome.exit_reason = msg.reason;
      },
      [](results_atom, const std::vector<result_row>&) {
        // Result rows mirrored for a REST API; `run` serves none.
      },
      [&](savepoint_atom, std::string& path) {
        std::fprintf(stderr, "savepoint written: %s\n", path.c_str());
      },
      caf::after(std::chrono::milliseconds(100)) >> [] {});
    if (down)
      break;
    if (stop_requests > 0 && !stop_sent) {
      stop_sent = true;
      arm_exit_watchdog(stop_timeout_ms, "the job");
      self->send(job, stop_atom_v);
    }
    if (drain_requested.exchange(false))
      self->send(job, drain_atom_v);
    if (savepoint_requested.exchange(false)) {
      // Answered by a message of its own; the loop keeps reporting.
      caf::actor me = self;
      self->spawn([job, me](caf::event_based_actor* helper) {
        helper->request(job, caf::infinite, savepoint_atom_v)
          .then(
            [helper, me](std::string& path) {
              helper->send(me, savepoint_atom_v, std::move(path));
            },
            [helper](caf::error& err) {
              std::fprintf(stderr, "savepoint failed: %s\n",
                           helper->system().render(err).c_str());
            });
      });
    }
    const int64_t now = steady_now_ms();
    if (interval > 0 && now >= next_progress) {
      next_progress = now + interval;
      self->request(job, std::chrono::seconds(2), status_atom_v)
        .receive(
          [&](job_status& status) {
            auto totals = sum_up(status);
            std::fprintf(stderr, "%s\n",
                         progress_line(totals, last_totals,
                                       (now - last_totals_ms) / 1000.0,
                                       (now - started) / 1000.0)
                           .c_str());
            last_totals = totals;
            last_totals_ms = now;
          },
          [&](const caf::error&) {});
    }
  }
  outcome.elapsed_s = (steady_now_ms() - started) / 1000.0;
  return outcome;
}

int report_outcome(const caf::actor_system& system, const job_outcome& outcome,
                   const char* command) {
  if (outcome.final_status)
    std::fputs(summary(*outcome.final_status, outcome.elapsed_s).c_str(),
               stdout);
  if (outcome.exit_reason) {
    std::fprintf(stderr, "ubaflow %s: the job failed: %s\n", command,
                 system.render(outcome.exit_reason).c_str());
    return 1;
  }
  return 0;
}

} // namespace ubaflow
