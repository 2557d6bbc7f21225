#include "worker/source/kafka_log.hpp"

namespace ubaflow {

namespace {

constexpr std::string_view coordinator_prefix = "GroupCoordinator: ";

/// The "<name>: " a message starts with, if <name> looks like a broker.
std::string_view leading_broker(std::string_view text) {
  const auto colon = text.find(": ");
  if (colon == std::string_view::npos)
    return {};
  const auto name = text.substr(0, colon);
  if (name.find(':') == std::string_view::npos
      || name.find(' ') != std::string_view::npos)
    return {};
  return name;
}

/// The text after the broker ("<name>: ") the message is about, if any.
std::string_view after_broker(std::string_view text) {
  if (text.substr(0, coordinator_prefix.size()) == coordinator_prefix)
    text.remove_prefix(coordinator_prefix.size());
  if (auto name = leading_broker(text); !name.empty())
    text.remove_prefix(name.size() + 2);
  return text;
}

} // namespace

std::string_view kafka_log_text(std::string_view message) {
  if (message.substr(0, 6) == "[thrd:") {
    const auto end = message.find("]: ");
    if (end != std::string_view::npos)
      message.remove_prefix(end + 3);
  }
  return message;
}

std::string kafka_log_broker(std::string_view message) {
  auto text = kafka_log_text(message);
  if (text.substr(0, coordinator_prefix.size()) == coordinator_prefix)
    text.remove_prefix(coordinator_prefix.size());
  auto name = leading_broker(text);
  if (name.empty())
    return {};
  // sasl_ssl://host:port/id → host:port
  if (const auto scheme = name.find("://"); scheme != std::string_view::npos)
    name.remove_prefix(scheme + 3);
  if (const auto slash = name.rfind('/'); slash != std::string_view::npos)
    name = name.substr(0, slash);
  return std::string{name};
}

std::string_view kafka_log_kind(std::string_view message) {
  auto text = after_broker(kafka_log_text(message));
  if (const auto tail = text.rfind(" (after "); tail != std::string_view::npos)
    text = text.substr(0, tail);
  return text;
}

std::optional<kafka_log_filter::line>
kafka_log_filter::on_log(int level, std::string_view facility,
                         std::string_view message, int64_t now_ms) {
  if (level > 5) // informational and debug lines: not ours to show
    return std::nullopt;
  const auto broker = kafka_log_broker(message);
  const auto text = kafka_log_text(message);
  const auto key = broker.empty()
                     ? "#" + std::string{facility} + " "
                         + std::string{kafka_log_kind(message)}
                     : broker;
  auto [it, first] = seen_.try_emplace(key);
  auto& t = it->second;
  const auto severity = level <= 2 ? spdlog::level::err : spdlog::level::warn;
  if (first) {
    t.last_logged_ms = now_ms;
    std::string out = "kafka: " + std::string{text};
    if (!broker.empty())
      out += " (more about " + broker + " is only counted until it is back)";
    return line{severity, std::move(out)};
  }
  ++t.suppressed;
  if (now_ms - t.last_logged_ms < repeat_after_ms_)
    return std::nullopt;
  t.last_logged_ms = now_ms;
  auto out = "kafka: still " + std::string{kafka_log_kind(message)}
             + (broker.empty() ? std::string{} : " (" + broker + ")") + ": "
             + std::to_string(t.suppressed) + " more such messages";
  t.suppressed = 0;
  return line{severity, std::move(out)};
}

std::vector<kafka_log_filter::line>
kafka_log_filter::on_brokers_up(const std::vector<std::string>& brokers,
                                int64_t) {
  std::vector<line> out;
  if (brokers.empty())
    return out;
  // Reachable again: lines about no particular broker may recur.
  for (auto i = seen_.begin(); i != seen_.end();)
    i = i->first.front() == '#' ? seen_.erase(i) : std::next(i);
  for (const auto& name : brokers) {
    const auto broker = kafka_log_broker(name + ": ");
    auto i = seen_.find(broker);
    if (i == seen_.end())
      continue;
    out.push_back({spdlog::level::info,
                   "kafka: " + broker + " is reachable again ("
                     + std::to_string(i->second.suppressed)
                     + " more messages about it were only counted)"});
    seen_.erase(i);
  }
  return out;
}

} // namespace ubaflow
