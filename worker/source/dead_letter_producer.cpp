#include "worker/source/dead_letter_producer.hpp"

#include <spdlog/spdlog.h>

namespace ubaflow {

std::unique_ptr<dead_letter_producer>
dead_letter_producer::create(const kafka_settings& settings,
                             const std::string& topic, std::string& error) {
  std::unique_ptr<dead_letter_producer> p{new dead_letter_producer};
  p->topic_ = topic;
  kafka_conf conf;
  if (auto e = apply_common(conf, settings, "ubaflow-dead-letter")) {
    error = *e;
    return nullptr;
  }
  if (auto e = conf.set("linger.ms", "50")) {
    error = *e;
    return nullptr;
  }
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &dead_letter_producer::on_delivery);
  rd_kafka_conf_set_opaque(conf.get(), p.get());
  char errstr[512];
  p->rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr);
  if (!p->rk_) {
    error = std::string{"cannot create dead-letter producer: "} + errstr;
    return nullptr;
  }
  conf.release();
  return p;
}

dead_letter_producer::~dead_letter_producer() {
  if (rk_) {
    flush(5'000);
    rd_kafka_destroy(rk_);
  }
}

void dead_letter_producer::on_delivery(rd_kafka_t*, const rd_kafka_message_t* m,
                                       void* opaque) {
  auto* self = static_cast<dead_letter_producer*>(opaque);
  if (m->err) {
    if (self->failed_.fetch_add(1) % 1000 == 0)
      spdlog::warn("dead-letter topic '{}': delivery failed: {}", self->topic_,
                   rd_kafka_err2str(m->err));
  } else {
    self->delivered_.fetch_add(1);
  }
}

void dead_letter_producer::send(std::string_view payload,
                                const parse_status& why,
                                const std::string& source_topic,
                                int32_t partition, int64_t offset) {
  rd_kafka_headers_t* headers = rd_kafka_headers_new(5);
  auto add = [&](const char* name, const std::string& value) {
    rd_kafka_header_add(headers, name, -1, value.data(),
                        static_cast<ssize_t>(value.size()));
  };
  add("ubaflow.reject.reason", to_string(why.reason));
  add("ubaflow.reject.detail", why.detail);
  add("ubaflow.source.topic", source_topic);
  add("ubaflow.source.partition", std::to_string(partition));
  add("ubaflow.source.offset", std::to_string(offset));
  ++sent_;
  auto err = rd_kafka_producev(
    rk_, RD_KAFKA_V_TOPIC(topic_.c_str()),
    RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(headers),
    RD_KAFKA_V_END);
  if (err) {
    rd_kafka_headers_destroy(headers); // not taken over on failure
    failed_.fetch_add(1);
    spdlog::warn("dead-letter topic '{}': cannot enqueue: {}", topic_,
                 rd_kafka_err2str(err));
  }
}

void dead_letter_producer::poll() {
  rd_kafka_poll(rk_, 0);
}

void dead_letter_producer::flush(int timeout_ms) {
  rd_kafka_flush(rk_, timeout_ms);
}

} // namespace ubaflow
