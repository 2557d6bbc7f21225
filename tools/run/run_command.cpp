// `ubaflow run`: the whole job in one process.

#include "common/config/cluster_options.hpp"
#include "common/util/clock.hpp"
#include "coordinator/rest/results_keeper.hpp"
#include "common/protocol/errors.hpp"
#include "common/protocol/type_ids.hpp"
#include "coordinator/job_coordinator.hpp"
#include "coordinator/job_plan.hpp"
#include "worker/source/partition_count.hpp"
#include "tools/cli_support.hpp"
#include "tools/commands.hpp"
#include "tools/run/job_monitor.hpp"
#include "tools/run/rest_frontend.hpp"
#include "worker/job_config_loader.hpp"
#include "worker/runtime/task_manager.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

namespace ubaflow {

int run_command(const std::vector<std::string>& args) {
  int exit_code = 0;
  auto values = parse_command_line(
    run_options(), args,
    "Runs the job: reads user-behaviour events from Kafka (or files), computes "
    "buy_cnt_per_hour,\ncumulative_uv, cumulative_uv_daily and top_category, "
    "and writes them to NDJSON files and/or\nElasticsearch. SIGUSR1 drains "
    "(read to the current end, fire all windows, finish); SIGINT/SIGTERM\n"
    "stop after flushing pending results. While it runs, the web UI, Flink's "
    "REST API and /metrics\nare on rest.port (8081).",
    exit_code);
  if (!values)
    return exit_code;
  auto config = load_job_config_or_report(*values);
  if (!config)
    return 2;
  if (auto problem = check_node_paths(*config))
    return configuration_error(*values, *problem);
  start_job_logging(*config, *values);
  std::string error;
  rest_settings rest;
  if (!configure_rest(*values, rest, error))
    return configuration_error(*values, error);

  auto startup_probe = probe_while_waiting_for_kafka(*config, rest);
  const int32_t partitions = count_partitions(*config, error);
  startup_probe.reset(); // the REST API takes the port next
  if (partitions <= 0) {
    spdlog::error("cannot start: {}", error);
    return 1;
  }
  auto plan = make_job_plan(partitions, config->source_parallelism,
                            config->parallelism, config->key_groups);

  install_job_signal_handlers();
  tune_allocator();
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::ubaflow>();
  register_error_category(cfg);
  caf::actor_system system{cfg};
  caf::scoped_actor self{system};
  auto shared_config = std::make_shared<const job_config>(*config);
  auto task_manager = spawn_task_manager(system, shared_config);
  auto results = spawn_results_keeper(system);
  auto coordinator = spawn_job_coordinator(system, shared_config, plan,
                                           {task_manager}, caf::actor{self},
                                           {}, results);
  // The process is the job's only task manager, with a slot per task.
  const int64_t started = wall_now_ms();
  const uint32_t slots = static_cast<uint32_t>(
    std::max(plan.source_partitions.size(), plan.owner_ranges.size()));
  auto as_local = [started, slots](job_status& s) {
    s.worker_details = {{1, "local", "127.0.0.1", 0, slots, started,
                         wall_now_ms()}};
    s.placement.sources.assign(s.sources.size(), 1);
    s.placement.owners.assign(s.owners.size(), 1);
    s.placement.sinks = 1;
  };
  auto rest_api = start_rest_frontend(system, rest,
                                      static_view(*values, *config, {}),
                                      coordinator, results, as_local, error);
  if (rest_api)
    spdlog::info("web UI, REST API and metrics on http://{}:{}/",
                 rest.bind_address, rest_api->port());
  else
    spdlog::warn("no web UI or REST API: {}", error);
  auto outcome = monitor_job(self, coordinator, config->progress_interval_ms,
                             config->stop_timeout_ms);
  rest_api.reset(); // before the actors it asks go away
  const int code = report_outcome(system, outcome, "run");
  // A finished job has written every result, flushed its dead letters and
  // committed its offsets (synchronously) before it reported: nothing is
  // left to do. Tearing the actor system down would only wait, about a
  // second, in librdkafka's shutdown of each consumer's group handle after
  // that commit. A stopped or failed job takes the orderly way out.
  if (outcome.final_status && outcome.final_status->state == "finished")
    exit_without_teardown(code);
  self->send_exit(task_manager, caf::exit_reason::user_shutdown);
  self->send_exit(results, caf::exit_reason::user_shutdown);
  return code;
}

} // namespace ubaflow
