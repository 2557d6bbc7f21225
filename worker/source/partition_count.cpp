#include "worker/source/partition_count.hpp"

#include "common/util/clock.hpp"
#include "worker/source/kafka_config.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace ubaflow {

int32_t count_partitions(const job_config& config, std::string& error) {
  if (config.source == source_type::file)
    return static_cast<int32_t>(config.file_ranges.size());
  const int64_t deadline = steady_now_ms() + config.kafka_startup_wait_ms;
  for (int attempt = 0;; ++attempt) {
    error.clear();
    const int timeout = static_cast<int>(std::clamp<int64_t>(
      config.kafka_startup_wait_ms, 1'000, 5'000));
    int32_t n = kafka_partition_count(config.kafka, timeout, error);
    if (n > 0)
      return n;
    if (steady_now_ms() >= deadline) {
      // "Broker transport failure" says little; what librdkafka saw last
      // (a refused password, a TLS error) says why.
      if (auto why = last_kafka_problem(); !why.empty())
        error += " (" + why + ")";
      return 0;
    }
    if (attempt == 0)
      spdlog::warn("waiting for Kafka at {}: {}",
                   config.kafka.bootstrap_servers, error);
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

} // namespace ubaflow
