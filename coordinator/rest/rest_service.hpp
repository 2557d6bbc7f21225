#pragma once

#include "coordinator/rest/flink_api.hpp"
#include "common/http/http_server.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace ubaflow {

/// /healthz and /readyz for a job master in `state` (job_status::state,
/// "unknown" when it does not answer): alive unless it does not answer;
/// ready while it runs a job or can take workers (running, waiting for
/// workers, restarting, draining), not once the job is over or failed.
/// 200 or 503, with {"status": "UP"|"DOWN", "state": ...}.
http_reply health_reply(bool readiness, const std::string& state);

struct rest_settings;

/// rest.port while the job master cannot start yet (Kafka not reachable):
/// /healthz answers 200 and /readyz 503, both with {"state": state}, and
/// everything else 503, so that a probe tells "waiting" from "dead". Stop
/// it (reset) before the REST API takes the port.
std::unique_ptr<http_server> start_startup_probe(const rest_settings& rest,
                                                std::string state,
                                                std::string& error);

struct rest_settings {
  std::string bind_address = "127.0.0.1";
  uint16_t port = 8081;
  /// HTTPS when both are set (PEM files).
  std::string tls_certificate;
  std::string tls_key;
  /// Bearer tokens for mutating calls (any one of them; several while one
  /// is rotated); none: those calls are refused (403).
  std::vector<std::string> tokens;
  /// Bearer tokens for reading the job's data (status, metrics, results);
  /// none: reading is open. A write token reads too. The web UI's static
  /// files stay open: they hold no data.
  std::vector<std::string> read_tokens;
  /// The web UI's files (index.html, app.js, app.css, and ECharts under
  /// node_modules); empty: no UI.
  std::string web_dir;
};

/// The coordinator's HTTP face on rest.port (Flink's :8081): Flink's REST
/// API (flink_api), Prometheus /metrics (prometheus_export), and the
/// mutating calls, which need `Authorization: Bearer <rest.token>`:
///  - POST /jobs/:jid/savepoints → 202 {"request-id": id};
///    GET /jobs/:jid/savepoints/:id → Flink's async-operation status;
///  - POST (or Flink's PATCH) /jobs/:jid/rescaling?parallelism=n → the
///    same, for a redeployment with n keyed-state owners.
/// The web UI is served at / and /web/* from `web_dir`.
/// ubaflow's own read-only endpoint: GET /ubaflow/results[?index=...], the
/// latest result documents per index (what the dashboards draw).
/// Every path may carry Flink's /v1 prefix. Status is fetched through
/// `fetch_status` at most twice a second, whatever the number of clients.
class rest_service {
public:
  using status_source = std::function<std::optional<job_status>()>;
  /// Takes a savepoint (blocking); its location, or nothing and `error`.
  using savepoint_source
    = std::function<std::optional<std::string>(std::string& error)>;
  /// The latest result documents (blocking, bounded).
  using results_source
    = std::function<std::optional<std::vector<result_row>>()>;
  /// Redeploys with that many keyed-state owners (blocking); what it did,
  /// or nothing and `error`.
  using rescale_source = std::function<std::optional<std::string>(
    uint32_t parallelism, std::string& error)>;

  static std::unique_ptr<rest_service>
  start(const rest_settings& settings, rest_view base,
        status_source fetch_status, savepoint_source take_savepoint,
        results_source fetch_results, rescale_source rescale,
        std::string& error);
  ~rest_service();

  uint16_t port() const;

  /// Answers one request (what the server calls; public for tests).
  http_reply handle(const http_request& request);

  /// Shared with the threads of asynchronous operations (defined in the
  /// .cpp; public so that the route handlers there can name it).
  struct state;

private:
  rest_service() = default;
  std::shared_ptr<state> state_;
  std::unique_ptr<http_server> server_;
};

} // namespace ubaflow
