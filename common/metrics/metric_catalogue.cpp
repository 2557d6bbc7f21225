#include "common/metrics/metric_catalogue.hpp"

#include <algorithm>
#include <set>

namespace ubaflow {

namespace {

using labels = std::vector<std::string>;

const labels job_labels{"job_id", "job_name"};
// Flink's reporter labels every subtask metric with the job and the task.
const labels task_labels{"job_id",        "job_name",    "task_name",
                         "operator_name", "subtask_index", "tm_id"};

metric_definition flink_gauge(std::string name, std::string help,
                              labels with = {}) {
  return {std::move(name), metric_type::gauge, std::move(help),
          std::move(with), metric_home::coordinator};
}

/// Flink's job metrics: help text "<name> (scope: jobmanager_job)".
metric_definition flink_job_gauge(const std::string& name) {
  return flink_gauge("flink_jobmanager_job_" + name,
                     name + " (scope: jobmanager_job)", job_labels);
}

metric_definition flink_operator_gauge(const std::string& name,
                                       const std::string& help) {
  return flink_gauge("flink_taskmanager_job_task_operator_" + name, help,
                     task_labels);
}

metric_definition own(std::string name, metric_type type, std::string help,
                      labels with, metric_home home = metric_home::coordinator) {
  return {std::move(name), type, std::move(help), std::move(with), home};
}

constexpr auto counter = metric_type::counter;
constexpr auto gauge = metric_type::gauge;

std::vector<metric_definition> build_catalogue() {
  std::vector<metric_definition> all{
    // -- Flink-compatible: the job manager
    flink_gauge("flink_jobmanager_numRegisteredTaskManagers",
                "numRegisteredTaskManagers (scope: jobmanager)"),
    flink_gauge("flink_jobmanager_numRunningJobs",
                "numRunningJobs (scope: jobmanager)"),
    flink_gauge("flink_jobmanager_taskSlotsTotal",
                "taskSlotsTotal (scope: jobmanager)"),
    flink_job_gauge("uptime"),
    flink_job_gauge("numRestarts"),
    flink_job_gauge("lastCheckpointDuration"),
    flink_job_gauge("lastCheckpointSize"),
    flink_job_gauge("numberOfCompletedCheckpoints"),
    flink_job_gauge("numberOfFailedCheckpoints"),
    flink_job_gauge("numberOfInProgressCheckpoints"),
    flink_job_gauge("totalNumberOfCheckpoints"),
    flink_job_gauge("lastCompletedCheckpointId"),
    flink_job_gauge("lastCheckpointCompletedTimestamp"),
    // -- Flink-compatible: subtasks
    flink_gauge("flink_taskmanager_job_task_busyTimeMsPerSecond",
                "busyTimeMsPerSecond (scope: taskmanager_job_task), averaged "
                "over the attempt",
                task_labels),
    flink_gauge("flink_taskmanager_job_task_idleTimeMsPerSecond",
                "idleTimeMsPerSecond (scope: taskmanager_job_task), averaged "
                "over the attempt",
                task_labels),
    flink_gauge("flink_taskmanager_job_task_backPressuredTimeMsPerSecond",
                "backPressuredTimeMsPerSecond (scope: taskmanager_job_task), "
                "averaged over the attempt",
                task_labels),
    flink_operator_gauge("numRecordsIn",
                         "numRecordsIn (scope: taskmanager_job_task_operator)"),
    flink_operator_gauge("numRecordsOut",
                         "numRecordsOut (scope: taskmanager_job_task_operator)"),
    flink_operator_gauge("numBytesIn",
                         "numBytesIn (scope: taskmanager_job_task_operator)"),
    flink_operator_gauge("numLateRecordsDropped",
                         "numLateRecordsDropped (scope: "
                         "taskmanager_job_task_operator)"),
    flink_operator_gauge("currentInputWatermark",
                         "currentInputWatermark (scope: "
                         "taskmanager_job_task_operator)"),
    flink_operator_gauge("KafkaSourceReader_KafkaConsumer_records_lag_max",
                         "records-lag-max (scope: "
                         "taskmanager_job_task_operator)"),
    // -- ubaflow's own: job and cluster
    own("ubaflow_worker_last_heartbeat_timestamp_seconds", gauge,
        "When each worker last sent a heartbeat.", {"worker"}),
    own("ubaflow_job_running", gauge, "1 while the job runs an attempt.",
        job_labels),
    own("ubaflow_job_attempt", gauge,
        "The execution attempt (restarts add one).", job_labels),
    // -- ubaflow's own: sources
    own("ubaflow_records_rejected_total", counter,
        "Records skipped as malformed, by reason.", {"reason", "source"}),
    own("ubaflow_lookup_failures_total", counter,
        "Failed reads of a lookup dimension (retried).", {"source"}),
    own("ubaflow_exchange_bytes_total", counter,
        "Encoded bytes of the partials sent to the owners (the exchange's "
        "volume).",
        {"source"}),
    own("ubaflow_exchange_batches_total", counter,
        "Partial batches sent to the owners.", {"source"}),
    own("ubaflow_kafka_brokers_down", gauge,
        "1 while a source cannot reach any Kafka broker.", {"source"}),
    own("ubaflow_kafka_brokers_up", gauge,
        "Kafka brokers a source can use now.", {"source"}),
    own("ubaflow_source_backpressured_seconds_total", counter,
        "Time sources waited for owners' credit.", {"source"}),
    own("ubaflow_late_records_total", counter,
        "Records late for a window of a query, by query (its number in "
        "the plan; the built-in job's results as jobs/taobao.sql's) and "
        "sink table.",
        {"source", "query", "sink"}),
    // -- ubaflow's own: owners (keyed state)
    own("ubaflow_state_bytes", gauge,
        "Keyed state held by an owner, by its key-group range: its bytes "
        "in the last checkpoint or savepoint (0 before the first).",
        {"owner", "key_groups"}),
    own("ubaflow_open_windows", gauge,
        "Groups an owner holds open: a window and its group key (or a "
        "running query's key), over every query.",
        {"owner", "key_groups"}),
    own("ubaflow_key_group_state_bytes", gauge,
        "Keyed state of one key group in the last checkpoint or savepoint "
        "(0 before the first): what moves when the job is rescaled.",
        {"key_group"}),
    // -- ubaflow's own: sinks
    own("ubaflow_sink_rows_written_total", counter,
        "Result rows written by each output.", {"sink"}),
    own("ubaflow_sink_rows_refused_total", counter,
        "Rows the output refused for good (e.g. ES 400).", {"sink"}),
    own("ubaflow_sink_requests_total", counter,
        "Write requests (ES bulk requests).", {"sink"}),
    own("ubaflow_sink_request_failures_total", counter,
        "Write requests that failed and were retried.", {"sink"}),
    own("ubaflow_sink_item_retries_total", counter,
        "Documents resent after a retryable item error.", {"sink"}),
    own("ubaflow_sink_last_request_latency_seconds", gauge,
        "Latency of the last write request.", {"sink"}),
    own("ubaflow_sink_healthy", gauge, "0 while an output keeps failing.",
        {"sink"}),
    // -- a worker's own
    own("ubaflow_worker_joined", gauge,
        "1 while the worker is a member of a cluster.", {"worker"},
        metric_home::worker),
    own("ubaflow_worker_slots", gauge, "Task slots the worker offers.",
        {"worker"}, metric_home::worker),
    own("ubaflow_worker_tasks", gauge,
        "Tasks (sources, owners, sinks) hosted now.", {"worker"},
        metric_home::worker),
    // -- every process (a worker adds its `worker` label to the refusals)
    own("ubaflow_cluster_refused_total", counter,
        "Cluster connections and messages this process refused, by reason "
        "(TLS handshake, bad frames, wrong sender, fields out of range, ...).",
        {"reason"}, metric_home::every_process),
    own("process_cpu_seconds_total", counter,
        "Total user and system CPU time spent in seconds.", {},
        metric_home::every_process),
    own("process_resident_memory_bytes", gauge,
        "Resident memory size in bytes.", {}, metric_home::every_process),
    own("process_virtual_memory_bytes", gauge, "Virtual memory size in bytes.",
        {}, metric_home::every_process),
    own("process_start_time_seconds", gauge,
        "Start time of the process since unix epoch in seconds.", {},
        metric_home::every_process),
    own("process_threads", gauge, "Number of OS threads in the process.", {},
        metric_home::every_process),
    own("process_open_fds", gauge, "Number of open file descriptors.", {},
        metric_home::every_process),
    own("process_max_fds", gauge, "Maximum number of open file descriptors.",
        {}, metric_home::every_process),
  };
  return all;
}

} // namespace

const std::vector<metric_definition>& metric_catalogue() {
  static const auto all = build_catalogue();
  return all;
}

const metric_definition* find_metric(std::string_view name) {
  const auto& all = metric_catalogue();
  auto it = std::find_if(all.begin(), all.end(),
                         [&](const auto& m) { return m.name == name; });
  return it == all.end() ? nullptr : &*it;
}

bool exported_by(const metric_definition& metric, metric_home home) {
  return metric.home == home || metric.home == metric_home::every_process;
}

std::string check_sample(const metric_sample& sample,
                         const std::vector<std::string>& process_labels) {
  const auto* metric = find_metric(sample.name);
  if (!metric)
    return "unknown metric " + sample.name;
  std::set<std::string> seen;
  for (const auto& label : sample.labels) {
    if (!seen.insert(label.name).second)
      return sample.name + " has its label " + label.name + " twice";
    const auto& own = metric->labels;
    if (std::find(own.begin(), own.end(), label.name) == own.end()
        && std::find(process_labels.begin(), process_labels.end(), label.name)
             == process_labels.end())
      return sample.name + " has no label " + label.name;
  }
  for (const auto& label : metric->labels)
    if (!seen.count(label))
      return sample.name + " lacks its label " + label;
  return {};
}

} // namespace ubaflow
