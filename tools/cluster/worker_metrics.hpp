#pragma once

#include "common/protocol/task_manager_interface.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace ubaflow {

/// A worker's own Prometheus endpoint (GET /metrics): its process figures,
/// whether it has joined, its slots, the tasks it hosts and refused TLS
/// handshakes (prometheus_export's render_worker_metrics).
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
