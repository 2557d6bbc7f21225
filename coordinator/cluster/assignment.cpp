#include "coordinator/cluster/assignment.hpp"

#include <algorithm>

namespace ubaflow {

std::vector<worker_share>
assign_work(const std::vector<std::pair<uint32_t, uint32_t>>& workers,
            int32_t partition_count, uint32_t key_group_count,
            const std::map<int32_t, uint32_t>& previous, uint32_t owners) {
  std::vector<worker_share> shares;
  uint32_t total_slots = 0;
  for (auto [id, slots] : workers) {
    worker_share share;
    share.worker_id = id;
    share.slots = std::max<uint32_t>(1, slots);
    total_slots += share.slots;
    shares.push_back(std::move(share));
  }
  if (shares.empty())
    return shares;

  // Quotas proportional to slots: floor share each, the remainder to the
  // workers that keep most of their previous partitions (then lowest id),
  // which is what keeps movement minimal.
  const auto count = static_cast<uint32_t>(std::max(partition_count, 0));
  std::vector<uint32_t> quota(shares.size());
  std::vector<uint32_t> kept(shares.size(), 0);
  for (size_t i = 0; i < shares.size(); ++i)
    for (const auto& [p, w] : previous)
      if (w == shares[i].worker_id && p < partition_count)
        ++kept[i];
  uint32_t assigned_quota = 0;
  for (size_t i = 0; i < shares.size(); ++i) {
    quota[i] = count * shares[i].slots / total_slots;
    assigned_quota += quota[i];
  }
  std::vector<size_t> order(shares.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const bool a_wants = kept[a] > quota[a], b_wants = kept[b] > quota[b];
    return a_wants != b_wants ? a_wants : false;
  });
  for (size_t k = 0; assigned_quota < count; k = (k + 1) % order.size()) {
    ++quota[order[k]];
    ++assigned_quota;
  }

  // Keep what may stay, then hand the rest to the emptiest worker.
  std::vector<bool> placed(count, false);
  for (size_t i = 0; i < shares.size(); ++i)
    for (const auto& [p, w] : previous)
      if (w == shares[i].worker_id && p >= 0 && p < partition_count
          && shares[i].partitions.size() < quota[i] && !placed[p]) {
        shares[i].partitions.push_back(p);
        placed[static_cast<size_t>(p)] = true;
      }
  for (uint32_t p = 0; p < count; ++p) {
    if (placed[p])
      continue;
    size_t best = 0;
    uint32_t best_room = 0;
    for (size_t i = 0; i < shares.size(); ++i) {
      const auto room
        = quota[i] - static_cast<uint32_t>(shares[i].partitions.size());
      if (room > best_room) {
        best = i;
        best_room = room;
      }
    }
    shares[best].partitions.push_back(static_cast<int32_t>(p));
  }
  for (auto& share : shares)
    std::sort(share.partitions.begin(), share.partitions.end());

  if (owners == 0) {
    uint32_t slot = 0;
    for (auto& share : shares)
      for (uint32_t s = 0; s < share.slots; ++s)
        share.key_groups.push_back(
          range_for_owner(slot++, total_slots, key_group_count));
    return shares;
  }
  owners = std::min(owners, key_group_count);
  for (uint32_t owner = 0; owner < owners; ++owner) {
    // The worker holding slot owner × total / owners, in id order.
    uint32_t slot = static_cast<uint32_t>(uint64_t{owner} * total_slots / owners);
    size_t w = 0;
    while (slot >= shares[w].slots) {
      slot -= shares[w].slots;
      ++w;
    }
    shares[w].key_groups.push_back(
      range_for_owner(owner, owners, key_group_count));
  }
  return shares;
}

std::map<int32_t, uint32_t>
partition_owners(const std::vector<worker_share>& shares) {
  std::map<int32_t, uint32_t> out;
  for (const auto& share : shares)
    for (auto p : share.partitions)
      out[p] = share.worker_id;
  return out;
}

job_plan make_cluster_plan(const std::vector<worker_share>& shares,
                           uint32_t key_group_count,
                           uint32_t sources_per_worker) {
  job_plan plan;
  plan.key_groups = key_group_count;
  for (uint32_t w = 0; w < shares.size(); ++w) {
    const auto& share = shares[w];
    for (auto range : share.key_groups) {
      plan.owner_ranges.push_back(range);
      plan.owner_placement.push_back(w);
    }
    size_t tasks = std::min<size_t>(share.slots, share.partitions.size());
    if (sources_per_worker > 0)
      tasks = std::min<size_t>(tasks, sources_per_worker);
    const size_t first = plan.source_partitions.size();
    for (size_t t = 0; t < tasks; ++t) {
      plan.source_partitions.emplace_back();
      plan.source_placement.push_back(w);
    }
    for (size_t i = 0; i < share.partitions.size(); ++i)
      plan.source_partitions[first + i % tasks].push_back(
        share.partitions[i]);
  }
  return plan;
}

} // namespace ubaflow
