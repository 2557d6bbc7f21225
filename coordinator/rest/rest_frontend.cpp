#include "coordinator/rest/rest_frontend.hpp"

#include "common/config/secret_file.hpp"
#include "common/sql/exec/sql_job.hpp"
#include "common/protocol/type_ids.hpp"
#include "common/util/clock.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>

namespace ubaflow {

/// The REST API's settings from rest.*; false with `error` on a bad one.
bool configure_rest(const settings& values, rest_settings& rest,
                    std::string& error) {
  rest.bind_address = values.get_string("rest.bind-address");
  rest.port = static_cast<uint16_t>(values.get_int("rest.port"));
  // Tokens from their option or, instead, from the lines of a file (the
  // first in use, the others still accepted while one is rotated).
  auto tokens = [&](const char* key, const char* file_key,
                    std::vector<std::string>& out) {
    if (values.options().find(key) == nullptr)
      return true; // `ubaflow run` has no mutating calls
    const auto& file = values.get_string(file_key);
    if (file.empty()) {
      if (!values.get_string(key).empty())
        out = {values.get_string(key)};
      return true;
    }
    auto read = read_secret_lines(file, error);
    if (!read) {
      error = std::string{file_key} + ": " + error;
      return false;
    }
    out = *read;
    return true;
  };
  if (!tokens("rest.token", "rest.token-file", rest.tokens)
      || !tokens("rest.read-token", "rest.read-token-file", rest.read_tokens))
    return false;
  rest.tls_certificate = values.get_string("rest.tls-certificate");
  rest.tls_key = values.get_string("rest.tls-key");
  if (rest.tls_certificate.empty() != rest.tls_key.empty()) {
    error = "rest.tls-certificate and rest.tls-key go together";
    return false;
  }
  rest.web_dir = values.get_string("rest.web-dir");
  if (rest.web_dir.empty()) {
    // A build tree (build/ubaflow in the repository), else the image's.
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    const auto beside = exe.parent_path().parent_path() / "coordinator" / "web";
    rest.web_dir = !ec && std::filesystem::exists(beside / "index.html")
                     ? beside.string()
                     : std::string{"/opt/ubaflow/web"};
  }
  return true;
}

/// What the REST API shows that does not change while the job runs.
rest_view static_view(const settings& values, const job_config& config,
                      const checkpoint_view& checkpoints) {
  rest_view view;
  view.key_groups = config.key_groups;
  view.computes_uv = job_needs_combiner(config);
  view.source = config.source == source_type::file
                  ? std::string{"files"}
                  : "Kafka topic " + config.kafka.topic;
  view.results = config.result_indices;
  if (config.sql) {
    view.source_sql = config.sql->source_sql;
    for (const auto& query : config.sql->plan.queries) {
      view.query_sql.push_back(config.sql->insert_sql.at(query.insert));
      if (query.combiner)
        view.combined_sql.push_back(view.query_sql.back());
    }
  }
  view.time_zone = config.zone.name();
  view.time_zone_offset_ms = config.zone.offset_at_instant(wall_now_ms());
  view.checkpoints_enabled = checkpoints.enabled;
  view.checkpoint_interval_ms = checkpoints.interval_ms;
  view.checkpoint_timeout_ms = checkpoints.timeout_ms;
  view.checkpoint_storage = checkpoints.storage;
  for (const auto& [key, value, origin] : values.displayed())
    view.config.emplace_back(key, value);
  return view;
}

std::unique_ptr<http_server>
probe_while_waiting_for_kafka(const job_config& config,
                              const rest_settings& rest) {
  if (config.source != source_type::kafka || rest.port == 0)
    return nullptr;
  std::string error;
  auto probe = start_startup_probe(rest, "waiting for Kafka", error);
  if (!probe)
    spdlog::warn("no health endpoint while waiting for Kafka: {}", error);
  return probe;
}

std::unique_ptr<rest_service>
start_rest_frontend(caf::actor_system& system, const rest_settings& rest,
                    rest_view base, rest_target_actor job_master,
                    results_source_actor results,
                    std::function<void(job_status&)> decorate,
                    std::string& error) {
  // Handlers run on the REST server's threads; each asks through a scoped
  // actor of its own.
  using std::chrono::minutes;
  using std::chrono::seconds;
  auto fetch_status = [&system, job_master, decorate] {
    auto out = ask_blocking<job_status>(system, job_master, seconds(3),
                                        nullptr, status_atom_v);
    if (out && decorate)
      decorate(*out);
    return out;
  };
  auto take_savepoint = [&system, job_master](std::string& why) {
    return ask_blocking<std::string>(system, job_master, minutes(10), &why,
                                     savepoint_atom_v);
  };
  auto fetch_results = [&system, results] {
    return ask_blocking<std::vector<result_row>>(system, results, seconds(3),
                                                 nullptr, results_atom_v);
  };
  auto rescale = [&system, job_master](uint32_t parallelism,
                                       std::string& why) {
    return ask_blocking<std::string>(system, job_master, minutes(10), &why,
                                     rescale_atom_v, parallelism);
  };
  return rest_service::start(rest, std::move(base), fetch_status,
                             take_savepoint, fetch_results, rescale, error);
}

} // namespace ubaflow
