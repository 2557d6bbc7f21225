#include "coordinator/rest/prometheus_export.hpp"

#include "common/cluster/refusals.hpp"
#include "common/metrics/metric_registry.hpp"
#include "coordinator/rest/job_view.hpp"
#include "common/metrics/process_metrics.hpp"

#include <algorithm>
#include <cctype>

namespace ubaflow {

namespace {

using labels = std::vector<metric_label>;

/// Flink's reporter replaces every character outside [a-zA-Z0-9:_] in
/// label values; community queries rely on it ("Source:_Kafka").
std::string flink_label(const std::string& value) {
  std::string out = value;
  for (auto& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != ':' && c != '_')
      c = '_';
  return out;
}

/// The job's samples as the coordinator sees it: cluster and job figures,
/// the Flink-named subtask metrics derived from the tasks' core status
/// fields (they need the job's uptime and the placement), and the samples
/// the tasks' probes published, passed on as they came.
class job_sampler {
public:
  explicit job_sampler(const rest_view& view)
    : view_(view),
      job_id_(make_job_id(view.status.name, view.status.started_ms)),
      uptime_ms_(std::max<double>(
        1, static_cast<double>(view.now_ms - view.status.started_ms))) {}

  std::vector<metric_sample> take() {
    cluster();
    job();
    sources();
    owners();
    sinks();
    return std::move(out_);
  }

private:
  void add(const char* name, labels with, double value) {
    out_.push_back({name, std::move(with), value});
  }

  void pass_on(const std::vector<metric_sample>& samples) {
    out_.insert(out_.end(), samples.begin(), samples.end());
  }

  labels job_labels() const {
    return {{"job_id", job_id_}, {"job_name", flink_label(view_.status.name)}};
  }

  labels task_labels(const std::string& task, size_t subtask,
                     uint32_t worker) const {
    auto l = job_labels();
    l.push_back({"task_name", flink_label(task)});
    l.push_back({"operator_name", flink_label(task)});
    l.push_back({"subtask_index", std::to_string(subtask)});
    l.push_back({"tm_id", flink_label(worker_name(view_, worker))});
    return l;
  }

  /// Flink's busy/idle/back-pressured split of a subtask's time, averaged
  /// over the attempt.
  void time_split(const labels& task, double busy_ms, double bp_ms) {
    const double bp = std::min(1000.0, 1000.0 * bp_ms / uptime_ms_);
    const double busy = std::min(1000.0 - bp, 1000.0 * busy_ms / uptime_ms_);
    add("flink_taskmanager_job_task_busyTimeMsPerSecond", task, busy);
    add("flink_taskmanager_job_task_idleTimeMsPerSecond", task,
        std::max(0.0, 1000.0 - bp - busy));
  }

  void cluster() {
    const auto& st = view_.status;
    uint32_t slots = 0;
    for (const auto& w : st.worker_details)
      slots += w.slots;
    add("flink_jobmanager_numRegisteredTaskManagers", {},
        static_cast<double>(st.worker_details.size()));
    add("flink_jobmanager_numRunningJobs", {}, running() ? 1 : 0);
    add("flink_jobmanager_taskSlotsTotal", {}, slots);
    for (const auto& w : st.worker_details)
      add("ubaflow_worker_last_heartbeat_timestamp_seconds",
          {{"worker", w.name}}, w.last_heartbeat_ms / 1000.0);
  }

  bool running() const {
    return view_.status.state == "running" || view_.status.state == "draining";
  }

  void job() {
    const auto& st = view_.status;
    const auto& c = st.checkpoints;
    auto set = [&](const char* name, double value) {
      out_.push_back({std::string{"flink_jobmanager_job_"} + name,
                      job_labels(), value});
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
    add("ubaflow_job_running", job_labels(), running() ? 1 : 0);
    add("ubaflow_job_attempt", job_labels(), st.attempt);
  }

  void sources() {
    const auto& st = view_.status;
    const std::string task = "Source: " + view_.source;
    for (size_t i = 0; i < st.sources.size(); ++i) {
      const auto& s = st.sources[i];
      const uint32_t worker
        = i < st.placement.sources.size() ? st.placement.sources[i] : 0;
      const auto l = task_labels(task, i, worker);
      add("flink_taskmanager_job_task_operator_numRecordsIn", l,
          static_cast<double>(s.records_in));
      add("flink_taskmanager_job_task_operator_numRecordsOut", l,
          static_cast<double>(s.batches_sent));
      add("flink_taskmanager_job_task_operator_numBytesIn", l,
          static_cast<double>(s.bytes_in));
      add("flink_taskmanager_job_task_operator_numLateRecordsDropped", l,
          static_cast<double>(s.late_records));
      if (s.watermark != min_event_time)
        add("flink_taskmanager_job_task_operator_currentInputWatermark", l,
            static_cast<double>(s.watermark));
      const double bp_ms = std::min(
        1000.0, 1000.0 * static_cast<double>(s.backpressured_ms) / uptime_ms_);
      add("flink_taskmanager_job_task_backPressuredTimeMsPerSecond", l, bp_ms);
      time_split(l, static_cast<double>(s.busy_ms),
                 static_cast<double>(s.backpressured_ms));
      int64_t max_lag = 0;
      for (const auto& p : s.partitions)
        if (p.end_offset >= 0 && p.next_offset >= 0)
          max_lag = std::max(max_lag, p.end_offset - p.next_offset);
      add("flink_taskmanager_job_task_operator_"
          "KafkaSourceReader_KafkaConsumer_records_lag_max",
          l, static_cast<double>(max_lag));
      pass_on(s.samples);
    }
  }

  void owners() {
    const auto& st = view_.status;
    for (size_t i = 0; i < st.owners.size(); ++i) {
      const auto& o = st.owners[i];
      const uint32_t worker
        = i < st.placement.owners.size() ? st.placement.owners[i] : 0;
      const auto l = task_labels("Window/Aggregate", i, worker);
      time_split(l, static_cast<double>(o.busy_ms), 0);
      add("flink_taskmanager_job_task_operator_numRecordsIn", l,
          static_cast<double>(o.batches));
      add("flink_taskmanager_job_task_operator_numRecordsOut", l,
          static_cast<double>(o.rows_emitted));
      add("flink_taskmanager_job_task_operator_numLateRecordsDropped", l,
          static_cast<double>(o.late_records));
      if (o.watermark != min_event_time)
        add("flink_taskmanager_job_task_operator_currentInputWatermark", l,
            static_cast<double>(o.watermark));
      pass_on(o.samples);
    }
  }

  void sinks() {
    for (const auto& s : view_.status.sinks)
      pass_on(s.samples);
  }

  const rest_view& view_;
  std::string job_id_;
  double uptime_ms_;
  std::vector<metric_sample> out_;
};

} // namespace

std::vector<metric_sample> job_samples(const rest_view& view) {
  return job_sampler{view}.take();
}

std::string render_metrics(const rest_view& view) {
  // One registry per process: its families are registered once, each
  // scrape only updates the children.
  static metric_registry registry{metric_home::coordinator};
  auto samples = job_samples(view);
  add_process_samples(samples);
  add_refusal_samples(samples, {});
  return registry.publish(samples);
}

} // namespace ubaflow
