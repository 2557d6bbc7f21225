#include "common/sql/sql_binder.hpp"
#include "common/sql/sql_parser.hpp"
#include "tests/unit/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>

using namespace ubaflow;

namespace {

const std::string seed_path = UBAFLOW_SOURCE_DIR "/tests/data/sql/seed.sql";
const std::string taobao_path = UBAFLOW_SOURCE_DIR "/jobs/taobao.sql";

std::string file_text(const std::string& path) {
  std::string text = test::read_file(path);
  REQUIRE_MESSAGE(!text.empty(), "cannot read ", path);
  return text;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

std::string setting(const bound_table& table, const std::string& key) {
  const auto found = table.settings.find(key);
  return found == table.settings.end() ? "<none>" : found->second;
}

std::vector<std::string> warnings_of(const bind_result& result) {
  std::vector<std::string> out;
  for (const auto& warning : result.script.warnings)
    out.push_back(warning.to_string());
  return out;
}

} // namespace

TEST_SUITE("sql.binder.scripts") {
  TEST_CASE("the seed's script inserts into a table it never created") {
    const auto result = bind_sql(file_text(seed_path));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error->to_string()
          == "line 43:13: no table buy_cnt_per_hour (did you mean goum?); hint: goum's "
             "'index' is buy_cnt_per_hour: a table is named by CREATE TABLE, not by what its "
             "connector writes to or reads");
    // What was accepted before the error is still said.
    CHECK(warnings_of(result)
          == std::vector<std::string>{
            "line 21:5: warning: option 'properties.zookeeper.connect' of user_behavior is "
            "ignored: Kafka clients have not needed ZooKeeper since Kafka 0.9",
            "line 29:1: warning: a SELECT on its own is not part of the job and is skipped: "
            "only INSERT INTO writes results"});
  }

  TEST_CASE("the seed's script as meant still needs a key for its running aggregate") {
    // With goum as the INSERT's table, the next problem is top_category: a
    // GROUP BY without a window updates its rows, and an Elasticsearch
    // table without a primary key only appends (in Flink as here).
    const std::string meant = replaced(file_text(seed_path), "INSERT INTO buy_cnt_per_hour",
                                       "INSERT INTO goum");
    const auto result = bind_sql(meant);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error->to_string()
          == "line 116:13: the query updates rows it wrote before (an aggregate without a "
             "window), so top_category needs a primary key to update them by; hint: PRIMARY "
             "KEY (category_name) NOT ENFORCED in CREATE TABLE top_category");
    const auto warnings = warnings_of(result);
    REQUIRE(warnings.size() == 4);
    CHECK(warnings[2] == "line 87:5: warning: option 'driver' of category_dim is ignored: "
                         "ubaflow talks to MySQL/MariaDB with its own client");
    CHECK(warnings[3] == "line 89:18: warning: option 'password' of category_dim is written "
                         "in the script; hint: read it from the environment: '${MY_PASSWORD}'");
    for (const auto& warning : warnings)
      CHECK(warning.find("syclmh102309") == std::string::npos);

    const std::string keyed = replaced(
      meant, "    buy_cnt BIGINT         -- 购买计数",
      "    buy_cnt BIGINT, PRIMARY KEY (category_name) NOT ENFORCED");
    const auto fixed = bind_sql(keyed);
    REQUIRE_MESSAGE(fixed.ok(), fixed.error->to_string());
    CHECK(fixed.script.inserts.size() == 3);
  }

  TEST_CASE("jobs/taobao.sql binds without a warning") {
    const auto result = bind_sql(file_text(taobao_path));
    REQUIRE_MESSAGE(result.ok(), result.error->to_string());
    const auto& script = result.script;
    CHECK(script.warnings.empty());
    REQUIRE(script.tables.size() == 6);
    REQUIRE(script.views.size() == 2);
    REQUIRE(script.inserts.size() == 4);

    const auto& source = script.tables[0];
    CHECK(source.name == "user_behavior");
    CHECK(setting(source, "kafka.topic") == "user_behavior");
    CHECK(setting(source, "kafka.startup-mode") == "earliest");
    CHECK(source.watermark->delay_ms == 5000);
    const auto& dim = script.tables[1];
    CHECK(setting(dim, "lookup.mysql.password") == "${MYSQL_PASSWORD}");
    CHECK(setting(dim, "lookup.mysql.database") == "flink");
    CHECK(setting(dim, "lookup.cache-ttl") == "10min");

    const char* sinks[] = {"buy_cnt_per_hour", "cumulative_uv", "cumulative_uv_daily",
                           "top_category"};
    for (size_t i = 0; i < 4; ++i) {
      const auto& insert = script.inserts[i];
      CHECK(script.tables[insert.table].name == sinks[i]);
      CHECK(setting(script.tables[insert.table], "sink.es.index") == sinks[i]);
      CHECK(insert.statement_set == 0);
    }

    const auto& hourly = script.inserts[0].query;
    CHECK(hourly.window->kind == window_kind::tumble);
    CHECK(hourly.window->size_ms == 3'600'000);
    CHECK(canonical_text(hourly.outputs[0].value) == "HOUR($window_start)");
    CHECK(hourly.aggregates.at(0).function == aggregate_function::count_star);
    CHECK(canonical_text(*hourly.where) == "=($0.3, 'buy')");

    const auto& uv = script.inserts[1].query;
    CHECK(uv.relations.at(0).kind == relation_kind::view);
    CHECK(script.views[uv.relations[0].index].name == "uv_per_10min");
    const auto& uv_view = script.views[0].query;
    CHECK(uv_view.window->size_ms == 600'000);
    CHECK(uv_view.aggregates.at(0).function == aggregate_function::count_distinct);

    const auto& daily = script.inserts[2].query;
    CHECK(daily.window->kind == window_kind::cumulate);
    CHECK(daily.window->syntax == window_syntax::table_function);
    CHECK(daily.window->step_ms == 600'000);
    CHECK(daily.window->size_ms == 86'400'000);

    const auto& top = script.inserts[3].query;
    CHECK(top.updating);
    CHECK(top.relations.at(0).kind == relation_kind::view);
    const auto& rich = script.views[1].query;
    REQUIRE(rich.joins.size() == 1);
    CHECK(rich.joins[0].kind == join_kind::left);
    CHECK(canonical_text(rich.outputs[3].value)
          == "CASE(IS NULL($1.1), 'unknown', $1.1)");
  }

  TEST_CASE("jobs/taobao.sql cut after any statement has nothing to run until its INSERTs") {
    const std::string text = file_text(taobao_path);
    const size_t count = parse_script(text).statements.size();
    REQUIRE(count == 9);
    for (size_t n = 0; n <= count; ++n) {
      // Statements own their trees (unique pointers): parse again per prefix.
      auto parsed = parse_script(text);
      parsed.statements.resize(n);
      const auto result = bind_script(parsed.statements);
      CAPTURE(n);
      CHECK(result.ok() == (n == count));
      if (!result.ok())
        CHECK(result.error->message == "the script has no INSERT INTO: there is nothing to run");
    }
  }

  TEST_CASE("random edits of jobs/taobao.sql never crash the binder") {
    const std::string original = file_text(taobao_path);
    const char* fragments[] = {"ts", "proctime", "COUNT(*)", "user_id", "'buy'", ",", "(",
                               ")", "1", "INTERVAL '1' HOUR", "window_start", "U.", "NULL",
                               "CAST(", " AS ", "GROUP BY ", "+", "=", "AND", "DISTINCT"};
    std::mt19937 random{13};
    size_t bound = 0;
    size_t refused = 0;
    for (int round = 0; round < 400; ++round) {
      std::string text = original;
      const int edits = 1 + static_cast<int>(random() % 3);
      for (int e = 0; e < edits; ++e) {
        const size_t at = random() % text.size();
        const size_t length = random() % 12;
        text.replace(at, std::min(length, text.size() - at),
                     random() % 3 == 0 ? "" : fragments[random() % std::size(fragments)]);
      }
      const auto parsed = parse_script(text);
      if (!parsed.ok())
        continue;
      const auto result = bind_script(parsed.statements);
      if (result.ok()) {
        ++bound;
        continue;
      }
      ++refused;
      const auto& position = result.error->position;
      CHECK(position.line >= 1);
      CHECK(position.line <= 1 + static_cast<uint32_t>(std::count(text.begin(), text.end(), '\n')));
      CHECK_FALSE(result.error->message.empty());
    }
    // Edits inside comments keep the script valid; the rest mostly do not.
    CHECK(bound > 0);
    CHECK(refused > 0);
  }

  TEST_CASE("long expressions bind without exhausting the stack") {
    std::string condition = "user_id > 0";
    for (int i = 0; i < 900; ++i)
      condition += " OR user_id > " + std::to_string(i);
    std::string nested = "user_id";
    for (int i = 0; i < 150; ++i)
      nested = "(" + nested + " + 1)";
    const auto result = bind_sql(
      "CREATE TABLE s (user_id BIGINT) WITH ('connector' = 'filesystem', 'path' = 'p', "
      "'format' = 'csv');\n"
      "CREATE TABLE k (n BIGINT) WITH ('connector' = 'filesystem', 'path' = 'q', "
      "'format' = 'json');\n"
      "INSERT INTO k SELECT " + nested + " FROM s WHERE " + condition + ";");
    REQUIRE_MESSAGE(result.ok(), result.error->to_string());
    CHECK(result.script.inserts.at(0).query.where->arguments.size() == 2);
  }
}
