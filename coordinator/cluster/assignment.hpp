#pragma once

#include "common/util/key_groups.hpp"
#include "coordinator/job_plan.hpp"

#include <cstdint>
#include <map>
#include <vector>

namespace ubaflow {

/// A worker's share of the job, as the coordinator assigns it.
struct worker_share {
  uint32_t worker_id = 0;
  uint32_t slots = 1;
  std::vector<int32_t> partitions;         ///< sorted
  std::vector<key_group_range> key_groups; ///< one range per slot
};

/// Assigns Kafka partitions and key groups to workers for one epoch.
///  - Partitions: balanced (counts differ by at most one per slot of
///    capacity) and sticky: a partition stays with its previous worker
///    while that worker is present and under its quota, so a membership
///    change moves as few partitions as possible.
///  - Key groups: split into `owners` contiguous ranges (0: one per slot),
///    the workers' ranges following each other in ascending worker id;
///    with an explicit count, owner i goes to the worker holding slot
///    i × slots / owners, so owners spread in proportion to slots.
/// `previous` maps partition → worker id of the last epoch (may be empty).
/// `workers` holds (id, slots) in ascending id order.
std::vector<worker_share>
assign_work(const std::vector<std::pair<uint32_t, uint32_t>>& workers,
            int32_t partition_count, uint32_t key_group_count,
            const std::map<int32_t, uint32_t>& previous, uint32_t owners = 0);

/// The partition → worker map of an assignment (the next `previous`).
std::map<int32_t, uint32_t>
partition_owners(const std::vector<worker_share>& shares);

/// The job plan of an assignment: on each worker (task manager i = share
/// i), one owner per key-group range and min(slots, partitions) source
/// tasks (at most `sources_per_worker` unless 0) sharing its partitions
/// round-robin.
job_plan make_cluster_plan(const std::vector<worker_share>& shares,
                           uint32_t key_group_count,
                           uint32_t sources_per_worker = 0);

} // namespace ubaflow
