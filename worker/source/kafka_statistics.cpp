#include "worker/source/kafka_statistics.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace ubaflow {

namespace {

int64_t int_field(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v)
    return 0;
  if (v->is_int64())
    return v->get_int64();
  if (v->is_uint64())
    return static_cast<int64_t>(v->get_uint64());
  return 0;
}

} // namespace

std::optional<kafka_statistics> parse_kafka_statistics(std::string_view json) {
  boost::json::error_code ec;
  auto doc = boost::json::parse(json, ec);
  if (ec || !doc.is_object())
    return std::nullopt;
  const auto& root = doc.get_object();
  kafka_statistics stats;

  if (const auto* brokers = root.if_contains("brokers");
      brokers && brokers->is_object()) {
    for (const auto& [name, value] : brokers->get_object()) {
      if (!value.is_object())
        continue;
      const auto& broker = value.get_object();
      ++stats.brokers;
      const auto* state = broker.if_contains("state");
      if (state && state->is_string() && state->get_string() == "UP") {
        ++stats.brokers_up;
        stats.up_brokers.emplace_back(name);
        const std::string_view key = name;
        if (key.size() < 10 || key.substr(key.size() - 10) != "/bootstrap")
          ++stats.brokers_up_known;
      }
      if (int_field(broker, "connects") > 0
          || int_field(broker, "disconnects") > 0)
        stats.tried_to_connect = true;
    }
  }

  // topics.<t>.partitions.<p>.consumer_lag; -1 where librdkafka does not
  // know it yet, and the internal partition "-1" carries no lag.
  if (const auto* topics = root.if_contains("topics");
      topics && topics->is_object()) {
    for (const auto& [topic_name, topic] : topics->get_object()) {
      const auto* partitions
        = topic.is_object() ? topic.get_object().if_contains("partitions")
                            : nullptr;
      if (!partitions || !partitions->is_object())
        continue;
      for (const auto& [id, partition] : partitions->get_object()) {
        if (id == "-1" || !partition.is_object())
          continue;
        const auto* lag = partition.get_object().if_contains("consumer_lag");
        if (lag && lag->is_int64())
          stats.max_consumer_lag
            = std::max(stats.max_consumer_lag, lag->get_int64());
      }
    }
  }
  return stats;
}

} // namespace ubaflow
