#include "common/sql/sql_option_values.hpp"
#include "tests/unit/sql/binder_test_support.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ubaflow;
using namespace ubaflow::test;

namespace {

const std::string any_insert = "INSERT INTO per_key SELECT behavior, 1 FROM ub;";

/// The table `x` created by `create` (a one-line CREATE TABLE after the
/// prelude), with the script's warnings.
bind_result bind_table(const std::string& create) {
  return bind_after_prelude(create + "\n" + any_insert);
}

std::string setting(const bound_table& table, const std::string& key) {
  const auto found = table.settings.find(key);
  return found == table.settings.end() ? "<none>" : found->second;
}

void check_error(const std::string& create, const std::string& needle,
                 const std::string& message) {
  auto result = bind_table(create);
  REQUIRE_MESSAGE(!result.ok(), create);
  CHECK(result.error->to_string() == at(create, needle) + message);
}

} // namespace

TEST_SUITE("sql.binder.options") {
  TEST_CASE("option values as Flink writes them") {
    CHECK(parse_option_duration_ms("10min") == 600'000);
    CHECK(parse_option_duration_ms("5 s") == 5'000);
    CHECK(parse_option_duration_ms("500ms") == 500);
    CHECK(parse_option_duration_ms("1h") == 3'600'000);
    CHECK(parse_option_duration_ms("250") == 250);
    CHECK_FALSE(parse_option_duration_ms("soon"));
    CHECK_FALSE(parse_option_duration_ms("-5s"));
    CHECK_FALSE(parse_option_duration_ms("99999999999999999 d"));
    CHECK(parse_option_bytes("2mb") == 2 * 1024 * 1024);
    CHECK(parse_option_bytes("512 KB") == 512 * 1024);
    CHECK_FALSE(parse_option_bytes("2 parsecs"));
    CHECK(parse_option_boolean("TRUE") == true);
    CHECK_FALSE(parse_option_boolean("yes"));
    CHECK(parse_option_integer("5000") == 5000);
    CHECK_FALSE(parse_option_integer("5e3"));
    CHECK_FALSE(parse_option_integer("99999999999999999999"));
    CHECK_FALSE(es_hosts_error("http://a:9200;https://b:9201/es"));
    CHECK(es_hosts_error("a:9200") == "'a:9200' is not http://host:port or https://host:port");
    CHECK(es_hosts_error("http://a:99999") == "'http://a:99999' has no valid port");
    auto url = parse_jdbc_url("jdbc:mysql://db.local:3307/flink?serverTimezone=UTC");
    REQUIRE(url);
    CHECK(url->host == "db.local");
    CHECK(url->port == "3307");
    CHECK(url->database == "flink");
    CHECK(parse_jdbc_url("jdbc:mariadb://db/x")->port == "3306");
    CHECK_FALSE(parse_jdbc_url("jdbc:postgresql://db/x"));
    CHECK_FALSE(parse_jdbc_url("jdbc:mysql://db:3306/"));
  }

  TEST_CASE("${VAR} references are checked, not expanded") {
    CHECK_FALSE(env_reference_error("${MYSQL_PASSWORD}"));
    CHECK_FALSE(env_reference_error("user-${USER}-x$y"));
    CHECK(env_reference_error("${MYSQL") == "unterminated ${ (write ${NAME})");
    CHECK(env_reference_error("${}") == "empty ${} (write ${NAME})");
    CHECK(env_reference_error("${1A}")
          == "${1A} is not an environment variable name (letters, digits, _)");
    CHECK(has_env_reference("a${B}"));
    CHECK_FALSE(has_env_reference("a$B"));
    auto result = bind_table("CREATE TABLE x (a STRING) WITH ('connector' = 'jdbc', 'url' = "
                             "'${DB_URL}', 'table-name' = 't', 'password' = '${PW}');");
    REQUIRE(result.ok());
    const auto& table = result.script.tables.back();
    CHECK(setting(table, "lookup.mysql.password") == "${PW}");
    CHECK(setting(table, "lookup.mysql.url") == "${DB_URL}");
    CHECK(setting(table, "lookup.mysql.host") == "<none>");
    REQUIRE(table.options.size() == 3);
    CHECK(table.options[2].secret);
    CHECK(table.options[2].has_env_reference);
    CHECK(result.script.warnings.empty());
  }

  TEST_CASE("the seed's Kafka options map onto ubaflow's") {
    auto result = bind_table(
      "CREATE TABLE x (a STRING) WITH ('connector' = 'kafka', 'topic' = 't', "
      "'properties.bootstrap.servers' = 'k1:9092,k2:9092', 'properties.group.id' = 'g', "
      "'scan.startup.mode' = 'latest-offset', 'format' = 'json', "
      "'json.ignore-parse-errors' = 'true', 'json.fail-on-missing-field' = 'false', "
      "'properties.security.protocol' = 'SASL_SSL', 'properties.sasl.jaas.config' = 'x');");
    REQUIRE(result.ok());
    const auto& table = result.script.tables.back();
    CHECK(table.connector == connector_kind::kafka);
    CHECK(setting(table, "kafka.topic") == "t");
    CHECK(setting(table, "kafka.bootstrap-servers") == "k1:9092,k2:9092");
    CHECK(setting(table, "kafka.group-id") == "g");
    CHECK(setting(table, "kafka.startup-mode") == "latest");
    CHECK(setting(table, "source.format") == "json");
    CHECK(setting(table, "kafka.properties") == "security.protocol=SASL_SSL;sasl.jaas.config=x");
    CHECK(table.options.back().secret); // sasl.jaas.config holds a password
    CHECK(result.script.warnings.empty());
  }

  TEST_CASE("Elasticsearch, JDBC and filesystem options") {
    auto es = bind_table(
      "CREATE TABLE x (a STRING) WITH ('connector' = 'elasticsearch-7', 'hosts' = "
      "'http://a:9200;https://b:9201', 'index' = 'i', 'sink.bulk-flush.max-actions' = '1', "
      "'sink.bulk-flush.max-size' = '5mb', 'sink.bulk-flush.interval' = '1 s', "
      "'format' = 'json', 'username' = '${ES_USER}', 'password' = '${ES_PASSWORD}');");
    REQUIRE(es.ok());
    const auto& sink = es.script.tables.back();
    CHECK(setting(sink, "sink.es.hosts") == "http://a:9200;https://b:9201");
    CHECK(setting(sink, "sink.es.index") == "i");
    CHECK(setting(sink, "sink.es.bulk-max-actions") == "1");
    CHECK(setting(sink, "sink.es.bulk-max-size") == "5mb");
    CHECK(setting(sink, "sink.es.bulk-interval") == "1 s");
    CHECK(setting(sink, "sink.es.password") == "${ES_PASSWORD}");
    auto jdbc = bind_table(
      "CREATE TABLE x (a BIGINT, b STRING) WITH ('connector' = 'jdbc', 'url' = "
      "'jdbc:mysql://db:3306/flink?serverTimezone=UTC', 'table-name' = 'category', "
      "'username' = 'root', 'lookup.cache.max-rows' = '5000', 'lookup.cache.ttl' = '10min');");
    REQUIRE(jdbc.ok());
    const auto& dim = jdbc.script.tables.back();
    CHECK(setting(dim, "lookup.mysql.host") == "db");
    CHECK(setting(dim, "lookup.mysql.port") == "3306");
    CHECK(setting(dim, "lookup.mysql.database") == "flink");
    CHECK(setting(dim, "lookup.mysql.table") == "category");
    CHECK(setting(dim, "lookup.mysql.user") == "root");
    CHECK(setting(dim, "lookup.cache-max-rows") == "5000");
    CHECK(setting(dim, "lookup.cache-ttl") == "10min");
    auto file = bind_table("CREATE TABLE x (a BIGINT, b STRING) WITH ('connector' = "
                           "'filesystem', 'path' = 'data/category.csv', 'format' = 'csv');");
    REQUIRE(file.ok());
    CHECK(setting(file.script.tables.back(), "file.path") == "data/category.csv");
    CHECK(setting(file.script.tables.back(), "file.format") == "csv");
  }

  TEST_CASE("options ubaflow does not need are warnings") {
    const std::string create
      = "CREATE TABLE x (a STRING) WITH ('connector' = 'jdbc', 'url' = 'jdbc:mysql://h/d', "
        "'table-name' = 't', 'driver' = 'com.mysql.cj.jdbc.Driver', 'password' = 'hunter2', "
        "'connector.version' = '1');";
    auto result = bind_table(create);
    REQUIRE(result.ok());
    const auto& warnings = result.script.warnings;
    REQUIRE(warnings.size() == 3);
    CHECK(warnings[0].to_string() == at(create, "'driver'") + "warning: option 'driver' of x "
                                       "is ignored: ubaflow talks to MySQL/MariaDB with its "
                                       "own client");
    CHECK(warnings[1].to_string() == at(create, "'hunter2'") + "warning: option 'password' of "
                                       "x is written in the script; hint: read it from the "
                                       "environment: '${MY_PASSWORD}'");
    CHECK(warnings[2].to_string() == at(create, "'connector.version'") + "warning: option "
                                       "'connector.version' of x is ignored: a legacy (Flink "
                                       "1.10) option; write the current keys");
    for (const auto& warning : warnings)
      CHECK(warning.message.find("hunter2") == std::string::npos);
    auto kafka = bind_table("CREATE TABLE x (a STRING) WITH ('connector' = 'kafka', 'topic' = "
                            "'t', 'properties.bootstrap.servers' = 'k', 'format' = 'json', "
                            "'json.ignore-parse-errors' = 'false');");
    REQUIRE(kafka.ok());
    REQUIRE(kafka.script.warnings.size() == 1);
    CHECK(kafka.script.warnings[0].message
          == "option 'json.ignore-parse-errors' of x = 'false' is not followed: ubaflow skips "
             "records it cannot parse and counts them (kafka.dead-letter-topic keeps them); "
             "it never fails the job on one");
  }

  TEST_CASE("unknown options, connectors and values are errors") {
    check_error("CREATE TABLE x (a STRING) WITH ('connector' = 'kafak');", "'kafak'",
                "connector 'kafak' is not supported (did you mean kafka?); hint: connectors: "
                "kafka, elasticsearch-7, jdbc and filesystem");
    check_error("CREATE TABLE x (a STRING) WITH ('topic' = 't');", "x",
                "table x has no 'connector' option; hint: WITH ('connector' = 'kafka', ...); "
                "connectors: kafka, elasticsearch-7, jdbc and filesystem");
    check_error("CREATE TABLE x (a STRING) WITH ('connector' = 'elasticsearch-7', 'hosts' = "
                "'http://h:9200', 'index' = 'i', 'sink.bulk-flush.max-action' = '1');",
                "'sink.bulk-flush.max-action'",
                "unknown option 'sink.bulk-flush.max-action' for connector elasticsearch-7 "
                "(did you mean sink.bulk-flush.max-actions?); hint: elasticsearch-7 takes "
                "hosts, index, username, password, format, sink.bulk-flush.max-actions, "
                "sink.bulk-flush.max-size, sink.bulk-flush.interval, "
                "sink.bulk-flush.backoff.delay, connection.timeout, "
                "connection.request-timeout, socket.timeout and sink.flush-on-checkpoint");
    check_error("CREATE TABLE x (a STRING) WITH ('connector' = 'kafka', 'topic' = 't', "
                "'format' = 'json');",
                "x", "table x: connector kafka needs option 'properties.bootstrap.servers'");
    check_error("CREATE TABLE x (a STRING) WITH ('connector' = 'kafka', 'topic' = 't', "
                "'properties.bootstrap.servers' = 'k', 'format' = 'avro');",
                "'avro'", "option 'format' of x: 'avro' is not supported; hint: ubaflow "
                "supports 'json' and 'csv'");
    check_error("CREATE TABLE x (a STRING) WITH ('connector' = 'elasticsearch-7', 'hosts' = "
                "'localhost:9200', 'index' = 'i');",
                "'localhost", "option 'hosts' of x: 'localhost:9200' is not http://host:port "
                "or https://host:port; hint: 'http://localhost:9200', several separated by ';'");
    check_error("CREATE TABLE x (a STRING) WITH ('connector' = 'jdbc', 'url' = "
                "'jdbc:mysql://h/d', 'table-name' = 't', 'lookup.cache.ttl' = 'ten minutes');",
                "'ten", "option 'lookup.cache.ttl' of x: 'ten minutes' is not a duration such as "
                "'10min', '30 s' or '500ms'");
    check_error("CREATE TABLE x (a STRING) WITH ('connector' = 'jdbc', 'url' = "
                "'jdbc:mysql://h/d', 'table-name' = 't', 'password' = 'se${cret');",
                "'se$", "option 'password' of x: malformed ${...} reference; hint: write "
                "${NAME}, NAME of letters, digits and _");
    check_error("CREATE TABLE x (a STRING) WITH ('connector' = 'kafka', 'topic' = 't', "
                "'properties.bootstrap.servers' = '${KAFKA', 'format' = 'json');",
                "'${KAFKA'", "option 'properties.bootstrap.servers' of x: unterminated ${ "
                "(write ${NAME}); hint: write ${NAME}, NAME of letters, digits and _");
  }

  TEST_CASE("columns, watermark and primary key of CREATE TABLE") {
    const std::string file = " WITH ('connector' = 'filesystem', 'path' = 'p', "
                             "'format' = 'csv');";
    check_error("CREATE TABLE x (a INT, a STRING)" + file, "a STRING",
                "table x has two columns named a");
    check_error("CREATE TABLE x (a INT, ts TIMESTAMP, WATERMARK FOR ts AS ts)" + file,
                "ts AS", "the watermark's column ts must be TIMESTAMP(3) or TIMESTAMP_LTZ(3), "
                "not TIMESTAMP(6)");
    check_error("CREATE TABLE x (ts TIMESTAMP(3), WATERMARK FOR tz AS ts)" + file, "tz",
                "no column tz in table x for the watermark (did you mean ts?); hint: x has ts");
    check_error("CREATE TABLE x (ts TIMESTAMP(3), WATERMARK FOR ts AS ts + INTERVAL '1' "
                "SECOND)" + file,
                "+", "the watermark must be ts or ts - INTERVAL '...' SECOND, not ts + "
                "INTERVAL '1' SECOND; hint: WATERMARK FOR ts AS ts - INTERVAL '5' SECOND");
    check_error("CREATE TABLE x (a INT, b AS a + 1, c AS b * 2)" + file, "b *",
                "computed column c cannot read computed column b; hint: compute it from the "
                "physical columns");
    check_error("CREATE TABLE x (a INT, b AS a + 1, PRIMARY KEY (b) NOT ENFORCED)" + file,
                "b) NOT", "the primary key cannot hold computed column b");
    auto result = bind_table("CREATE TABLE x (a INT, b AS a * 2, ts TIMESTAMP(3), "
                             "WATERMARK FOR ts AS ts, PRIMARY KEY (a) NOT ENFORCED)" + file);
    REQUIRE(result.ok());
    const auto& table = result.script.tables.back();
    CHECK(to_string(table.columns[1].type) == "INT");
    CHECK(table.watermark->delay_ms == 0);
    REQUIRE(table.primary_key.size() == 1);
    CHECK(table.primary_key[0] == 0);
    CHECK_FALSE(table.columns[0].type.nullable);
  }
}
