#include "coordinator/rest/prometheus_export.hpp"

#include "common/cluster/refusals.hpp"
#include "coordinator/rest/job_view.hpp"
#include "coordinator/rest/process_metrics.hpp"
#include "common/protocol/reject_reason.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <cmath>

namespace ubaflow {

namespace {

using prometheus::Labels;

/// What this process refused from its cluster peers, by reason
/// (common/cluster/refusals), with `base` labels.
void add_refusal_metrics(prometheus::Registry& registry, const Labels& base) {
  auto& family = prometheus::BuildCounter()
                   .Name("ubaflow_cluster_refused_total")
                   .Help("Cluster connections and messages this process "
                         "refused, by reason (TLS handshake, bad frames, "
                         "wrong sender, fields out of range, ...).")
                   .Register(registry);
  // The reasons every operator should see at 0 before anything happens.
  for (const char* reason : {"tls_handshake", "frame_too_large",
                             "wrong_sender", "invalid_message"}) {
    Labels labels = base;
    labels["reason"] = reason;
    family.Add(labels);
  }
  for (const auto& [reason, count] : refusal_counts()) {
    Labels labels = base;
    labels["reason"] = reason;
    family.Add(labels).Increment(static_cast<double>(count));
  }
}

/// Flink's reporter replaces every character outside [a-zA-Z0-9:_] in
/// label values; community queries rely on it ("Source:_Kafka").
std::string flink_label(const std::string& value) {
  std::string out = value;
  for (auto& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != ':' && c != '_')
      c = '_';
  return out;
}

/// The families sources and owners both report into.
struct operator_families {
  prometheus::Family<prometheus::Gauge>* busy = nullptr;
  prometheus::Family<prometheus::Gauge>* idle = nullptr;
  prometheus::Family<prometheus::Gauge>* records_in = nullptr;
  prometheus::Family<prometheus::Gauge>* records_out = nullptr;
  prometheus::Family<prometheus::Gauge>* late = nullptr;
  prometheus::Family<prometheus::Gauge>* watermark = nullptr;
};

class exporter {
public:
  explicit exporter(const rest_view& view)
    : view_(view),
      job_id_(make_job_id(view.status.name, view.status.started_ms)) {}

  std::string render() {
    cluster();
    job();
    operators_ = operator_families{
      &gauge("flink_taskmanager_job_task_busyTimeMsPerSecond",
             "busyTimeMsPerSecond (scope: taskmanager_job_task), averaged "
             "over the attempt"),
      &gauge("flink_taskmanager_job_task_idleTimeMsPerSecond",
             "idleTimeMsPerSecond (scope: taskmanager_job_task), averaged "
             "over the attempt"),
      &gauge("flink_taskmanager_job_task_operator_numRecordsIn",
             "numRecordsIn (scope: taskmanager_job_task_operator)"),
      &gauge("flink_taskmanager_job_task_operator_numRecordsOut",
             "numRecordsOut (scope: taskmanager_job_task_operator)"),
      &gauge("flink_taskmanager_job_task_operator_numLateRecordsDropped",
             "numLateRecordsDropped (scope: taskmanager_job_task_operator)"),
      &gauge("flink_taskmanager_job_task_operator_currentInputWatermark",
             "currentInputWatermark (scope: taskmanager_job_task_operator)")};
    sources();
    owners();
    sinks();
    add_process_metrics(registry_);
    add_refusal_metrics(registry_, {});
    return prometheus::TextSerializer{}.Serialize(registry_.Collect());
  }

private:
  prometheus::Family<prometheus::Gauge>& gauge(const std::string& name,
                                               const std::string& help) {
    return prometheus::BuildGauge().Name(name).Help(help).Register(registry_);
  }

  prometheus::Family<prometheus::Counter>& counter(const std::string& name,
                                                   const std::string& help) {
    return prometheus::BuildCounter().Name(name).Help(help).Register(registry_);
  }

  Labels job_labels() const {
    return {{"job_id", job_id_}, {"job_name", flink_label(view_.status.name)}};
  }

  Labels task_labels(const std::string& task, size_t subtask,
                     uint32_t worker) const {
    auto labels = job_labels();
    labels["task_name"] = flink_label(task);
    labels["operator_name"] = flink_label(task);
    labels["subtask_index"] = std::to_string(subtask);
    labels["tm_id"] = flink_label(worker_name(view_, worker));
    return labels;
  }

  void cluster() {
    const auto& st = view_.status;
    uint32_t slots = 0;
    for (const auto& w : st.worker_details)
      slots += w.slots;
    const bool running = st.state == "running" || st.state == "draining";
    gauge("flink_jobmanager_numRegisteredTaskManagers",
          "numRegisteredTaskManagers (scope: jobmanager)")
      .Add({})
      .Set(static_cast<double>(st.worker_details.size()));
    gauge("flink_jobmanager_numRunningJobs",
          "numRunningJobs (scope: jobmanager)")
      .Add({})
      .Set(running ? 1 : 0);
    gauge("flink_jobmanager_taskSlotsTotal", "taskSlotsTotal (scope: jobmanager)")
      .Add({})
      .Set(slots);
    auto& heartbeat = gauge("ubaflow_worker_last_heartbeat_timestamp_seconds",
                            "When each worker last sent a heartbeat.");
    for (const auto& w : st.worker_details)
      heartbeat.Add({{"worker", w.name}}).Set(w.last_heartbeat_ms / 1000.0);
  }

  void job() {
    const auto& st = view_.status;
    const auto& c = st.checkpoints;
    const auto labels = job_labels();
    auto set = [&](const char* name, double value) {
      gauge(std::string{"flink_jobmanager_job_"} + name,
            std::string{name} + " (scope: jobmanager_job)")
        .Add(labels)
        .Set(value);
    };
    set("uptime", static_cast<double>(view_.now_ms - st.started_ms));
    set("numRestarts", st.attempt > 0 ? st.attempt - 1 : 0);
    set("lastCheckpointDuration", static_cast<double>(c.last_duration_ms));
    set("lastCheckpointSize", static_cast<double>(c.last_bytes));
    set("numberOfCompletedCheckpoints", static_cast<double>(c.completed));
    set("numberOfFailedCheckpoints", static_cast<double>(c.failed));
    set("numberOfInProgressCheckpoints", c.in_progress ? 1 : 0);
    set("totalNumberOfCheckpoints",
        static_cast<double>(c.completed + c.failed + (c.in_progress ? 1 : 0)));
    set("lastCompletedCheckpointId", static_cast<double>(c.last_id));
    set("lastCheckpointCompletedTimestamp",
        static_cast<double>(c.last_completed_ms));
    gauge("ubaflow_job_running", "1 while the job runs an attempt.")
      .Add(labels)
      .Set(st.state == "running" || st.state == "draining" ? 1 : 0);
    gauge("ubaflow_job_attempt", "The execution attempt (restarts add one).")
      .Add(labels)
      .Set(st.attempt);
  }

  void sources() {
    const auto& st = view_.status;
    const std::string task = "Source: " + view_.source;
    auto& in = *operators_.records_in;
    auto& out = *operators_.records_out;
    auto& late = *operators_.late;
    auto& watermark = *operators_.watermark;
    auto& bytes = gauge("flink_taskmanager_job_task_operator_numBytesIn",
                        "numBytesIn (scope: taskmanager_job_task_operator)");
    auto& bp = gauge("flink_taskmanager_job_task_backPressuredTimeMsPerSecond",
                     "backPressuredTimeMsPerSecond (scope: taskmanager_job_task), "
                     "averaged over the attempt");
    auto& lag = gauge(
      "flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max",
      "records-lag-max (scope: taskmanager_job_task_operator)");
    auto& rejected = counter("ubaflow_records_rejected_total",
                             "Records skipped as malformed, by reason.");
    auto& hits = counter("ubaflow_lookup_cache_hits_total",
                         "Category lookups answered by the cache.");
    auto& misses = counter("ubaflow_lookup_cache_misses_total",
                           "Category lookups that queried the dimension table.");
    auto& failures = counter("ubaflow_lookup_failures_total",
                             "Failed dimension-table queries (retried).");
    auto& pending = gauge("ubaflow_lookup_pending_buys",
                          "Buys waiting for the category lookup to recover.");
    auto& exchanged = counter("ubaflow_exchange_user_ids_total",
                              "User ids sent in UV partials to the owners.");
    auto& id_bytes = counter("ubaflow_exchange_user_id_bytes_total",
                             "Encoded bytes of those user ids (the bulk of "
                             "the exchange's volume).");
    auto& batches = counter("ubaflow_exchange_batches_total",
                            "Partial batches sent to the owners.");
    auto& down = gauge("ubaflow_kafka_brokers_down",
                       "1 while a source cannot reach any Kafka broker.");
    auto& brokers_up = gauge("ubaflow_kafka_brokers_up",
                             "Kafka brokers a source can use now.");
    auto& backpressured = counter("ubaflow_source_backpressured_seconds_total",
                                  "Time sources waited for owners' credit.");
    const double uptime
      = std::max<double>(1, static_cast<double>(view_.now_ms - st.started_ms));
    for (size_t i = 0; i < st.sources.size(); ++i) {
      const auto& s = st.sources[i];
      const uint32_t worker
        = i < st.placement.sources.size() ? st.placement.sources[i] : 0;
      const auto labels = task_labels(task, i, worker);
      in.Add(labels).Set(static_cast<double>(s.records_in));
      out.Add(labels).Set(static_cast<double>(s.batches_sent));
      bytes.Add(labels).Set(static_cast<double>(s.bytes_in));
      late.Add(labels).Set(
        static_cast<double>(s.late_hourly + s.late_uv + s.late_daily));
      if (s.watermark != min_event_time)
        watermark.Add(labels).Set(static_cast<double>(s.watermark));
      const double bp_ms
        = std::min(1000.0, 1000.0 * static_cast<double>(s.backpressured_ms) / uptime);
      const double busy_ms
        = std::min(1000.0 - bp_ms, 1000.0 * static_cast<double>(s.busy_ms) / uptime);
      bp.Add(labels).Set(bp_ms);
      operators_.busy->Add(labels).Set(busy_ms);
      operators_.idle->Add(labels).Set(std::max(0.0, 1000.0 - bp_ms - busy_ms));
      int64_t max_lag = 0;
      for (const auto& p : s.partitions)
        if (p.end_offset >= 0 && p.next_offset >= 0)
          max_lag = std::max(max_lag, p.end_offset - p.next_offset);
      lag.Add(labels).Set(static_cast<double>(max_lag));
      const Labels source{{"source", std::to_string(i)}};
      for (size_t r = 1; r < s.rejects_by_reason.size(); ++r) // 0: none
        rejected
          .Add({{"reason", to_string(static_cast<reject_reason>(r))},
                {"source", std::to_string(i)}})
          .Increment(static_cast<double>(s.rejects_by_reason[r]));
      hits.Add(source).Increment(static_cast<double>(s.lookup_cache_hits));
      misses.Add(source).Increment(static_cast<double>(s.lookup_cache_misses));
      failures.Add(source).Increment(static_cast<double>(s.lookup_failures));
      pending.Add(source).Set(static_cast<double>(s.unresolved_buys));
      exchanged.Add(source).Increment(static_cast<double>(s.users_sent));
      id_bytes.Add(source).Increment(static_cast<double>(s.user_id_bytes));
      batches.Add(source).Increment(static_cast<double>(s.batches_sent));
      down.Add(source).Set(s.kafka_brokers_down ? 1 : 0);
      if (s.kafka_brokers_up >= 0)
        brokers_up.Add(source).Set(s.kafka_brokers_up);
      backpressured.Add(source).Increment(s.backpressured_ms / 1000.0);
    }
  }

  void owners() {
    const auto& st = view_.status;
    auto& in = *operators_.records_in;
    auto& out = *operators_.records_out;
    auto& late = *operators_.late;
    auto& watermark = *operators_.watermark;
    auto& state = gauge("ubaflow_state_bytes",
                        "Keyed state held by an owner (UV user sets), by its "
                        "key-group range.");
    auto& windows = gauge("ubaflow_open_windows",
                          "Windows an owner holds open.");
    auto& by_group = gauge("ubaflow_key_group_state_bytes",
                           "Keyed state (UV user sets) of one key group: "
                           "what moves when the job is rescaled.");
    for (size_t i = 0; i < st.owners.size(); ++i) {
      const auto& o = st.owners[i];
      const uint32_t worker
        = i < st.placement.owners.size() ? st.placement.owners[i] : 0;
      const auto labels = task_labels("Window/Aggregate", i, worker);
      const double uptime
        = std::max<double>(1, static_cast<double>(view_.now_ms - st.started_ms));
      const double busy_ms
        = std::min(1000.0, 1000.0 * static_cast<double>(o.busy_ms) / uptime);
      operators_.busy->Add(labels).Set(busy_ms);
      operators_.idle->Add(labels).Set(1000.0 - busy_ms);
      in.Add(labels).Set(static_cast<double>(o.batches));
      out.Add(labels).Set(static_cast<double>(o.rows_emitted));
      late.Add(labels).Set(static_cast<double>(o.late_records));
      if (o.watermark != min_event_time)
        watermark.Add(labels).Set(static_cast<double>(o.watermark));
      const Labels range{{"owner", std::to_string(i)},
                         {"key_groups", std::to_string(o.first_key_group) + "-"
                                          + std::to_string(o.last_key_group - 1)}};
      state.Add(range).Set(static_cast<double>(o.state_bytes));
      windows.Add(range).Set(static_cast<double>(o.open_windows));
      for (size_t g = 0; g < o.state_bytes_by_group.size(); ++g)
        by_group.Add({{"key_group", std::to_string(o.first_key_group + g)}})
          .Set(static_cast<double>(o.state_bytes_by_group[g]));
    }
  }

  void sinks() {
    const auto& st = view_.status;
    auto& written = counter("ubaflow_sink_rows_written_total",
                            "Result rows written by each output.");
    auto& refused = counter("ubaflow_sink_rows_refused_total",
                            "Rows the output refused for good (e.g. ES 400).");
    auto& requests = counter("ubaflow_sink_requests_total",
                             "Write requests (ES bulk requests).");
    auto& failed = counter("ubaflow_sink_request_failures_total",
                           "Write requests that failed and were retried.");
    auto& retries = counter("ubaflow_sink_item_retries_total",
                            "Documents resent after a retryable item error.");
    auto& latency = gauge("ubaflow_sink_last_request_latency_seconds",
                          "Latency of the last write request.");
    auto& healthy = gauge("ubaflow_sink_healthy",
                          "0 while an output keeps failing.");
    for (const auto& s : st.sinks) {
      const Labels labels{{"sink", s.name}};
      written.Add(labels).Increment(static_cast<double>(s.rows_written));
      refused.Add(labels).Increment(static_cast<double>(s.rows_rejected));
      requests.Add(labels).Increment(static_cast<double>(s.requests));
      failed.Add(labels).Increment(static_cast<double>(s.request_failures));
      retries.Add(labels).Increment(static_cast<double>(s.item_retries));
      latency.Add(labels).Set(s.last_latency_ms / 1000.0);
      healthy.Add(labels).Set(s.healthy ? 1 : 0);
    }
  }

  const rest_view& view_;
  std::string job_id_;
  operator_families operators_;
  prometheus::Registry registry_;
};

} // namespace

std::string render_metrics(const rest_view& view) {
  return exporter{view}.render();
}

std::string render_worker_metrics(const worker_metrics_view& view) {
  prometheus::Registry registry;
  const Labels worker{{"worker", view.name}};
  auto gauge = [&](const char* name, const char* help, double value) {
    prometheus::BuildGauge().Name(name).Help(help).Register(registry)
      .Add(worker).Set(value);
  };
  gauge("ubaflow_worker_joined", "1 while the worker is a member of a cluster.",
        view.worker_id > 0 ? 1 : 0);
  gauge("ubaflow_worker_slots", "Task slots the worker offers.", view.slots);
  gauge("ubaflow_worker_tasks", "Tasks (sources, owners, sinks) hosted now.",
        static_cast<double>(view.tasks));
  add_refusal_metrics(registry, worker);
  add_process_metrics(registry);
  return prometheus::TextSerializer{}.Serialize(registry.Collect());
}

} // namespace ubaflow
