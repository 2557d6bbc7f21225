#include "worker/process/worker_metrics_endpoint.hpp"

#include "common/cluster/refusals.hpp"
#include "common/http/http_server.hpp"
#include "common/metrics/metric_registry.hpp"
#include "common/metrics/process_metrics.hpp"
#include "common/protocol/type_ids.hpp"
#include "common/util/ask_blocking.hpp"

#include <caf/all.hpp>

#include <mutex>

namespace ubaflow {

std::string render_worker_metrics(const worker_metrics_view& view) {
  // One registry per process: its families are registered once.
  static metric_registry registry{metric_home::worker, {"worker"}};
  const std::vector<metric_label> worker{{"worker", view.name}};
  std::vector<metric_sample> samples{
    {"ubaflow_worker_joined", worker, view.worker_id > 0 ? 1.0 : 0.0},
    {"ubaflow_worker_slots", worker, static_cast<double>(view.slots)},
    {"ubaflow_worker_tasks", worker, static_cast<double>(view.tasks)}};
  add_refusal_samples(samples, worker);
  add_process_samples(samples);
  return registry.publish(samples);
}

struct worker_metrics_endpoint::impl {
  caf::actor_system* system = nullptr;
  std::mutex mutex;
  worker_metrics_view view;
  task_manager_actor task_manager;
  std::unique_ptr<http_server> server;

  http_reply answer(const http_request& request) {
    if (request.method == "GET"
        && (request.target == "/healthz" || request.target == "/readyz"))
      return health(request.target == "/readyz");
    if (request.method != "GET" || request.target != "/metrics")
      return {404, "text/plain", "only GET /metrics, /healthz, /readyz here\n"};
    worker_metrics_view now;
    task_manager_actor tm;
    {
      std::lock_guard<std::mutex> guard{mutex};
      now = view;
      tm = task_manager;
    }
    if (tm)
      now.tasks = ask_blocking<uint64_t>(*system, tm, std::chrono::seconds(1),
                                         nullptr, status_atom_v)
                    .value_or(0);
    return {200, "text/plain; version=0.0.4; charset=utf-8",
            render_worker_metrics(now)};
  }

  /// Alive: the task manager (once started) answers within a second.
  /// Ready: joined to a coordinator, and alive.
  http_reply health(bool readiness) {
    task_manager_actor tm;
    bool joined = false;
    {
      std::lock_guard<std::mutex> guard{mutex};
      tm = task_manager;
      joined = view.worker_id != 0;
    }
    const bool answers
      = !tm
        || ask_blocking<uint64_t>(*system, tm, std::chrono::seconds(1),
                                  nullptr, status_atom_v)
             .has_value();
    const std::string state = !answers  ? "task manager not answering"
                              : joined ? "joined"
                                       : "joining";
    const bool up = readiness ? answers && joined : answers;
    return {up ? 200u : 503u, "application/json",
            std::string{"{\"status\":\""} + (up ? "UP" : "DOWN")
              + "\",\"state\":\"" + state + "\"}"};
  }
};

std::unique_ptr<worker_metrics_endpoint>
worker_metrics_endpoint::start(caf::actor_system& system,
                               const std::string& host, uint16_t port,
                               std::string name, uint32_t slots,
                               std::string& error) {
  std::unique_ptr<worker_metrics_endpoint> endpoint{new worker_metrics_endpoint};
  auto p = std::make_shared<impl>();
  p->system = &system;
  p->view.name = std::move(name);
  p->view.slots = slots;
  std::weak_ptr<impl> weak = p;
  http_settings http;
  http.host = host;
  http.port = port;
  http.handler_threads = 1;
  p->server = http_server::start(
    http,
    [weak](const http_request& request) -> http_reply {
      if (auto self = weak.lock())
        return self->answer(request);
      return {503, "text/plain", "shutting down\n"};
    },
    error);
  if (!p->server)
    return nullptr;
  endpoint->impl_ = std::move(p);
  return endpoint;
}

worker_metrics_endpoint::~worker_metrics_endpoint() {
  if (impl_)
    impl_->server.reset();
}

void worker_metrics_endpoint::joined(uint32_t id,
                                     task_manager_actor task_manager) {
  std::lock_guard<std::mutex> guard{impl_->mutex};
  impl_->view.worker_id = id;
  impl_->task_manager = std::move(task_manager);
}

void worker_metrics_endpoint::left() {
  std::lock_guard<std::mutex> guard{impl_->mutex};
  impl_->view.worker_id = 0;
}

uint16_t worker_metrics_endpoint::port() const {
  return impl_->server->port();
}

} // namespace ubaflow
