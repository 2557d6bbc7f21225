#pragma once

#include "common/config/job_config.hpp"

#include <cstdint>
#include <string>

namespace ubaflow {

/// The number of input partitions: the topic's partition count (waiting up
/// to kafka.startup-wait for a broker that is still starting), or the
/// number of files. 0 with `error` set when it cannot be learned.
int32_t count_partitions(const job_config& config, std::string& error);

} // namespace ubaflow
