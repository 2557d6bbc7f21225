#pragma once

#include <prometheus/registry.h>

namespace ubaflow {

/// The standard process metrics of Prometheus client libraries, read from
/// /proc/self: process_cpu_seconds_total, process_resident_memory_bytes,
/// process_virtual_memory_bytes, process_start_time_seconds,
/// process_open_fds, process_max_fds, process_threads.
void add_process_metrics(prometheus::Registry& registry);

} // namespace ubaflow
