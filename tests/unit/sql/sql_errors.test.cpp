#include "common/sql/sql_parser.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ubaflow;

namespace {

/// std::string::starts_with is C++20; the project is C++17.
bool starts_with(const std::string& text, std::string_view prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

/// The rendered error of a script that must not parse.
std::string error_of(std::string_view text) {
  auto result = parse_script(text);
  REQUIRE_MESSAGE(!result.ok(), "parsed: ", text);
  CHECK(result.statements.empty());
  return result.error->to_string();
}

} // namespace

TEST_SUITE("sql.errors") {
  TEST_CASE("lexical errors reach the script's result") {
    CHECK(error_of("SELECT a FROM t WHERE b = 'buy") ==
          "line 1:27: unterminated string literal; hint: close it with ' (a "
          "quote inside a string is written '')");
    CHECK(error_of("SELECT a\nFROM t /* and then") ==
          "line 2:8: unterminated comment: /* without */");
  }

  TEST_CASE("missing pieces are named with what was found instead") {
    CHECK(error_of("SELECT a FROM WHERE b = 1") ==
          "line 1:15: expected a table name, a subquery or TABLE(...), found "
          "keyword WHERE; hint: if WHERE is meant as a name, write it in "
          "backquotes: `WHERE`");
    CHECK(error_of("SELECT a, FROM t") == "line 1:11: expected an expression, found keyword FROM");
    CHECK(error_of("SELECT COUNT(a FROM t") ==
          "line 1:16: expected ',' or ')' in the call of COUNT, found keyword FROM");
    CHECK(error_of("SELECT (a + b FROM t") == "line 1:15: expected ')', found keyword FROM");
    CHECK(error_of("CREATE TABLE t (a INT, b BIGINT") ==
          "line 1:32: expected ',' or ')' after a column, found end of input");
    CHECK(error_of("CREATE TABLE t (a INT,) WITH ('k' = 'v')") ==
          "line 1:23: expected a column name, found ')'");
    CHECK(error_of("SELECT a FROM t\nSELECT b FROM t") ==
          "line 2:1: expected ';' after the statement, found keyword SELECT");
    CHECK(error_of("SELECT CASE WHEN a THEN 1") ==
          "line 1:26: expected WHEN, ELSE or END in CASE, found end of input");
    CHECK(error_of("INSERT INTO sink") ==
          "line 1:17: expected a query (SELECT ...) after INSERT INTO sink, "
          "found end of input");
    CHECK(error_of("SELECT a FROM t JOIN d") ==
          "line 1:23: expected ON and the join condition, found end of input");
  }

  TEST_CASE("INTERVAL: quoted whole numbers and day-time units only") {
    CHECK(error_of("SELECT INTERVAL '5' WEEK") ==
          "line 1:21: bad INTERVAL unit 'WEEK'; hint: the units are SECOND, "
          "MINUTE, HOUR and DAY");
    CHECK(error_of("SELECT INTERVAL '1' MONTH") ==
          "line 1:21: INTERVAL unit 'MONTH' is not supported; hint: the units "
          "are SECOND, MINUTE, HOUR and DAY");
    CHECK(error_of("SELECT INTERVAL 5 SECOND") ==
          "line 1:17: INTERVAL takes its value in quotes; hint: INTERVAL '5' SECOND");
    CHECK(error_of("SELECT INTERVAL '1.5' SECOND") ==
          "line 1:17: INTERVAL '1.5': the value must be a whole number; hint: "
          "INTERVAL '5' SECOND");
    CHECK(error_of("SELECT INTERVAL '1' HOUR TO MINUTE") ==
          "line 1:26: INTERVAL ranges (HOUR TO MINUTE) are not supported; hint: "
          "write one unit: INTERVAL '90' MINUTE");
  }

  TEST_CASE("statements outside the dialect") {
    CHECK(error_of("DROP TABLE user_behavior;") ==
          "line 1:1: DROP statements are not supported; hint: a script has "
          "CREATE TABLE, CREATE VIEW, INSERT INTO, statement sets (EXECUTE "
          "STATEMENT SET BEGIN ... END) and SELECT");
    CHECK(starts_with(error_of("SET 'pipeline.name' = 'x';"),
      "line 1:1: SET statements are not supported"));
    CHECK(starts_with(error_of("CREATE FUNCTION f AS 'x'"),
      "line 1:8: CREATE FUNCTION is not supported"));
    CHECK(starts_with(error_of("CREATE TABLE t2 LIKE t"),
      "line 1:17: CREATE TABLE ... LIKE is not supported"));
    CHECK(starts_with(error_of("INSERT OVERWRITE t SELECT 1"),
      "line 1:8: INSERT OVERWRITE is not supported"));
    CHECK(error_of("hello") ==
          "line 1:1: expected a statement, found 'hello'; hint: a script has "
          "CREATE TABLE, CREATE VIEW, INSERT INTO, statement sets (EXECUTE "
          "STATEMENT SET BEGIN ... END) and SELECT");
    CHECK(error_of("EXECUTE STATEMENT SET BEGIN CREATE VIEW v AS SELECT 1; END") ==
          "line 1:29: expected INSERT INTO or END in the statement set, found "
          "keyword CREATE; hint: a statement set holds INSERT statements only");
    CHECK(error_of("BEGIN STATEMENT SET; END;") ==
          "line 1:22: a statement set without INSERT");
  }

  TEST_CASE("query features outside the dialect") {
    CHECK(error_of("SELECT * FROM t MATCH_RECOGNIZE (PARTITION BY a)") ==
          "line 1:17: MATCH_RECOGNIZE is not supported");
    CHECK(error_of("SELECT SUM(x) OVER (PARTITION BY a) FROM t") ==
          "line 1:15: OVER windows are not supported; hint: aggregate per group "
          "window: GROUP BY TUMBLE(ts, INTERVAL '1' HOUR) or FROM "
          "TABLE(TUMBLE(...)) GROUP BY window_start, window_end");
    CHECK(error_of("SELECT a FROM t RIGHT JOIN d ON a = b") ==
          "line 1:17: RIGHT JOIN is not supported; hint: the joins are [INNER] "
          "JOIN and LEFT [OUTER] JOIN ... ON");
    CHECK(error_of("SELECT a FROM t, d") ==
          "line 1:16: joins written with ',' are not supported; hint: write "
          "JOIN ... ON <condition>");
    CHECK(error_of("SELECT a FROM t WHERE a IN (SELECT b FROM d)") ==
          "line 1:29: IN with a subquery is not supported; hint: list the "
          "values, x IN (1, 2, 3), or join a view");
    CHECK(error_of("SELECT (SELECT 1) FROM t") ==
          "line 1:9: subqueries in expressions are not supported; hint: "
          "compute the value in a view and join it");
    CHECK(error_of("SELECT a FROM t UNION SELECT b FROM d") ==
          "line 1:17: UNION without ALL is not supported; hint: write UNION ALL "
          "(rows are not deduplicated)");
    CHECK(starts_with(error_of("WITH x AS (SELECT 1) SELECT * FROM x"),
      "line 1:1: WITH (common table expressions) is not supported"));
    CHECK(error_of("SELECT a FROM cat.db.t") ==
          "line 1:18: qualified table names (catalog.database.table) are not "
          "supported; hint: name the table alone: cat");
    CHECK(starts_with(error_of("SELECT a FROM t GROUP BY ROLLUP (a, b)"),
      "line 1:26: GROUPING SETS, ROLLUP and CUBE are not supported"));
    CHECK(error_of("SELECT 1 FROM TABLE(SESSION(TABLE t, DESCRIPTOR(ts), "
                   "INTERVAL '1' MINUTE))")
          == "line 1:21: SESSION windows are not supported; hint: the window "
             "functions are TUMBLE, HOP and CUMULATE");
    CHECK(error_of("SELECT 1 FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '1' HOUR))")
          == "line 1:67: HOP takes 2 or 3 durations; hint: write HOP(TABLE t, "
             "DESCRIPTOR(ts), slide, size [, offset])");
    CHECK(error_of("SELECT 1 FROM TABLE(TUMBLE(DATA => TABLE t, TIMECOL => "
                   "DESCRIPTOR(ts), SIZE => INTERVAL '1' HOUR))")
          == "line 1:28: named arguments (name => value) are not supported; "
             "hint: pass the arguments in order");
    CHECK(error_of("SELECT 1 FROM TABLE(TUMBLE(t, DESCRIPTOR(ts), INTERVAL '1' HOUR))")
          == "line 1:28: expected TABLE <name> as TUMBLE's first argument, "
             "found 't'");
  }

  TEST_CASE("table definitions outside the dialect") {
    CHECK(error_of("CREATE TABLE t (a INT) WITH ('connector' = 'kafka', "
                   "'connector' = 'jdbc')") ==
          "line 1:53: option 'connector' is given twice");
    CHECK(error_of("CREATE TABLE t (a INT) WITH ('lookup.cache.max-rows' = 5000)") ==
          "line 1:56: expected the option's value in quotes, found number "
          "5000; hint: values are strings, also numbers: '5000'");
    CHECK(error_of("CREATE TABLE t (a INT) WITH (connector = 'kafka')") ==
          "line 1:30: expected an option key in quotes, found 'connector'; "
          "hint: options are written 'connector' = 'kafka'");
    CHECK(error_of("CREATE TABLE t (a INT, PRIMARY KEY (a))") ==
          "line 1:39: PRIMARY KEY must be NOT ENFORCED; hint: Flink does not "
          "check keys: PRIMARY KEY (...) NOT ENFORCED");
    CHECK(error_of("CREATE TABLE t (a ARRAY<INT>)") ==
          "line 1:19: type ARRAY is not supported; hint: the types are BOOLEAN, "
          "TINYINT, SMALLINT, INT, BIGINT, FLOAT, DOUBLE, DECIMAL(p, s), STRING, "
          "VARCHAR(n), CHAR(n), DATE, TIMESTAMP(p), TIMESTAMP(p) WITH LOCAL "
          "TIME ZONE");
    CHECK(starts_with(error_of("CREATE TABLE t (a LONG)"),
      "line 1:19: unknown type 'LONG'; hint: the types are BOOLEAN"));
    CHECK(error_of("CREATE TABLE t (ts TIMESTAMP(12))") ==
          "line 1:30: TIMESTAMP precision 12 is out of range; hint: it is "
          "between 0 and 9");
    CHECK(error_of("CREATE TABLE t (d DECIMAL(5, 7))") ==
          "line 1:30: DECIMAL scale 7 is out of range; hint: it is between 0 and 5");
    CHECK(error_of("CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts, "
                   "WATERMARK FOR ts AS ts)") ==
          "line 1:58: a table has one WATERMARK");
    CHECK(error_of("CREATE TABLE t (ts TIMESTAMP(3) METADATA FROM 'timestamp')") ==
          "line 1:33: metadata columns are not supported");
  }

  TEST_CASE("nesting too deep is an error, not a crash") {
    const std::string deep = "SELECT " + std::string(300, '(') + "1"
                             + std::string(300, ')');
    CHECK(error_of(deep) ==
          "line 1:207: nesting deeper than 200 levels (parentheses, "
          "subqueries, calls); hint: split the query into views");
    std::string subqueries = "SELECT * FROM ";
    for (int i = 0; i < 250; ++i)
      subqueries += "(SELECT * FROM ";
    CHECK(error_of(subqueries).find("nesting deeper than 200 levels")
          != std::string::npos);
    std::string chain = "SELECT a";
    for (int i = 0; i < 1200; ++i)
      chain += " OR a";
    CHECK(error_of(chain).find(
            "expression deeper than 1000 operators; hint: a long list of "
            "alternatives is written x IN (a, b, ...)")
          != std::string::npos);
    std::string nots = "SELECT";
    for (int i = 0; i < 5000; ++i)
      nots += " NOT";
    CHECK(error_of(nots + " a").find("expression deeper than 1000 operators")
          != std::string::npos);
    std::string signs = "SELECT";
    for (int i = 0; i < 5000; ++i)
      signs += " -";
    CHECK(error_of(signs + " 1").find("expression deeper than 1000 operators")
          != std::string::npos);
  }

  TEST_CASE("a reserved word used as a name gets the backquote hint") {
    CHECK(error_of("CREATE TABLE t (from BIGINT)") ==
          "line 1:17: expected a column name, found keyword FROM; hint: if FROM "
          "is meant as a name, write it in backquotes: `from`");
    CHECK(parse_script("CREATE TABLE t (`from` BIGINT)").ok());
  }
}
