#pragma once

#include <spdlog/formatter.h>

#include <memory>
#include <string>

namespace ubaflow {

/// log.format=json: one JSON object per line, for log collectors (Loki,
/// Elasticsearch, Cloud Logging):
///   {"time":"2026-12-02T14:35:00.123Z","level":"info","logger":"kafka",
///    "message":"...","fields":{"pid":1,"thread":7}}
/// The logger is the message's leading "component: " (kafka, config,
/// elasticsearch, ...), else "ubaflow"; time is UTC.
class json_log_formatter final : public spdlog::formatter {
public:
  void format(const spdlog::details::log_msg& msg,
              spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;

  /// The line for one message (what format() appends, without the newline).
  static std::string render(int64_t unix_ms, std::string_view level,
                            std::string_view message, int pid, size_t thread);
};

} // namespace ubaflow
