// `ubaflow run`: the whole job in one process.

#include "common/config/cluster_options.hpp"
#include "common/util/clock.hpp"
#include "common/protocol/errors.hpp"
#include "common/protocol/type_ids.hpp"
#include "coordinator/cluster/cluster_manager.hpp"
#include "coordinator/job_plan.hpp"
#include "worker/source/partition_count.hpp"
#include "tools/cli_support.hpp"
#include "tools/cluster/cluster_support.hpp"
#include "tools/commands.hpp"
#include "coordinator/process/job_master_host.hpp"
#include "coordinator/process/job_monitor.hpp"
#include "coordinator/rest/rest_frontend.hpp"
#include "worker/job_config_loader.hpp"
#include "worker/runtime/task_manager.hpp"
#include "worker/source/kafka_config.hpp"

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
    "stop after flushing pending results. With checkpoint.dir it takes "
    "checkpoints, restarts failed\ntasks from them, and SIGUSR2 takes a "
    "savepoint. While it runs, the web UI, Flink's REST API\nand /metrics "
    "are on rest.port (8081).",
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

  // A cluster of one: the same cluster manager as `ubaflow coordinator`,
  // with this process's task manager as its only member.
  cluster_settings cluster;
  if (!configure_checkpoints(*values, *config, cluster, error))
    return configuration_error(*values, error);
  // As in Flink: without checkpoints a task failure ends the job (a
  // restart would replay the input from kafka.startup-mode).
  cluster.max_task_failures
    = cluster.checkpoints
        ? static_cast<uint32_t>(values->get_int("cluster.max-task-failures"))
        : 0;

  auto startup_probe = probe_while_waiting_for_kafka(*config, rest);
  cluster.partition_count = count_partitions(*config, error);
  startup_probe.reset(); // the REST API takes the port next
  if (cluster.partition_count <= 0) {
    spdlog::error("cannot start: {}", error);
    return 1;
  }
  if (config->source == source_type::kafka) {
    cluster.partition_discovery_interval_ms = config->partition_discovery_ms;
    cluster.count_partitions = [kafka = config->kafka](std::string& why) {
      return kafka_partition_count(kafka, 5'000, why);
    };
  }
  // The process's slots: a task per slot, job.parallelism owners and the
  // source tasks of job.source-parallelism.
  const uint32_t sources
    = source_task_count(cluster.partition_count, config->source_parallelism);
  cluster.sources_per_worker = sources;
  cluster.owners = config->parallelism;
  cluster.local_slots = std::max(sources, config->parallelism);

  install_job_signal_handlers();
  tune_allocator();
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::ubaflow>();
  register_error_category(cfg);
  caf::actor_system system{cfg};
  job_master_setup setup;
  setup.config = std::make_shared<const job_config>(*config);
  auto task_manager = spawn_task_manager(system, setup.config,
                                         cluster.heartbeat_interval_ms);
  cluster.local_task_manager = task_manager;
  setup.view = static_view(*values, *config, checkpoint_view_of(cluster));
  setup.cluster = std::move(cluster);
  setup.rest = rest;
  setup.command = "run";
  auto result = host_job_master(system, std::move(setup), std::nullopt);
  // A finished job has written every result, flushed its dead letters and
  // committed its offsets (synchronously) before it reported: nothing is
  // left to do. Tearing the actor system down would only wait, about a
  // second, in librdkafka's shutdown of each consumer's group handle after
  // that commit. A stopped or failed job takes the orderly way out.
  if (result.finished)
    exit_without_teardown(result.exit_code);
  caf::anon_send_exit(task_manager, caf::exit_reason::user_shutdown);
  return result.exit_code;
}

} // namespace ubaflow
