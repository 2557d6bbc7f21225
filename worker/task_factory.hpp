#pragma once

#include "common/util/key_groups.hpp"
#include "worker/job_config_loader.hpp"
#include "worker/sink/result_writer.hpp"
#include "worker/source/source_task.hpp"
#include "worker/state/combiner_logic.hpp"
#include "worker/state/owner_logic.hpp"

#include <memory>
#include <string>
#include <vector>

namespace ubaflow {

/// Builds the runtime objects of one worker from a validated job_config.
/// Each returns nullptr with `error` set when a resource cannot be opened.

/// `start_offsets` (same length as `partitions`, or empty): where each
/// partition continues, -1 for the configured startup position.
std::unique_ptr<record_reader>
make_reader(const job_config& config, const std::vector<int32_t>& partitions,
            std::string& error, const std::vector<int64_t>& start_offsets = {});

/// What the job's source tasks parse and pre-aggregate (config.sql's
/// source stage).
std::unique_ptr<source_stage>
make_source_stage(const job_config& config, uint32_t index,
                  const std::vector<key_group_range>& owners,
                  std::string& error);

/// The keyed state of an owner of `range`, fed by `inputs` sources.
std::shared_ptr<owner_logic> make_owner_logic(const job_config& config,
                                              key_group_range range,
                                              uint32_t inputs);

/// The combiner of the job's owners (ranges `owners`): the SQL job's
/// (job_needs_combiner says whether the job has one).
std::shared_ptr<combiner_logic>
make_combiner_logic(const job_config& config,
                    const std::vector<key_group_range>& owners);

/// `restore` comes from a checkpoint (may be empty);
/// partitions in `from_beginning` that `restore` does not cover start at
/// their first record (discovered while the job runs).
std::unique_ptr<source_task>
make_source_task(const job_config& config, uint32_t index,
                 const std::vector<int32_t>& partitions,
                 const std::vector<key_group_range>& owners,
                 std::string& error,
                 const std::vector<partition_checkpoint>& restore = {},
                 const std::vector<int32_t>& from_beginning = {});

std::unique_ptr<result_writer> make_ndjson_writer(const job_config& config);
std::unique_ptr<result_writer> make_es_writer(const job_config& config);

} // namespace ubaflow
