#include "coordinator/rest/rest_service.hpp"

#include "common/cluster/join_proof.hpp"
#include "common/util/clock.hpp"
#include "coordinator/process/progress.hpp"
#include "coordinator/rest/prometheus_export.hpp"
#include "coordinator/rest/request_target.hpp"
#include "coordinator/rest/result_store.hpp"
#include "coordinator/rest/route_table.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include <cctype>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

namespace ubaflow {

namespace json = boost::json;

namespace {

/// A mutating call running in the background (Flink's async operations).
struct async_operation {
  std::string kind; ///< "savepoints" or "rescaling"
  bool done = false;
  std::string result; ///< the savepoint's location, or what the rescale did
  std::string failure;
};

/// A file of the web UI; only the few names the UI consists of.
http_reply web_file(const std::string& web_dir, const std::string& path) {
  static const std::map<std::string, std::pair<std::string, std::string>> files
    = {{"/", {"index.html", "text/html; charset=utf-8"}},
       {"/index.html", {"index.html", "text/html; charset=utf-8"}},
       {"/web/app.js", {"app.js", "text/javascript; charset=utf-8"}},
       {"/web/app.css", {"app.css", "text/css; charset=utf-8"}},
       {"/ubaflow/openapi.yaml", {"openapi.yaml", "application/yaml"}},
       {"/web/vendor/echarts.min.js",
        {"node_modules/echarts/dist/echarts.min.js",
         "text/javascript; charset=utf-8"}}};
  auto f = files.find(path);
  if (f == files.end())
    return error_reply(404, "Not found: " + path);
  if (web_dir.empty())
    return error_reply(404, "the web UI is not installed (rest.web-dir)");
  std::ifstream in{web_dir + "/" + f->second.first, std::ios::binary};
  if (!in)
    return error_reply(404, "the web UI is not installed: " + web_dir + "/"
                              + f->second.first
                              + " is missing (make deps runs npm install in "
                                "coordinator/web)");
  std::ostringstream body;
  body << in.rdbuf();
  return {200, f->second.second, body.str()};
}

} // namespace

struct rest_service::state {
  rest_settings settings;
  rest_view base;
  status_source fetch_status;
  savepoint_source take_savepoint;
  results_source fetch_results;
  rescale_source rescale;
  std::mutex mutex;        ///< operations, trigger ids, threads
  std::mutex status_mutex; ///< the cached status: one fetch at a time
  /// Async operations' threads by request id; joined once done (here or
  /// at the end).
  std::map<std::string, std::thread> threads;
  std::optional<job_status> cached;
  int64_t cached_at_ms = 0;
  std::map<std::string, async_operation> operations;
  uint64_t next_trigger = 1;
  /// This state itself, for the operations' threads to hold on to.
  std::weak_ptr<state> self;

  /// The view with a status at most 500 ms old.
  std::optional<rest_view> view() {
    std::lock_guard<std::mutex> guard{status_mutex};
    const int64_t now = steady_now_ms();
    if (!cached || now - cached_at_ms >= 500) {
      if (auto fresh = fetch_status()) {
        cached = std::move(fresh);
      } else {
        // The job master did not answer: say so, rather than serve the
        // last figures as if they were current.
        job_status unknown;
        unknown.name = cached ? cached->name : std::string{};
        unknown.started_ms = cached ? cached->started_ms : 0;
        unknown.state = "unknown";
        if (unknown.name.empty())
          return std::nullopt;
        cached = std::move(unknown);
      }
      cached_at_ms = now;
    }
    if (!cached)
      return std::nullopt;
    rest_view v = base;
    v.status = *cached;
    v.now_ms = wall_now_ms();
    return v;
  }

  /// Starts a savepoint or a rescale ("savepoints"/"rescaling") in the
  /// background; 202 with its request id, which the status route answers.
  http_reply start_operation(const std::string& kind, uint32_t parallelism) {
    std::string id;
    {
      std::lock_guard<std::mutex> guard{mutex};
      char buf[33];
      std::snprintf(buf, sizeof buf, "%032llx",
                    static_cast<unsigned long long>(next_trigger++));
      id = buf;
      // Keep the newest hundred; older ones answer 404.
      while (operations.size() >= 100)
        operations.erase(operations.begin());
      operations[id] = {kind, false, {}, {}};
    }
    std::lock_guard<std::mutex> threads_guard{mutex};
    for (auto t = threads.begin(); t != threads.end();) {
      // A done operation's thread has left its locked section: joining
      // it here, under the lock, cannot wait on this lock.
      auto op = operations.find(t->first);
      if (op != operations.end() && op->second.done) {
        t->second.join();
        t = threads.erase(t);
      } else {
        ++t;
      }
    }
    threads[id] = std::thread([s = self.lock(), id, kind, parallelism] {
      std::string failure;
      auto result = kind == "savepoints" ? s->take_savepoint(failure)
                                         : s->rescale(parallelism, failure);
      std::lock_guard<std::mutex> guard{s->mutex};
      auto& op = s->operations[id];
      op.done = true;
      if (result)
        op.result = *result;
      else
        op.failure = failure.empty() ? kind + " failed" : failure;
    });
    return {202, "application/json",
            json::serialize(json::object{{"request-id", id}})};
  }

  /// The request carries `Authorization: Bearer <t>` for one of `tokens`
  /// (each compared in constant time; empty ones never match).
  static bool bears(const http_request& request,
                    const std::vector<std::string>& tokens) {
    const std::string prefix = "Bearer ";
    if (request.authorization.compare(0, prefix.size(), prefix) != 0)
      return false;
    const auto given = std::string_view{request.authorization}.substr(
      prefix.size());
    bool found = false;
    for (const auto& token : tokens)
      found |= !token.empty() && proof_matches(token, given);
    return found;
  }

  bool authorized(const http_request& request) const {
    return bears(request, settings.tokens);
  }

  /// Reading is open without a read token; otherwise any token reads.
  bool may_read(const http_request& request) const {
    return settings.read_tokens.empty()
           || bears(request, settings.read_tokens)
           || bears(request, settings.tokens);
  }
};

std::unique_ptr<rest_service>
rest_service::start(const rest_settings& settings, rest_view base,
                    status_source fetch_status, savepoint_source take_savepoint,
                    results_source fetch_results, rescale_source rescale,
                    std::string& error) {
  std::unique_ptr<rest_service> service{new rest_service};
  service->state_ = std::make_shared<state>();
  service->state_->self = service->state_;
  auto& st = *service->state_;
  st.settings = settings;
  st.base = std::move(base);
  st.fetch_status = std::move(fetch_status);
  st.take_savepoint = std::move(take_savepoint);
  st.fetch_results = std::move(fetch_results);
  st.rescale = std::move(rescale);
  auto* raw = service.get();
  http_settings http;
  http.host = settings.bind_address;
  http.port = settings.port;
  http.tls_certificate = settings.tls_certificate;
  http.tls_key = settings.tls_key;
  service->server_ = http_server::start(
    http, [raw](const http_request& request) { return raw->handle(request); },
    error);
  if (!service->server_)
    return nullptr;
  return service;
}

rest_service::~rest_service() {
  server_.reset(); // waits for the requests being served
  // Operations still running ask the job master, which is gone by now:
  // they end at once with an error.
  std::map<std::string, std::thread> threads;
  {
    std::lock_guard<std::mutex> guard{state_->mutex};
    threads.swap(state_->threads);
  }
  for (auto& [id, t] : threads)
    if (t.joinable())
      t.join();
}

uint16_t rest_service::port() const {
  return server_->port();
}

http_reply health_reply(bool readiness, const std::string& state) {
  const bool alive = state != "unknown";
  const bool ready = alive && state != "finished" && state != "failed"
                     && state != "canceled" && state != "stopped";
  const bool up = readiness ? ready : alive;
  return {up ? 200u : 503u, "application/json",
          json::serialize(json::object{{"status", up ? "UP" : "DOWN"},
                                       {"state", state}})};
}

std::unique_ptr<http_server> start_startup_probe(const rest_settings& rest,
                                                 std::string state,
                                                 std::string& error) {
  http_settings http;
  http.host = rest.bind_address;
  http.port = rest.port;
  http.tls_certificate = rest.tls_certificate;
  http.tls_key = rest.tls_key;
  http.handler_threads = 1;
  return http_server::start(
    http,
    [state = std::move(state)](const http_request& request) -> http_reply {
      const bool ready = request.target == "/readyz";
      if (request.target != "/healthz" && !ready)
        return error_reply(503, "starting: " + state);
      return {ready ? 503u : 200u, "application/json",
              json::serialize(json::object{{"status", ready ? "DOWN" : "UP"},
                                           {"state", state}})};
    },
    error);
}

namespace {

/// What the REST service's own routes answer from.
struct service_context {
  rest_service::state& st;
  const http_request& request;
  const request_target& target;
};

using service_routes = route_table<service_context>;

/// POST /jobs/:jid/savepoints and /jobs/:jid/rescaling: starts the
/// operation in the background and answers with its request id (Flink's
/// asynchronous operations).
http_reply trigger(const service_context& c, const route_match& m,
                   const std::string& kind) {
  auto& st = c.st;
  if (st.settings.tokens.empty())
    return error_reply(403, "mutating calls are disabled: set rest.token "
                            "(or rest.token-file) on the coordinator");
  if (!st.authorized(c.request))
    return error_reply(401, "missing or wrong bearer token");
  auto view = st.view();
  if (!view
      || m.param(":jid")
           != make_job_id(view->status.name, view->status.started_ms))
    return error_reply(404, "Job " + m.param(":jid") + " not found");
  uint32_t parallelism = 0;
  if (kind == "rescaling") {
    auto p = m.query->find("parallelism");
    if (p == m.query->end() || p->second.empty()
        || p->second.find_first_not_of("0123456789") != std::string::npos
        || p->second.size() > 6)
      return error_reply(400, "rescaling needs ?parallelism=<owners>");
    parallelism = static_cast<uint32_t>(std::stoul(p->second));
  }
  return st.start_operation(kind, parallelism);
}

/// GET /jobs/:jid/savepoints/:rid and /jobs/:jid/rescaling/:rid.
http_reply operation_status(const service_context& c, const route_match& m,
                            const std::string& kind) {
  auto& st = c.st;
  std::lock_guard<std::mutex> guard{st.mutex};
  const auto& rid = m.param(":rid");
  auto op = st.operations.find(rid);
  if (op == st.operations.end() || op->second.kind != kind)
    return error_reply(404, "No " + kind + " request " + rid);
  json::object status{{"id", op->second.done ? "COMPLETED" : "IN_PROGRESS"}};
  json::object body{{"status", status}};
  if (op->second.done) {
    if (!op->second.failure.empty())
      body["operation"] = json::object{
        {"failure-cause",
         {{"class",
           kind == "savepoints" ? "SavepointFailure" : "RescalingFailure"},
          {"stack-trace", op->second.failure}}}};
    else if (kind == "savepoints")
      body["operation"] = json::object{{"location", op->second.result}};
    else
      body["operation"] = json::object{{"message", op->second.result}};
  }
  return {200, "application/json", json::serialize(body)};
}

http_reply metrics_page(const service_context& c, const route_match&) {
  auto view = c.st.view();
  if (!view)
    return error_reply(503, "the job's status is not available");
  return {200, "text/plain; version=0.0.4; charset=utf-8",
          render_metrics(*view)};
}

http_reply results_page(const service_context& c, const route_match& m) {
  auto view = c.st.view();
  if (!view)
    return error_reply(503, "the job's status is not available");
  std::optional<std::string> only;
  if (auto index = m.query->find("index"); index != m.query->end()) {
    const auto& known = view->results;
    if (std::find(known.begin(), known.end(), index->second) == known.end())
      return error_reply(404, "No result index " + index->second);
    only = index->second;
  }
  auto rows = c.st.fetch_results();
  if (!rows)
    return error_reply(503, "the results are not available");
  return {200, "application/json", results_json(*rows, view->results, only)};
}

/// What the job is waiting out or retrying now (Kafka unreachable, a sink
/// or a lookup retrying, failed checkpoints), as the progress line says
/// it: the web UI shows it above every page.
http_reply health_page(const service_context& c, const route_match&) {
  auto view = c.st.view();
  if (!view)
    return error_reply(503, "the job's status is not available");
  json::array problems;
  for (const auto& p : job_problems(sum_up(view->status)))
    problems.push_back(json::object{{"kind", p.kind}, {"text", p.text}});
  json::object body{{"state", view->status.state},
                    {"problems", std::move(problems)}};
  return {200, "application/json", json::serialize(body)};
}

http_reply probe(const service_context& c, bool readiness) {
  auto view = c.st.view();
  return health_reply(readiness,
                      view ? view->status.state : std::string{"unknown"});
}

/// Answered without a token: the web UI's files and the probes (whose
/// answer holds nothing beyond the job's state).
const service_routes& public_routes() {
  static const service_routes table = [] {
    service_routes t;
    auto web = [](const service_context& c, const route_match&) {
      return web_file(c.st.settings.web_dir, c.target.path);
    };
    for (const char* path : {"/", "/index.html", "/web/app.js", "/web/app.css",
                             "/web/vendor/echarts.min.js",
                             "/ubaflow/openapi.yaml"})
      t.add("GET", path, web);
    t.add("GET", "/healthz",
          [](const service_context& c, const route_match&) {
            return probe(c, false);
          })
      .add("GET", "/readyz", [](const service_context& c, const route_match&) {
        return probe(c, true);
      });
    return t;
  }();
  return table;
}

/// The calls that change something (rest.token) and those that read the
/// job's data (rest.read-token); the rest of GET is Flink's API.
const service_routes& guarded_routes() {
  static const service_routes table = [] {
    service_routes t;
    for (std::string kind : {"savepoints", "rescaling"}) {
      auto start = [kind](const service_context& c, const route_match& m) {
        return trigger(c, m, kind);
      };
      t.add("POST", "/jobs/:jid/" + kind, start)
        .add("PATCH", "/jobs/:jid/" + kind, start)
        .add("GET", "/jobs/:jid/" + kind + "/:rid",
             [kind](const service_context& c, const route_match& m) {
               return operation_status(c, m, kind);
             });
    }
    t.add("GET", "/metrics", metrics_page)
      .add("GET", "/ubaflow/results", results_page)
      .add("GET", "/ubaflow/health", health_page);
    return t;
  }();
  return table;
}

} // namespace

http_reply rest_service::handle(const http_request& request) {
  std::string error;
  auto target = parse_request_target(request.target, error);
  if (!target)
    return error_reply(400, error);
  auto& segments = target->segments;
  if (!segments.empty() && segments[0] == "v1") { // Flink's versioned paths
    segments.erase(segments.begin());
    target->path = target->path.substr(3);
  }
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  auto& st = *state_;
  const service_context context{st, request, *target};
  const bool mutating = method == "POST" || method == "PATCH";
  if (method != "GET" && !mutating)
    return error_reply(405, "Method " + request.method + " not allowed");
  if (!mutating)
    if (auto answer = public_routes().dispatch(context, method, segments,
                                               target->query))
      return std::move(*answer);
  if (!mutating && (target->path.rfind("/web/", 0) == 0))
    return web_file(st.settings.web_dir, target->path); // its 404
  // A mutating call authenticates with rest.token in trigger().
  if (!mutating && !st.may_read(request)) {
    auto reply = error_reply(401, "this API needs `Authorization: Bearer "
                                  "<rest.read-token>`");
    reply.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"ubaflow\"");
    return reply;
  }
  if (auto answer = guarded_routes().dispatch(context, method, segments,
                                              target->query))
    return std::move(*answer);
  if (mutating)
    return error_reply(405, "Only POST /jobs/:jobid/savepoints and "
                            "/jobs/:jobid/rescaling change anything here");
  auto view = st.view();
  if (!view)
    return error_reply(503, "the job's status is not available yet");
  return flink_get(*view, segments, target->query);
}

} // namespace ubaflow
