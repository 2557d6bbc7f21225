#pragma once

#include <spdlog/common.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

/// Turns librdkafka's own log lines into few, clear ones. librdkafka
/// reports a down broker again at every reconnect (and an outage of a
/// minute is dozens of raw `%3|...|FAIL|...` lines per client); this keeps
/// the first line per broker and kind, counts the rest, repeats a summary
/// once a minute while it lasts, and says when the broker is back. Plain
/// logic on caller-supplied clocks; route_kafka_logs (kafka_config) feeds
/// it from every librdkafka client of the process.
class kafka_log_filter {
public:
  struct line {
    spdlog::level::level_enum level;
    std::string text;
  };

  explicit kafka_log_filter(int64_t repeat_after_ms = 60'000)
    : repeat_after_ms_(repeat_after_ms) {}

  /// One librdkafka log line (syslog `level`, facility, message): what to
  /// log now, if anything.
  std::optional<line> on_log(int level, std::string_view facility,
                             std::string_view message, int64_t now_ms);

  /// The brokers a client's statistics show as UP: a line for each that
  /// was reported in trouble and is back.
  std::vector<line> on_brokers_up(const std::vector<std::string>& brokers,
                                  int64_t now_ms);

private:
  struct trouble {
    int64_t last_logged_ms = 0;
    uint64_t suppressed = 0;
  };
  int64_t repeat_after_ms_;
  /// A broker (host:port) → its trouble: one line per broker until it is
  /// back, whatever librdkafka says about it; "#<kind>" for lines about no
  /// particular broker, one per kind.
  std::map<std::string, trouble> seen_;
};

/// The message as worth showing: without librdkafka's "[thrd:...]: "
/// thread prefix.
std::string_view kafka_log_text(std::string_view message);

/// The broker a librdkafka message is about, as host:port (from
/// "127.0.0.1:9092/1: ...", "sasl_ssl://kafka-0:9093/bootstrap: ...",
/// "GroupCoordinator: kafka-0:9093: ..."), or "" if none: one broker,
/// whichever role it plays for the client.
std::string kafka_log_broker(std::string_view message);

/// The message without its varying parts: the broker and librdkafka's
/// "(after 12ms in state CONNECT, 3 identical error(s) suppressed)" tail.
std::string_view kafka_log_kind(std::string_view message);

} // namespace ubaflow
