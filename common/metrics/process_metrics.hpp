#pragma once

#include "common/protocol/metric_sample.hpp"

#include <vector>

namespace ubaflow {

/// The standard process metrics of Prometheus client libraries, read from
/// /proc/self, as samples of the catalogue's process_* metrics:
/// process_cpu_seconds_total, process_resident_memory_bytes,
/// process_virtual_memory_bytes, process_start_time_seconds,
/// process_open_fds, process_max_fds, process_threads.
void add_process_samples(std::vector<metric_sample>& out);

} // namespace ubaflow
