#include "common/util/json_log_formatter.hpp"

#include "common/time/civil.hpp"
#include "common/util/json_text.hpp"

#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>

namespace ubaflow {

namespace {

/// "kafka: ..." → ("kafka", "..."): a lowercase word of letters, digits, '.',
/// '_' or '-' (at most 32) followed by ": ".
std::pair<std::string_view, std::string_view>
split_component(std::string_view message) {
  const size_t colon = message.find(": ");
  if (colon == std::string_view::npos || colon == 0 || colon > 32)
    return {"ubaflow", message};
  for (size_t i = 0; i < colon; ++i) {
    const char c = message[i];
    if (!(std::islower(static_cast<unsigned char>(c))
          || std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '_'
          || c == '-'))
      return {"ubaflow", message};
  }
  return {message.substr(0, colon), message.substr(colon + 2)};
}

std::string utc_time(int64_t unix_ms) {
  const auto c = to_civil(unix_ms);
  char text[40];
  std::snprintf(text, sizeof text, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
                static_cast<long long>(c.year), c.month, c.day, c.hour,
                c.minute, c.second, c.millis);
  return text;
}

} // namespace

std::string json_log_formatter::render(int64_t unix_ms, std::string_view level,
                                       std::string_view message, int pid,
                                       size_t thread) {
  auto [logger, text] = split_component(message);
  std::string out = "{\"time\":\"" + utc_time(unix_ms) + "\",\"level\":";
  append_json_string(out, level);
  out += ",\"logger\":";
  append_json_string(out, logger);
  out += ",\"message\":";
  append_json_string(out, text);
  out += ",\"fields\":{\"pid\":" + std::to_string(pid)
         + ",\"thread\":" + std::to_string(thread) + "}}";
  return out;
}

void json_log_formatter::format(const spdlog::details::log_msg& msg,
                                spdlog::memory_buf_t& dest) {
  const int64_t unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            msg.time.time_since_epoch())
                            .count();
  const auto level = spdlog::level::to_string_view(msg.level);
  const auto line = render(unix_ms, std::string_view{level.data(), level.size()},
                           std::string_view{msg.payload.data(), msg.payload.size()},
                           static_cast<int>(::getpid()), msg.thread_id);
  dest.append(line.data(), line.data() + line.size());
  dest.push_back('\n');
}

std::unique_ptr<spdlog::formatter> json_log_formatter::clone() const {
  return std::make_unique<json_log_formatter>();
}

} // namespace ubaflow
