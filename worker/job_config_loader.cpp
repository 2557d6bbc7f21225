#include "worker/job_config_loader.hpp"

#include "common/time/civil.hpp"
#include "worker/parse/timestamp_parser.hpp"
#include "common/sql/exec/sql_document.hpp"
#include "worker/lookup/sql_dimension_rows.hpp"
#include "worker/sink/es_templates.hpp"
#include "worker/sql_job_settings.hpp"
#include "worker/sink/es_http_client.hpp"
#include "worker/source/file_splits.hpp"
#include "worker/source/kafka_config.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace ubaflow {

namespace {

/// Parses a wall-clock bound ("yyyy-MM-dd HH:mm:ss" in the job zone, or
/// epoch millis) for the valid event-time range.
std::optional<event_time> parse_bound(const std::string& text,
                                      const time_zone& zone) {
  timestamp_policy policy;
  policy.zone = zone;
  timestamp_parser parser{policy};
  event_time out = 0;
  if (parser.parse_text(text, out).ok())
    return out;
  return std::nullopt;
}

/// A password from its secret option, or from the file named by the
/// `<key>-file` option when that is set (the file wins).
std::optional<std::string> password(const settings& v, const std::string& key,
                                    std::string& error) {
  const auto& file = v.get_string(key + "-file");
  if (file.empty())
    return v.get_string(key);
  return read_secret_file(file, error);
}

} // namespace

namespace {

std::optional<std::string> check_readable_file(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec)
    return "'" + path + "': " + ec.message();
  if (std::filesystem::is_directory(status))
    return "'" + path + "' is a directory, not a file";
  if (::access(path.c_str(), R_OK) != 0)
    return "'" + path + "' is not readable: " + std::strerror(errno);
  return std::nullopt;
}

} // namespace

std::optional<std::string> check_writable_directory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return "cannot create '" + dir + "': " + ec.message();
  if (!std::filesystem::is_directory(dir, ec))
    return "'" + dir + "' is not a directory";
  // access() would say yes to root on a read-only mount: try it.
  const std::string probe = dir + "/.ubaflow-write-check";
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                        0600);
  if (fd < 0)
    return "cannot write in '" + dir + "': " + std::strerror(errno);
  ::close(fd);
  ::unlink(probe.c_str());
  return std::nullopt;
}

std::optional<std::string> check_node_paths(const job_config& c) {
  if (c.source == source_type::file)
    for (const auto& file : c.files)
      if (file != "-")
        if (auto problem = check_readable_file(file))
          return "source.files: " + *problem;
  {
    // The dimensions the script joins, read whole when a source starts.
    std::map<uint32_t, std::string> paths;
    std::string error;
    if (!sql_dimension_paths(c.sql->script, c.sql->plan, c, paths, error))
      return "job.sql: " + error;
    for (const auto& [table, path] : paths)
      if (auto problem = check_readable_file(path))
        return "job.sql: table " + c.sql->script.tables.at(table).name
               + " (lookup.csv-path or its 'path'): " + *problem;
  }
  if (c.ndjson_output)
    if (auto problem = check_writable_directory(c.ndjson_dir))
      return "sink.ndjson.dir: " + *problem;
  return std::nullopt;
}

std::optional<job_config> load_job_config(const settings& given,
                                          std::string& error) {
  job_config c;
  // A job written in SQL: its connector options become defaults first.
  settings v = given;
  c.sql = load_sql_job(v, error);
  if (!c.sql)
    return std::nullopt;
  auto fail = [&](const std::string& key, const std::string& why) {
    error = "--" + key + ": " + why;
    return std::nullopt;
  };

  c.name = v.get_string("job.name");
  std::string zone_error;
  auto zone = time_zone::load(v.get_string("job.time-zone"), &zone_error);
  if (!zone)
    return fail("job.time-zone", zone_error);
  c.zone = *zone;
  c.parallelism = static_cast<uint32_t>(v.get_int("job.parallelism"));
  c.source_parallelism = static_cast<uint32_t>(
    v.get_int("job.source-parallelism"));
  c.key_groups = static_cast<uint32_t>(v.get_int("job.key-groups"));
  c.stop_timeout_ms = v.get_duration_ms("job.stop-timeout");
  if (c.parallelism > c.key_groups)
    return fail("job.parallelism",
                "cannot exceed job.key-groups ("
                  + std::to_string(c.key_groups) + ")");

  c.result_indices = c.sql->indices;
  c.allowed_lateness_ms = v.get_duration_ms("event-time.allowed-lateness");

  c.source = v.get_string("source.type") == "file" ? source_type::file
                                                    : source_type::kafka;
  c.format = v.get_string("source.format");
  c.files = v.get_list("source.files");
  c.read_batch = static_cast<size_t>(v.get_int("source.read-batch"));
  c.max_record_bytes
    = static_cast<size_t>(v.get_bytes("source.max-record-size"));
  if (c.source == source_type::file && c.files.empty())
    return fail("source.files", "source.type=file needs at least one file");
  if (c.source == source_type::file)
    for (const auto& path : c.files)
      if (path != "-" && access(path.c_str(), R_OK) != 0)
        return fail("source.files", "cannot read '" + path + "'");
  c.file_splits = static_cast<uint32_t>(v.get_int("source.file-splits"));
  if (c.source == source_type::file) {
    std::string split_error;
    if (!split_files(c.files, c.file_splits, c.file_ranges, split_error))
      return fail("source.file-splits", split_error);
  }

  c.kafka.bootstrap_servers = v.get_string("kafka.bootstrap-servers");
  c.kafka.topic = v.get_string("kafka.topic");
  c.kafka.group_id = v.get_string("kafka.group-id");
  c.kafka.startup = *startup_mode_from_string(v.get_string("kafka.startup-mode"));
  c.kafka.bounded = v.get_bool("kafka.bounded");
  c.kafka.properties = v.get_kv_list("kafka.properties");
  if (const auto& pw = v.get_string("kafka.sasl-password"); !pw.empty())
    c.kafka.properties.emplace_back("sasl.password", pw);
  if (const auto& pw = v.get_string("kafka.ssl-key-password"); !pw.empty())
    c.kafka.properties.emplace_back("ssl.key.password", pw);
  {
    // Reject bad librdkafka properties now rather than in a source task.
    kafka_conf probe;
    if (auto e = apply_common(probe, c.kafka, "ubaflow"))
      return fail("kafka.properties", *e);
  }
  if (c.source == source_type::kafka && c.kafka.topic.empty())
    return fail("kafka.topic", "must not be empty");
  c.dead_letter_topic = v.get_string("kafka.dead-letter-topic");
  c.kafka_startup_wait_ms = v.get_duration_ms("kafka.startup-wait");
  c.partition_discovery_ms
    = v.get_duration_ms("kafka.partition-discovery-interval");

  c.watermark_delay_ms = v.get_duration_ms("event-time.watermark-delay");
  c.idle_timeout_ms = v.get_duration_ms("event-time.idle-timeout");
  c.timestamps.zone = c.zone;
  c.timestamps.z_as_local = v.get_bool("event-time.z-as-local");
  if (const auto& from = v.get_string("event-time.valid-from"); !from.empty()) {
    auto bound = parse_bound(from, c.zone);
    if (!bound)
      return fail("event-time.valid-from",
                  "'" + from + "' is not 'yyyy-MM-dd HH:mm:ss' or epoch millis");
    c.timestamps.valid_from = *bound;
  }
  if (const auto& until = v.get_string("event-time.valid-until");
      !until.empty()) {
    auto bound = parse_bound(until, c.zone);
    if (!bound)
      return fail("event-time.valid-until",
                  "'" + until + "' is not 'yyyy-MM-dd HH:mm:ss' or epoch millis");
    c.timestamps.valid_until = *bound;
  }
  if (c.timestamps.valid_from > c.timestamps.valid_until)
    return fail("event-time.valid-from", "is after event-time.valid-until");
  c.timestamps.max_future_ms = v.get_duration_ms("event-time.max-future");
  if (c.timestamps.max_future_ms < 0)
    return fail("event-time.max-future", "cannot be negative");
  if (c.kafka.startup == startup_mode::timestamp) {
    const auto& text = v.get_string("kafka.startup-timestamp");
    auto local = parse_bound(text, c.zone);
    if (text.empty() || !local)
      return fail("kafka.startup-timestamp",
                  "startup-mode=timestamp needs a time ('yyyy-MM-dd "
                  "HH:mm:ss' or epoch millis)");
    c.kafka.startup_timestamp_ms = c.zone.to_instant(*local);
  }

  c.flush_interval_ms = v.get_duration_ms("preagg.flush-interval");
  c.max_buffered_users = static_cast<size_t>(
    v.get_int("preagg.max-buffered-users"));
  c.max_in_flight = static_cast<size_t>(v.get_int("exchange.max-in-flight"));
  c.category_interval_ms = v.get_duration_ms("results.top-category-interval");

  const auto& lookup = v.get_string("lookup.source");
  c.lookup = lookup == "mysql" ? lookup_type::mysql
             : lookup == "none" ? lookup_type::none
                                : lookup_type::csv;
  c.lookup_csv_path = v.get_string("lookup.csv-path");
  c.mysql.host = v.get_string("lookup.mysql.host");
  c.mysql.port = static_cast<int>(v.get_int("lookup.mysql.port"));
  c.mysql.database = v.get_string("lookup.mysql.database");
  c.mysql.user = v.get_string("lookup.mysql.user");
  std::string secret_error;
  if (auto pw = password(v, "lookup.mysql.password", secret_error))
    c.mysql.password = *pw;
  else
    return fail("lookup.mysql.password-file", secret_error);
  c.mysql.table = v.get_string("lookup.mysql.table");
  if (c.lookup == lookup_type::mysql)
    if (auto e = c.mysql.validate())
      return fail("lookup.mysql", *e);
  c.lookup_cache.cache_max_rows = static_cast<size_t>(
    v.get_int("lookup.cache-max-rows"));
  c.lookup_cache.cache_ttl_ms = v.get_duration_ms("lookup.cache-ttl");
  c.lookup_cache.cache_missing = v.get_bool("lookup.cache-missing");
  c.lookup_cache.unknown_label = v.get_string("lookup.unknown-label");
  c.lookup_cache.batch_size = static_cast<size_t>(v.get_int("lookup.batch-size"));
  c.lookup_retry_initial_ms = v.get_duration_ms("lookup.retry-initial");
  c.lookup_retry_max_ms = v.get_duration_ms("lookup.retry-max");

  c.ndjson_output = false;
  for (const auto& out : v.get_list("sink.outputs")) {
    if (out == "ndjson")
      c.ndjson_output = true;
    else if (out == "elasticsearch" || out == "es")
      c.es_output = true;
    else
      return fail("sink.outputs", "unknown output '" + out
                                    + "' (use ndjson and/or elasticsearch)");
  }
  if (!c.ndjson_output && !c.es_output)
    return fail("sink.outputs", "name at least one output");
  c.ndjson_dir = v.get_string("sink.ndjson.dir");
  for (const auto& url : v.get_list("sink.es.hosts")) {
    std::string e;
    auto ep = parse_es_url(url, e);
    if (!ep)
      return fail("sink.es.hosts", e);
    c.es_http.endpoints.push_back(*ep);
  }
  if (c.es_output && c.es_http.endpoints.empty())
    return fail("sink.es.hosts", "elasticsearch output needs at least one host");
  c.es_http.username = v.get_string("sink.es.username");
  if (auto pw = password(v, "sink.es.password", secret_error))
    c.es_http.password = *pw;
  else
    return fail("sink.es.password-file", secret_error);
  c.es_http.connect_timeout_ms = v.get_duration_ms("sink.es.connect-timeout");
  c.es_http.request_timeout_ms = v.get_duration_ms("sink.es.request-timeout");
  c.es_http.ca_file = v.get_string("sink.es.ca-file");
  c.es_http.verify_tls = v.get_bool("sink.es.tls-verify");
  c.es_writer.max_actions = static_cast<size_t>(
    v.get_int("sink.es.bulk-max-actions"));
  c.es_writer.max_bytes = static_cast<size_t>(v.get_bytes("sink.es.bulk-max-size"));
  c.es_writer.backoff_initial_ms = v.get_duration_ms("sink.es.backoff-initial");
  c.es_writer.backoff_max_ms = v.get_duration_ms("sink.es.backoff-max");
  c.es_writer.index_prefix = v.get_string("sink.es.index-prefix");
  c.es_writer.create_templates = v.get_bool("sink.es.create-templates");
  c.es_writer.refresh_interval_ms
    = v.get_duration_ms("sink.es.refresh-interval");
  c.es_writer.rejected_path = v.get_string("sink.es.rejected-file");
  c.es_flush_interval_ms = v.get_duration_ms("sink.es.bulk-interval");

  c.log_level = v.get_string("log.level");
  c.log_format = v.get_string("log.format");
  c.progress_interval_ms = v.get_duration_ms("progress.interval");
  if (c.sql) {
    // Each sink table's index gets a template from its columns' types; an
    // index named as one of the seed's four keeps that result's template
    // (time_str a date, as the seed's Kibana views expect).
    const auto builtin = builtin_index_mappings();
    for (const auto& index : c.sql->indices) {
      const auto known = std::find_if(
        builtin.begin(), builtin.end(),
        [&](const es_index_mapping& m) { return m.index == index; });
      if (known != builtin.end()) {
        c.es_writer.mappings.push_back(*known);
        continue;
      }
      for (const auto& query : c.sql->plan.queries) {
        const auto& sink = c.sql->script.tables.at(query.sink);
        if (sink_index_name(sink) == index) {
          c.es_writer.mappings.push_back({index, es_properties(sink)});
          break;
        }
      }
    }
  }
  return c;
}

} // namespace ubaflow
