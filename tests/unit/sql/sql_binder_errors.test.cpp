#include "tests/unit/sql/binder_test_support.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ubaflow;
using namespace ubaflow::test;

namespace {

/// The error of `statement` must be `message` at the `occurrence`th
/// `needle` of the statement.
void check_error(const std::string& statement, const std::string& needle,
                 const std::string& message, int occurrence = 1) {
  CHECK(binder_error(statement) == at(statement, needle, occurrence) + message);
}

} // namespace

TEST_SUITE("sql.binder.errors") {
  TEST_CASE("names that do not resolve get the nearest known ones") {
    check_error("INSERT INTO per_kye SELECT behavior, 1 FROM ub;", "per_kye",
                "no table per_kye (did you mean per_key?); hint: the tables and views so "
                "far are ub, dim, per_key and per_window");
    check_error("INSERT INTO per_key SELECT behavour, 1 FROM ub;", "behavour",
                "no column behavour (did you mean behavior?); hint: the query's columns are "
                "user_id, item_id, category_id, behavior, ts and proctime");
    check_error("INSERT INTO per_key SELECT u.behavior, 1 FROM ub AS U;", "u.",
                "no table or alias u in this query (did you mean U?); hint: the query reads U");
    check_error("INSERT INTO per_key SELECT U.behaviour, 1 FROM ub AS U;", "behaviour",
                "no column behaviour in U (did you mean behavior?); hint: U has user_id, "
                "item_id, category_id, behavior, ts and proctime");
    check_error("INSERT INTO per_key SELECT DATEFORMAT(ts, 'HH'), 1 FROM ub;", "DATEFORMAT",
                "function DATEFORMAT is not supported (did you mean DATE_FORMAT?); hint: "
                "ubaflow's functions are COUNT, SUM, MIN, MAX, AVG, HOUR, DATE_FORMAT, "
                "PROCTIME, TUMBLE, HOP, CUMULATE, TUMBLE_START, TUMBLE_END, HOP_START, HOP_END, "
                "CAST, EXTRACT and CASE");
    check_error("INSERT INTO per_key SELECT UPPER(behavior), 1 FROM ub;", "UPPER",
                "function UPPER is not supported; hint: ubaflow's functions are COUNT, SUM, MIN, "
                "MAX, AVG, HOUR, DATE_FORMAT, PROCTIME, TUMBLE, HOP, CUMULATE, TUMBLE_START, "
                "TUMBLE_END, HOP_START, HOP_END, CAST, EXTRACT and CASE");
    check_error("INSERT INTO per_key SELECT behavior, 1 FROM nowhere;", "nowhere",
                "no table nowhere; hint: the tables and views so far are ub, dim, per_key and "
                "per_window");
  }

  TEST_CASE("a table named by its sink's index points at the table") {
    check_error("INSERT INTO category SELECT behavior, 1 FROM ub;", "category",
                "no table category (did you mean dim?); hint: dim's 'table-name' is category: "
                "a table is named by CREATE TABLE, not by what its connector writes to or reads");
  }

  TEST_CASE("types that do not fit") {
    check_error("INSERT INTO per_key SELECT behavior, 1 FROM ub WHERE behavior = 1;", "=",
                "cannot compare STRING with INT in behavior = 1; hint: CAST one side to the "
                "other's type");
    check_error("INSERT INTO per_key SELECT behavior, 1 FROM ub WHERE user_id;", "user_id;",
                "WHERE needs a BOOLEAN condition, but user_id is BIGINT");
    check_error("INSERT INTO per_key SELECT behavior, 1 FROM ub WHERE NOT item_id;", "item_id",
                "NOT needs a BOOLEAN, but item_id is BIGINT");
    check_error("INSERT INTO per_key SELECT behavior + 1, 1 FROM ub;", "+",
                "cannot apply + to STRING and INT in behavior + 1; hint: || concatenates "
                "strings");
    check_error("INSERT INTO per_key SELECT behavior, user_id % 1.5 FROM ub;", "%",
                "cannot apply % to BIGINT and DECIMAL(2, 1) in user_id % 1.5; hint: % takes "
                "integers");
    check_error("INSERT INTO per_key SELECT CASE WHEN user_id > 1 THEN 'a' ELSE 2 END, 1 FROM ub;",
                "2 END", "CASE mixes CHAR(1) and INT (2); hint: CAST the values to one type");
    check_error("INSERT INTO per_key SELECT behavior, CAST(ts AS BIGINT) FROM ub;", "CAST",
                "cannot CAST TIMESTAMP(3) to BIGINT in CAST(ts AS BIGINT)");
    check_error("INSERT INTO per_key SELECT behavior, HOUR(behavior) FROM ub;", "behavior)",
                "HOUR reads a TIMESTAMP, not STRING");
    check_error("INSERT INTO per_key SELECT DATE_FORMAT(ts, behavior), 1 FROM ub;", "behavior)",
                "DATE_FORMAT's pattern must be a string literal; hint: DATE_FORMAT(ts, "
                "'yyyy-MM-dd HH:mm:ss')");
    check_error("INSERT INTO per_key SELECT DATE_FORMAT(ts, 'EEE HH'), 1 FROM ub;", "'EEE",
                "DATE_FORMAT pattern letter 'E' is not supported; hint: ubaflow formats yyyy, "
                "MM, dd, HH, mm, ss and SSS");
    check_error("INSERT INTO per_key SELECT behavior, 1 FROM ub WHERE ts > DATE '2017-02-30x';",
                "'2017", "DATE '2017-02-30x' is not a date; hint: DATE '2017-11-25'");
  }

  TEST_CASE("aggregates where they cannot be") {
    check_error("INSERT INTO per_key SELECT behavior, 1 FROM ub WHERE COUNT(*) > 1;", "COUNT",
                "aggregate COUNT is not allowed in WHERE; hint: count only some rows with "
                "FILTER (WHERE ...) or CASE inside the aggregate; filter aggregated rows in a "
                "query over a view");
    check_error("INSERT INTO per_key SELECT behavior, COUNT(*) FROM ub GROUP BY COUNT(*);",
                "COUNT", "aggregate COUNT is not allowed in GROUP BY; hint: group by columns; "
                "aggregate in the select list", 2);
    check_error("INSERT INTO per_key SELECT behavior, SUM(COUNT(*)) FROM ub GROUP BY behavior;",
                "COUNT", "aggregates cannot be nested: COUNT inside another aggregate");
    check_error("INSERT INTO per_key SELECT behavior, user_id FROM ub GROUP BY behavior;",
                "user_id", "column user_id is neither grouped nor aggregated; hint: add it to "
                "GROUP BY, or aggregate it, e.g. MAX(user_id)");
    check_error("INSERT INTO per_key SELECT behavior, SUM(behavior) FROM ub GROUP BY behavior;",
                "behavior)", "SUM adds numbers; behavior is STRING");
    check_error("INSERT INTO per_key SELECT behavior, SUM(DISTINCT item_id) FROM ub "
                "GROUP BY behavior;",
                "SUM", "SUM(DISTINCT ...) is not supported; hint: COUNT(DISTINCT x) is the "
                "distinct aggregate ubaflow computes");
    check_error("INSERT INTO per_key SELECT behavior, COUNT(DISTINCT ts) FROM ub GROUP BY behavior;",
                "ts)", "COUNT(DISTINCT ...) counts integers and strings exactly; ts is "
                "TIMESTAMP(3); hint: CAST(ts AS STRING)");
    check_error("INSERT INTO per_key SELECT behavior, HOUR(ts) FILTER (WHERE user_id > 1) FROM ub;",
                "> 1", "FILTER (WHERE ...) applies to aggregates, not to HOUR");
  }

  TEST_CASE("windows that are not supported or do not match") {
    check_error("INSERT INTO per_window SELECT TUMBLE_START(ts, INTERVAL '2' HOUR), "
                "TUMBLE_END(ts, INTERVAL '1' HOUR), COUNT(*) FROM ub "
                "GROUP BY TUMBLE(ts, INTERVAL '1' HOUR);",
                "TUMBLE_START",
                "TUMBLE_START(ts, INTERVAL '2' HOUR) does not match the query's GROUP BY "
                "window; hint: give TUMBLE_START the same column and durations as the GROUP BY");
    check_error("INSERT INTO per_key SELECT behavior, COUNT(*) FROM ub "
                "GROUP BY TUMBLE(user_id, INTERVAL '1' HOUR), behavior;",
                "user_id", "TUMBLE needs a time attribute, but user_id is BIGINT; hint: window "
                "on the event time (a TIMESTAMP(3) column with a WATERMARK) or on a PROCTIME() "
                "column");
    check_error("INSERT INTO per_key SELECT behavior, COUNT(*) FROM ub "
                "GROUP BY SESSION(ts, INTERVAL '1' HOUR), behavior;",
                "SESSION", "SESSION windows are not supported; hint: TUMBLE, HOP, or the window "
                "table functions TUMBLE, HOP and CUMULATE");
    check_error("INSERT INTO per_window SELECT TUMBLE_START(ts, INTERVAL '1' HOUR), "
                "TUMBLE_END(ts, INTERVAL '1' HOUR), COUNT(*) FROM ub GROUP BY behavior;",
                "TUMBLE_START", "TUMBLE_START needs the query to group by a TUMBLE window; hint: "
                "GROUP BY TUMBLE(ts, INTERVAL '1' HOUR)");
    check_error("INSERT INTO per_window SELECT window_start, window_end, COUNT(*) FROM TABLE("
                "HOP(TABLE ub, DESCRIPTOR(ts), INTERVAL '7' MINUTE, INTERVAL '1' HOUR)) "
                "GROUP BY window_start, window_end;",
                "TABLE(", "HOP's size must be a whole multiple of its slide; hint: e.g. "
                "INTERVAL '5' MINUTE and INTERVAL '1' HOUR");
    check_error("INSERT INTO per_window SELECT window_start, window_end, COUNT(*) FROM TABLE("
                "TUMBLE(TABLE ub, DESCRIPTOR(ts), INTERVAL '1' HOUR)) GROUP BY window_start;",
                "window_start;", "a window aggregation groups by window_start and window_end; "
                "hint: GROUP BY window_start, window_end[, other keys]");
    check_error("INSERT INTO per_window SELECT window_start, window_end, 1 FROM TABLE("
                "TUMBLE(TABLE ub, DESCRIPTOR(ts), INTERVAL '1' HOUR));",
                "TABLE(", "a window table function must be aggregated; hint: GROUP BY "
                "window_start, window_end");
    check_error("INSERT INTO per_window SELECT window_start, window_end, COUNT(*) FROM TABLE("
                "TUMBLE(TABLE ub, DESCRIPTOR(tss), INTERVAL '1' HOUR)) "
                "GROUP BY window_start, window_end;",
                "tss", "no column tss (did you mean ts?); hint: the query's columns are "
                "user_id, item_id, category_id, behavior, ts and proctime");
    check_error("INSERT INTO per_window SELECT window_start, window_end, COUNT(*) FROM TABLE("
                "TUMBLE(TABLE ub, DESCRIPTOR(ts), INTERVAL '0' HOUR)) "
                "GROUP BY window_start, window_end;",
                "TABLE(", "TUMBLE's durations must be positive");
  }

  TEST_CASE("joins other than a lookup join by processing time") {
    check_error("INSERT INTO per_key SELECT C.parent_category_name, 1 FROM ub AS U "
                "JOIN dim AS C ON U.category_id = C.sub_category_id;",
                "JOIN", "regular joins are not supported; hint: a lookup join: LEFT JOIN dim "
                "FOR SYSTEM_TIME AS OF u.proctime AS d ON u.id = d.id");
    check_error("INSERT INTO per_key SELECT C.parent_category_name, 1 FROM ub AS U LEFT JOIN "
                "dim FOR SYSTEM_TIME AS OF U.ts AS C ON U.category_id = C.sub_category_id;",
                "U.ts", "event-time temporal joins are not supported; hint: look up as of a "
                "PROCTIME() column: declare proctime AS PROCTIME() in the source table");
    check_error("INSERT INTO per_key SELECT C.parent_category_name, 1 FROM ub AS U LEFT JOIN "
                "dim FOR SYSTEM_TIME AS OF U.proctime AS C ON U.category_id > C.sub_category_id;",
                "> C.", "a lookup join's ON compares columns of the dimension with the "
                "other side: U.category_id > C.sub_category_id is not such an equality; hint: "
                "LEFT JOIN dim FOR SYSTEM_TIME AS OF u.proctime AS d ON u.id = d.id");
    check_error("INSERT INTO per_key SELECT behavior, 1 FROM ub AS U LEFT JOIN per_key FOR "
                "SYSTEM_TIME AS OF U.proctime AS C ON U.behavior = C.k;",
                "per_key FOR", "table per_key (connector elasticsearch-7) cannot be looked up; "
                "hint: a dimension table uses the jdbc connector or filesystem with format csv");
  }

  TEST_CASE("reading and writing tables against their connector") {
    check_error("INSERT INTO per_key SELECT parent_category_name, 1 FROM dim;", "dim",
                "table dim (connector jdbc) can only be looked up, not read; hint: LEFT JOIN "
                "dim FOR SYSTEM_TIME AS OF u.proctime AS d ON u.id = d.id");
    check_error("INSERT INTO per_key SELECT k, n FROM per_key;", "per_key;",
                "table per_key (connector elasticsearch-7) is a sink, not read; hint: write it "
                "with INSERT INTO per_key");
    check_error("INSERT INTO ub SELECT * FROM ub;", "ub", "table ub (connector kafka) cannot "
                "be written; hint: sinks use the elasticsearch-7 or filesystem connector");
  }

  TEST_CASE("an INSERT must fit its sink") {
    check_error("INSERT INTO per_key SELECT behavior FROM ub;", "per_key",
                "INSERT INTO per_key writes 2 columns (k and n), but the query gives 1 "
                "(behavior); hint: select one value per column of per_key, in its order");
    check_error("INSERT INTO per_key SELECT behavior, ts FROM ub;", "ts",
                "column n of per_key is BIGINT, but the query gives TIMESTAMP(3) (ts); hint: "
                "CAST(... AS BIGINT)");
    check_error("INSERT INTO per_window SELECT ts, proctime, 1 FROM ub;", "proctime",
                "column we of per_window is TIMESTAMP(3), but the query gives TIMESTAMP_LTZ(3) "
                "(proctime); hint: CAST(... AS TIMESTAMP(3))");
    check_error("INSERT INTO per_key (k, x) SELECT behavior, 1 FROM ub;", "x)",
                "no column x in table per_key (did you mean k or n?)");
    check_error("INSERT INTO per_window SELECT ts, ts, COUNT(*) FROM ub GROUP BY ts;",
                "per_window", "the query updates rows it wrote before (an aggregate without a "
                "window), so per_window needs a primary key to update them by; hint: PRIMARY "
                "KEY (ws, we) NOT ENFORCED in CREATE TABLE per_window");
  }

  TEST_CASE("a sink's primary key must tell an aggregate's rows apart") {
    check_error("INSERT INTO per_key SELECT behavior, COUNT(*) FROM ub GROUP BY behavior, "
                "user_id;",
                "per_key", "per_key's primary key (k) is not written from user_id, so rows of "
                "different groups would overwrite each other; hint: write user_id into a key "
                "column");
    check_error("INSERT INTO per_key SELECT behavior, COUNT(*) FROM ub "
                "GROUP BY TUMBLE(ts, INTERVAL '1' HOUR), behavior;",
                "per_key", "per_key's primary key (k) is not written from the window's start "
                "or end, so rows of different windows would overwrite each other; hint: write "
                "TUMBLE_START(...) or TUMBLE_END(...) into a key column");
    const auto insert = bound_insert_of(
      "INSERT INTO per_key SELECT behavior || DATE_FORMAT(TUMBLE_END(ts, INTERVAL '1' HOUR), "
      "'HH'), COUNT(*) FROM ub GROUP BY TUMBLE(ts, INTERVAL '1' HOUR), behavior;");
    CHECK(canonical_text(insert.query.outputs[0].value)
          == "||($key0, DATE_FORMAT($window_end, 'HH'))");
  }

  TEST_CASE("queries outside the subset") {
    check_error("INSERT INTO per_key SELECT behavior, 1 FROM ub UNION ALL SELECT behavior, 2 "
                "FROM ub;",
                "SELECT", "UNION ALL is not supported; hint: write one INSERT per branch in a "
                "statement set", 2);
    check_error("INSERT INTO per_key SELECT behavior, 1 FROM ub ORDER BY behavior;", "behavior;",
                "ORDER BY is not supported in a streaming query; hint: the sink's reader sorts "
                "(e.g. Kibana)");
    check_error("INSERT INTO per_key SELECT DISTINCT behavior, 1 FROM ub;", "SELECT",
                "SELECT DISTINCT is not supported; hint: GROUP BY the columns, or COUNT(DISTINCT "
                "x)");
    check_error("INSERT INTO per_key SELECT behavior, COUNT(*) FROM ub GROUP BY behavior "
                "HAVING COUNT(*) > 1;",
                "> 1;", "HAVING is not supported; hint: filter the aggregate's rows in a "
                "query over a view of it");
    check_error("INSERT INTO per_key SELECT 'a', 1;", "SELECT", "a query without FROM is not "
                "supported; hint: ubaflow's queries read a table or view");
    check_error("INSERT INTO per_key SELECT behavior, 1 FROM ub WHERE PROCTIME() IS NULL;",
                "PROCTIME", "PROCTIME() declares a processing-time column; hint: declare it in "
                "CREATE TABLE: proctime AS PROCTIME()");
  }

  TEST_CASE("views") {
    check_error("CREATE VIEW v AS SELECT behavior, behavior FROM ub;", "behavior", "view v has "
                "two columns named behavior; hint: give one an alias: AS other_name", 2);
    check_error("CREATE VIEW v AS SELECT behavior, COUNT(*) AS n FROM ub GROUP BY behavior;",
                "CREATE", "the script has no INSERT INTO: there is nothing to run");
    check_error("CREATE VIEW ub AS SELECT behavior FROM ub;", "ub",
                "table ub exists already (line 1)");
  }
}
