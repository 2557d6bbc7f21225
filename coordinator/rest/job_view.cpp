#include "coordinator/rest/job_view.hpp"

#include <algorithm>

namespace ubaflow {

// -- vertices ---------------------------------------------------------------

std::vector<job_vertex> vertices_of(const rest_view& view) {
  const auto& st = view.status;
  const std::string jid = make_job_id(st.name, st.started_ms);
  const int64_t running_ms = std::max<int64_t>(1, view.now_ms - st.started_ms);
  std::vector<job_vertex> out;
  job_vertex source;
  source.name = "Source: " + view.source;
  source.description = source.name
                       + " -&gt; Parse -&gt; Watermarks -&gt; Pre-aggregate";
  for (size_t i = 0; i < st.sources.size(); ++i) {
    const auto& s = st.sources[i];
    subtask_io io;
    io.read_records = s.records_in;
    io.read_bytes = s.bytes_in;
    io.write_records = s.batches_sent;
    io.watermark = s.watermark;
    io.backpressure
      = std::min(1.0, static_cast<double>(s.backpressured_ms) / running_ms);
    io.busy = std::min(1.0 - io.backpressure,
                       static_cast<double>(s.busy_ms) / running_ms);
    io.finished = s.done;
    io.worker = i < st.placement.sources.size() ? st.placement.sources[i] : 0;
    for (const auto& p : s.partitions)
      io.assignment += (io.assignment.empty() ? "partitions " : ",")
                       + std::to_string(p.partition);
    source.subtasks.push_back(io);
  }
  source.sql = view.source_sql;
  out.push_back(std::move(source));
  job_vertex window;
  for (const auto& q : view.query_sql)
    window.sql += q + ";\n";
  window.name = "Window/Aggregate";
  std::string results;
  for (const auto& r : view.results)
    results += (results.empty() ? "" : ", ") + r;
  window.description = "Window/Aggregate (" + results + ") by key group";
  window.inputs = {0};
  window.ship_strategy = "HASH";
  for (size_t i = 0; i < st.owners.size(); ++i) {
    const auto& o = st.owners[i];
    subtask_io io;
    io.read_records = o.batches;
    io.write_records = o.rows_emitted;
    io.busy = std::min(1.0, static_cast<double>(o.busy_ms) / running_ms);
    io.watermark = o.watermark;
    io.finished = o.finished;
    io.worker = i < st.placement.owners.size() ? st.placement.owners[i] : 0;
    // The range is half-open; shown inclusive, as in the logs.
    io.assignment = "key groups " + std::to_string(o.first_key_group) + "-"
                    + std::to_string(o.last_key_group - 1);
    window.subtasks.push_back(io);
  }
  out.push_back(std::move(window));
  size_t combiner = 0;
  if (view.computes_uv) {
    job_vertex c;
    c.name = "UV combiner";
    c.description = "UV combiner (sums the key groups' "
                    + std::string{view.combined_sql.empty() ? "user counts"
                                                            : "distinct counts"}
                    + ")";
    for (const auto& q : view.combined_sql)
      c.sql += q + ";\n";
    c.inputs = {1};
    c.ship_strategy = "GLOBAL";
    subtask_io io;
    io.watermark = st.combiner_watermark;
    io.worker = st.placement.sinks;
    c.subtasks.push_back(io);
    combiner = out.size();
    out.push_back(std::move(c));
  }
  for (const auto& s : st.sinks) {
    job_vertex v;
    v.name = "Sink: " + s.name;
    v.description = v.name;
    v.inputs = {1};
    if (combiner)
      v.inputs.push_back(combiner);
    v.ship_strategy = "FORWARD";
    subtask_io io;
    io.read_records = s.rows_in;
    io.write_records = s.rows_written;
    io.finished = s.done;
    io.worker = st.placement.sinks;
    v.subtasks.push_back(io);
    out.push_back(std::move(v));
  }
  for (size_t i = 0; i < out.size(); ++i)
    out[i].id = make_vertex_id(jid, i);
  return out;
}

// -- states -----------------------------------------------------------------

std::string job_state(const std::string& state) {
  if (state == "running" || state == "draining")
    return "RUNNING";
  if (state == "finished")
    return "FINISHED";
  if (state == "failed")
    return "FAILED";
  if (state == "stopped")
    return "CANCELED";
  if (state == "stopping")
    return "CANCELLING";
  if (state == "restarting")
    return "RESTARTING";
  if (state == "deploying")
    return "INITIALIZING";
  if (state == "unknown") // the job master does not answer
    return "RECONCILING";
  return "CREATED"; // waiting for workers
}

bool is_terminal_state(const std::string& flink_state) {
  return flink_state == "FINISHED" || flink_state == "FAILED"
         || flink_state == "CANCELED";
}

std::string subtask_state(const rest_view& view, const subtask_io& io) {
  const auto job = job_state(view.status.state);
  if (io.finished)
    return "FINISHED";
  if (job == "RUNNING")
    return "RUNNING";
  if (job == "FAILED")
    return "FAILED";
  if (job == "CANCELED")
    return "CANCELED";
  if (job == "CANCELLING")
    return "CANCELING";
  if (job == "FINISHED")
    return "FINISHED";
  return "DEPLOYING";
}

const char* const execution_states[10] = {"CREATED",   "SCHEDULED", "DEPLOYING",
                                        "RUNNING",   "FINISHED",  "CANCELING",
                                        "CANCELED",  "FAILED",    "RECONCILING",
                                        "INITIALIZING"};

int64_t job_end_time(const rest_view& view) {
  return is_terminal_state(job_state(view.status.state)) && view.status.ended_ms > 0
           ? view.status.ended_ms
           : -1;
}

int64_t job_duration(const rest_view& view) {
  const int64_t end = job_end_time(view);
  return (end > 0 ? end : view.now_ms) - view.status.started_ms;
}

std::string worker_name(const rest_view& view, uint32_t id) {
  for (const auto& w : view.status.worker_details)
    if (w.id == id)
      return w.name;
  return "coordinator";
}

std::string worker_endpoint(const rest_view& view, uint32_t id) {
  for (const auto& w : view.status.worker_details)
    if (w.id == id)
      return w.host + ":" + std::to_string(w.port);
  return "localhost";
}

} // namespace ubaflow
