#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// What one librdkafka statistics document (statistics.interval.ms) says
/// about the client's reach of the cluster and how far behind it reads.
struct kafka_statistics {
  int brokers = 0;          ///< brokers the client knows, bootstrap ones too
  int brokers_up = 0;       ///< of those, connected and usable ("UP")
  /// Usable brokers of the cluster (not counting the bootstrap entries).
  int brokers_up_known = 0;
  bool tried_to_connect = false; ///< some broker saw a connection attempt
  int64_t max_consumer_lag = -1; ///< over assigned partitions; -1: unknown
  std::vector<std::string> up_brokers; ///< names of the usable ones

  /// No broker is usable although the client has been trying: the cluster
  /// is unreachable from here. (Right after start-up nothing is "UP" yet
  /// either, but nothing has been tried then.)
  bool unreachable() const { return brokers_up == 0 && tried_to_connect; }
};

/// Parses librdkafka's statistics JSON. Returns nothing for a document
/// that is not the statistics object (the caller keeps its last view).
std::optional<kafka_statistics> parse_kafka_statistics(std::string_view json);

} // namespace ubaflow
