#pragma once

#include "worker/source/kafka_config.hpp"
#include "worker/source/record_reader.hpp"

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace ubaflow {

/// Client-side Kafka trouble, for metrics and the UI.

/// Reads records from explicitly assigned partitions of one topic with
/// librdkafka's consumer (manual assign: the coordinator decides who reads
/// what, so no group rebalancing), in batches from the consumer queue.
/// Offsets are never committed automatically: the job commits positions
/// whose results are safe (commit()). Every consume error is handled
/// explicitly: timeouts and partition ends are normal, offset resets and
/// unknown partitions are logged and counted, fatal errors stop the reader.
class kafka_reader : public record_reader {
public:
  /// Connects and assigns `partitions`. `start_offsets` (same length, or
  /// empty) overrides the startup mode with explicit next offsets, e.g.
  /// from a checkpoint; -1 entries fall back to the startup mode.
  static std::unique_ptr<kafka_reader>
  create(const kafka_settings& settings, std::vector<int32_t> partitions,
         const std::vector<int64_t>& start_offsets, std::string& error);
  ~kafka_reader() override;

  bool read(record_batch& out, size_t max, int timeout_ms) override;
  const std::vector<int32_t>& partitions() const override {
    return partitions_;
  }
  std::vector<partition_position> positions() override;
  void bound_to_current_end() override;
  std::string describe() const override;
  std::string slot_name(uint32_t slot) const override;
  const std::string& last_error() const override { return error_; }

  /// Commits the given next offsets for the consumer group; `async` does
  /// not wait for the broker and its failures are not reported (the next
  /// checkpoint commits again).
  bool commit(const std::vector<partition_position>& positions,
              std::string& error, bool async) override;

  std::optional<connection_health> health() const override;

  /// With startup-mode earliest, a partition not fetched yet starts at the
  /// beginning whenever it is opened; with the other modes its position
  /// depends on when, so it is not known until the first fetch.
  bool unread_start_is_stable() const override;

private:
  kafka_reader() = default;
  static void on_error(rd_kafka_t* rk, int err, const char* reason,
                       void* opaque);
  static int on_statistics(rd_kafka_t* rk, char* json, size_t length,
                           void* opaque);
  void release_messages();
  uint32_t slot_of(int32_t partition) const;
  void finish_if_done(uint32_t slot, record_batch& out);
  void learn_bound(uint32_t slot, const rd_kafka_message_t* m);

  kafka_settings settings_;
  rd_kafka_t* rk_ = nullptr;
  rd_kafka_queue_t* queue_ = nullptr;
  std::vector<int32_t> partitions_;
  std::vector<uint32_t> slot_by_partition_;
  std::vector<int64_t> next_offset_;
  std::vector<int64_t> stop_offset_; ///< -1: unbounded (or not known yet)
  std::vector<bool> awaiting_bound_; ///< bounded, end not known yet
  std::vector<bool> finished_;
  std::vector<uint32_t> finished_at_start_;
  std::vector<rd_kafka_message_t*> held_;
  std::vector<rd_kafka_message_t*> scratch_;
  std::string error_;

  // Written by librdkafka's threads through on_error and on_statistics.
  std::atomic<uint64_t> errors_{0};
  std::atomic<bool> brokers_down_{false};
  std::atomic<int> brokers_up_{-1};
  std::atomic<bool> fatal_{false};
  std::atomic<int64_t> max_consumer_lag_{-1};
  uint64_t partition_errors_ = 0;
  uint64_t offset_resets_ = 0;
  mutable std::string last_event_;
};

} // namespace ubaflow
