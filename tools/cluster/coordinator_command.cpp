// `ubaflow coordinator`: the job manager of a cluster of worker processes.

#include "common/config/cluster_options.hpp"
#include "common/protocol/type_ids.hpp"
#include "coordinator/checkpoint/checkpoint_builder.hpp"
#include "coordinator/checkpoint/directory_checkpoint_store.hpp"
#include "coordinator/cluster/cluster_manager.hpp"
#include "coordinator/rest/rest_service.hpp"
#include "common/util/clock.hpp"
#include "coordinator/partition_discovery.hpp"
#include "tools/cli_support.hpp"
#include "tools/cluster/cluster_support.hpp"
#include "tools/commands.hpp"
#include "worker/runtime/cluster_transport.hpp"
#include "tools/run/job_monitor.hpp"
#include "worker/job_config.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace ubaflow {

namespace {

/// Sets up checkpoint storage and the restore point from the
/// checkpoint.* options; false with `error` on a bad setting or an
/// unreadable checkpoint.
bool configure_checkpoints(const settings& values, const job_config& config,
                           cluster_settings& cluster, std::string& error) {
  const auto& dir = values.get_string("checkpoint.dir");
  const auto& restore = values.get_string("checkpoint.restore");
  if (dir.empty()) {
    if (restore != "latest" && restore != "none") {
      error = "checkpoint.restore needs checkpoint.dir";
      return false;
    }
    return true;
  }
  cluster.checkpoints = std::make_shared<directory_checkpoint_store>(
    dir, static_cast<uint32_t>(values.get_int("checkpoint.retained")));
  cluster.checkpoint_interval_ms
    = values.get_duration_ms("checkpoint.interval");
  cluster.checkpoint_timeout_ms = values.get_duration_ms("checkpoint.timeout");
  if (cluster.checkpoint_timeout_ms <= 0) {
    error = "checkpoint.timeout must be positive";
    return false;
  }
  // Ids continue above everything stored, so "latest" is always the
  // newest state whichever run wrote it.
  const auto latest = cluster.checkpoints->latest();
  if (latest)
    cluster.first_checkpoint_id = cluster.checkpoints->id_of(*latest) + 1;
  if (restore == "none")
    return true;
  if (restore == "latest") {
    if (!latest)
      return true;
    cluster.restore_path = *latest;
  } else {
    cluster.restore_path = restore;
  }
  auto data = cluster.checkpoints->load(cluster.restore_path, error);
  if (!data) {
    error = "checkpoint.restore: " + error;
    return false;
  }
  if (restore == "latest" && data->job != config.name) {
    // Found, not chosen: another job's state must not be taken by accident.
    error = "checkpoint.dir '" + dir + "' holds checkpoints of job '"
            + data->job + "', not of '" + config.name
            + "'; use another checkpoint.dir, checkpoint.restore=none, or "
              "name the file in checkpoint.restore";
    return false;
  }
  if (!restorable(*data, config.key_groups, config.windows.computes_uv(),
                  error)) {
    error = "checkpoint.restore: " + error;
    return false;
  }
  cluster.first_checkpoint_id
    = std::max(cluster.first_checkpoint_id, data->id + 1);
  spdlog::info("the job continues from {} {} ({}), taken by job '{}'",
               data->savepoint ? "savepoint" : "checkpoint", data->id,
               cluster.restore_path, data->job);
  return true;
}

/// The REST API's settings from rest.*; false with `error` on a bad one.
bool configure_rest(const settings& values, rest_settings& rest,
                    std::string& error) {
  rest.bind_address = values.get_string("rest.bind-address");
  rest.port = static_cast<uint16_t>(values.get_int("rest.port"));
  rest.token = values.get_string("rest.token");
  const auto& file = values.get_string("rest.token-file");
  if (!file.empty()) {
    auto token = read_secret_file(file, error);
    if (!token) {
      error = "rest.token-file: " + error;
      return false;
    }
    rest.token = *token;
  }
  rest.web_dir = values.get_string("rest.web-dir");
  if (rest.web_dir.empty()) {
    // A build tree (build/ubaflow in the repository), else the image's.
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    const auto beside = exe.parent_path().parent_path() / "coordinator" / "web";
    rest.web_dir = !ec && std::filesystem::exists(beside / "index.html")
                     ? beside.string()
                     : std::string{"/opt/ubaflow/web"};
  }
  return true;
}

/// What the REST API shows that does not change while the job runs.
rest_view static_view(const settings& values, const job_config& config,
                      const cluster_settings& cluster) {
  rest_view view;
  view.key_groups = config.key_groups;
  view.computes_uv = config.windows.computes_uv();
  view.source = config.source == source_type::file
                  ? std::string{"files"}
                  : "Kafka topic " + config.kafka.topic;
  for (size_t k = 0; k < result_kind_count; ++k)
    if (config.windows.enabled[k])
      view.results.push_back(to_string(static_cast<result_kind>(k)));
  view.time_zone = config.zone.name();
  view.time_zone_offset_ms = config.zone.offset_at_instant(wall_now_ms());
  view.checkpoints_enabled = cluster.checkpoints != nullptr;
  view.checkpoint_interval_ms = cluster.checkpoint_interval_ms;
  view.checkpoint_timeout_ms = cluster.checkpoint_timeout_ms;
  if (cluster.checkpoints)
    view.checkpoint_storage = cluster.checkpoints->describe();
  for (const auto& [key, value, origin] : values.effective())
    view.config.emplace_back(key, value);
  return view;
}

} // namespace

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
  auto secret = cluster_secret(*values, error);
  if (!secret)
    return configuration_error(*values, error);
  cluster.secret = *secret;
  auto tls = cluster_tls(*values, error);
  if (!tls)
    return configuration_error(*values, error);
  use_cluster_tls(*tls);
  cluster.cluster_id = values->get_string("cluster.id");
  cluster.min_workers
    = static_cast<uint32_t>(values->get_int("cluster.min-workers"));
  cluster.heartbeat_interval_ms
    = values->get_duration_ms("cluster.heartbeat-interval");
  cluster.worker_timeout_ms = values->get_duration_ms("cluster.worker-timeout");
  cluster.restart_delay_ms = values->get_duration_ms("cluster.restart-delay");
  cluster.max_task_failures
    = static_cast<uint32_t>(values->get_int("cluster.max-task-failures"));
  cluster.job_settings = shareable_job_settings(*values);
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

  cluster.partition_count = count_partitions(*config, error);
  if (cluster.partition_count <= 0) {
    spdlog::error("cannot start: {}", error);
    return 1;
  }

  install_job_signal_handlers();
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::ubaflow>();
  configure_cluster_transport(cfg);
  caf::actor_system system{cfg};
  caf::scoped_actor self{system};
  auto manager = spawn_cluster_manager(
    system, std::make_shared<const job_config>(*config), cluster,
    caf::actor{self});
  const auto& bind = values->get_string("coordinator.bind-address");
  const auto port = static_cast<uint16_t>(values->get_int("coordinator.port"));
  auto published = publish_on(manager, bind, port);
  if (!published) {
    spdlog::error("cannot listen on {}:{}: {}", bind, port,
                  system.render(published.error()));
    self->send_exit(manager, caf::exit_reason::user_shutdown);
    return 1;
  }
  // Handlers run on the REST server's threads; each asks the cluster
  // manager through a scoped actor of its own.
  auto fetch_status = [&system, manager]() -> std::optional<job_status> {
    caf::scoped_actor asker{system};
    std::optional<job_status> out;
    asker->request(manager, std::chrono::seconds(3), status_atom_v)
      .receive([&](job_status& s) { out = std::move(s); },
               [](const caf::error&) {});
    return out;
  };
  auto take_savepoint = [&system,
                         manager](std::string& why) -> std::optional<std::string> {
    caf::scoped_actor asker{system};
    std::optional<std::string> out;
    asker->request(manager, std::chrono::minutes(10), savepoint_atom_v)
      .receive([&](std::string& path) { out = std::move(path); },
               [&](const caf::error& err) { why = system.render(err); });
    return out;
  };
  auto fetch_results
    = [&system, manager]() -> std::optional<std::vector<result_row>> {
    caf::scoped_actor asker{system};
    std::optional<std::vector<result_row>> out;
    asker->request(manager, std::chrono::seconds(3), results_atom_v)
      .receive([&](std::vector<result_row>& rows) { out = std::move(rows); },
               [](const caf::error&) {});
    return out;
  };
  auto rest_api = rest_service::start(rest, static_view(*values, *config, cluster),
                                      fetch_status, take_savepoint,
                                      fetch_results, error);
  if (!rest_api) {
    spdlog::error("cannot start the REST API: {}", error);
    self->send_exit(manager, caf::exit_reason::user_shutdown);
    return 1;
  }
  spdlog::info("REST API and metrics on http://{}:{}/ (Flink's /overview, "
               "/jobs, ..., /metrics)",
               rest.bind_address, rest_api->port());
  spdlog::info("coordinator of cluster '{}' listening on {}:{}; {} "
               "partition(s); waiting for {} worker(s)",
               cluster.cluster_id, bind, *published, cluster.partition_count,
               cluster.min_workers);
  auto outcome = monitor_job(self, manager, config->progress_interval_ms);
  return report_outcome(system, outcome, "coordinator");
}

} // namespace ubaflow
