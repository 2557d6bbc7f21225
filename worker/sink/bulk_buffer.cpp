#include "worker/sink/bulk_buffer.hpp"

namespace ubaflow {

void bulk_buffer::add(result_row row) {
  key k{row.index, row.id};
  const uint64_t version = next_version_++;
  latest_version_[k] = version;
  auto [it, inserted] = pending_.try_emplace(k);
  if (!inserted) {
    ++coalesced_;
    bytes_ -= row_bytes(it->second.row);
  } else {
    it->second.order = next_order_++;
    order_.emplace_back(k, it->second.order);
  }
  bytes_ += row_bytes(row);
  it->second.row = std::move(row);
  it->second.version = version;
}

std::vector<taken_row> bulk_buffer::take(size_t max_actions, size_t max_bytes) {
  std::vector<taken_row> out;
  size_t taken_bytes = 0;
  while (!order_.empty() && out.size() < max_actions) {
    auto& [k, order] = order_.front();
    auto it = pending_.find(k);
    if (it == pending_.end() || it->second.order != order) {
      order_.pop_front(); // stale queue entry
      continue;
    }
    const size_t size = row_bytes(it->second.row);
    if (!out.empty() && taken_bytes + size > max_bytes)
      break;
    taken_bytes += size;
    bytes_ -= size;
    out.push_back({std::move(it->second.row), it->second.version});
    pending_.erase(it);
    order_.pop_front();
  }
  return out;
}

bool bulk_buffer::restore(taken_row row) {
  key k{row.row.index, row.row.id};
  auto latest = latest_version_.find(k);
  if (latest != latest_version_.end() && latest->second > row.version)
    return false; // a newer version was added after this one was taken
  if (pending_.count(k))
    return false;
  auto& s = pending_[k];
  s.order = next_order_++;
  s.version = row.version;
  bytes_ += row_bytes(row.row);
  s.row = std::move(row.row);
  order_.emplace_back(k, s.order);
  return true;
}

} // namespace ubaflow
