#pragma once

#include "common/config/connector_settings.hpp"

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ubaflow {

/// Owns an rd_kafka_conf_t until it is handed to rd_kafka_new.
class kafka_conf {
public:
  kafka_conf();
  ~kafka_conf();
  kafka_conf(const kafka_conf&) = delete;
  kafka_conf& operator=(const kafka_conf&) = delete;

  /// Sets a property; returns an error message naming it on failure.
  std::optional<std::string> set(const std::string& name,
                                 const std::string& value);

  /// Gives up ownership (rd_kafka_new takes it on success).
  rd_kafka_conf_t* release();
  rd_kafka_conf_t* get() { return conf_; }

private:
  rd_kafka_conf_t* conf_;
};

/// Common client properties: bootstrap servers, client id and the
/// pass-through properties, and librdkafka's own log routed through
/// ubaflow's logger (kafka_log_filter). Returns an error on an invalid
/// property.
std::optional<std::string> apply_common(kafka_conf& conf,
                                        const kafka_settings& settings,
                                        const std::string& client_id);

/// A client-level event (an error callback's message) shown like
/// librdkafka's own log lines: once per broker and kind, then counted.
void log_kafka_event(int level, const char* facility, const std::string& text);

/// The last warning or error librdkafka reported in this process (its
/// text as logged), or "" if none: what a "cannot start" should explain.
std::string last_kafka_problem();

/// The brokers a client's statistics show as usable; those reported in
/// trouble before are logged as back.
void log_kafka_brokers_up(const std::vector<std::string>& brokers);

/// Asks the cluster how many partitions `topic` has (0 with `error` set on
/// failure, including a missing topic).
int32_t kafka_partition_count(const kafka_settings& settings,
                              int timeout_ms, std::string& error);

} // namespace ubaflow
