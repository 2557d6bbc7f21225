#include "worker/source/kafka_reader.hpp"

#include "worker/source/kafka_statistics.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>

namespace ubaflow {

namespace {

std::mutex last_event_mutex;

struct partition_list_deleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
using partition_list
  = std::unique_ptr<rd_kafka_topic_partition_list_t, partition_list_deleter>;

} // namespace

void kafka_reader::on_error(rd_kafka_t*, int err, const char* reason,
                            void* opaque) {
  auto* self = static_cast<kafka_reader*>(opaque);
  self->errors_.fetch_add(1);
  const auto code = static_cast<rd_kafka_resp_err_t>(err);
  if (code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
    self->brokers_down_ = true;
  if (code == RD_KAFKA_RESP_ERR__FATAL)
    self->fatal_ = true;
  {
    std::lock_guard<std::mutex> guard{last_event_mutex};
    self->last_event_ = std::string{rd_kafka_err2name(code)} + ": " + reason;
  }
  // Transport errors repeat while a broker is away; librdkafka retries on
  // its own: one line per broker and kind, then counted.
  log_kafka_event(code == RD_KAFKA_RESP_ERR__FATAL ? 2 : 4,
                  rd_kafka_err2name(code), reason);
}

int kafka_reader::on_statistics(rd_kafka_t*, char* json, size_t length,
                                void* opaque) {
  auto* self = static_cast<kafka_reader*>(opaque);
  if (auto stats = parse_kafka_statistics({json, length})) {
    // The error callback reports ALL_BROKERS_DOWN only on the transition,
    // and not at all while a bootstrap connection idles in INIT; the
    // statistics show the brokers' states as they are.
    self->brokers_down_ = stats->unreachable();
    self->brokers_up_ = stats->brokers_up_known;
    self->max_consumer_lag_ = stats->max_consumer_lag;
    log_kafka_brokers_up(stats->up_brokers);
  }
  return 0; // librdkafka frees the document
}

std::unique_ptr<kafka_reader>
kafka_reader::create(const kafka_settings& settings,
                     std::vector<int32_t> partitions,
                     const std::vector<int64_t>& start_offsets,
                     std::string& error) {
  std::unique_ptr<kafka_reader> reader{new kafka_reader};
  reader->settings_ = settings;
  kafka_conf conf;
  auto set_all = [&]() -> std::optional<std::string> {
    for (auto [name, value] :
         std::initializer_list<std::pair<const char*, const char*>>{
           {"enable.auto.commit", "false"},
           {"enable.auto.offset.store", "false"},
           {"enable.partition.eof", "true"},
           {"auto.offset.reset", "earliest"},
           {"fetch.wait.max.ms", "100"},
           // A source drains the prefetched queue in bursts (parsing is
           // fast) and then waits for fetches; librdkafka refills only
           // below this many messages per partition. 100,000 (the default)
           // left a source idle most of the time against a real broker;
           // the bytes stay bounded by queued.max.messages.kbytes.
           {"queued.min.messages", "300000"},
           {"socket.keepalive.enable", "true"},
           {"statistics.interval.ms", "1000"},
         })
      if (auto e = conf.set(name, value))
        return e;
    if (auto e = conf.set("group.id", settings.group_id))
      return e;
    return apply_common(conf, settings, "ubaflow-source");
  };
  if (auto e = set_all()) {
    error = *e;
    return nullptr;
  }
  rd_kafka_conf_set_error_cb(conf.get(), &kafka_reader::on_error);
  rd_kafka_conf_set_stats_cb(conf.get(), &kafka_reader::on_statistics);
  rd_kafka_conf_set_opaque(conf.get(), reader.get());
  char errstr[512];
  reader->rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), errstr,
                             sizeof errstr);
  if (!reader->rk_) {
    error = std::string{"cannot create Kafka consumer: "} + errstr;
    return nullptr;
  }
  conf.release();
  rd_kafka_poll_set_consumer(reader->rk_);
  reader->queue_ = rd_kafka_queue_get_consumer(reader->rk_);

  reader->partitions_ = std::move(partitions);
  const size_t n = reader->partitions_.size();
  int32_t max_partition = 0;
  for (auto p : reader->partitions_)
    max_partition = std::max(max_partition, p);
  reader->slot_by_partition_.assign(static_cast<size_t>(max_partition) + 1,
                                    UINT32_MAX);
  for (size_t i = 0; i < n; ++i)
    reader->slot_by_partition_[static_cast<size_t>(reader->partitions_[i])]
      = static_cast<uint32_t>(i);
  reader->next_offset_.assign(n, -1);
  reader->stop_offset_.assign(n, -1);
  reader->finished_.assign(n, false);

  const char* topic = settings.topic.c_str();
  partition_list list{rd_kafka_topic_partition_list_new(static_cast<int>(n))};
  for (size_t i = 0; i < n; ++i) {
    auto* tp = rd_kafka_topic_partition_list_add(list.get(), topic,
                                                 reader->partitions_[i]);
    switch (settings.startup) {
      case startup_mode::earliest:
        tp->offset = RD_KAFKA_OFFSET_BEGINNING;
        break;
      case startup_mode::latest:
        tp->offset = RD_KAFKA_OFFSET_END;
        break;
      case startup_mode::group_offsets:
        tp->offset = RD_KAFKA_OFFSET_STORED;
        break;
      case startup_mode::timestamp:
        tp->offset = settings.startup_timestamp_ms;
        break;
    }
  }
  if (settings.startup == startup_mode::timestamp) {
    auto err = rd_kafka_offsets_for_times(reader->rk_, list.get(), 10'000);
    if (err) {
      error = std::string{"cannot look up offsets for the start timestamp: "}
              + rd_kafka_err2str(err);
      return nullptr;
    }
    for (int i = 0; i < list->cnt; ++i)
      if (list->elems[i].offset < 0)
        list->elems[i].offset = RD_KAFKA_OFFSET_END; // nothing that late yet
  }
  for (size_t i = 0; i < n && i < start_offsets.size(); ++i)
    if (start_offsets[i] >= 0)
      list->elems[i].offset = start_offsets[i];
    else if (start_offsets[i] == start_from_beginning)
      list->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING;

  // A bounded read ends at each partition's high watermark as the first
  // fetch reports it (read(); no extra round trip at start-up).
  reader->awaiting_bound_.assign(n, settings.bounded);

  auto err = rd_kafka_assign(reader->rk_, list.get());
  if (err) {
    error = std::string{"cannot assign partitions: "} + rd_kafka_err2str(err);
    return nullptr;
  }
  spdlog::info("kafka: reading {} from {} ({}{})", reader->describe(),
               settings.bootstrap_servers, to_string(settings.startup),
               settings.bounded ? ", bounded" : "");
  return reader;
}

kafka_reader::~kafka_reader() {
  release_messages();
  if (queue_)
    rd_kafka_queue_destroy(queue_);
  if (rk_) {
    rd_kafka_consumer_close(rk_);
    rd_kafka_destroy(rk_);
  }
}

void kafka_reader::release_messages() {
  for (auto* m : held_)
    rd_kafka_message_destroy(m);
  held_.clear();
}

uint32_t kafka_reader::slot_of(int32_t partition) const {
  if (partition < 0
      || static_cast<size_t>(partition) >= slot_by_partition_.size())
    return UINT32_MAX;
  return slot_by_partition_[static_cast<size_t>(partition)];
}

void kafka_reader::finish_if_done(uint32_t slot, record_batch& out) {
  if (!finished_[slot] && stop_offset_[slot] >= 0
      && next_offset_[slot] >= stop_offset_[slot]) {
    finished_[slot] = true;
    out.finished_slots.push_back(slot);
  }
}

bool kafka_reader::read(record_batch& out, size_t max, int timeout_ms) {
  out.clear();
  release_messages();
  if (fatal_) {
    char reason[512];
    auto code = rd_kafka_fatal_error(rk_, reason, sizeof reason);
    error_ = std::string{"fatal Kafka error "} + rd_kafka_err2name(code)
             + ": " + reason;
    return false;
  }
  for (auto slot : finished_at_start_)
    out.finished_slots.push_back(slot);
  finished_at_start_.clear();

  scratch_.resize(max);
  const ssize_t n = rd_kafka_consume_batch_queue(queue_, timeout_ms,
                                                 scratch_.data(), max);
  if (n < 0) {
    error_ = std::string{"consume failed: "}
             + rd_kafka_err2str(rd_kafka_last_error());
    return false;
  }
  bool fetched = false;
  for (ssize_t i = 0; i < n; ++i) {
    rd_kafka_message_t* m = scratch_[static_cast<size_t>(i)];
    fetched = fetched || m->err == RD_KAFKA_RESP_ERR_NO_ERROR;
    held_.push_back(m);
    const uint32_t slot = slot_of(m->partition);
    if (slot != UINT32_MAX && awaiting_bound_[slot])
      learn_bound(slot, m);
    switch (m->err) {
      case RD_KAFKA_RESP_ERR_NO_ERROR:
        if (slot == UINT32_MAX || finished_[slot]
            || (stop_offset_[slot] >= 0 && m->offset >= stop_offset_[slot]))
          break; // beyond a bounded end, or not ours
        out.records.push_back(
          {std::string_view(static_cast<const char*>(m->payload), m->len),
           slot, m->offset});
        next_offset_[slot] = m->offset + 1;
        finish_if_done(slot, out);
        break;
      case RD_KAFKA_RESP_ERR__PARTITION_EOF:
        // m->offset is the next offset; the partition is caught up.
        if (slot != UINT32_MAX) {
          next_offset_[slot] = std::max(next_offset_[slot], m->offset);
          finish_if_done(slot, out);
        }
        break;
      case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
      case RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE:
        ++offset_resets_;
        ++partition_errors_;
        spdlog::error("kafka: {}[{}]: offset out of range ({}); the position "
                      "was reset and records may have been skipped",
                      settings_.topic, m->partition, rd_kafka_message_errstr(m));
        break;
      case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
      case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
        ++partition_errors_;
        spdlog::error("kafka: {}[{}]: {}; retrying", settings_.topic,
                      m->partition, rd_kafka_message_errstr(m));
        break;
      default:
        ++partition_errors_;
        if (partition_errors_ % 100 == 1)
          spdlog::warn("kafka: {}[{}]: consume error {}: {}", settings_.topic,
                       m->partition, rd_kafka_err2name(m->err),
                       rd_kafka_message_errstr(m));
        break;
    }
  }
  if (fetched)
    brokers_down_ = false; // once per batch: the flag is shared (atomic)
  return true;
}

void kafka_reader::learn_bound(uint32_t slot, const rd_kafka_message_t* m) {
  if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
    stop_offset_[slot] = m->offset; // caught up before any record
    awaiting_bound_[slot] = false;
    return;
  }
  int64_t low = -1;
  int64_t high = -1;
  rd_kafka_get_watermark_offsets(rk_, settings_.topic.c_str(),
                                 partitions_[slot], &low, &high);
  if (high >= 0) {
    stop_offset_[slot] = high;
    awaiting_bound_[slot] = false;
  }
}

std::vector<partition_position> kafka_reader::positions() {
  std::vector<partition_position> out;
  for (size_t i = 0; i < partitions_.size(); ++i) {
    int64_t low = -1;
    int64_t high = -1;
    rd_kafka_get_watermark_offsets(rk_, settings_.topic.c_str(),
                                   partitions_[i], &low, &high);
    out.push_back({partitions_[i], next_offset_[i], high, finished_[i]});
  }
  return out;
}

void kafka_reader::bound_to_current_end() {
  for (size_t i = 0; i < partitions_.size(); ++i) {
    if (finished_[i] || stop_offset_[i] >= 0)
      continue;
    awaiting_bound_[i] = false;
    int64_t low = 0;
    int64_t high = -1;
    auto err = rd_kafka_query_watermark_offsets(
      rk_, settings_.topic.c_str(), partitions_[i], &low, &high, 5'000);
    if (err)
      rd_kafka_get_watermark_offsets(rk_, settings_.topic.c_str(),
                                     partitions_[i], &low, &high);
    stop_offset_[i] = std::max<int64_t>(high, 0);
    if (next_offset_[i] >= stop_offset_[i] || high <= low) {
      finished_[i] = true;
      finished_at_start_.push_back(static_cast<uint32_t>(i));
    }
  }
}

std::string kafka_reader::describe() const {
  std::string out = settings_.topic + "[";
  for (size_t i = 0; i < partitions_.size(); ++i)
    out += (i ? "," : "") + std::to_string(partitions_[i]);
  return out + "]";
}

std::string kafka_reader::slot_name(uint32_t slot) const {
  return settings_.topic + "[" + std::to_string(partitions_.at(slot)) + "]";
}

bool kafka_reader::commit(const std::vector<partition_position>& positions,
                          std::string& error, bool async) {
  partition_list list{rd_kafka_topic_partition_list_new(
    static_cast<int>(positions.size()))};
  for (const auto& p : positions)
    if (p.next_offset >= 0)
      rd_kafka_topic_partition_list_add(list.get(), settings_.topic.c_str(),
                                        p.partition)
        ->offset = p.next_offset;
  if (list->cnt == 0)
    return true;
  auto err = rd_kafka_commit(rk_, list.get(), async ? 1 : 0);
  if (err) {
    error = std::string{"offset commit failed: "} + rd_kafka_err2str(err);
    return false;
  }
  return true;
}

bool kafka_reader::unread_start_is_stable() const {
  return settings_.startup == startup_mode::earliest;
}

std::optional<connection_health> kafka_reader::health() const {
  connection_health h;
  h.errors = errors_.load();
  h.partition_errors = partition_errors_;
  h.offset_resets = offset_resets_;
  h.brokers_down = brokers_down_.load();
  h.brokers_up = brokers_up_.load();
  h.max_consumer_lag = max_consumer_lag_.load();
  std::lock_guard<std::mutex> guard{last_event_mutex};
  h.last_error = last_event_;
  return h;
}

} // namespace ubaflow
