#pragma once

#include "common/protocol/task_manager_interface.hpp"
#include "worker/job_config_loader.hpp"

#include <caf/fwd.hpp>

#include <cstdint>
#include <memory>

namespace ubaflow {

/// Spawns the task manager of one worker process (Flink's TaskManager): it
/// deploys the subtasks the coordinator places here (sink_deployment,
/// combiner_deployment, owner_deployment, source_deployment, each answered
/// with the new actors' handles), opens direct connections to the peers in
/// a peer_list (answered with ack_atom once all are connected), and on
/// cancel_atom stops every task it hosts, answering once they are all gone.
/// After (join_atom, worker_id, coordinator) it sends
/// (heartbeat_atom, worker_id) to the coordinator every `heartbeat_ms`.
task_manager_actor spawn_task_manager(caf::actor_system& system,
                                      std::shared_ptr<const job_config> config,
                                      int64_t heartbeat_ms = 1000);

} // namespace ubaflow
