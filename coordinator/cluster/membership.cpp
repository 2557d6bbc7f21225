#include "coordinator/cluster/membership.hpp"

namespace ubaflow {

uint32_t membership::join(worker_record record, int64_t now_ms,
                          uint32_t& replaced) {
  replaced = 0;
  for (const auto& [id, known] : workers_)
    if (known.name == record.name) {
      replaced = id;
      break;
    }
  if (replaced != 0)
    workers_.erase(replaced);
  record.id = next_id_++;
  record.joined_ms = now_ms;
  record.last_heartbeat_ms = now_ms;
  const uint32_t id = record.id;
  workers_.emplace(id, std::move(record));
  return id;
}

bool membership::heartbeat(uint32_t id, int64_t now_ms) {
  auto i = workers_.find(id);
  if (i == workers_.end())
    return false;
  i->second.last_heartbeat_ms = now_ms;
  return true;
}

std::vector<uint32_t> membership::expired(int64_t now_ms,
                                          int64_t timeout_ms) const {
  std::vector<uint32_t> out;
  for (const auto& [id, w] : workers_)
    if (!w.local && now_ms - w.last_heartbeat_ms > timeout_ms)
      out.push_back(id);
  return out;
}

bool membership::remove(uint32_t id) {
  return workers_.erase(id) > 0;
}

const worker_record* membership::find(uint32_t id) const {
  auto i = workers_.find(id);
  return i == workers_.end() ? nullptr : &i->second;
}

const worker_record*
membership::find_by_task_manager(const caf::actor_addr& tm) const {
  for (const auto& [id, w] : workers_)
    if (w.task_manager.address() == tm)
      return &w;
  return nullptr;
}

std::vector<const worker_record*> membership::workers() const {
  std::vector<const worker_record*> out;
  for (const auto& [id, w] : workers_)
    out.push_back(&w);
  return out;
}

uint32_t membership::total_slots() const {
  uint32_t n = 0;
  for (const auto& [id, w] : workers_)
    n += w.slots;
  return n;
}

} // namespace ubaflow
