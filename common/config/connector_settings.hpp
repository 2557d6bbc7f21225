#pragma once

// The settings of the job's connectors (Kafka, Elasticsearch, MySQL, files)
// as the job configuration holds them: plain values, shared by coordinator
// and workers. The clients that use them live in worker/source,
// worker/sink and worker/lookup.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ubaflow {

/// How a source reads its records.
enum class record_format { json, csv };

enum class startup_mode {
  earliest,      ///< from the beginning of each partition
  latest,        ///< only records produced after the start
  group_offsets, ///< the consumer group's committed offsets (else earliest)
  timestamp,     ///< the first offset at or after a point in time
};

std::optional<startup_mode> startup_mode_from_string(const std::string& text);
const char* to_string(startup_mode mode);

/// Connection and consumption settings shared by every Kafka client of the
/// job (source, dead-letter producer, metadata queries, tools).
struct kafka_settings {
  std::string bootstrap_servers = "localhost:9092";
  std::string topic = "user_behavior";
  std::string group_id = "ubaflow";
  startup_mode startup = startup_mode::earliest;
  int64_t startup_timestamp_ms = 0; ///< epoch millis, for startup_mode::timestamp
  /// Stop at the partitions' ends as of start-up (bounded run).
  bool bounded = false;
  /// librdkafka properties passed through (security.protocol, sasl.*,
  /// ssl.*, fetch tuning, ...), applied last.
  std::vector<std::pair<std::string, std::string>> properties;
};

/// One Elasticsearch node address: http[s]://host[:port][/path-prefix].
struct es_endpoint {
  bool tls = false;
  std::string host;
  std::string port = "9200";
  std::string path_prefix; ///< without trailing slash, e.g. "/es"

  std::string url() const;
};


struct es_http_settings {
  std::vector<es_endpoint> endpoints;
  std::string username;
  std::string password; ///< never logged
  int64_t connect_timeout_ms = 5'000;
  int64_t request_timeout_ms = 30'000;
  std::string ca_file;     ///< extra CA bundle for https; system CAs otherwise
  bool verify_tls = true;  ///< check the server certificate and host name
  size_t max_response_bytes = 64 * 1024 * 1024;
};

/// The field mappings of one index a job writes: the members of its
/// template's "properties" object, as JSON text ("\"uv\":{\"type\":\"long\"}").
struct es_index_mapping {
  std::string index; ///< without the prefix
  std::string properties;
};

struct es_writer_settings {
  size_t max_actions = 1000;            ///< Flink's sink.bulk-flush.max-actions
  size_t max_bytes = 2 * 1024 * 1024;   ///< sink.bulk-flush.max-size
  int64_t backoff_initial_ms = 100;
  int64_t backoff_max_ms = 30'000;
  std::string index_prefix;
  bool create_templates = true;
  /// The indices' refresh_interval (their templates'): how soon a written
  /// document is searchable.
  int64_t refresh_interval_ms = 500;
  /// Append documents Elasticsearch refused for good (as NDJSON with the
  /// error) to this file; empty: log and count only.
  std::string rejected_path;
  /// The indices' templates; empty: the seed's four results'.
  std::vector<es_index_mapping> mappings;
};

/// Where the category table lives in MySQL/MariaDB.
struct mysql_settings {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string database = "flink";
  std::string user = "root";
  std::string password; ///< from the environment or a file, never logged
  std::string table = "category";
  int connect_timeout_s = 5;
  int read_timeout_s = 10;

  /// Checks identifiers and the password's characters; returns an error.
  std::optional<std::string> validate() const;
};

struct lookup_settings {
  size_t cache_max_rows = 5000;
  int64_t cache_ttl_ms = 10 * 60 * 1000;
  bool cache_missing = true;
  /// Parent name under which buys of unknown sub-categories are counted
  /// (a LEFT join's NULL).
  std::string unknown_label = "unknown";
  /// Ids per query.
  size_t batch_size = 500;
};

/// A byte range of an input file that one source slot reads: from `begin`
/// (always the start of a line) to `end` (exclusive; -1 for end of file).
/// Ranges let several workers share one large file, as Flink's file source
/// splits do; each range is a partition of its own, with its own watermark.
struct file_range {
  std::string path;
  int64_t begin = 0;
  int64_t end = -1;
  uint32_t index = 0; ///< which of the file's ranges
  uint32_t of = 1;    ///< how many ranges the file was cut into

  /// "path" for a whole file, "path[k/n]" (1-based) for one of n ranges.
  std::string name() const;
};

} // namespace ubaflow
