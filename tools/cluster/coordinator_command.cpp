// `ubaflow coordinator`: the job manager of a cluster of worker processes.

#include "common/config/cluster_options.hpp"
#include "common/transport/cluster_transport.hpp"
#include "coordinator/cluster/cluster_manager.hpp"
#include "coordinator/process/job_master_host.hpp"
#include "coordinator/rest/rest_frontend.hpp"
#include "tools/cli_support.hpp"
#include "tools/cluster/cluster_support.hpp"
#include "tools/commands.hpp"
#include "worker/source/kafka_config.hpp"
#include "worker/source/partition_count.hpp"

#include <spdlog/spdlog.h>


namespace ubaflow {

int coordinator_command(const std::vector<std::string>& args) {
  int exit_code = 0;
  auto values = parse_command_line(
    coordinator_options(), args,
    "Runs the job manager of a ubaflow cluster: workers (`ubaflow worker`) "
    "join it, it assigns them\nKafka partitions and key groups, deploys the "
    "job once cluster.min-workers have joined, and\nredeploys it when a "
    "worker is lost, joins or leaves, from the latest checkpoint. SIGUSR1\n"
    "drains the job (read to the current end, fire all windows, finish);\n"
    "SIGUSR2 takes a savepoint; SIGINT/SIGTERM stop it.",
    exit_code);
  if (!values)
    return exit_code;
  auto config = load_job_config_or_report(*values);
  if (!config)
    return 2;
  std::string error;
  cluster_settings cluster;
  auto secrets = cluster_secrets(*values, error);
  if (!secrets)
    return configuration_error(*values, error);
  cluster.secrets = *secrets;
  auto security = cluster_security(*values, *secrets, error);
  if (!security)
    return configuration_error(*values, error);
  use_cluster_security(*security);
  cluster.cluster_id = values->get_string("cluster.id");
  cluster.min_workers
    = static_cast<uint32_t>(values->get_int("cluster.min-workers"));
  cluster.heartbeat_interval_ms
    = values->get_duration_ms("cluster.heartbeat-interval");
  cluster.worker_timeout_ms = values->get_duration_ms("cluster.worker-timeout");
  cluster.restart_delay_ms = values->get_duration_ms("cluster.restart-delay");
  cluster.max_task_failures
    = static_cast<uint32_t>(values->get_int("cluster.max-task-failures"));
  cluster.job_settings = shareable_job_settings(*values, *config);
  if (cluster.heartbeat_interval_ms <= 0
      || cluster.worker_timeout_ms <= cluster.heartbeat_interval_ms)
    return configuration_error(*values,
                               "cluster.worker-timeout must be longer than "
                               "cluster.heartbeat-interval (> 0)");
  start_job_logging(*config, *values);
  if (!configure_checkpoints(*values, *config, cluster, error))
    return configuration_error(*values, error);
  rest_settings rest;
  if (!configure_rest(*values, rest, error))
    return configuration_error(*values, error);

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

  const auto& bind = values->get_string("coordinator.bind-address");
  const auto port = static_cast<uint16_t>(values->get_int("coordinator.port"));
  warn_if_exposed(*security, bind, "the coordinator");
  job_master_setup setup;
  setup.config = std::make_shared<const job_config>(*config);
  setup.cluster = std::move(cluster);
  setup.rest = rest;
  setup.view = static_view(*values, *config,
                           checkpoint_view_of(setup.cluster));
  setup.command = "coordinator";
  setup.rest_required = true;
  return run_coordinator_process(std::move(setup), {bind, port});
}

} // namespace ubaflow
