#pragma once

#include "common/protocol/task_manager_interface.hpp"

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ubaflow {

/// One worker process (Flink's TaskManager) as the coordinator knows it.
struct worker_record {
  uint32_t id = 0;
  std::string name;
  std::string host;
  uint16_t port = 0;
  uint32_t slots = 1;
  task_manager_actor task_manager;
  int64_t joined_ms = 0;
  int64_t last_heartbeat_ms = 0;
  /// In the coordinator's own process (`ubaflow run`): never expires, its
  /// loss is its actor's end.
  bool local = false;
};

/// The live workers of the cluster: joins, heartbeats and expiry. Plain
/// logic on caller-supplied clocks; the cluster manager actor drives it.
class membership {
public:
  /// Registers a worker and returns its id (ids are never reused). A worker
  /// joining under the name of a registered one replaces it (a restarted
  /// pod); the replaced id is returned in `replaced` (0 if none).
  uint32_t join(worker_record record, int64_t now_ms, uint32_t& replaced);

  /// Records a heartbeat; false for an unknown (e.g. expired) worker.
  bool heartbeat(uint32_t id, int64_t now_ms);

  /// Workers silent for longer than `timeout_ms`.
  std::vector<uint32_t> expired(int64_t now_ms, int64_t timeout_ms) const;

  /// Forgets a worker; false if it was not registered.
  bool remove(uint32_t id);

  const worker_record* find(uint32_t id) const;
  const worker_record* find_by_task_manager(const caf::actor_addr& tm) const;

  /// Registered workers in join order (ascending id).
  std::vector<const worker_record*> workers() const;
  size_t size() const { return workers_.size(); }
  uint32_t total_slots() const;

private:
  std::map<uint32_t, worker_record> workers_;
  uint32_t next_id_ = 1;
};

} // namespace ubaflow
