#include "coordinator/job_plan.hpp"

#include <algorithm>

namespace ubaflow {

uint32_t source_task_count(int32_t partition_count,
                           uint32_t source_parallelism,
                           uint32_t default_max_sources) {
  const auto partitions
    = static_cast<uint32_t>(std::max<int32_t>(partition_count, 0));
  uint32_t sources = source_parallelism;
  if (sources == 0)
    sources = std::min<uint32_t>(partitions, default_max_sources);
  return std::max<uint32_t>(1, std::min<uint32_t>(sources, partitions));
}

std::string describe(const job_plan& plan) {
  std::string out = std::to_string(plan.source_partitions.size())
                    + " source task(s) [";
  for (size_t i = 0; i < plan.source_partitions.size(); ++i) {
    out += i ? "; " : "";
    for (size_t j = 0; j < plan.source_partitions[i].size(); ++j)
      out += (j ? "," : "") + std::to_string(plan.source_partitions[i][j]);
  }
  out += "], " + std::to_string(plan.owner_ranges.size()) + " owner(s) [";
  for (size_t i = 0; i < plan.owner_ranges.size(); ++i)
    out += (i ? ", " : "") + std::to_string(plan.owner_ranges[i].first) + "-"
           + std::to_string(plan.owner_ranges[i].last - 1);
  return out + "] of " + std::to_string(plan.key_groups) + " key groups";
}

} // namespace ubaflow
