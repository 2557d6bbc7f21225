#include "coordinator/process/job_master_host.hpp"

#include "common/protocol/errors.hpp"
#include "common/protocol/type_ids.hpp"
#include "common/transport/cluster_transport.hpp"
#include "coordinator/process/job_monitor.hpp"
#include "coordinator/rest/rest_frontend.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace ubaflow {

job_master_result host_job_master(caf::actor_system& system,
                                  job_master_setup setup,
                                  std::optional<manager_address> listen) {
  caf::scoped_actor self{system};
  const auto& config = *setup.config;
  auto manager = spawn_cluster_manager(system, setup.config, setup.cluster,
                                       caf::actor{self});
  uint16_t published_port = 0;
  if (listen) {
    // Published untyped: workers and `ubaflow savepoint` reach it with
    // remote_actor as a caf::actor.
    auto published = publish_on(caf::actor_cast<caf::actor>(manager),
                                listen->bind_address, listen->port);
    if (!published) {
      spdlog::error("cannot listen on {}:{}: {}", listen->bind_address,
                    listen->port, system.render(published.error()));
      self->send_exit(manager, caf::exit_reason::user_shutdown);
      return {1, false};
    }
    published_port = *published;
  }
  std::string error;
  auto rest_api = start_rest_frontend(system, setup.rest, setup.view, manager,
                                      manager, {}, error);
  if (rest_api) {
    spdlog::info("web UI, REST API and metrics on http://{}:{}/",
                 setup.rest.bind_address, rest_api->port());
  } else if (setup.rest_required) {
    spdlog::error("cannot start the REST API: {}", error);
    self->send_exit(manager, caf::exit_reason::user_shutdown);
    return {1, false};
  } else {
    spdlog::warn("no web UI or REST API: {}", error);
  }
  if (listen)
    spdlog::info("coordinator of cluster '{}' listening on {}:{}; {} "
                 "partition(s); waiting for {} worker(s)",
                 setup.cluster.cluster_id, listen->bind_address,
                 published_port, setup.cluster.partition_count,
                 setup.cluster.min_workers);
  auto outcome = monitor_job(self, manager, config.progress_interval_ms,
                             config.stop_timeout_ms);
  rest_api.reset(); // before the actors it asks go away
  job_master_result result;
  result.exit_code
    = report_outcome(system, outcome, setup.command);
  result.finished = outcome.final_status
                    && outcome.final_status->state == "finished";
  return result;
}

int run_coordinator_process(job_master_setup setup, manager_address listen) {
  install_job_signal_handlers();
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::ubaflow>();
  configure_cluster_transport(cfg);
  caf::actor_system system{cfg};
  return host_job_master(system, std::move(setup), std::move(listen))
    .exit_code;
}

} // namespace ubaflow
