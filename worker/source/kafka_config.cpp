#include "worker/source/kafka_config.hpp"

#include "common/util/clock.hpp"
#include "worker/source/kafka_log.hpp"

#include <spdlog/spdlog.h>

#include <cstring>
#include <memory>
#include <mutex>

namespace ubaflow {

kafka_conf::kafka_conf() : conf_(rd_kafka_conf_new()) {
  // nop
}

kafka_conf::~kafka_conf() {
  if (conf_)
    rd_kafka_conf_destroy(conf_);
}

std::optional<std::string> kafka_conf::set(const std::string& name,
                                           const std::string& value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf_, name.c_str(), value.c_str(), errstr,
                        sizeof errstr)
      != RD_KAFKA_CONF_OK)
    return "Kafka property '" + name + "': " + errstr;
  return std::nullopt;
}

rd_kafka_conf_t* kafka_conf::release() {
  auto* conf = conf_;
  conf_ = nullptr;
  return conf;
}

namespace {

/// One filter for every librdkafka client of the process: a broker that is
/// down is reported once, whichever client notices.
struct process_kafka_log {
  std::mutex mutex;
  kafka_log_filter filter;
  std::string last_problem;
};

process_kafka_log& kafka_log() {
  static process_kafka_log log;
  return log;
}

void emit(const std::optional<kafka_log_filter::line>& line) {
  if (line)
    spdlog::log(line->level, "{}", line->text);
}

extern "C" void on_kafka_log(const rd_kafka_t*, int level, const char* fac,
                             const char* buf) {
  auto& log = kafka_log();
  std::optional<kafka_log_filter::line> line;
  {
    std::lock_guard<std::mutex> guard{log.mutex};
    line = log.filter.on_log(level, fac ? fac : "", buf ? buf : "",
                             steady_now_ms());
    // What a broker said: "3/3 brokers are down" explains nothing, and
    // neither does an attempt cut short by our own handle going away
    // ("Broker handle destroyed"), which would hide the refusal before it.
    if (level <= 4 && buf && !kafka_log_broker(buf).empty()
        && !std::strstr(buf, "Broker handle destroyed"))
      log.last_problem = kafka_log_text(buf);
  }
  emit(line);
}

} // namespace

std::string last_kafka_problem() {
  auto& log = kafka_log();
  std::lock_guard<std::mutex> guard{log.mutex};
  return log.last_problem;
}

void log_kafka_event(int level, const char* facility, const std::string& text) {
  on_kafka_log(nullptr, level, facility, text.c_str());
}

void log_kafka_brokers_up(const std::vector<std::string>& brokers) {
  auto& log = kafka_log();
  std::vector<kafka_log_filter::line> lines;
  {
    std::lock_guard<std::mutex> guard{log.mutex};
    lines = log.filter.on_brokers_up(brokers, steady_now_ms());
  }
  for (const auto& line : lines)
    emit(line);
}

std::optional<std::string> apply_common(kafka_conf& conf,
                                        const kafka_settings& settings,
                                        const std::string& client_id) {
  rd_kafka_conf_set_log_cb(conf.get(), &on_kafka_log);
  if (auto error = conf.set("bootstrap.servers", settings.bootstrap_servers))
    return error;
  if (auto error = conf.set("client.id", client_id))
    return error;
  for (const auto& [name, value] : settings.properties)
    if (auto error = conf.set(name, value))
      return error;
  return std::nullopt;
}

int32_t kafka_partition_count(const kafka_settings& settings, int timeout_ms,
                              std::string& error) {
  kafka_conf conf;
  if (auto e = apply_common(conf, settings, "ubaflow-metadata")) {
    error = *e;
    return 0;
  }
  char errstr[512];
  // A consumer handle (no group, nothing assigned): the job's consumer
  // properties apply here without librdkafka warning about them.
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), errstr,
                                sizeof errstr);
  if (!rk) {
    error = std::string{"cannot create Kafka client: "} + errstr;
    return 0;
  }
  conf.release();
  std::unique_ptr<rd_kafka_t, void (*)(rd_kafka_t*)> handle{rk,
                                                            rd_kafka_destroy};
  rd_kafka_topic_t* topic = rd_kafka_topic_new(rk, settings.topic.c_str(),
                                               nullptr);
  const rd_kafka_metadata_t* metadata = nullptr;
  auto err = rd_kafka_metadata(rk, 0, topic, &metadata, timeout_ms);
  rd_kafka_topic_destroy(topic);
  if (err) {
    error = "cannot read metadata of topic '" + settings.topic + "' from "
            + settings.bootstrap_servers + ": " + rd_kafka_err2str(err);
    return 0;
  }
  int32_t count = 0;
  if (metadata->topic_cnt == 1) {
    const auto& t = metadata->topics[0];
    if (t.err)
      error = "topic '" + settings.topic + "': " + rd_kafka_err2str(t.err);
    else
      count = t.partition_cnt;
  }
  rd_kafka_metadata_destroy(metadata);
  if (count == 0 && error.empty())
    error = "topic '" + settings.topic + "' has no partitions";
  return count;
}

} // namespace ubaflow
