#include "common/config/job_options.hpp"

namespace ubaflow {

namespace {

option_set make_job_options() {
  using t = option_type;
  option_set o{"run"};
  // -- job ----------------------------------------------------------------
  o.add("job.name", t::string, "ubaflow", "Name of the job in logs.");
  o.add("job.time-zone", t::string, "Asia/Shanghai",
        "Zone of the event-time wall clock: timestamps without a zone are "
        "read in it, and windows and days are aligned to it (IANA name, "
        "UTC, or an offset such as +08:00).");
  o.add("job.parallelism", t::integer, "2",
        "Number of keyed-state owners (window/aggregate "
        "subtasks); each owns a contiguous range of key groups.")
      .bounded(1, 1024);
  o.add("job.source-parallelism", t::integer, "0",
        "Number of source tasks; 0 means one per partition or "
        "file, at most 4.")
      .bounded(0, 1024);
  o.add("job.key-groups", t::integer, "128",
        "Number of key groups (Flink's max parallelism): the unit "
        "in which keyed state is owned and moved.")
      .bounded(1, 32768);
  o.add("job.stop-timeout", t::duration, "10s",
        "On SIGINT/SIGTERM, how long to keep trying to write pending "
        "results before exiting anyway (what is left is reported).");
  o.add("job.results", t::list,
        "buy_cnt_per_hour,cumulative_uv,cumulative_uv_daily,top_category",
        "The indices whose INSERTs run (the job's others are left out); by "
        "default all. The default job writes buy_cnt_per_hour, "
        "cumulative_uv, cumulative_uv_daily and top_category.");
  o.add("job.sql", t::string, "",
        "The job: a SQL script (docs/sql.md); empty for the default job, "
        "jobs/taobao.sql as built into the binary. Its tables' connector "
        "options are the "
        "defaults of the kafka.*, source.*, sink.es.* and lookup.* options "
        "they map to; the command line, environment and config file still "
        "win.");
  o.add("job.sql-text", t::string, "",
        "The SQL script itself instead of a file (job.sql): what a "
        "coordinator hands its workers.");
  // -- source ---------------------------------------------------------------
  o.add("source.type", t::choice, "kafka",
        "Where events come from: a Kafka topic, or files (bounded).",
        {"kafka", "file"});
  o.add("source.format", t::choice, "auto",
        "Record format: the seed's JSON messages, or Tianchi CSV lines "
        "(user_id,item_id,category_id,behavior,timestamp). auto: JSON "
        "for Kafka, by file extension (.csv) for files.",
        {"auto", "json", "csv"});
  o.add("source.files", t::list, "",
        "Input files for source.type=file, one slot each ('-' is "
        "standard input).");
  o.add("source.file-splits", t::integer, "1",
        "Cut each input file into this many byte ranges (at line starts), "
        "each a partition of its own with its own watermark, so that "
        "several readers and workers share one large file (Flink's file "
        "splits). Standard input cannot be split.")
      .bounded(1, 1024);
  o.add("source.read-batch", t::integer, "8192",
        "Records taken from the source per read.")
      .bounded(1, 1'000'000);
  o.add("source.max-record-size", t::bytes, "1mb",
        "Largest record (Kafka message or file line) that is parsed; larger "
        "ones are rejected as record_too_large (a file line is skipped "
        "without being kept in memory).")
      .bounded(256, 256LL << 20);
  // -- kafka ----------------------------------------------------------------
  o.add("kafka.bootstrap-servers", t::string, "localhost:9092",
        "Kafka bootstrap servers (host:port,...).");
  o.add("kafka.topic", t::string, "user_behavior", "Topic to read.");
  o.add("kafka.group-id", t::string, "ubaflow",
        "Consumer group for committed offsets (partitions are assigned "
        "by ubaflow, not by the group).");
  o.add("kafka.startup-mode", t::choice, "earliest",
        "Where to start reading when no checkpoint says otherwise.",
        {"earliest", "latest", "group-offsets", "timestamp"});
  o.add("kafka.startup-timestamp", t::string, "",
        "For startup-mode=timestamp: epoch millis or "
        "'yyyy-MM-dd HH:mm:ss' in the job's zone.");
  o.add("kafka.bounded", t::boolean, "false",
        "Stop at the partitions' ends as of start-up (the high watermarks "
        "of the first fetch) and then fire all windows (a bounded run).");
  o.add("kafka.properties", t::kv_list, "",
        "librdkafka properties passed through, ';'-separated "
        "(security.protocol=SASL_SSL;sasl.mechanisms=PLAIN;...).");
  o.add_secret("kafka.sasl-password",
               "SASL password (librdkafka sasl.password).");
  o.add_secret("kafka.ssl-key-password",
               "Password of the client's TLS key (ssl.key.password).");
  o.add("kafka.partition-discovery-interval", t::duration, "5min",
        "How often the coordinator asks whether the topic has gained "
        "partitions (Flink's scan.topic-partition-discovery.interval); new "
        "ones are read from their beginning after a redeployment from the "
        "latest checkpoint. 0: never. ubaflow run reads the partitions it "
        "found at start.");
  o.add("kafka.startup-wait", t::duration, "30s",
        "How long to wait for the Kafka cluster at start-up before "
        "giving up.");
  o.add("kafka.dead-letter-topic", t::string, "",
        "Send rejected records to this topic with the reason in headers "
        "(empty: off).");
  // -- event time -------------------------------------------------------------
  o.add("event-time.watermark-delay", t::duration, "5s",
        "Not read: the source table's WATERMARK FOR ts AS ts - INTERVAL … "
        "gives the bounded out-of-orderness (kept so that older "
        "configurations load).");
  o.add("event-time.idle-timeout", t::duration, "30s",
        "A partition without records for this long stops holding back "
        "the watermark (0: never).");
  o.add("event-time.allowed-lateness", t::duration, "0",
        "Late records within this time after a window's end still update "
        "buy_cnt_per_hour and cumulative_uv, or a SQL job's TUMBLE and HOP "
        "windows (rows are re-emitted).");
  o.add("event-time.valid-from", t::string, "",
        "Earliest plausible event time ('yyyy-MM-dd HH:mm:ss' in the "
        "job's zone); earlier records are rejected as "
        "timestamp_out_of_range (empty: no bound).");
  o.add("event-time.valid-until", t::string, "",
        "Latest plausible event time, inclusive (empty: no bound).");
  o.add("event-time.max-future", t::duration, "1h",
        "Records whose time lies more than this ahead of the wall clock are "
        "rejected as timestamp_in_future, so that one bad clock cannot drag "
        "the watermark into the future (a replay of old data is not "
        "affected); 0: no such check.");
  o.add("event-time.z-as-local", t::boolean, "false",
        "Read a trailing 'Z' as the job zone's wall clock, as the seed's "
        "datagen.py means it, instead of UTC.");
  // -- pre-aggregation and exchange ------------------------------------------
  o.add("preagg.flush-interval", t::duration, "200ms",
        "How often a source task sends its partials and watermark "
        "to the owners.")
      .bounded(1, 3'600'000);
  o.add("preagg.max-buffered-users", t::integer, "4000000",
        "Flush early once this many user ids are buffered (a SQL job: "
        "groups plus values of distinct counts).")
      .bounded(1000, 1'000'000'000);
  o.add("exchange.max-in-flight", t::integer, "8",
        "Unacknowledged batches per source and owner before the "
        "source stops reading (back-pressure).")
      .bounded(1, 1024);
  // -- results ----------------------------------------------------------------
  o.add("results.top-category-interval", t::duration, "1s",
        "Mini-batch interval of the upserts of running (non-windowed) "
        "queries, e.g. top_category.")
      .bounded(1, 3'600'000);
  // -- lookup -----------------------------------------------------------------
  o.add("lookup.source", t::choice, "csv",
        "Where a jdbc lookup table is read from: MySQL/MariaDB (a jdbc "
        "table's default), a CSV file (lookup.csv-path), or none (a job "
        "that joins one cannot run).",
        {"csv", "mysql", "none"});
  o.add("lookup.csv-path", t::string, "data/category.csv",
        "CSV file read for a jdbc lookup table with lookup.source=csv (its "
        "columns in the table's order; a header line is skipped).");
  o.add("lookup.mysql.host", t::string, "127.0.0.1", "MySQL host.");
  o.add("lookup.mysql.port", t::integer, "3306", "MySQL port.")
      .bounded(1, 65535);
  o.add("lookup.mysql.database", t::string, "flink", "MySQL database.");
  o.add("lookup.mysql.user", t::string, "root", "MySQL user.");
  o.add_secret("lookup.mysql.password", "MySQL password.");
  o.add("lookup.mysql.password-file", t::string, "",
        "File holding the MySQL password (first line).");
  o.add("lookup.mysql.table", t::string, "category",
        "MySQL table of the lookup dimension (the script's 'table-name').");
  o.add("lookup.cache-max-rows", t::integer, "5000",
        "Not read: a dimension is held whole (Flink's "
        "lookup.cache.max-rows is accepted for its scripts).")
      .bounded(0, 100'000'000);
  o.add("lookup.cache-ttl", t::duration, "10min",
        "A lookup dimension is read again this often, in the background "
        "(Flink's lookup.cache.ttl).");
  o.add("lookup.cache-missing", t::boolean, "true",
        "Not read (Flink's caching-missing-key is accepted for its "
        "scripts).");
  o.add("lookup.unknown-label", t::string, "unknown",
        "Not read: a script says what a missing row gives (jobs/taobao.sql: "
        "CASE WHEN c.parent_category_name IS NULL THEN 'unknown' …).");
  o.add("lookup.batch-size", t::integer, "500",
        "Not read: a dimension is read whole, not per key.")
      .bounded(1, 10'000);
  o.add("lookup.retry-initial", t::duration, "500ms",
        "First retry delay after a failed read of a dimension (doubles up "
        "to lookup.retry-max).");
  o.add("lookup.retry-max", t::duration, "30s", "Longest retry delay.");
  // -- sinks ------------------------------------------------------------------
  o.add("sink.outputs", t::list, "ndjson",
        "Where results go: ndjson, elasticsearch, or both.");
  o.add("sink.ndjson.dir", t::string, "ubaflow-output",
        "Directory of the NDJSON result files (one per index).");
  o.add("sink.es.hosts", t::list, "http://localhost:9200",
        "Elasticsearch 7 nodes (http[s]://host:port[/prefix]).");
  o.add("sink.es.username", t::string, "", "Basic-auth user.");
  o.add_secret("sink.es.password", "Basic-auth password.");
  o.add("sink.es.password-file", t::string, "",
        "File holding the basic-auth password (first line).");
  o.add("sink.es.index-prefix", t::string, "",
        "Prefix for the four index names.");
  o.add("sink.es.bulk-max-actions", t::integer, "1000",
        "Flush a bulk request at this many documents.")
      .bounded(1, 100'000);
  o.add("sink.es.bulk-max-size", t::bytes, "2mb",
        "Flush a bulk request at this many bytes.")
      .bounded(1024, 1LL << 31);
  o.add("sink.es.bulk-interval", t::duration, "200ms",
        "Flush pending documents at least this often (results are few: a "
        "short interval keeps dashboards close to the watermark).")
      .bounded(1, 3'600'000);
  o.add("sink.es.connect-timeout", t::duration, "5s", "Connect timeout.");
  o.add("sink.es.request-timeout", t::duration, "30s",
        "Timeout of one HTTP request.");
  o.add("sink.es.backoff-initial", t::duration, "100ms",
        "First retry delay after a failed bulk request.");
  o.add("sink.es.backoff-max", t::duration, "30s", "Longest retry delay.");
  o.add("sink.es.ca-file", t::string, "",
        "CA certificates for https (system CAs otherwise).");
  o.add("sink.es.tls-verify", t::boolean, "true",
        "Verify the server certificate and host name.");
  o.add("sink.es.create-templates", t::boolean, "true",
        "Install index templates with date mappings at start-up.");
  o.add("sink.es.refresh-interval", t::duration, "500ms",
        "The indices' refresh_interval in their templates: how soon a "
        "written document is searchable (Elasticsearch's default is 1s).")
      .bounded(1, 3'600'000);
  o.add("sink.es.rejected-file", t::string, "",
        "Append documents Elasticsearch refuses for good to this file.");
  // -- operations -------------------------------------------------------------
  o.add("log.level", t::choice, "info", "Log level.",
        {"trace", "debug", "info", "warn", "error", "off"});
  o.add("log.format", t::choice, "text",
        "Log lines as text, or as one JSON object per line (time, level, "
        "logger, message, fields) for log collectors.",
        {"text", "json"});
  o.add("progress.interval", t::duration, "1s",
        "Print a progress line this often (0: never).");
  return o;
}

} // namespace

const option_set& job_options() {
  static const option_set options = make_job_options();
  return options;
}

} // namespace ubaflow
