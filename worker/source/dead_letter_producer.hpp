#pragma once

#include "common/protocol/reject_reason.hpp"
#include "worker/source/kafka_config.hpp"

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

namespace ubaflow {

/// Sends rejected records, unchanged, to a dead-letter topic, with the
/// reason in the headers `ubaflow.reject.reason` and `ubaflow.reject.detail`
/// and the origin in `ubaflow.source.topic`, `.partition` and `.offset`.
/// Delivery is asynchronous; failures are counted and logged, never fatal.
class dead_letter_producer {
public:
  static std::unique_ptr<dead_letter_producer>
  create(const kafka_settings& settings, const std::string& topic,
         std::string& error);
  ~dead_letter_producer();

  void send(std::string_view payload, const parse_status& why,
            const std::string& source_topic, int32_t partition,
            int64_t offset);

  /// Serves delivery reports; call regularly.
  void poll();

  /// Waits up to `timeout_ms` for outstanding deliveries.
  void flush(int timeout_ms);

  uint64_t sent() const { return sent_; }
  uint64_t delivered() const { return delivered_.load(); }
  uint64_t failed() const { return failed_.load(); }

private:
  dead_letter_producer() = default;
  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m,
                          void* opaque);

  rd_kafka_t* rk_ = nullptr;
  std::string topic_;
  uint64_t sent_ = 0;
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> failed_{0};
};

} // namespace ubaflow
