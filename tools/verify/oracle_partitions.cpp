#include "tools/verify/oracle_partitions.hpp"

#include "common/util/kafka_partitioner.hpp"

#include <algorithm>

namespace ubaflow {

std::optional<oracle_partitions>
oracle_partitions::make(const job_config& config, const oracle_settings& oracle,
                        const std::vector<std::string>& inputs,
                        std::string& error) {
  oracle_partitions p;
  p.partitioner_ = oracle.partitioner;
  if (oracle.partitioner == oracle_partitioner::file) {
    // Each range is a partition; first_range_[f] numbers file f's first.
    int32_t ranges_so_far = 0;
    for (const auto& input : inputs) {
      std::vector<file_range> ranges;
      if (!split_files({input}, config.file_splits, ranges, error))
        return std::nullopt;
      p.first_range_.push_back(ranges_so_far);
      ranges_so_far += static_cast<int32_t>(ranges.size());
      p.ranges_of_file_.push_back(std::move(ranges));
    }
    p.count_ = ranges_so_far;
  } else {
    p.count_ = std::max(1, oracle.partitions);
  }
  return p;
}

int32_t oracle_partitions::of(size_t file_no, int64_t line_offset,
                              uint64_t position, int64_t user_id) const {
  switch (partitioner_) {
    case oracle_partitioner::murmur2:
      return count_ > 1 ? kafka_partition_for_key(std::to_string(user_id), count_)
                        : 0;
    case oracle_partitioner::round_robin:
      return static_cast<int32_t>(position % static_cast<uint64_t>(count_));
    case oracle_partitioner::file:
      return first_range_.at(file_no)
             + static_cast<int32_t>(
               range_of_offset(ranges_of_file_.at(file_no), line_offset));
  }
  return 0;
}

} // namespace ubaflow
