#include "coordinator/rest/flink_api.hpp"

#include "coordinator/rest/flink_bodies.hpp"
#include "coordinator/rest/job_view.hpp"
#include "coordinator/rest/route_table.hpp"

#include "common/util/hash.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <limits>

namespace ubaflow {

namespace json = boost::json;


std::string make_job_id(const std::string& name, int64_t started_ms) {
  const std::string key = name + "\n" + std::to_string(started_ms);
  char out[33];
  std::snprintf(out, sizeof(out), "%016llx%016llx",
                static_cast<unsigned long long>(hash_bytes(key)),
                static_cast<unsigned long long>(hash_bytes(key + "#")));
  return out;
}

std::string make_vertex_id(const std::string& job_id, size_t index) {
  return make_job_id(job_id, static_cast<int64_t>(index));
}

http_reply error_reply(unsigned status, const std::string& message) {
  return {status, "application/json",
          json::serialize(json::object{{"errors", json::array{message}}})};
}

namespace {

using namespace flink_rest;

constexpr const char* flink_version = "1.17.1"; // the API shape mirrored

/// What a request is answered from: the view and the job's id in it.
struct flink_context {
  const rest_view& view;
  std::string jid;
};

using flink_routes = route_table<flink_context>;

/// Wraps a handler of the job's own paths: 404 for another job's id.
flink_routes::handler for_this_job(flink_routes::handler fn) {
  return [fn = std::move(fn)](const flink_context& c, const route_match& m) {
    if (m.param(":jid") != c.jid)
      return error_reply(404, "Job " + m.param(":jid") + " not found");
    return fn(c, m);
  };
}

/// Wraps a handler of one vertex's paths (`tail`: the segments after the
/// vertex id): 404 for an unknown vertex.
flink_routes::handler for_vertex(std::vector<std::string> tail) {
  return for_this_job([tail = std::move(tail)](const flink_context& c,
                                               const route_match& m) {
    for (const auto& v : vertices_of(c.view))
      if (v.id == m.param(":vid"))
        return vertex_get(c.view, v, tail, *m.query);
    return error_reply(404, "Vertex " + m.param(":vid") + " not found");
  });
}

http_reply cluster_config(const flink_context& c, const route_match&) {
  return reply(json::object{
    {"refresh-interval", c.view.refresh_interval_ms},
    {"timezone-name", c.view.time_zone},
    {"timezone-offset", c.view.time_zone_offset_ms},
    {"flink-version", flink_version},
    {"flink-revision", "ubaflow"},
    {"features",
     {{"web-submit", false},
      {"web-cancel", false},
      {"web-rescale", false},
      {"web-history", false}}}});
}

http_reply cluster_overview(const flink_context& c, const route_match&) {
  const auto& st = c.view.status;
  const auto state = job_state(st.state);
  uint32_t slots = 0, used = 0;
  for (const auto& w : st.worker_details) {
    slots += w.slots;
    used += std::min(w.slots, used_slots(c.view, w.id));
  }
  return reply(json::object{
    {"taskmanagers", st.worker_details.size()},
    {"slots-total", slots},
    {"slots-available", slots - used},
    {"jobs-running", is_terminal_state(state) ? 0 : 1},
    {"jobs-finished", state == "FINISHED" ? 1 : 0},
    {"jobs-cancelled", state == "CANCELED" ? 1 : 0},
    {"jobs-failed", state == "FAILED" ? 1 : 0},
    {"flink-version", flink_version},
    {"flink-commit", "ubaflow"},
    {"taskmanagers-blocked", 0},
    {"slots-free-and-blocked", 0}});
}

/// The task manager named in the path, or nothing.
const worker_summary* named_worker(const flink_context& c,
                                   const route_match& m) {
  for (const auto& w : c.view.status.worker_details)
    if (w.name == m.param(":tmid"))
      return &w;
  return nullptr;
}

http_reply taskmanager_details(const flink_context& c, const route_match& m) {
  auto w = named_worker(c, m);
  if (!w)
    return error_reply(404, "TaskManager " + m.param(":tmid")
                              + " does not exist");
  auto tm = taskmanager(c.view, *w);
  tm["allocatedSlots"] = json::array{};
  tm["metrics"] = json::object{{"garbageCollectors", json::array{}}};
  return reply(std::move(tm));
}

http_reply taskmanager_metrics(const flink_context& c, const route_match& m) {
  auto w = named_worker(c, m);
  if (!w)
    return error_reply(404, "TaskManager " + m.param(":tmid")
                              + " does not exist");
  return reply(metric_values(
    {{"Status.NumSlots", std::to_string(w->slots)},
     {"Status.UsedSlots",
      std::to_string(std::min(w->slots, used_slots(c.view, w->id)))}},
    *m.query));
}

http_reply checkpoint_config(const flink_context& c, const route_match&) {
  if (!c.view.checkpoints_enabled)
    return error_reply(404, "Checkpointing is not enabled for this job");
  return reply(json::object{
    {"mode", "exactly_once"},
    {"interval", c.view.checkpoint_interval_ms},
    {"timeout", c.view.checkpoint_timeout_ms},
    {"min_pause", 0},
    {"max_concurrent", 1},
    {"externalization", {{"enabled", true}, {"delete_on_cancellation", false}}},
    {"state_backend", "ubaflow keyed state"},
    {"checkpoint_storage", c.view.checkpoint_storage},
    {"unaligned_checkpoints", false},
    {"tolerable_failed_checkpoints", 0},
    {"aligned_checkpoint_timeout", 0},
    {"checkpoints_after_tasks_finish", false},
    {"state_changelog_enabled", false}});
}

http_reply job_metrics(const flink_context& c, const route_match& m) {
  const auto& st = c.view.status;
  const auto& k = st.checkpoints;
  return reply(metric_values(
    {{"uptime", std::to_string(job_duration(c.view))},
     {"numRestarts", std::to_string(st.attempt > 0 ? st.attempt - 1 : 0)},
     {"lastCheckpointDuration", std::to_string(k.last_duration_ms)},
     {"lastCheckpointSize", std::to_string(k.last_bytes)},
     {"numberOfCompletedCheckpoints", std::to_string(k.completed)},
     {"numberOfFailedCheckpoints", std::to_string(k.failed)},
     {"numberOfInProgressCheckpoints", k.in_progress ? "1" : "0"},
     {"totalNumberOfCheckpoints",
      std::to_string(k.completed + k.failed + (k.in_progress ? 1 : 0))}},
    *m.query));
}

const flink_routes& routes() {
  using ctx = const flink_context&;
  using match = const route_match&;
  static const flink_routes table = [] {
    flink_routes t;
    t.add("GET", "/config", cluster_config)
      .add("GET", "/overview", cluster_overview)
      .add("GET", "/jobs",
           [](ctx c, match) {
             return reply(json::object{
               {"jobs", json::array{json::object{
                          {"id", c.jid},
                          {"status", job_state(c.view.status.state)}}}}});
           })
      .add("GET", "/jobs/overview",
           [](ctx c, match) {
             return reply(
               json::object{{"jobs", json::array{job_overview(c.view)}}});
           })
      .add("GET", "/taskmanagers",
           [](ctx c, match) {
             json::array tms;
             for (const auto& w : c.view.status.worker_details)
               tms.push_back(taskmanager(c.view, w));
             return reply(json::object{{"taskmanagers", std::move(tms)}});
           })
      .add("GET", "/taskmanagers/:tmid", taskmanager_details)
      .add("GET", "/taskmanagers/:tmid/metrics", taskmanager_metrics)
      .add("GET", "/jobmanager/config",
           [](ctx c, match) {
             json::array out;
             for (const auto& [key, value] : c.view.config)
               out.push_back(json::object{{"key", key}, {"value", value}});
             return reply(std::move(out));
           })
      .add("GET", "/jobmanager/metrics",
           [](ctx c, match m) {
             const auto& st = c.view.status;
             const bool running = !is_terminal_state(job_state(st.state));
             return reply(metric_values(
               {{"numRegisteredTaskManagers",
                 std::to_string(st.worker_details.size())},
                {"numRunningJobs", running ? "1" : "0"}},
               *m.query));
           })
      .add("GET", "/jobs/:jid",
           for_this_job([](ctx c, match) { return reply(job_details(c.view)); }))
      .add("GET", "/jobs/:jid/plan", for_this_job([](ctx c, match) {
             return reply(
               json::object{{"plan", plan_of(c.view, vertices_of(c.view))}});
           }))
      .add("GET", "/jobs/:jid/exceptions", for_this_job([](ctx c, match) {
             return reply(exceptions(c.view));
           }))
      .add("GET", "/jobs/:jid/checkpoints", for_this_job([](ctx c, match) {
             return reply(checkpoints(c.view));
           }))
      .add("GET", "/jobs/:jid/checkpoints/details/:cid",
           for_this_job([](ctx c, match m) {
             for (const auto& r : c.view.status.checkpoints.history)
               if (std::to_string(r.id) == m.param(":cid"))
                 return reply(checkpoint_entry(r));
             return error_reply(404, "Checkpoint " + m.param(":cid")
                                       + " is not in the history (the last 10)");
           }))
      .add("GET", "/jobs/:jid/checkpoints/config",
           for_this_job(checkpoint_config))
      .add("GET", "/jobs/:jid/metrics", for_this_job(job_metrics))
      .add("GET", "/jobs/:jid/vertices/:vid", for_vertex({}))
      .add("GET", "/jobs/:jid/vertices/:vid/watermarks",
           for_vertex({"watermarks"}))
      .add("GET", "/jobs/:jid/vertices/:vid/backpressure",
           for_vertex({"backpressure"}))
      .add("GET", "/jobs/:jid/vertices/:vid/metrics", for_vertex({"metrics"}))
      .add("GET", "/jobs/:jid/vertices/:vid/subtasks/metrics",
           for_vertex({"subtasks", "metrics"}));
    return t;
  }();
  return table;
}

} // namespace

http_reply flink_get(const rest_view& view,
                     const std::vector<std::string>& segments,
                     const std::map<std::string, std::string>& query) {
  const flink_context context{view,
                              make_job_id(view.status.name,
                                          view.status.started_ms)};
  if (auto answer = routes().dispatch(context, "GET", segments, query))
    return std::move(*answer);
  // Flink's own answers for another job's or task manager's deeper paths.
  if (segments.size() >= 2 && segments[0] == "jobs" && segments[1] != context.jid)
    return error_reply(404, "Job " + segments[1] + " not found");
  if (segments.size() >= 2 && segments[0] == "taskmanagers")
    return error_reply(404, "TaskManager " + segments[1] + " does not exist");
  std::string path;
  for (const auto& s : segments)
    path += "/" + s;
  return error_reply(404, "Not found: " + path);
}

} // namespace ubaflow
