#pragma once

#include "common/util/key_groups.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ubaflow {

/// Which source task reads which partitions (or files), and which owner
/// keeps which key groups. Pure and deterministic, so every process that
/// computes it from the same inputs agrees.
struct job_plan {
  uint32_t key_groups = 128;
  std::vector<std::vector<int32_t>> source_partitions; ///< per source task
  std::vector<key_group_range> owner_ranges;           ///< per owner
  /// Task manager (index into the deployment's list) of each source task
  /// and owner; empty: task i goes to task manager i modulo their count.
  std::vector<uint32_t> source_placement;
  std::vector<uint32_t> owner_placement;
  /// Partitions added to the topic while the job ran (read from their
  /// beginning unless a checkpoint says where).
  std::vector<int32_t> from_beginning;
};

/// Source tasks for `partition_count` partitions: `source_parallelism`
/// (0: one per partition, at most `default_max_sources`), never more than
/// the partitions, never fewer than one.
uint32_t source_task_count(int32_t partition_count,
                           uint32_t source_parallelism,
                           uint32_t default_max_sources = 4);

/// Plans are made by make_cluster_plan (coordinator/cluster/assignment),
/// for a cluster and for `ubaflow run`'s cluster of one alike.

std::string describe(const job_plan& plan);

} // namespace ubaflow
