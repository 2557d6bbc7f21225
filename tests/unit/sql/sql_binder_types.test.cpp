#include "common/sql/sql_data_type.hpp"
#include "tests/unit/sql/binder_test_support.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ubaflow;
using namespace ubaflow::test;

namespace {

data_type of(data_type_kind kind) { return data_type::of(kind); }

/// The type of the single output of `SELECT <expression> FROM ub` in a
/// view, as Flink prints it (nullability aside).
std::string type_of(const std::string& expression) {
  auto result = bind_after_prelude("CREATE VIEW v AS SELECT " + expression
                                   + " AS x FROM ub;\n"
                                     "INSERT INTO per_key SELECT behavior, 1 FROM ub;");
  REQUIRE_MESSAGE(result.ok(), expression, ": ", result.error->to_string());
  return to_string(result.script.views.front().columns.front().type);
}

bool nullable_of(const std::string& expression) {
  auto result = bind_after_prelude("CREATE VIEW v AS SELECT " + expression
                                   + " AS x FROM ub;\n"
                                     "INSERT INTO per_key SELECT behavior, 1 FROM ub;");
  REQUIRE(result.ok());
  return result.script.views.front().columns.front().type.nullable;
}

} // namespace

TEST_SUITE("sql.binder.types") {
  TEST_CASE("types print as Flink prints them") {
    CHECK(to_string(data_type::string()) == "STRING");
    CHECK(to_string(data_type::decimal(10, 2)) == "DECIMAL(10, 2)");
    data_type rowtime = data_type::timestamp(3);
    rowtime.attribute = time_attribute::rowtime;
    CHECK(to_string(rowtime) == "TIMESTAMP(3) *ROWTIME*");
    data_type proctime = data_type::timestamp(3, false, data_type_kind::timestamp_ltz);
    proctime.attribute = time_attribute::proctime;
    CHECK(to_string(proctime) == "TIMESTAMP_LTZ(3) *PROCTIME*");
    data_type varchar = of(data_type_kind::varchar);
    varchar.precision = 20;
    CHECK(to_string(varchar) == "VARCHAR(20)");
  }

  TEST_CASE("declared types take Flink's defaults and bounds") {
    sql_type type;
    type.name = sql_type_name::timestamp;
    CHECK(to_string(resolve_declared_type(type).type) == "TIMESTAMP(6)");
    type.precision = 3;
    type.local_time_zone = true;
    CHECK(to_string(resolve_declared_type(type).type) == "TIMESTAMP_LTZ(3)");
    type.precision = 10;
    CHECK(resolve_declared_type(type).error == "TIMESTAMP precision must be between 0 and 9");
    sql_type decimal;
    decimal.name = sql_type_name::decimal;
    CHECK(to_string(resolve_declared_type(decimal).type) == "DECIMAL(10, 0)");
    decimal.precision = 5;
    decimal.scale = 6;
    CHECK(resolve_declared_type(decimal).error == "DECIMAL scale must not exceed its precision");
    sql_type varchar;
    varchar.name = sql_type_name::varchar;
    CHECK(to_string(resolve_declared_type(varchar).type) == "VARCHAR(1)");
  }

  TEST_CASE("numeric widening") {
    const auto add = [](data_type a, data_type b) {
      return to_string(*numeric_result(binary_operator::add, a, b));
    };
    CHECK(add(of(data_type_kind::integer), of(data_type_kind::bigint)) == "BIGINT");
    CHECK(add(of(data_type_kind::tinyint), of(data_type_kind::smallint)) == "SMALLINT");
    CHECK(add(of(data_type_kind::bigint), of(data_type_kind::float_)) == "FLOAT");
    CHECK(add(of(data_type_kind::float_), of(data_type_kind::double_)) == "DOUBLE");
    CHECK(add(of(data_type_kind::integer), data_type::decimal(5, 2)) == "DECIMAL(13, 2)");
    CHECK(add(data_type::decimal(5, 2), of(data_type_kind::double_)) == "DOUBLE");
    CHECK(to_string(*numeric_result(binary_operator::multiply, data_type::decimal(5, 2),
                                    data_type::decimal(4, 1)))
          == "DECIMAL(9, 3)");
    CHECK(to_string(*numeric_result(binary_operator::divide, data_type::decimal(10, 2),
                                    data_type::decimal(5, 0)))
          == "DECIMAL(16, 8)");
    CHECK(to_string(*numeric_result(binary_operator::divide, of(data_type_kind::integer),
                                    of(data_type_kind::integer)))
          == "INT");
    CHECK_FALSE(numeric_result(binary_operator::add, data_type::string(),
                               of(data_type_kind::integer)));
  }

  TEST_CASE("common types of CASE branches and IN lists") {
    data_type a = of(data_type_kind::char_);
    a.precision = 3;
    data_type b = of(data_type_kind::char_);
    b.precision = 7;
    CHECK(to_string(*common_type(a, a)) == "CHAR(3)");
    CHECK(to_string(*common_type(a, b)) == "VARCHAR(7)");
    CHECK(to_string(*common_type(a, data_type::string())) == "STRING");
    CHECK(to_string(*common_type(of(data_type_kind::null), of(data_type_kind::bigint)))
          == "BIGINT");
    CHECK(to_string(*common_type(data_type::timestamp(0), data_type::timestamp(3)))
          == "TIMESTAMP(3)");
    CHECK_FALSE(common_type(data_type::string(), of(data_type_kind::integer)));
    CHECK_FALSE(common_type(data_type::timestamp(3),
                            data_type::timestamp(3, true, data_type_kind::timestamp_ltz)));
  }

  TEST_CASE("comparisons, casts and sink assignments") {
    CHECK(comparable(of(data_type_kind::integer), data_type::decimal(5, 2)));
    CHECK(comparable(data_type::string(), of(data_type_kind::char_)));
    CHECK(comparable(of(data_type_kind::null), of(data_type_kind::date)));
    CHECK_FALSE(comparable(data_type::string(), of(data_type_kind::bigint)));
    CHECK_FALSE(comparable(data_type::timestamp(3),
                           data_type::timestamp(3, true, data_type_kind::timestamp_ltz)));
    CHECK(castable(data_type::string(), of(data_type_kind::bigint)));
    CHECK(castable(data_type::timestamp(3),
                   data_type::timestamp(3, true, data_type_kind::timestamp_ltz)));
    CHECK(castable(of(data_type_kind::date), data_type::timestamp(3)));
    CHECK_FALSE(castable(data_type::timestamp(3), of(data_type_kind::bigint)));
    CHECK_FALSE(castable(of(data_type_kind::interval), data_type::string()));
    CHECK(assignable(of(data_type_kind::integer), of(data_type_kind::bigint)));
    CHECK_FALSE(assignable(of(data_type_kind::bigint), of(data_type_kind::integer)));
    CHECK(assignable(of(data_type_kind::bigint), data_type::decimal(20, 0)));
    CHECK_FALSE(assignable(of(data_type_kind::bigint), data_type::decimal(10, 0)));
    CHECK(assignable(of(data_type_kind::char_), data_type::string()));
    CHECK(assignable(data_type::timestamp(0), data_type::timestamp(3)));
    CHECK_FALSE(assignable(data_type::timestamp(3),
                           data_type::timestamp(3, true, data_type_kind::timestamp_ltz)));
    CHECK(assignable(of(data_type_kind::null), of(data_type_kind::boolean)));
  }

  TEST_CASE("literals") {
    CHECK(type_of("1") == "INT");
    CHECK(type_of("2147483648") == "BIGINT");
    CHECK(type_of("99999999999999999999") == "DECIMAL(20, 0)");
    CHECK(type_of("0.25") == "DECIMAL(2, 2)");
    CHECK(type_of("12.5") == "DECIMAL(3, 1)");
    CHECK(type_of("'buy'") == "CHAR(3)");
    CHECK(type_of("'类目'") == "CHAR(2)");
    CHECK(type_of("TRUE") == "BOOLEAN");
    CHECK(type_of("DATE '2017-11-25'") == "DATE");
    CHECK(type_of("TIMESTAMP '2017-11-25 08:00:00'") == "TIMESTAMP(0)");
    CHECK(type_of("TIMESTAMP '2017-11-25 08:00:00.123'") == "TIMESTAMP(3)");
    CHECK_FALSE(nullable_of("1"));
  }

  TEST_CASE("operators and functions") {
    CHECK(type_of("user_id + 1") == "BIGINT");
    CHECK(type_of("item_id * 2.5") == "DECIMAL(21, 1)");
    CHECK(type_of("user_id / 2") == "BIGINT");
    CHECK(type_of("user_id % 7") == "BIGINT");
    CHECK(type_of("-user_id") == "BIGINT");
    CHECK(type_of("behavior || '!'") == "STRING");
    CHECK(type_of("behavior = 'buy' AND user_id > 5") == "BOOLEAN");
    CHECK(type_of("behavior IN ('buy', 'cart')") == "BOOLEAN");
    CHECK(type_of("item_id BETWEEN 1 AND 100") == "BOOLEAN");
    CHECK(type_of("behavior LIKE 'b%'") == "BOOLEAN");
    CHECK(type_of("user_id IS NULL") == "BOOLEAN");
    CHECK_FALSE(nullable_of("user_id IS NULL"));
    CHECK(nullable_of("user_id > 5"));
    CHECK(type_of("CASE WHEN behavior = 'buy' THEN 1 ELSE 0 END") == "INT");
    CHECK(type_of("CASE behavior WHEN 'buy' THEN 'b' WHEN 'cart' THEN 'cc' END") == "VARCHAR(2)");
    CHECK(nullable_of("CASE WHEN behavior = 'buy' THEN 1 END"));
    CHECK(type_of("CASE WHEN user_id > 1 THEN behavior ELSE 'unknown' END") == "STRING");
    CHECK(type_of("CAST(user_id AS STRING)") == "STRING");
    CHECK(type_of("CAST(ts AS TIMESTAMP(3) WITH LOCAL TIME ZONE)") == "TIMESTAMP_LTZ(3)");
    CHECK(nullable_of("TRY_CAST(behavior AS INT)"));
    CHECK(type_of("HOUR(ts)") == "BIGINT");
    CHECK(type_of("EXTRACT(DAY FROM ts)") == "BIGINT");
    CHECK(type_of("DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm')") == "STRING");
    CHECK(type_of("ts + INTERVAL '1' HOUR") == "TIMESTAMP(3)");
  }

  TEST_CASE("time attributes: kept by a plain column, lost by any computation") {
    CHECK(type_of("ts") == "TIMESTAMP(3) *ROWTIME*");
    CHECK(type_of("proctime") == "TIMESTAMP_LTZ(3) *PROCTIME*");
    CHECK(type_of("CAST(ts AS TIMESTAMP(3))") == "TIMESTAMP(3)");
    CHECK(type_of("ts - INTERVAL '1' SECOND") == "TIMESTAMP(3)");
    auto script = bound_after_prelude("INSERT INTO per_key SELECT behavior, 1 FROM ub;");
    const auto& source = script.tables.front();
    REQUIRE(source.columns.size() == 6);
    CHECK(to_string(source.columns[4].type) == "TIMESTAMP(3) *ROWTIME*");
    CHECK(to_string(source.columns[5].type) == "TIMESTAMP_LTZ(3) *PROCTIME*");
    CHECK_FALSE(source.columns[5].type.nullable);
    REQUIRE(source.columns[5].computed);
    CHECK(source.columns[5].computed->function == bound_function::proctime);
    REQUIRE(source.watermark);
    CHECK(source.watermark->column == 4);
    CHECK(source.watermark->delay_ms == 5000);
  }

  TEST_CASE("aggregate types follow Flink") {
    const auto aggregate_type = [](const std::string& aggregate) {
      auto insert = bound_insert_of("INSERT INTO per_key SELECT behavior, " + aggregate
                                    + " FROM ub GROUP BY behavior;");
      REQUIRE(insert.query.aggregates.size() == 1);
      return to_string(insert.query.aggregates.front().type);
    };
    CHECK(aggregate_type("COUNT(*)") == "BIGINT");
    CHECK(aggregate_type("COUNT(DISTINCT user_id)") == "BIGINT");
    CHECK(aggregate_type("SUM(item_id)") == "BIGINT");
    CHECK(aggregate_type("MAX(user_id)") == "BIGINT");
    CHECK(aggregate_type("AVG(user_id)") == "BIGINT");
    CHECK(aggregate_type("SUM(CASE WHEN behavior = 'buy' THEN 1 ELSE 0 END)") == "INT");
  }
}
