#pragma once

#include "worker/source/kafka_config.hpp"

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// A high-throughput producer for datagen: messages are handed to
/// librdkafka per partition in batches (one lock and one enqueue per batch,
/// not per message), large broker batches, lingering, lz4 by default, back-off
/// on a full local queue instead of dropping. Only failed deliveries are
/// reported back and counted; flush() sends what is pending and waits.
class kafka_output {
public:
  static std::unique_ptr<kafka_output> create(const kafka_settings& settings,
                                              const std::string& compression,
                                              std::string& error);
  ~kafka_output();

  int32_t partitions() const { return partitions_; }

  /// Queues one message (copied) for `partition`.
  void send(std::string_view key, std::string_view value, int32_t partition);

  /// Hands every queued message to librdkafka now (before a pause, so that
  /// a paced stream is not held back by batching).
  void push();

  /// Waits until every message is delivered or `timeout_ms` passed; returns
  /// the number still undelivered.
  int flush(int timeout_ms);

  uint64_t failed() const { return failed_.load(); }
  const std::string& last_error() const { return last_error_; }

private:
  kafka_output() = default;
  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m,
                          void* opaque);

  /// Messages of one partition waiting to be handed over, with their bytes.
  struct pending {
    std::string bytes;
    std::vector<std::pair<uint32_t, uint32_t>> keys;   ///< offset, length
    std::vector<std::pair<uint32_t, uint32_t>> values; ///< offset, length
  };
  void hand_over(int32_t partition);

  rd_kafka_t* rk_ = nullptr;
  rd_kafka_topic_t* topic_ = nullptr;
  int32_t partitions_ = 0;
  std::vector<pending> pending_;
  std::vector<rd_kafka_message_t> scratch_;
  std::atomic<uint64_t> failed_{0};
  std::string last_error_;
};

} // namespace ubaflow
