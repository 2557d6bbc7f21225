#pragma once

// A job's validated configuration: plain values shared by coordinator and
// workers (loaded by worker/job_config_loader.hpp).

#include "common/config/connector_settings.hpp"
#include "common/time/time_zone.hpp"
#include "common/time/timestamp_policy.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ubaflow {

struct sql_job;

enum class source_type { kafka, file };
enum class lookup_type { csv, mysql, none };

/// A job's validated configuration, built once from `settings` (the option
/// table in common/config/job_options.cpp). Everything a command-line user
/// can get wrong is reported here, before any actor starts.
struct job_config {
  std::string name;
  time_zone zone = time_zone::utc();
  uint32_t parallelism = 2;
  uint32_t source_parallelism = 0;
  uint32_t key_groups = 128;
  int64_t stop_timeout_ms = 10'000;
  /// event-time.allowed-lateness: how long a fired TUMBLE or HOP window
  /// still takes late records (its row written again under its id).
  int64_t allowed_lateness_ms = 0;

  source_type source = source_type::kafka;
  std::string format = "auto";
  std::vector<std::string> files;
  uint32_t file_splits = 1;
  /// The source's partitions for source.type=file: each file cut into
  /// file_splits ranges, in file order.
  std::vector<file_range> file_ranges;
  size_t read_batch = 8192;
  size_t max_record_bytes = 1 << 20;
  kafka_settings kafka;
  int64_t kafka_startup_wait_ms = 30'000;
  int64_t partition_discovery_ms = 300'000; ///< 0: never (coordinator)
  std::string dead_letter_topic;

  timestamp_policy timestamps;
  int64_t watermark_delay_ms = 5'000;
  int64_t idle_timeout_ms = 30'000;
  int64_t flush_interval_ms = 200;
  size_t max_buffered_users = 4'000'000;
  size_t max_in_flight = 8;
  int64_t category_interval_ms = 1'000;

  lookup_type lookup = lookup_type::csv;
  std::string lookup_csv_path;
  mysql_settings mysql;
  lookup_settings lookup_cache;
  int64_t lookup_retry_initial_ms = 500;
  int64_t lookup_retry_max_ms = 30'000;

  bool ndjson_output = true;
  bool es_output = false;
  std::string ndjson_dir;
  es_http_settings es_http;
  es_writer_settings es_writer;
  int64_t es_flush_interval_ms = 200;

  std::string log_level = "info";
  std::string log_format = "text";
  int64_t progress_interval_ms = 1'000;

  /// The job (job.sql, job.sql-text or the default job, jobs/taobao.sql),
  /// compiled (common/sql/exec/sql_job.hpp); never null once loaded.
  std::shared_ptr<const sql_job> sql;
  /// The indices the job writes (names without sink.es.index-prefix): its
  /// SQL sinks'.
  std::vector<std::string> result_indices;

  /// Record format of a source slot ("json" or "csv").
  record_format format_of(const std::string& file_path) const;
};

} // namespace ubaflow
