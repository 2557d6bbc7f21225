#include "tools/datagen/kafka_output.hpp"

#include <spdlog/spdlog.h>

namespace ubaflow {

std::unique_ptr<kafka_output> kafka_output::create(const kafka_settings& settings,
                                                   const std::string& compression,
                                                   std::string& error) {
  std::unique_ptr<kafka_output> out{new kafka_output};
  out->partitions_ = kafka_partition_count(settings, 10'000, error);
  if (out->partitions_ <= 0)
    return nullptr;
  kafka_conf conf;
  for (auto [name, value] :
       std::initializer_list<std::pair<std::string, std::string>>{
         {"linger.ms", "50"},
         {"batch.num.messages", "10000"},
         {"batch.size", "1000000"},
         {"queue.buffering.max.messages", "1000000"},
         {"queue.buffering.max.kbytes", "1048576"},
         {"compression.codec", compression},
         {"acks", "all"},
         {"delivery.report.only.error", "true"},
       }) {
    if (auto e = conf.set(name, value)) {
      error = *e;
      return nullptr;
    }
  }
  if (auto e = apply_common(conf, settings, "ubaflow-datagen")) {
    error = *e;
    return nullptr;
  }
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &kafka_output::on_delivery);
  rd_kafka_conf_set_opaque(conf.get(), out.get());
  char errstr[512];
  out->rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr);
  if (!out->rk_) {
    error = std::string{"cannot create Kafka producer: "} + errstr;
    return nullptr;
  }
  conf.release();
  out->topic_ = rd_kafka_topic_new(out->rk_, settings.topic.c_str(), nullptr);
  out->pending_.resize(static_cast<size_t>(out->partitions_));
  return out;
}

kafka_output::~kafka_output() {
  if (topic_)
    rd_kafka_topic_destroy(topic_);
  if (rk_)
    rd_kafka_destroy(rk_);
}

void kafka_output::on_delivery(rd_kafka_t*, const rd_kafka_message_t* m,
                               void* opaque) {
  // Only failures are reported (delivery.report.only.error).
  auto* self = static_cast<kafka_output*>(opaque);
  if (m->err && self->failed_.fetch_add(1) == 0)
    self->last_error_ = rd_kafka_err2str(m->err);
}

namespace {

constexpr size_t batch_messages = 1024;

} // namespace

void kafka_output::send(std::string_view key, std::string_view value,
                        int32_t partition) {
  auto& p = pending_[static_cast<size_t>(partition)];
  const auto offset = static_cast<uint32_t>(p.bytes.size());
  p.bytes.append(key.data(), key.size());
  p.bytes.append(value.data(), value.size());
  p.keys.emplace_back(offset, static_cast<uint32_t>(key.size()));
  p.values.emplace_back(offset + static_cast<uint32_t>(key.size()),
                        static_cast<uint32_t>(value.size()));
  if (p.keys.size() >= batch_messages)
    hand_over(partition);
}

void kafka_output::hand_over(int32_t partition) {
  auto& p = pending_[static_cast<size_t>(partition)];
  size_t done = 0;
  while (done < p.keys.size()) {
    const size_t n = p.keys.size() - done;
    scratch_.assign(n, rd_kafka_message_t{});
    for (size_t i = 0; i < n; ++i) {
      auto [key_offset, key_len] = p.keys[done + i];
      auto [value_offset, value_len] = p.values[done + i];
      scratch_[i].key = p.bytes.data() + key_offset;
      scratch_[i].key_len = key_len;
      scratch_[i].payload = p.bytes.data() + value_offset;
      scratch_[i].len = value_len;
    }
    // RD_KAFKA_MSG_F_COPY: librdkafka copies, so `bytes` is reusable after.
    const int accepted = rd_kafka_produce_batch(topic_, partition,
                                                RD_KAFKA_MSG_F_COPY,
                                                scratch_.data(),
                                                static_cast<int>(n));
    // Messages are enqueued in order; the first refused one ends the run.
    size_t ok = 0;
    while (ok < n && scratch_[ok].err == RD_KAFKA_RESP_ERR_NO_ERROR)
      ++ok;
    done += ok;
    if (static_cast<size_t>(accepted) == n)
      break;
    const auto err = scratch_[ok].err;
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      failed_.fetch_add(n - ok);
      last_error_ = rd_kafka_err2str(err);
      break;
    }
    rd_kafka_poll(rk_, 10); // local queue full: let deliveries drain
  }
  rd_kafka_poll(rk_, 0);
  p.bytes.clear();
  p.keys.clear();
  p.values.clear();
}

void kafka_output::push() {
  for (int32_t partition = 0; partition < partitions_; ++partition)
    if (!pending_[static_cast<size_t>(partition)].keys.empty())
      hand_over(partition);
}

int kafka_output::flush(int timeout_ms) {
  push();
  rd_kafka_flush(rk_, timeout_ms);
  return rd_kafka_outq_len(rk_);
}

} // namespace ubaflow
