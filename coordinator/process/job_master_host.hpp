#pragma once

#include "common/config/job_config.hpp"
#include "coordinator/cluster/cluster_manager.hpp"
#include "coordinator/rest/flink_api.hpp"
#include "coordinator/rest/rest_service.hpp"

#include <caf/fwd.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace ubaflow {

/// Everything a process needs to host the job master: the job, the
/// cluster's settings, the REST front end and how the process is called.
struct job_master_setup {
  std::shared_ptr<const job_config> config;
  cluster_settings cluster;
  rest_settings rest;
  rest_view view;
  const char* command = "run"; ///< for the closing report
  /// Without a REST API the coordinator of a cluster cannot be operated;
  /// `run` goes on with a warning.
  bool rest_required = false;
};

/// Where workers reach the cluster manager (`ubaflow coordinator`).
struct manager_address {
  std::string bind_address;
  uint16_t port = 0;
};

/// How the job ended, for the process's exit.
struct job_master_result {
  int exit_code = 0;
  bool finished = false; ///< every result written, offsets committed
};

/// Hosts the job master in `system` until the job ends: spawns the cluster
/// manager, publishes it on `listen` (a cluster of worker processes) or
/// not (`run`, whose task manager is in cluster.local_task_manager),
/// starts the REST front end, watches the job (signals ask for a stop, a
/// drain or a savepoint; a progress line every job.progress-interval) and
/// prints the closing summary.
job_master_result host_job_master(caf::actor_system& system,
                                  job_master_setup setup,
                                  std::optional<manager_address> listen);

/// `ubaflow coordinator` once its options are read: an actor system with
/// the cluster transport, the job master published on `listen`. Returns
/// the process's exit code.
int run_coordinator_process(job_master_setup setup, manager_address listen);

} // namespace ubaflow
