// A job written in SQL as configuration (worker/sql_job_settings): the
// script from a file or as text, its connector options as defaults of the
// job's options (what is set elsewhere wins), ${VAR} from the environment,
// and what the engine cannot run refused with the line and column.

#include "common/config/job_options.hpp"
#include "worker/job_config_loader.hpp"
#include "worker/sql_job_settings.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <set>

using namespace ubaflow;

namespace {

settings job_settings(std::vector<std::string> args) {
  auto resolved = resolve_settings(job_options(), args, [](const std::string&) {
    return std::optional<std::string>{};
  });
  REQUIRE_MESSAGE(resolved.values, resolved.error);
  return *resolved.values;
}

constexpr const char* script = R"(
CREATE TABLE clicks (user_id BIGINT, behavior STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'clicks',
        'properties.bootstrap.servers' = 'kafka-1:9092',
        'properties.group.id' = '${UBAFLOW_TEST_GROUP}', 'format' = 'json');
CREATE TABLE per_minute (w TIMESTAMP(3), n BIGINT, PRIMARY KEY (w) NOT ENFORCED
) WITH ('connector' = 'elasticsearch-7', 'hosts' = 'http://es:9200',
        'index' = 'clicks_per_minute');
INSERT INTO per_minute
SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts),
  INTERVAL '1' MINUTE)) GROUP BY window_start, window_end;
)";

} // namespace

TEST_SUITE("sql.engine.settings") {

TEST_CASE("no script: the default job, jobs/taobao.sql as this build has it") {
  auto values = job_settings({"--lookup.source", "csv"});
  std::string error;
  auto job = load_sql_job(values, error);
  REQUIRE_MESSAGE(job, error);
  CHECK(job->path == "jobs/taobao.sql");
  std::string file;
  REQUIRE(read_sql_script(UBAFLOW_SOURCE_DIR "/jobs/taobao.sql", file, error));
  CHECK(job->text == file);
  CHECK(job->indices.size() == 4);
  CHECK(values.get_string("lookup.source") == "csv"); // said, so it holds
  auto bare = job_settings({});
  REQUIRE(load_sql_job(bare, error));
  CHECK(bare.get_string("lookup.source") == "mysql"); // the jdbc table's
}

TEST_CASE("the script's connector options are defaults; the command line wins") {
  ::setenv("UBAFLOW_TEST_GROUP", "analytics", 1);
  auto values = job_settings({"--job.sql-text", script, "--kafka.topic", "mine"});
  std::string error;
  auto job = load_sql_job(values, error);
  REQUIRE_MESSAGE(job, error);
  CHECK(values.get_string("kafka.topic") == "mine");
  CHECK(values.get_string("kafka.bootstrap-servers") == "kafka-1:9092");
  CHECK(values.get_string("kafka.group-id") == "analytics");
  CHECK(values.origin_of("kafka.bootstrap-servers") == value_origin::config_file);
  CHECK(job->indices == std::vector<std::string>{"clicks_per_minute"});
  CHECK(source_watermark_delay_ms(*job) == 2000);
  CHECK(job->state_layout.rfind("sql-plan=", 0) == 0);
  {
    // Comments and blank lines do not change the state's layout; a query
    // does.
    auto moved = job_settings({"--job.sql-text", "-- a comment\n\n" + std::string{script}});
    auto same = load_sql_job(moved, error);
    REQUIRE_MESSAGE(same, error);
    CHECK(same->state_layout == job->state_layout);
    std::string other = script;
    other.replace(other.find("COUNT(*)"), 8, "COUNT(user_id)");
    auto changed = job_settings({"--job.sql-text", other});
    auto different = load_sql_job(changed, error);
    REQUIRE_MESSAGE(different, error);
    CHECK(different->state_layout != job->state_layout);
  }
  {
    // jobs/taobao.sql's layout: planner rewrites such as filter pushdown
    // do not change it. A change here refuses users' savepoints; make it
    // only on purpose. (Changed once, on purpose, when its UV queries
    // were routed by distinct value with a combiner: their state is kept
    // per key group of the values since; docs/operations.md.)
    auto taobao = job_settings({"--job.sql", UBAFLOW_SOURCE_DIR "/jobs/taobao.sql"});
    auto seed_job = load_sql_job(taobao, error);
    REQUIRE_MESSAGE(seed_job, error);
    CHECK(seed_job->state_layout == "sql-plan=fb8ec568ddc8075d");
  }
  // What the REST API shows with the job graph's vertices.
  CHECK(job->source_sql.rfind("CREATE TABLE clicks (", 0) == 0);
  REQUIRE(job->insert_sql.size() == 1);
  CHECK(job->insert_sql[0].rfind("INSERT INTO per_minute\nSELECT", 0) == 0);

  // The job's configuration: the script's index, no built-in result.
  auto config = load_job_config(job_settings({"--job.sql-text", script}), error);
  REQUIRE_MESSAGE(config, error);
  REQUIRE(config->sql);
  CHECK(config->result_indices == std::vector<std::string>{"clicks_per_minute"});
  CHECK_FALSE(job_needs_combiner(*config));
  ::unsetenv("UBAFLOW_TEST_GROUP");
}

TEST_CASE("a jdbc dimension makes MySQL the lookup's default source") {
  const std::string with_dimension = R"(
CREATE TABLE src (user_id BIGINT, ts TIMESTAMP(3), proctime AS PROCTIME(),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'src',
        'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
CREATE TABLE dim (id BIGINT, name STRING) WITH ('connector' = 'jdbc',
  'url' = 'jdbc:mysql://db.internal:3307/shop', 'table-name' = 'category');
CREATE TABLE per_name (name STRING, n BIGINT, PRIMARY KEY (name) NOT ENFORCED
) WITH ('connector' = 'elasticsearch-7', 'hosts' = 'http://es:9200', 'index' = 'per_name');
INSERT INTO per_name SELECT d.name, COUNT(*) FROM src AS s
LEFT JOIN dim FOR SYSTEM_TIME AS OF s.proctime AS d ON s.user_id = d.id GROUP BY d.name;
)";
  std::string error;
  auto values = job_settings({"--job.sql-text", with_dimension});
  auto job = load_sql_job(values, error);
  REQUIRE_MESSAGE(job, error);
  CHECK(values.get_string("lookup.source") == "mysql");
  CHECK(values.get_string("lookup.mysql.host") == "db.internal");
  CHECK(values.get_int("lookup.mysql.port") == 3307);
  CHECK(values.get_string("lookup.mysql.table") == "category");
  values = job_settings({"--job.sql-text", with_dimension, "--lookup.source", "csv"});
  REQUIRE(load_sql_job(values, error));
  CHECK(values.get_string("lookup.source") == "csv");
}

TEST_CASE("a password written in the script is not shown") {
  std::string with_password = script;
  with_password.replace(with_password.find("'format' = 'json'"), 17,
                        "'format' = 'json', 'properties.sasl.password' = 'hunter2'");
  std::string error;
  auto values = job_settings({"--job.sql-text", with_password});
  auto job = load_sql_job(values, error);
  REQUIRE_MESSAGE(job, error);
  CHECK(job->source_sql.find("hunter2") == std::string::npos);
  CHECK(job->source_sql.find("'properties.sasl.password' = '******'") != std::string::npos);
}

TEST_CASE("an unset ${VAR} leaves its option at the default") {
  ::unsetenv("UBAFLOW_TEST_GROUP");
  auto values = job_settings({"--job.sql-text", script});
  const auto before = job_settings({}).get_string("kafka.group-id");
  std::string error;
  REQUIRE(load_sql_job(values, error));
  CHECK(values.get_string("kafka.group-id") == before);
}

TEST_CASE("what the engine cannot run is refused with its position") {
  std::string error;
  auto values = job_settings({"--job.sql", "/nonexistent/job.sql"});
  CHECK_FALSE(load_sql_job(values, error));
  CHECK(error.find("cannot read /nonexistent/job.sql") != std::string::npos);

  // A query without aggregation runs (its rows go to the sink as they
  // come).
  std::string unaggregated = script;
  unaggregated.replace(unaggregated.find("INSERT INTO"), std::string::npos,
                       "INSERT INTO per_minute SELECT ts, user_id FROM clicks;\n");
  values = job_settings({"--job.sql-text", unaggregated});
  CHECK_MESSAGE(load_sql_job(values, error), error);
  // Its index is a row stream: not kept as the latest results.
  CHECK(row_stream_indices(*load_sql_job(values, error))
        == std::set<std::string>{"clicks_per_minute"});
  // Beside another query into the same keyed table, the order of their
  // upserts would not be defined: refused.
  std::string beside = std::string{script}
                       + "INSERT INTO per_minute SELECT ts, user_id FROM clicks;\n";
  values = job_settings({"--job.sql-text", beside});
  CHECK_FALSE(load_sql_job(values, error));
  CHECK_MESSAGE(error.find("INSERT INTO per_minute has no aggregation and another "
                           "INSERT writes the same keyed table")
                  != std::string::npos,
                error);

  std::string bad_index = script;
  bad_index.replace(bad_index.find("clicks_per_minute"), 17, "Clicks/Minute");
  values = job_settings({"--job.sql-text", bad_index});
  CHECK_FALSE(load_sql_job(values, error));
  CHECK(error.find("index 'Clicks/Minute'") != std::string::npos);

  // job.results names the indices whose INSERTs run; one the script does
  // not write is refused with the ones it does.
  CHECK_FALSE(load_job_config(job_settings({"--job.sql-text", script,
                                            "--job.results", "top_category"}),
                              error));
  CHECK_MESSAGE(error.find("--job.results: job.sql-text: no INSERT of the "
                           "script writes index 'top_category' (it writes "
                           "'clicks_per_minute')")
                  != std::string::npos,
                error);
  // Allowed lateness applies to a script's TUMBLE and HOP windows.
  const auto late = load_job_config(
    job_settings({"--job.sql-text", script, "--event-time.allowed-lateness", "1m"}),
    error);
  REQUIRE_MESSAGE(late, error);
  CHECK(late->allowed_lateness_ms == 60'000);

  // --source.format csv reads the files as CSV, whatever they are called.
  const auto csv = load_job_config(job_settings({"--job.sql-text", script,
                                                 "--source.format", "csv",
                                                 "--source.type", "file",
                                                 "--source.files",
                                                 UBAFLOW_SOURCE_DIR "/data/category.csv"}),
                                   error);
  REQUIRE_MESSAGE(csv, error);
  CHECK(csv->format_of(UBAFLOW_SOURCE_DIR "/data/category.csv") == record_format::csv);

  // A Kafka table's 'json' leaves files to their extension, as the
  // built-in job reads them: a .csv file is CSV, anything else JSON; an
  // explicit --source.format wins; a Kafka table's 'csv' holds for files.
  const auto by_extension = load_job_config(
    job_settings({"--job.sql-text", script, "--source.type", "file",
                  "--source.files", UBAFLOW_SOURCE_DIR "/data/category.csv"}),
    error);
  REQUIRE_MESSAGE(by_extension, error);
  CHECK(by_extension->format == "auto");
  CHECK(by_extension->format_of("day.csv") == record_format::csv);
  CHECK(by_extension->format_of("day.jsonl") == record_format::json);
  const auto json_said = load_job_config(
    job_settings({"--job.sql-text", script, "--source.format", "json"}), error);
  REQUIRE_MESSAGE(json_said, error);
  CHECK(json_said->format_of("day.csv") == record_format::json);
  std::string csv_script{script};
  const auto at = csv_script.find("'format' = 'json'");
  REQUIRE(at != std::string::npos);
  csv_script.replace(at, 17, "'format' = 'csv'");
  const auto csv_messages
    = load_job_config(job_settings({"--job.sql-text", csv_script}), error);
  REQUIRE_MESSAGE(csv_messages, error);
  CHECK(csv_messages->format == "csv");
  CHECK(csv_messages->format_of("day.jsonl") == record_format::csv);
}

TEST_CASE("job.results runs the INSERTs into the indices it names") {
  std::string error;
  auto values = job_settings({"--job.sql", UBAFLOW_SOURCE_DIR "/jobs/taobao.sql",
                              "--job.results", "top_category,cumulative_uv"});
  auto job = load_sql_job(values, error);
  REQUIRE_MESSAGE(job, error);
  // In the script's order, whatever the order named.
  CHECK(job->indices == std::vector<std::string>{"cumulative_uv", "top_category"});
  CHECK(job->plan.queries.size() == 2);
  CHECK(job->insert_sql.size() == 2);
  // The state of another selection is another layout: not restored into it.
  auto every = job_settings({"--job.sql", UBAFLOW_SOURCE_DIR "/jobs/taobao.sql"});
  auto all = load_sql_job(every, error);
  REQUIRE_MESSAGE(all, error);
  CHECK(all->plan.queries.size() == 4);
  CHECK(all->state_layout != job->state_layout);
}

} // TEST_SUITE
