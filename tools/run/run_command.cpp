// `ubaflow run`: the whole job in one process.

#include "common/config/job_options.hpp"
#include "common/protocol/type_ids.hpp"
#include "common/util/clock.hpp"
#include "common/util/log.hpp"
#include "coordinator/job_coordinator.hpp"
#include "coordinator/job_plan.hpp"
#include "tools/cli_support.hpp"
#include "tools/commands.hpp"
#include "tools/run/progress.hpp"
#include "worker/job_config.hpp"
#include "worker/runtime/task_manager.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <malloc.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <thread>

namespace ubaflow {

namespace {

std::atomic<int> stop_requests{0};
std::atomic<bool> drain_requested{false};

extern "C" void on_stop_signal(int) {
  if (stop_requests.fetch_add(1) >= 1)
    std::_Exit(130); // second Ctrl-C: leave now
}

extern "C" void on_drain_signal(int) {
  drain_requested = true;
}

/// A streaming process allocates and frees message buffers at a high rate
/// (librdkafka's fetch buffers above all). Keeping freed memory in the
/// process instead of returning it to the kernel at once avoids a page
/// fault per fresh buffer; the resident size stays bounded by the peak.
void tune_allocator() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 64 << 20);
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sa.sa_handler = on_drain_signal;
  sigaction(SIGUSR1, &sa, nullptr);
}

/// Partition count of the topic, or the number of files; waits for a
/// broker that is still starting for up to kafka.startup-wait.
int32_t count_partitions(const job_config& config, std::string& error) {
  if (config.source == source_type::file)
    return static_cast<int32_t>(config.files.size());
  const int64_t deadline = steady_now_ms() + config.kafka_startup_wait_ms;
  for (int attempt = 0;; ++attempt) {
    error.clear();
    const int timeout = static_cast<int>(std::clamp<int64_t>(
      config.kafka_startup_wait_ms, 1'000, 5'000));
    int32_t n = kafka_partition_count(config.kafka, timeout, error);
    if (n > 0)
      return n;
    if (steady_now_ms() >= deadline)
      return 0;
    if (attempt == 0)
      spdlog::warn("waiting for Kafka at {}: {}",
                   config.kafka.bootstrap_servers, error);
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

} // namespace

int run_command(const std::vector<std::string>& args) {
  int exit_code = 0;
  auto values = parse_command_line(
    job_options(), args,
    "Runs the job: reads user-behaviour events from Kafka (or files), computes "
    "buy_cnt_per_hour,\ncumulative_uv, cumulative_uv_daily and top_category, "
    "and writes them to NDJSON files and/or\nElasticsearch. SIGUSR1 drains "
    "(read to the current end, fire all windows, finish); SIGINT/SIGTERM\n"
    "stop after flushing pending results.",
    exit_code);
  if (!values)
    return exit_code;
  std::string error;
  auto config = load_job_config(*values, error);
  if (!config) {
    std::fprintf(stderr, "ubaflow run: error: %s\n", error.c_str());
    return 2;
  }
  setup_logging(config->log_level);
  for (const auto& [key, value, origin] : values->effective())
    if (origin != value_origin::default_value)
      spdlog::info("config: {} = {} ({})", key, value, to_string(origin));

  const int32_t partitions = count_partitions(*config, error);
  if (partitions <= 0) {
    spdlog::error("cannot start: {}", error);
    return 1;
  }
  auto plan = make_job_plan(partitions, config->source_parallelism,
                            config->parallelism, config->key_groups);

  install_signal_handlers();
  tune_allocator();
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::ubaflow>();
  caf::actor_system system{cfg};
  caf::scoped_actor self{system};
  auto shared_config = std::make_shared<const job_config>(*config);
  auto task_manager = spawn_task_manager(system, shared_config);
  auto coordinator = spawn_job_coordinator(system, shared_config, plan,
                                           {task_manager}, caf::actor{self});
  self->monitor(coordinator);

  const int64_t started = steady_now_ms();
  const int64_t interval = config->progress_interval_ms;
  int64_t next_progress = started + (interval > 0 ? interval : 0);
  job_totals last_totals;
  int64_t last_totals_ms = started;
  std::optional<job_status> final_status;
  bool stop_sent = false;
  bool down = false;
  caf::error exit_reason;
  while (!down) {
    self->receive(
      [&](done_atom, job_status& status) { final_status = std::move(status); },
      [&](caf::down_msg& msg) {
        down = true;
        exit_reason = msg.reason;
      },
      caf::after(std::chrono::milliseconds(100)) >> [] {});
    if (down)
      break;
    if (stop_requests > 0 && !stop_sent) {
      stop_sent = true;
      self->send(coordinator, stop_atom_v);
    }
    if (drain_requested.exchange(false))
      self->send(coordinator, drain_atom_v);
    const int64_t now = steady_now_ms();
    if (interval > 0 && now >= next_progress) {
      next_progress = now + interval;
      self->request(coordinator, std::chrono::seconds(2), status_atom_v)
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
  self->send_exit(task_manager, caf::exit_reason::user_shutdown);
  const double elapsed = (steady_now_ms() - started) / 1000.0;
  if (final_status)
    std::fputs(summary(*final_status, elapsed).c_str(), stdout);
  if (exit_reason) {
    std::fprintf(stderr, "ubaflow run: the job failed: %s\n",
                 system.render(exit_reason).c_str());
    return 1;
  }
  return 0;
}

} // namespace ubaflow
