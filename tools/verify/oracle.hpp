#pragma once

#include "common/protocol/results.hpp"
#include "worker/job_config_loader.hpp"
#include "common/protocol/reject_reason.hpp"

#include <map>
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

/// The four results as a batch computation would produce them.
struct expected_results {
  std::map<event_time, int64_t> hourly_buys;       ///< by window start
  std::map<event_time, int64_t> uv;                ///< by window start
  std::map<event_time, std::map<event_time, int64_t>> daily; ///< day → step end → uv
  std::map<std::string, int64_t> category_buys;
  uint64_t records = 0;
  reject_counts rejects;
  uint64_t late_hourly = 0;
  uint64_t late_uv = 0;
  uint64_t late_daily = 0;
};

/// The batch oracle of `ubaflow verify`: reads the input files in order and
/// computes the expected results with plain maps and sets, independently of
/// the engine's pre-aggregation, exchange and keyed state. It applies the
/// documented semantics (docs/semantics.md): per-partition watermarks,
/// lateness relative to the record's own partition, allowed lateness for
/// the tumbling results, CUMULATE semantics for day-to-date UV, the
/// running top_category count after the LEFT lookup join.
/// Returns false with `error` set if an input or the category table cannot
/// be read.
bool compute_expected(const job_config& config, const oracle_settings& oracle,
                      const std::vector<std::string>& inputs,
                      expected_results& out, std::string& error);

/// The expected results as rows (the same documents the job writes).
std::vector<result_row> expected_rows(const job_config& config,
                                      const expected_results& expected);

} // namespace ubaflow
