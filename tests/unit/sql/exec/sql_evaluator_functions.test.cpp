// The evaluator's functions: CAST and TRY_CAST between the subset's types
// and their errors, EXTRACT, HOUR and DATE_FORMAT, and where the job's
// time zone matters (TIMESTAMP_LTZ) and where it does not (TIMESTAMP).

#include "tests/unit/sql/exec/exec_test_support.hpp"

using namespace ubaflow;
using namespace ubaflow::test;

namespace {

/// ub's default row with proctime at 2017-11-26 02:15:30.250 UTC, which is
/// 10:15:30.250 in Shanghai (the same wall clock as ts).
std::vector<sql_row> row_with_proctime() {
  auto row = default_row();
  row[0][5] = sql_value::timestamp_ltz(1511662530250);
  return row;
}

bool fails_with(const std::string& expression, const std::string& message) {
  const auto result = evaluate_sql(expression);
  INFO(expression, " -> ", result.ok() ? result.value.to_text() : result.error);
  return !result.ok() && result.error.find(message) != std::string::npos;
}

} // namespace

TEST_SUITE("sql.exec.functions") {

TEST_CASE("CAST between numbers, strings and booleans") {
  CHECK(eval_text("CAST('12' AS INT)") == "12");
  CHECK(eval_text("CAST(' -7 ' AS BIGINT)") == "-7");
  CHECK(eval_text("CAST('1.9' AS INT)") == "1");
  CHECK(eval_text("CAST(1.9 AS INT)") == "1");
  CHECK(eval_text("CAST(-1.9 AS INT)") == "-1");
  CHECK(eval_text("CAST(3000000000 AS INT)") == "-1294967296"); // Java's narrowing
  CHECK(eval_text("CAST(CAST('1e10' AS DOUBLE) AS INT)") == "2147483647"); // saturates
  CHECK(eval_text("CAST(CAST('NaN' AS DOUBLE) AS BIGINT)") == "0");
  CHECK(eval_text("CAST(user_id AS STRING)") == "'42'");
  CHECK(eval_text("CAST(user_id AS DOUBLE)") == "42.0");
  CHECK(eval_text("CAST(CAST(user_id AS DOUBLE) / 8 AS STRING)") == "'5.25'");
  CHECK(eval_text("CAST(CAST(1 AS DOUBLE) / 3 AS FLOAT)") == "0.3333333432674408");
  CHECK(eval_text("CAST(0.125 AS DECIMAL(4, 2))") == "0.13"); // HALF_UP
  CHECK(eval_text("CAST(123.4 AS DECIMAL(3, 1))") == "NULL"); // overflow: NULL
  CHECK(eval_text("CAST('2.345' AS DECIMAL(5, 2))") == "2.35");
  CHECK(eval_text("CAST(user_id AS DECIMAL(5, 1))") == "42.0");
  CHECK(eval_text("CAST(2.5 AS DOUBLE)") == "2.5");
  CHECK(eval_text("CAST(1.50 AS STRING)") == "'1.50'");
  CHECK(eval_text("CAST(TRUE AS INT)") == "1");
  CHECK(eval_text("CAST(0 AS BOOLEAN)") == "FALSE");
  CHECK(eval_text("CAST('yes' AS BOOLEAN)") == "TRUE");
  CHECK(eval_text("CAST(TRUE AS STRING)") == "'TRUE'");
  CHECK(eval_text("CAST(123 AS VARCHAR(2))") == "'12'");
  CHECK(eval_text("CAST('ab' AS CHAR(4))") == "'ab  '");
  CHECK(eval_text("CAST(CAST(NULL AS STRING) AS INT)") == "NULL");
}

TEST_CASE("CAST errors reject the row; TRY_CAST gives NULL") {
  CHECK(fails_with("CAST('abc' AS INT)", "cannot CAST 'abc' to INT"));
  CHECK(fails_with("CAST('3000000000' AS INT)", "not a number of that type"));
  CHECK(fails_with("CAST('1.5.1' AS DOUBLE)", "not a number"));
  CHECK(fails_with("CAST('12x' AS DECIMAL(5, 2))", "not a number"));
  CHECK(fails_with("CAST('maybe' AS BOOLEAN)", "expected TRUE or FALSE"));
  CHECK(fails_with("CAST('2017-13-01 00:00:00' AS TIMESTAMP(3))", "yyyy-MM-dd HH:mm:ss"));
  CHECK(fails_with("CAST('2017-02-30' AS DATE)", "yyyy-MM-dd"));
  CHECK(eval_text("TRY_CAST('abc' AS INT)") == "NULL");
  CHECK(eval_text("TRY_CAST('2017-13-01' AS TIMESTAMP(3))") == "NULL");
  CHECK(eval_text("TRY_CAST('41' AS INT) + 1") == "42");
  // TRY_CAST only forgives the conversion, not its operand's errors.
  CHECK(fails_with("TRY_CAST(user_id / 0 AS STRING)", "division by zero"));
}

TEST_CASE("CAST between strings, dates, TIMESTAMP and TIMESTAMP_LTZ") {
  CHECK(eval_text("CAST(ts AS STRING)") == "'2017-11-26 10:15:30.250'");
  CHECK(eval_text("CAST(ts AS TIMESTAMP(0))") == "TIMESTAMP '2017-11-26 10:15:30.000'");
  CHECK(eval_text("CAST(CAST(ts AS TIMESTAMP(0)) AS STRING)") == "'2017-11-26 10:15:30'");
  CHECK(eval_text("CAST(ts AS DATE)") == "DATE '2017-11-26'");
  CHECK(eval_text("CAST(CAST(ts AS DATE) AS TIMESTAMP(3))")
        == "TIMESTAMP '2017-11-26 00:00:00.000'");
  CHECK(eval_text("CAST('2017-11-26 10:00:00' AS TIMESTAMP(3))")
        == "TIMESTAMP '2017-11-26 10:00:00.000'");
  CHECK(eval_text("CAST('2017-11-26' AS DATE)") == "DATE '2017-11-26'");
  // TIMESTAMP -> TIMESTAMP_LTZ reads the wall clock in the job's zone.
  CHECK(eval_text("CAST(ts AS TIMESTAMP_LTZ(3))")
        == "TIMESTAMP_LTZ '2017-11-26 02:15:30.250Z'");
  CHECK(eval_text("CAST(ts AS TIMESTAMP_LTZ(3))", default_row(), "UTC")
        == "TIMESTAMP_LTZ '2017-11-26 10:15:30.250Z'");
  CHECK(eval_text("CAST('2017-11-26 10:00:00' AS TIMESTAMP_LTZ(3))")
        == "TIMESTAMP_LTZ '2017-11-26 02:00:00.000Z'");
  // ... and back, or to a string, shows the instant in the zone.
  CHECK(eval_text("CAST(CAST(ts AS TIMESTAMP_LTZ(3)) AS STRING)") == "'2017-11-26 10:15:30.250'");
  CHECK(eval_text("CAST(proctime AS TIMESTAMP(3))", row_with_proctime())
        == "TIMESTAMP '2017-11-26 10:15:30.250'");
  CHECK(eval_text("CAST(proctime AS TIMESTAMP(3))", row_with_proctime(), "UTC")
        == "TIMESTAMP '2017-11-26 02:15:30.250'");
  CHECK(eval_text("CAST(proctime AS DATE)", row_with_proctime(), "America/New_York")
        == "DATE '2017-11-25'");
}

TEST_CASE("EXTRACT and HOUR of TIMESTAMP are zone-free; of TIMESTAMP_LTZ, in the zone") {
  CHECK(eval_text("EXTRACT(YEAR FROM ts)") == "2017");
  CHECK(eval_text("EXTRACT(MONTH FROM ts)") == "11");
  CHECK(eval_text("EXTRACT(DAY FROM ts)") == "26");
  CHECK(eval_text("EXTRACT(HOUR FROM ts)") == "10");
  CHECK(eval_text("EXTRACT(MINUTE FROM ts)") == "15");
  CHECK(eval_text("EXTRACT(SECOND FROM ts)") == "30");
  CHECK(eval_text("EXTRACT(DAY FROM CAST(ts AS DATE))") == "26");
  CHECK(eval_text("HOUR(ts)") == "10");
  CHECK(eval_text("HOUR(ts)", default_row(), "UTC") == "10");
  CHECK(eval_text("HOUR(proctime)", row_with_proctime()) == "10");
  CHECK(eval_text("HOUR(proctime)", row_with_proctime(), "UTC") == "2");
  CHECK(eval_text("EXTRACT(DAY FROM proctime)", row_with_proctime(), "America/New_York")
        == "25");
  const auto null_ts = ub_row(sql_value::bigint(1), sql_value::string("pv"), sql_value{});
  CHECK(eval_text("HOUR(ts)", null_ts) == "NULL");
}

TEST_CASE("DATE_FORMAT: pattern letters, quotes, strings, zones") {
  CHECK(eval_text("DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm:ss')") == "'2017-11-26 10:15:30'");
  CHECK(eval_text("DATE_FORMAT(ts, 'yyyy-MM-dd')") == "'2017-11-26'");
  CHECK(eval_text("DATE_FORMAT(ts, 'yy/M/d H:m:s.SSS')") == "'17/11/26 10:15:30.250'");
  CHECK(eval_text("DATE_FORMAT(ts, 'dd MMM yyyy')") == "'26 Nov 2017'");
  CHECK(eval_text("DATE_FORMAT(ts, 'MMMM')") == "'November'");
  CHECK(eval_text("DATE_FORMAT(ts, 'S')") == "'2'");
  CHECK(eval_text("DATE_FORMAT(ts, 'yyyy-MM-dd''T''HH')") == "'2017-11-26T10'");
  // SQL's 'HH''''mm' is the pattern HH''mm, where '' is a quote.
  CHECK(eval_text("DATE_FORMAT(ts, 'HH''''mm')") == "'10'15'");
  // TIMESTAMP: the same text in every zone; TIMESTAMP_LTZ: the zone's.
  CHECK(eval_text("DATE_FORMAT(ts, 'HH:mm')", default_row(), "UTC") == "'10:15'");
  CHECK(eval_text("DATE_FORMAT(proctime, 'yyyy-MM-dd HH:mm:ss')", row_with_proctime())
        == "'2017-11-26 10:15:30'");
  CHECK(eval_text("DATE_FORMAT(proctime, 'yyyy-MM-dd HH:mm:ss')", row_with_proctime(), "UTC")
        == "'2017-11-26 02:15:30'");
  // A 'yyyy-MM-dd HH:mm:ss' string is read as a timestamp; other text is NULL.
  CHECK(eval_text("DATE_FORMAT('2017-11-26 10:15:30', 'HH:mm')") == "'10:15'");
  CHECK(eval_text("DATE_FORMAT(behavior, 'HH:mm')") == "NULL");
  CHECK(eval_text("DATE_FORMAT(CAST(NULL AS TIMESTAMP(3)), 'HH')") == "NULL");
}

TEST_CASE("jobs/taobao.sql's expressions give today's engine's fields") {
  // cumulative_uv's time_str is DATE_FORMAT(TUMBLE_END(ts, 10 min)) and
  // buy_cnt_per_hour's hour_of_day HOUR(TUMBLE_START(ts, 1 h)): the
  // window's local wall clock, as worker/state/result_format.cpp writes.
  auto script = bound_after_prelude(
    "CREATE VIEW uv AS SELECT DATE_FORMAT(TUMBLE_END(ts, INTERVAL '10' MINUTE), "
    "'yyyy-MM-dd HH:mm:ss') AS time_str, COUNT(DISTINCT user_id) AS uv, "
    "HOUR(TUMBLE_START(ts, INTERVAL '10' MINUTE)) AS h FROM ub "
    "GROUP BY TUMBLE(ts, INTERVAL '10' MINUTE);"
    "INSERT INTO per_key SELECT time_str, uv FROM uv;");
  const auto& outputs = script.views.at(0).query.outputs;
  const sql_window window{at_local(2017, 11, 26, 23, 50), at_local(2017, 11, 27)};
  const sql_row counts{sql_value::bigint(17)};
  const sql_aggregate_row row{nullptr, &counts, &window};
  for (const char* zone : {"Asia/Shanghai", "UTC"}) {
    const sql_row_evaluator evaluator{zone_named(zone)};
    CHECK(evaluator.evaluate(outputs[0].value, row).value
          == sql_value::string("2017-11-27 00:00:00"));
    CHECK(evaluator.evaluate(outputs[1].value, row).value == sql_value::bigint(17));
    CHECK(evaluator.evaluate(outputs[2].value, row).value == sql_value::bigint(23));
  }
}

} // TEST_SUITE
