#pragma once

// Which partition each input record of `ubaflow verify` was read from, as
// the job read them: Kafka's murmur2 on the user id (datagen's and the
// Kafka clients' key), round-robin, or the ranges a source cuts files into
// (source.file-splits). The oracle judges lateness per partition with it.

#include "common/config/job_config.hpp"
#include "worker/source/file_splits.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ubaflow {

/// How the oracle assigns input records to partitions, which decides their
/// watermarks and therefore which records are late.
enum class oracle_partitioner {
  murmur2,     ///< by user-id key, like datagen and Kafka's Java client
  round_robin, ///< record i (malformed ones included) goes to i mod N
  file,        ///< each input file is one partition (source.type=file)
};

struct oracle_settings {
  int32_t partitions = 1;
  oracle_partitioner partitioner = oracle_partitioner::murmur2;
};

class oracle_partitions {
public:
  /// For `inputs` (in order); nothing with `error` when a file cannot be
  /// split.
  static std::optional<oracle_partitions>
  make(const job_config& config, const oracle_settings& oracle,
       const std::vector<std::string>& inputs, std::string& error);

  int32_t count() const { return count_; }

  /// The partition of the record at byte `line_offset` of input `file_no`,
  /// the `position`th record overall, keyed by `user_id`.
  int32_t of(size_t file_no, int64_t line_offset, uint64_t position,
             int64_t user_id) const;

private:
  oracle_partitioner partitioner_ = oracle_partitioner::murmur2;
  int32_t count_ = 1;
  std::vector<std::vector<file_range>> ranges_of_file_;
  std::vector<int32_t> first_range_; ///< per file: its first range's number
};

} // namespace ubaflow
