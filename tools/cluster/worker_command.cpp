// `ubaflow worker`: reads the worker's options, then runs its session in
// the cluster (worker/process/worker_session).

#include "common/config/cluster_options.hpp"
#include "common/protocol/type_ids.hpp"
#include "common/transport/cluster_transport.hpp"
#include "common/util/log.hpp"
#include "common/util/process_control.hpp"
#include "tools/cli_support.hpp"
#include "tools/cluster/cluster_support.hpp"
#include "worker/process/worker_metrics_endpoint.hpp"
#include "tools/commands.hpp"
#include "worker/job_config_loader.hpp"
#include "worker/process/worker_session.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <unistd.h>

namespace ubaflow {

namespace {

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0)
    return "localhost";
  return name;
}

} // namespace

int worker_command(const std::vector<std::string>& args) {
  int exit_code = 0;
  auto values = parse_command_line(
    worker_options(), args,
    "Runs a ubaflow worker (task manager): joins the coordinator at "
    "worker.coordinator, receives\nthe job's settings from it (secrets and "
    "node-local paths stay this node's own) and runs the\ntasks it is "
    "given. It rejoins when the coordinator comes back after a loss. "
    "SIGTERM hands its\nwork back to the other workers, then exits.",
    exit_code);
  if (!values)
    return exit_code;
  std::string error;
  worker_identity me;
  auto secrets = cluster_secrets(*values, error);
  auto coordinator = split_host_port(values->get_string("worker.coordinator"));
  if (!secrets)
    return configuration_error(*values, error);
  auto security = cluster_security(*values, *secrets, error);
  if (!security)
    return configuration_error(*values, error);
  use_cluster_security(*security);
  if (!coordinator)
    return configuration_error(*values,
                               "worker.coordinator: expected host:port");
  me.secret = secrets->empty() ? std::string{} : secrets->front();
  me.cluster_id = values->get_string("cluster.id");
  me.name = values->get_string("worker.name");
  if (me.name.empty())
    me.name = host_name() + "-" + std::to_string(getpid());
  me.bind_address = values->get_string("worker.bind-address");
  warn_if_exposed(*security, me.bind_address, "this worker");
  me.port = static_cast<uint16_t>(values->get_int("worker.port"));
  me.host = values->get_string("worker.advertised-host");
  if (me.host.empty())
    me.host = me.bind_address == "0.0.0.0" ? host_name() : me.bind_address;
  me.slots = static_cast<uint32_t>(values->get_int("worker.slots"));
  me.coordinator_host = coordinator->first;
  me.coordinator_port = coordinator->second;
  me.reconnect_ms = values->get_duration_ms("worker.reconnect-interval");
  me.stop_timeout_ms = values->get_duration_ms("job.stop-timeout");
  setup_logging(values->get_string("log.level"), values->get_string("log.format"));
  install_leave_signal_handlers();
  tune_allocator();

  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::ubaflow>();
  configure_cluster_transport(cfg);
  caf::actor_system system{cfg};
  auto metrics = worker_metrics_endpoint::start(
    system, values->get_string("worker.metrics-bind-address"),
    static_cast<uint16_t>(values->get_int("worker.metrics-port")), me.name,
    me.slots, error);
  if (metrics)
    spdlog::info("worker metrics on http://{}:{}/metrics",
                 values->get_string("worker.metrics-bind-address"),
                 metrics->port());
  else
    spdlog::warn("no worker /metrics: {}", error);

  worker_hooks hooks;
  // The coordinator's settings under this node's own secrets and paths.
  hooks.configure = [&values](const std::vector<std::string>& job_settings,
                              int& code) -> std::shared_ptr<const job_config> {
    code = 2;
    if (auto problem = apply_coordinator_settings(*values, job_settings)) {
      spdlog::error("{}", *problem);
      return nullptr;
    }
    std::string why;
    auto config = load_job_config(*values, why);
    if (!config) {
      spdlog::error("the job's settings do not work here: {}", why);
      return nullptr;
    }
    if (auto problem = check_node_paths(*config)) {
      spdlog::error("the job's settings do not work here: {}", *problem);
      return nullptr;
    }
    setup_logging(config->log_level, config->log_format);
    return std::make_shared<const job_config>(std::move(*config));
  };
  hooks.joined = [&metrics](uint32_t id,
                            const task_manager_actor& task_manager) {
    if (metrics)
      metrics->joined(id, task_manager);
  };
  hooks.left = [&metrics] {
    if (metrics)
      metrics->left();
  };
  return run_worker_session(system, me, hooks);
}

} // namespace ubaflow
