#pragma once

#include "common/protocol/status.hpp"
#include "common/http/http_server.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ubaflow {

/// What the REST API renders: the job's status as the cluster manager
/// reports it, plus the facts that do not change while it runs.
struct rest_view {
  job_status status;
  int64_t now_ms = 0;
  uint32_t key_groups = 128;
  bool computes_uv = true;
  std::string source;  ///< "Kafka topic user_behavior" or "files"
  std::vector<std::string> results; ///< result names computed
  /// A job written in SQL: the source table's CREATE TABLE and each
  /// query's INSERT, shown with the vertices that run them.
  std::string source_sql;
  std::vector<std::string> query_sql;
  /// The INSERTs of queries routed by distinct value, which the combiner
  /// finishes (empty when none is).
  std::vector<std::string> combined_sql;
  int64_t refresh_interval_ms = 3000;
  std::string time_zone;
  int64_t time_zone_offset_ms = 0;
  bool checkpoints_enabled = false;
  int64_t checkpoint_interval_ms = 0;
  int64_t checkpoint_timeout_ms = 0;
  std::string checkpoint_storage;
  /// Effective non-secret settings, for /jobmanager/config.
  std::vector<std::pair<std::string, std::string>> config;
};

/// A 32-hex-digit id, stable for a job name and start time (Flink's JobID
/// shape), and the id of vertex `index` of that job.
std::string make_job_id(const std::string& name, int64_t started_ms);
std::string make_vertex_id(const std::string& job_id, size_t index);

/// Answers the read-only endpoints of Flink's REST API (same paths, field
/// names and shapes; see docs/rest-api.md) from `view`: /config, /overview,
/// /jobs, /jobs/overview, /jobs/:jid, /jobs/:jid/plan,
/// /jobs/:jid/vertices/:vid (+ /watermarks, /backpressure, /metrics),
/// /jobs/:jid/checkpoints (+ /config), /jobs/:jid/exceptions,
/// /jobs/:jid/metrics, /taskmanagers, /taskmanagers/:tmid,
/// /jobmanager/config. `segments` are the path's (without /v1), `query`
/// its parameters. Unknown paths and ids give 404 with Flink's
/// {"errors": [...]} body.
http_reply flink_get(const rest_view& view,
                     const std::vector<std::string>& segments,
                     const std::map<std::string, std::string>& query);

/// {"errors": [message]} with `status`.
http_reply error_reply(unsigned status, const std::string& message);

} // namespace ubaflow
