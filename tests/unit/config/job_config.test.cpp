#include "common/sql/exec/sql_job.hpp"
#include "worker/job_config_loader.hpp"

#include "common/config/job_options.hpp"
#include "common/time/civil.hpp"
#include "tests/unit/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace ubaflow;

namespace {

/// Settings from command-line arguments only (the process environment is
/// deliberately not consulted).
settings args(std::vector<std::string> list) {
  auto r = resolve_settings(job_options(), list,
                            [](const std::string&) { return std::optional<std::string>{}; });
  REQUIRE_MESSAGE(r.values, r.error);
  return *r.values;
}

job_config load(std::vector<std::string> list) {
  std::string error;
  auto c = load_job_config(args(std::move(list)), error);
  REQUIRE_MESSAGE(c, error);
  CHECK(error.empty());
  return *c;
}

std::string error_of(std::vector<std::string> list) {
  std::string error;
  auto c = load_job_config(args(std::move(list)), error);
  CHECK_FALSE(c);
  return error;
}

/// Runs in a fresh directory holding empty files with the given names, so
/// that relative source.files exist; restores the working directory.
class files_here {
public:
  explicit files_here(std::initializer_list<const char*> names)
    : previous_(std::filesystem::current_path()) {
    std::filesystem::current_path(dir_.path());
    for (const char* name : names)
      std::ofstream{name};
  }
  ~files_here() { std::filesystem::current_path(previous_); }

private:
  test::temp_dir dir_;
  std::filesystem::path previous_;
};

event_time local(int64_t y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return days_from_civil(y, mo, d) * ms_per_day + h * ms_per_hour + mi * ms_per_minute
         + s * ms_per_second;
}

} // namespace

TEST_SUITE("job_config") {
  TEST_CASE("the defaults make a valid job") {
    auto c = load({});
    CHECK(c.name == "ubaflow");
    CHECK(c.zone.name() == "Asia/Shanghai");
    CHECK(c.parallelism == 2);
    CHECK(c.key_groups == 128);
    CHECK(c.source == source_type::kafka);
    // The default job: jobs/taobao.sql, compiled in.
    REQUIRE(c.sql);
    CHECK(c.sql->path == "jobs/taobao.sql");
    CHECK(c.result_indices
          == std::vector<std::string>{"buy_cnt_per_hour", "cumulative_uv",
                                      "cumulative_uv_daily", "top_category"});
    CHECK(c.allowed_lateness_ms == 0);
    CHECK(c.watermark_delay_ms == 5'000);
    CHECK(c.idle_timeout_ms == 30'000);
    CHECK(c.timestamps.zone.name() == "Asia/Shanghai");
    CHECK_FALSE(c.timestamps.z_as_local);
    CHECK(c.timestamps.valid_from == min_event_time);
    CHECK(c.timestamps.valid_until == max_event_time);
    CHECK(c.lookup == lookup_type::mysql); // the script's jdbc dimension
    CHECK(c.lookup_cache.cache_max_rows == 5'000);
    CHECK(c.lookup_cache.cache_ttl_ms == 600'000);
    CHECK(c.lookup_cache.batch_size == 500);
    CHECK(c.ndjson_output);
    CHECK_FALSE(c.es_output);
    REQUIRE(c.es_http.endpoints.size() == 1);
    CHECK(c.es_http.endpoints[0].host == "localhost");
    CHECK(c.es_http.endpoints[0].port == "9200");
    CHECK_FALSE(c.es_http.endpoints[0].tls);
    CHECK(c.es_writer.max_bytes == 2 * 1024 * 1024);
    CHECK(c.log_level == "info");
  }

  TEST_CASE("values are converted") {
    files_here files{"a.csv", "b.json", "x.csv"};
    auto c = load({"--job.time-zone=+05:30", "--job.results=cumulative_uv_daily,top_category",
                   "--event-time.allowed-lateness=2min", "--event-time.z-as-local",
                   "--event-time.valid-from=2017-11-25 00:00:00",
                   "--event-time.valid-until=2017-12-03 23:59:59",
                   "--source.type=file", "--source.files=a.csv,b.json",
                   "--sink.outputs=ndjson,es", "--sink.es.hosts=https://es.example:9243/es/",
                   "--lookup.source=none", "--job.parallelism=4", "--job.key-groups=4"});
    CHECK(c.zone.name() == "+05:30");
    CHECK(c.result_indices
          == std::vector<std::string>{"cumulative_uv_daily", "top_category"});
    CHECK(c.allowed_lateness_ms == 120'000);
    CHECK(c.timestamps.z_as_local);
    CHECK(c.timestamps.valid_from == local(2017, 11, 25));
    CHECK(c.timestamps.valid_until == local(2017, 12, 3, 23, 59, 59));
    CHECK(c.source == source_type::file);
    CHECK(c.files == std::vector<std::string>{"a.csv", "b.json"});
    CHECK(c.format_of("a.csv") == record_format::csv);
    CHECK(c.format_of("DATA.CSV") == record_format::csv);
    CHECK(c.format_of("b.json") == record_format::json);
    CHECK(c.format_of("csv") == record_format::json);
    CHECK(c.es_output);
    CHECK(c.ndjson_output);
    REQUIRE(c.es_http.endpoints.size() == 1);
    CHECK(c.es_http.endpoints[0].tls);
    CHECK(c.es_http.endpoints[0].host == "es.example");
    CHECK(c.es_http.endpoints[0].port == "9243");
    CHECK(c.es_http.endpoints[0].path_prefix == "/es");
    CHECK(c.lookup == lookup_type::none);
    CHECK(c.parallelism == 4);

    auto forced = load({"--source.format=json", "--source.type=file", "--source.files=x.csv"});
    CHECK(forced.format_of("x.csv") == record_format::json);
  }

  TEST_CASE("valid-range bounds given as epoch numbers are instants") {
    auto c = load({"--event-time.valid-from=1511539200000"});
    CHECK(c.timestamps.valid_from == local(2017, 11, 25)); // midnight in Beijing
  }

  TEST_CASE("a bad time zone") {
    const auto e = error_of({"--job.time-zone=Mars/Olympus"});
    CHECK(e.rfind("--job.time-zone: ", 0) == 0);
    CHECK(e.find("Mars/Olympus") != std::string::npos);
  }

  TEST_CASE("bad results") {
    CHECK(error_of({"--job.results=buy_cnt_per_hour,top_categories"})
          == "--job.results: jobs/taobao.sql: no INSERT of the script writes "
             "index 'top_categories' (it writes 'buy_cnt_per_hour', "
             "'cumulative_uv', 'cumulative_uv_daily', 'top_category')");
    CHECK(error_of({"--job.results= , "}) == "--job.results: name at least one result");
  }

  TEST_CASE("parallelism beyond the key groups") {
    CHECK(error_of({"--job.parallelism=5", "--job.key-groups=4"})
          == "--job.parallelism: cannot exceed job.key-groups (4)");
    CHECK(load({"--job.parallelism=4", "--job.key-groups=4"}).parallelism == 4);
  }

  TEST_CASE("a file source needs files") {
    CHECK(error_of({"--source.type=file", "--source.files=no-such-file.jsonl"})
          == "--source.files: cannot read 'no-such-file.jsonl'");
    CHECK(error_of({"--source.type=file"})
          == "--source.files: source.type=file needs at least one file");
  }

  TEST_CASE("bad Elasticsearch URLs") {
    CHECK(error_of({"--sink.es.hosts=ftp://es:9200"})
          == "--sink.es.hosts: 'ftp://es:9200' is not an http:// or https:// URL");
    CHECK(error_of({"--sink.es.hosts=localhost:9200"})
          == "--sink.es.hosts: 'localhost:9200' is not an http:// or https:// URL");
    CHECK(error_of({"--sink.es.hosts=http://user:pw@es:9200"})
          == "--sink.es.hosts: 'http://user:pw@es:9200' carries credentials; set "
             "sink.es.username and the password through the environment or a file instead");
    CHECK(error_of({"--sink.es.hosts=http://es:port"})
          == "--sink.es.hosts: 'http://es:port' has no valid host and port");
    CHECK(error_of({"--sink.es.hosts=http://:9200"})
          == "--sink.es.hosts: 'http://:9200' has no valid host and port");
    CHECK(error_of({"--sink.es.hosts=http://es:"})
          == "--sink.es.hosts: 'http://es:' has no valid host and port");
    CHECK(error_of({"--sink.outputs=elasticsearch", "--sink.es.hosts="})
          == "--sink.es.hosts: elasticsearch output needs at least one host");
  }

  TEST_CASE("bad outputs") {
    CHECK(error_of({"--sink.outputs=kafka"})
          == "--sink.outputs: unknown output 'kafka' (use ndjson and/or elasticsearch)");
    CHECK(error_of({"--sink.outputs=,"}) == "--sink.outputs: name at least one output");
  }

  TEST_CASE("a bad valid range") {
    CHECK(error_of({"--event-time.valid-from=2017-12-04 00:00:00",
                    "--event-time.valid-until=2017-12-03 23:59:59"})
          == "--event-time.valid-from: is after event-time.valid-until");
    CHECK(error_of({"--event-time.valid-from=yesterday"})
          == "--event-time.valid-from: 'yesterday' is not 'yyyy-MM-dd HH:mm:ss' or epoch millis");
    CHECK(error_of({"--event-time.valid-until=2017-02-30 00:00:00"})
          == "--event-time.valid-until: '2017-02-30 00:00:00' is not 'yyyy-MM-dd HH:mm:ss' or "
             "epoch millis");
    // Equal bounds are a valid (one-millisecond) range.
    auto c = load({"--event-time.valid-from=2017-12-03 00:00:00",
                   "--event-time.valid-until=2017-12-03 00:00:00"});
    CHECK(c.timestamps.valid_from == c.timestamps.valid_until);
  }

  TEST_CASE("startup-mode=timestamp needs a time") {
    CHECK(error_of({"--kafka.startup-mode=timestamp"})
          == "--kafka.startup-timestamp: startup-mode=timestamp needs a time ('yyyy-MM-dd "
             "HH:mm:ss' or epoch millis)");
    auto c = load({"--kafka.startup-mode=timestamp",
                   "--kafka.startup-timestamp=2017-11-25 00:00:00"});
    CHECK(c.kafka.startup_timestamp_ms == 1'511'539'200'000); // an instant, in UTC
  }

  TEST_CASE("an empty topic for a Kafka source") {
    files_here files{"x"};
    CHECK(error_of({"--kafka.topic="}) == "--kafka.topic: must not be empty");
    CHECK(load({"--kafka.topic=", "--source.type=file", "--source.files=x"}).files.size() == 1);
  }

  TEST_CASE("MySQL settings are only checked when MySQL is used") {
    CHECK(error_of({"--lookup.source=mysql", "--lookup.mysql.table=bad-name"})
          == "--lookup.mysql: 'bad-name' is not a plain SQL identifier (letters, digits, _)");
    CHECK(load({"--lookup.source=csv", "--lookup.mysql.table=bad-name"}).mysql.table
          == "bad-name");
  }

  TEST_CASE("password files") {
    test::temp_dir dir;
    const auto file = dir.write("pw", "s3cret\r\nsecond line\n");
    auto c = load({"--lookup.mysql.password-file=" + file, "--sink.es.password-file=" + file});
    CHECK(c.mysql.password == "s3cret");
    CHECK(c.es_http.password == "s3cret");
    const auto missing = dir.file("missing");
    CHECK(error_of({"--lookup.mysql.password-file=" + missing})
          == "--lookup.mysql.password-file: cannot read secret file '" + missing + "'");
    CHECK(error_of({"--sink.es.password-file=" + missing})
          == "--sink.es.password-file: cannot read secret file '" + missing + "'");
    std::string error;
    CHECK(read_secret_file(dir.write("empty", ""), error) == std::string{});
    CHECK(read_secret_file(dir.write("nl", "\n"), error) == std::string{});
  }

  TEST_CASE("unknown librdkafka properties are rejected up front") {
    const auto e = error_of({"--kafka.properties=no.such.property=1"});
    CHECK(e.rfind("--kafka.properties: ", 0) == 0);
    CHECK(e.find("no.such.property") != std::string::npos);
  }
}
