// The JSON bodies of Flink's REST API, rendered from a rest_view
// (flink_api.cpp routes the requests to them).

#include "coordinator/rest/flink_bodies.hpp"

#include "coordinator/rest/job_view.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace ubaflow::flink_rest {

namespace json = boost::json;

namespace {

json::object io_metrics(const std::vector<subtask_io>& subtasks,
                        int64_t duration_ms) {
  uint64_t rr = 0, rb = 0, wr = 0, wb = 0;
  double busy = 0, backpressured = 0, idle = 0;
  for (const auto& s : subtasks) {
    rr += s.read_records;
    rb += s.read_bytes;
    wr += s.write_records;
    wb += s.write_bytes;
    busy += s.busy * static_cast<double>(duration_ms);
    backpressured += s.backpressure * static_cast<double>(duration_ms);
    idle += std::max(0.0, 1.0 - s.busy - s.backpressure)
            * static_cast<double>(duration_ms);
  }
  return {{"read-bytes", rb},          {"read-bytes-complete", true},
          {"write-bytes", wb},         {"write-bytes-complete", true},
          {"read-records", rr},        {"read-records-complete", true},
          {"write-records", wr},       {"write-records-complete", true},
          {"accumulated-backpressured-time", backpressured},
          {"accumulated-idle-time", idle},
          {"accumulated-busy-time", busy}};
}

} // namespace

// -- bodies -----------------------------------------------------------------

json::object plan_of(const rest_view& view, const std::vector<job_vertex>& vs) {
  json::array nodes;
  for (const auto& v : vs) {
    json::object node{{"id", v.id},
                      {"parallelism", v.subtasks.size()},
                      {"operator", ""},
                      {"operator_strategy", ""},
                      {"description", v.description},
                      {"optimizer_properties", json::object{}}};
    if (!v.sql.empty())
      node["ubaflow-sql"] = v.sql;
    if (!v.inputs.empty()) {
      json::array inputs;
      for (size_t i = 0; i < v.inputs.size(); ++i)
        inputs.push_back(json::object{{"num", i},
                                      {"id", vs[v.inputs[i]].id},
                                      {"ship_strategy", v.ship_strategy},
                                      {"exchange", "pipelined_bounded"}});
      node["inputs"] = std::move(inputs);
    }
    nodes.push_back(std::move(node));
  }
  return {{"jid", make_job_id(view.status.name, view.status.started_ms)},
          {"name", view.status.name},
          {"type", "STREAMING"},
          {"nodes", std::move(nodes)}};
}

json::object job_details(const rest_view& view) {
  const auto& st = view.status;
  const auto vs = vertices_of(view);
  const auto state = job_state(st.state);
  json::object timestamps;
  for (const char* s : {"INITIALIZING", "CREATED", "RUNNING", "FAILING",
                        "FAILED", "CANCELLING", "CANCELED", "FINISHED",
                        "RESTARTING", "SUSPENDED", "RECONCILING"})
    timestamps[s] = 0;
  timestamps["CREATED"] = st.started_ms;
  timestamps["INITIALIZING"] = st.started_ms;
  if (state != "CREATED" && state != "INITIALIZING")
    timestamps["RUNNING"] = st.started_ms;
  if (is_terminal_state(state))
    timestamps[state] = job_end_time(view);
  json::object status_counts;
  for (const char* s : execution_states)
    status_counts[s] = 0;
  json::array vertices;
  for (const auto& v : vs) {
    json::object tasks;
    for (const char* s : execution_states)
      tasks[s] = 0;
    std::string vertex_state = "FINISHED";
    for (const auto& sub : v.subtasks) {
      const auto s = subtask_state(view, sub);
      tasks[s] = tasks[s].as_int64() + 1;
      status_counts[s] = status_counts[s].as_int64() + 1;
      if (s != "FINISHED")
        vertex_state = s;
    }
    if (v.subtasks.empty())
      vertex_state = "CREATED";
    vertices.push_back(json::object{
      {"id", v.id},
      {"name", v.name},
      {"maxParallelism", view.key_groups},
      {"parallelism", v.subtasks.size()},
      {"status", vertex_state},
      {"start-time", st.started_ms},
      {"end-time", job_end_time(view)},
      {"duration", job_duration(view)},
      {"tasks", std::move(tasks)},
      {"metrics", io_metrics(v.subtasks, job_duration(view))}});
  }
  return {{"jid", make_job_id(st.name, st.started_ms)},
          {"name", st.name},
          {"isStoppable", false},
          {"state", state},
          {"start-time", st.started_ms},
          {"end-time", job_end_time(view)},
          {"duration", job_duration(view)},
          {"maxParallelism", view.key_groups},
          {"now", view.now_ms},
          {"timestamps", std::move(timestamps)},
          {"vertices", std::move(vertices)},
          {"status-counts", std::move(status_counts)},
          {"plan", plan_of(view, vs)}};
}

json::object job_overview(const rest_view& view) {
  const auto details = job_details(view);
  json::object tasks;
  int64_t total = 0;
  for (const char* s : execution_states) {
    std::string lower = s;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    const auto n = details.at("status-counts").as_object().at(s).as_int64();
    tasks[lower] = n;
    total += n;
  }
  tasks["total"] = total;
  return {{"jid", details.at("jid")},
          {"name", details.at("name")},
          {"state", details.at("state")},
          {"start-time", details.at("start-time")},
          {"end-time", details.at("end-time")},
          {"duration", details.at("duration")},
          {"last-modification", view.now_ms},
          {"tasks", std::move(tasks)}};
}

json::object checkpoint_entry(const checkpoint_record& r) {
  json::object e{{"className", r.completed ? ".CompletedCheckpointStatistics"
                                           : ".FailedCheckpointStatistics"},
                 {"id", r.id},
                 {"status", r.completed ? "COMPLETED" : "FAILED"},
                 {"is_savepoint", r.savepoint},
                 {"trigger_timestamp", r.trigger_ms},
                 {"latest_ack_timestamp", r.trigger_ms + r.duration_ms},
                 {"state_size", r.bytes},
                 {"checkpointed_size", r.bytes},
                 {"end_to_end_duration", r.duration_ms},
                 {"alignment_buffered", 0},
                 {"processed_data", 0},
                 {"persisted_data", 0},
                 {"num_subtasks", r.key_groups},
                 {"num_acknowledged_subtasks", r.completed ? r.key_groups : 0},
                 {"checkpoint_type", r.savepoint ? "SAVEPOINT" : "CHECKPOINT"},
                 {"tasks", json::object{}}};
  if (r.completed) {
    e["external_path"] = r.path;
    e["discarded"] = false;
  } else {
    e["failure_timestamp"] = r.trigger_ms + r.duration_ms;
    e["failure_message"] = r.failure;
  }
  return e;
}

namespace {

/// Flink's StatsSummaryDto over the completed checkpoints of the history.
json::object summary_of(const std::vector<checkpoint_record>& history,
                        bool bytes) {
  std::vector<double> values;
  for (const auto& r : history)
    if (r.completed)
      values.push_back(bytes ? static_cast<double>(r.bytes)
                             : static_cast<double>(r.duration_ms));
  std::sort(values.begin(), values.end());
  auto quantile = [&](double q) {
    return values.empty()
             ? 0.0
             : values[std::min(values.size() - 1,
                               static_cast<size_t>(q * values.size()))];
  };
  double sum = 0;
  for (double v : values)
    sum += v;
  return {{"min", values.empty() ? 0.0 : values.front()},
          {"max", values.empty() ? 0.0 : values.back()},
          {"avg", values.empty() ? 0.0 : sum / values.size()},
          {"p50", quantile(0.5)},
          {"p90", quantile(0.9)},
          {"p95", quantile(0.95)},
          {"p99", quantile(0.99)},
          {"p999", quantile(0.999)}};
}

} // namespace

json::object checkpoints(const rest_view& view) {
  const auto& c = view.status.checkpoints;
  json::object latest{{"completed", nullptr},
                      {"savepoint", nullptr},
                      {"failed", nullptr},
                      {"restored", nullptr}};
  json::array history;
  for (auto r = c.history.rbegin(); r != c.history.rend(); ++r) {
    auto entry = checkpoint_entry(*r);
    const char* slot = !r->completed ? "failed"
                       : r->savepoint ? "savepoint"
                                      : "completed";
    if (latest[slot].is_null())
      latest[slot] = entry;
    history.push_back(std::move(entry));
  }
  if (c.restored_id > 0)
    latest["restored"] = json::object{
      {"id", c.restored_id},
      {"restore_timestamp", view.status.started_ms},
      {"is_savepoint",
       c.restored_path.find("/savepoints/") != std::string::npos},
      {"external_path", c.restored_path}};
  json::object zero = summary_of({}, false);
  return {{"counts",
           {{"restored", c.restored_id > 0 ? 1 : 0},
            {"total", c.completed + c.failed + (c.in_progress ? 1 : 0)},
            {"in_progress", c.in_progress ? 1 : 0},
            {"completed", c.completed},
            {"failed", c.failed}}},
          {"summary",
           {{"state_size", summary_of(c.history, true)},
            {"checkpointed_size", summary_of(c.history, true)},
            {"end_to_end_duration", summary_of(c.history, false)},
            {"alignment_buffered", zero},
            {"processed_data", zero},
            {"persisted_data", zero}}},
          {"latest", std::move(latest)},
          {"history", std::move(history)}};
}

json::object exceptions(const rest_view& view) {
  json::array all;
  json::array entries;
  const auto& failures = view.status.failures;
  for (auto i = failures.rbegin(); i != failures.rend(); ++i) {
    all.push_back(json::object{{"exception", i->reason},
                               {"task", nullptr},
                               {"location", nullptr},
                               {"timestamp", i->timestamp_ms},
                               {"taskManagerId", nullptr}});
    entries.push_back(json::object{{"exceptionName", "JobRestart"},
                                   {"stacktrace", i->reason},
                                   {"timestamp", i->timestamp_ms},
                                   {"taskName", nullptr},
                                   {"location", nullptr},
                                   {"taskManagerId", nullptr},
                                   {"failureLabels", json::object{}},
                                   {"concurrentExceptions", json::array{}}});
  }
  json::value root = nullptr;
  json::value when = nullptr;
  if (!failures.empty()) {
    root = failures.back().reason;
    when = failures.back().timestamp_ms;
  }
  return {{"root-exception", root},
          {"timestamp", when},
          {"all-exceptions", std::move(all)},
          {"truncated", false},
          {"exceptionHistory",
           {{"entries", std::move(entries)}, {"truncated", false}}}};
}

uint32_t used_slots(const rest_view& view, uint32_t worker) {
  const auto& p = view.status.placement;
  const auto owners = static_cast<uint32_t>(
    std::count(p.owners.begin(), p.owners.end(), worker));
  const auto sources = static_cast<uint32_t>(
    std::count(p.sources.begin(), p.sources.end(), worker));
  return std::max(owners, sources);
}

json::object taskmanager(const rest_view& view, const worker_summary& w) {
  const uint32_t used = std::min(w.slots, used_slots(view, w.id));
  json::object resource{{"cpuCores", 0.0},        {"taskHeapMemory", 0},
                        {"taskOffHeapMemory", 0}, {"managedMemory", 0},
                        {"networkMemory", 0},     {"extendedResources", json::object{}}};
  return {{"id", w.name},
          {"path", "ubaflow://" + w.host + ":" + std::to_string(w.port) + "/"
                     + w.name},
          {"dataPort", w.port},
          {"jmxPort", -1},
          {"timeSinceLastHeartbeat", w.last_heartbeat_ms},
          {"slotsNumber", w.slots},
          {"freeSlots", w.slots - used},
          {"totalResource", resource},
          {"freeResource", resource},
          {"hardware",
           {{"cpuCores", 0}, {"physicalMemory", 0}, {"freeMemory", 0},
            {"managedMemory", 0}}},
          {"memoryConfiguration", json::object{}},
          {"blocked", false}};
}

json::array metric_values(
  const std::vector<std::pair<std::string, std::string>>& values,
  const std::map<std::string, std::string>& query) {
  json::array out;
  auto wanted = query.find("get");
  for (const auto& [id, value] : values) {
    if (wanted == query.end()) {
      out.push_back(json::object{{"id", id}});
      continue;
    }
    const std::string list = "," + wanted->second + ",";
    if (list.find("," + id + ",") != std::string::npos)
      out.push_back(json::object{{"id", id}, {"value", value}});
  }
  return out;
}

http_reply reply(json::value body) {
  return {200, "application/json", json::serialize(body)};
}

http_reply vertex_get(const rest_view& view, const job_vertex& v,
                      const std::vector<std::string>& rest,
                      const std::map<std::string, std::string>& query) {
  if (rest.empty()) {
    json::array subtasks;
    for (size_t i = 0; i < v.subtasks.size(); ++i) {
      const auto& s = v.subtasks[i];
      subtasks.push_back(json::object{
        {"subtask", i},
        {"status", subtask_state(view, s)},
        {"attempt", view.status.attempt > 0 ? view.status.attempt - 1 : 0},
        {"host", worker_endpoint(view, s.worker)},
        {"endpoint", worker_endpoint(view, s.worker)},
        {"start-time", view.status.started_ms},
        {"end-time", job_end_time(view)},
        {"duration", job_duration(view)},
        {"metrics", io_metrics({s}, job_duration(view))},
        {"taskmanager-id", worker_name(view, s.worker)},
        {"status-duration", json::object{}},
        {"other-concurrent-attempts", json::array{}},
        {"ubaflow-assignment", s.assignment}});
    }
    return reply(json::object{{"id", v.id},
                              {"name", v.name},
                              {"parallelism", v.subtasks.size()},
                              {"maxParallelism", view.key_groups},
                              {"now", view.now_ms},
                              {"subtasks", std::move(subtasks)}});
  }
  if (rest.size() == 1 && rest[0] == "watermarks") {
    json::array out;
    for (size_t i = 0; i < v.subtasks.size(); ++i)
      out.push_back(json::object{
        {"id", std::to_string(i) + ".currentInputWatermark"},
        {"value", std::to_string(v.subtasks[i].watermark == min_event_time
                                   ? std::numeric_limits<int64_t>::min()
                                   : v.subtasks[i].watermark)}});
    return reply(std::move(out));
  }
  if (rest.size() == 1 && rest[0] == "backpressure") {
    json::array subtasks;
    double worst = 0;
    auto level = [](double r) {
      return r > 0.5 ? "high" : r > 0.1 ? "low" : "ok";
    };
    for (size_t i = 0; i < v.subtasks.size(); ++i) {
      const double r = v.subtasks[i].backpressure;
      worst = std::max(worst, r);
      subtasks.push_back(json::object{{"subtask", i},
                                      {"attempt-number", 0},
                                      {"backpressure-level", level(r)},
                                      {"ratio", r},
                                      {"idleRatio", std::max(0.0, 1.0 - r - v.subtasks[i].busy)},
                                      {"busyRatio", v.subtasks[i].busy}});
    }
    return reply(json::object{{"status", "ok"},
                              {"backpressure-level", level(worst)},
                              {"end-timestamp", view.now_ms},
                              {"subtasks", std::move(subtasks)}});
  }
  if (rest.size() == 2 && rest[0] == "subtasks" && rest[1] == "metrics") {
    // Flink's aggregation over subtasks: ?get=a,b&agg=min,max,sum,avg.
    std::map<std::string, std::vector<double>> series;
    for (const auto& s : v.subtasks) {
      series["numRecordsIn"].push_back(static_cast<double>(s.read_records));
      series["numRecordsOut"].push_back(static_cast<double>(s.write_records));
      series["numBytesIn"].push_back(static_cast<double>(s.read_bytes));
      series["backPressuredTimeMsPerSecond"].push_back(s.backpressure * 1000);
      series["busyTimeMsPerSecond"].push_back(s.busy * 1000);
      series["idleTimeMsPerSecond"].push_back(
        std::max(0.0, 1.0 - s.busy - s.backpressure) * 1000);
      if (s.watermark != min_event_time)
        series["currentInputWatermark"].push_back(
          static_cast<double>(s.watermark));
    }
    json::array out;
    const auto wanted = query.find("get");
    const auto aggs = query.count("agg") ? "," + query.at("agg") + ","
                                         : std::string{",min,max,sum,avg,"};
    for (const auto& [id, values] : series) {
      if (wanted == query.end()) {
        out.push_back(json::object{{"id", id}});
        continue;
      }
      if (("," + wanted->second + ",").find("," + id + ",") == std::string::npos
          || values.empty())
        continue;
      json::object m{{"id", id}};
      double lo = values[0], hi = values[0], sum = 0;
      for (double x : values) {
        lo = std::min(lo, x);
        hi = std::max(hi, x);
        sum += x;
      }
      if (aggs.find(",min,") != std::string::npos) m["min"] = lo;
      if (aggs.find(",max,") != std::string::npos) m["max"] = hi;
      if (aggs.find(",sum,") != std::string::npos) m["sum"] = sum;
      if (aggs.find(",avg,") != std::string::npos)
        m["avg"] = sum / static_cast<double>(values.size());
      out.push_back(std::move(m));
    }
    return reply(std::move(out));
  }
  if (rest.size() == 1 && rest[0] == "metrics") {
    std::vector<std::pair<std::string, std::string>> values;
    for (size_t i = 0; i < v.subtasks.size(); ++i) {
      const auto& s = v.subtasks[i];
      const auto n = std::to_string(i) + ".";
      values.emplace_back(n + "numRecordsIn", std::to_string(s.read_records));
      values.emplace_back(n + "numRecordsOut", std::to_string(s.write_records));
      values.emplace_back(n + "numBytesIn", std::to_string(s.read_bytes));
      values.emplace_back(n + "currentInputWatermark",
                          std::to_string(s.watermark));
      values.emplace_back(n + "backPressuredTimeMsPerSecond",
                          std::to_string(static_cast<int64_t>(
                            s.backpressure * 1000)));
      values.emplace_back(n + "busyTimeMsPerSecond",
                          std::to_string(static_cast<int64_t>(s.busy * 1000)));
    }
    return reply(metric_values(values, query));
  }
  return error_reply(404, "Not found: " + v.id + "/" + rest[0]);
}

} // namespace ubaflow::flink_rest
