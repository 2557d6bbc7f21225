#pragma once

// Helpers of the binder's tests (tests/unit/sql/sql_binder_*.test.cpp): a
// prelude of tables every test can read and write, and positions computed
// from the statement under test, so an expected error says which token it
// points at instead of a bare column number.

#include "common/sql/sql_binder.hpp"

#include <doctest/doctest.h>

#include <string>

namespace ubaflow::test {

/// A Kafka source with event time (ts) and processing time (proctime), a
/// JDBC dimension, an upsert sink keyed by k and a window sink: ten lines,
/// so the statement under test starts on line 11.
inline const std::string binder_prelude
  = "CREATE TABLE ub (user_id BIGINT, item_id BIGINT, category_id BIGINT, behavior STRING,\n"
    "  ts TIMESTAMP(3), proctime AS PROCTIME(), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND\n"
    ") WITH ('connector' = 'kafka', 'topic' = 'ub', 'properties.bootstrap.servers' = 'k:9092',\n"
    "  'format' = 'json');\n"
    "CREATE TABLE dim (sub_category_id BIGINT, parent_category_name STRING) WITH (\n"
    "  'connector' = 'jdbc', 'url' = 'jdbc:mysql://db:3306/flink', 'table-name' = 'category');\n"
    "CREATE TABLE per_key (k STRING, n BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH (\n"
    "  'connector' = 'elasticsearch-7', 'hosts' = 'http://es:9200', 'index' = 'per_key');\n"
    "CREATE TABLE per_window (ws TIMESTAMP(3), we TIMESTAMP(3), n BIGINT) WITH (\n"
    "  'connector' = 'elasticsearch-7', 'hosts' = 'http://es:9200', 'index' = 'per_window');\n";

inline bind_result bind_after_prelude(const std::string& statement) {
  return bind_sql(binder_prelude + statement);
}

/// The rendered error of `statement` after the prelude; the test fails if
/// it binds.
inline std::string binder_error(const std::string& statement) {
  auto result = bind_after_prelude(statement);
  REQUIRE_MESSAGE(!result.ok(), "bound: ", statement);
  CHECK(result.script.tables.empty());
  CHECK(result.script.inserts.empty());
  return result.error->to_string();
}

/// "line 11:C: " with C where the `occurrence`th `needle` starts in
/// `statement` (a one-line statement after the prelude).
inline std::string at(const std::string& statement, const std::string& needle,
                      int occurrence = 1) {
  size_t found = statement.find(needle);
  for (int i = 1; i < occurrence && found != std::string::npos; ++i)
    found = statement.find(needle, found + 1);
  REQUIRE_MESSAGE(found != std::string::npos, needle, " not in ", statement);
  return "line 11:" + std::to_string(found + 1) + ": ";
}

/// The bound script of the prelude and `statement`; the test fails on an
/// error.
inline bound_script bound_after_prelude(const std::string& statement) {
  auto result = bind_after_prelude(statement);
  REQUIRE_MESSAGE(result.ok(), statement, ": ", result.error->to_string());
  return std::move(result.script);
}

/// The one INSERT of `statement` after the prelude.
inline bound_insert bound_insert_of(const std::string& statement) {
  auto script = bound_after_prelude(statement);
  REQUIRE(script.inserts.size() == 1);
  return std::move(script.inserts.front());
}

} // namespace ubaflow::test
