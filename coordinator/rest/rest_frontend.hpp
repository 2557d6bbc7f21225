#pragma once

#include "common/config/settings.hpp"
#include "common/protocol/cluster_manager_interface.hpp"
#include "common/util/ask_blocking.hpp"
#include "coordinator/rest/rest_service.hpp"
#include "common/config/job_config.hpp"

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace ubaflow {

// The REST API, metrics and web UI in front of a job master: the cluster
// manager (`ubaflow coordinator`) or the single-process job coordinator
// (`ubaflow run`). Shared by both commands.

/// Kafka may be slow to come at start-up: holds rest.port meanwhile with
/// start_startup_probe ("waiting for Kafka"), for a Kafka job whose
/// rest.port is fixed (0 picks a port of its own: nothing to hold). Reset
/// it before the REST API takes the port.
std::unique_ptr<http_server>
probe_while_waiting_for_kafka(const job_config& config,
                              const rest_settings& rest);

/// rest.* into `rest` (token from rest.token or rest.token-file, the web
/// UI's directory resolved); false with `error` on a bad setting.
bool configure_rest(const settings& values, rest_settings& rest,
                    std::string& error);

struct checkpoint_view {
  bool enabled = false;
  int64_t interval_ms = 0;
  int64_t timeout_ms = 0;
  std::string storage;
};

/// What the REST API shows that does not change while the job runs.
rest_view static_view(const settings& values, const job_config& config,
                      const checkpoint_view& checkpoints);

/// Starts the REST server over `job_master` (answers status_atom,
/// savepoint_atom and rescale_atom) and `results` (answers results_atom with the latest
/// result rows). `decorate` may complete each status (e.g. the process as
/// its only task manager). nullptr and `error` when it cannot listen.
std::unique_ptr<rest_service>
start_rest_frontend(caf::actor_system& system, const rest_settings& rest,
                    rest_view base, rest_target_actor job_master,
                    results_source_actor results,
                    std::function<void(job_status&)> decorate,
                    std::string& error);

} // namespace ubaflow
