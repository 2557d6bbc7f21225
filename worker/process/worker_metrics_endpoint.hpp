#pragma once

#include "common/protocol/task_manager_interface.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace ubaflow {

/// What a worker reports about itself on its own /metrics.
struct worker_metrics_view {
  std::string name;
  uint32_t worker_id = 0; ///< 0 while not joined
  uint32_t slots = 0;
  uint64_t tasks = 0;     ///< tasks hosted now
};

/// A worker's own metrics: process figures, membership, hosted tasks and
/// what it refused from its peers (ubaflow_cluster_refused_total). Task
/// metrics come from the coordinator's /metrics (labelled with each
/// subtask's worker), so summing over all scrape targets never counts a
/// record twice.
std::string render_worker_metrics(const worker_metrics_view& view);

/// A worker's own HTTP endpoint: GET /metrics (render_worker_metrics),
/// /healthz (the task manager answers) and /readyz (and it has joined).
class worker_metrics_endpoint {
public:
  /// nullptr and `error` when host:port cannot be bound.
  static std::unique_ptr<worker_metrics_endpoint>
  start(caf::actor_system& system, const std::string& host, uint16_t port,
        std::string name, uint32_t slots, std::string& error);
  ~worker_metrics_endpoint();

  /// The worker joined as `id`; its tasks live on `task_manager`.
  void joined(uint32_t id, task_manager_actor task_manager);
  void left();
  uint16_t port() const;

private:
  struct impl;
  worker_metrics_endpoint() = default;
  std::shared_ptr<impl> impl_;
};

} // namespace ubaflow
