// Runtime values of SQL jobs: kinds, the total order, identity and hashing
// for group keys and distinct sets, DECIMAL arithmetic on scaled int64,
// and text as Flink's CAST prints and parses it.

#include "common/sql/exec/sql_decimal.hpp"
#include "common/sql/exec/sql_value.hpp"
#include "common/sql/exec/sql_value_text.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <unordered_set>

using namespace ubaflow;

TEST_SUITE("sql.exec.value") {

TEST_CASE("values print as the SQL literals they stand for") {
  CHECK(sql_value{}.to_text() == "NULL");
  CHECK(sql_value::boolean(true).to_text() == "TRUE");
  CHECK(sql_value::bigint(-42).to_text() == "-42");
  CHECK(sql_value::double_(1.5).to_text() == "1.5");
  CHECK(sql_value::decimal(-1250, 2).to_text() == "-12.50");
  CHECK(sql_value::decimal(5, 3).to_text() == "0.005");
  CHECK(sql_value::string("pv").to_text() == "'pv'");
  CHECK(sql_value::timestamp(1511690400000).to_text() == "TIMESTAMP '2017-11-26 10:00:00.000'");
  CHECK(sql_value::timestamp_ltz(0).to_text() == "TIMESTAMP_LTZ '1970-01-01 00:00:00.000Z'");
  CHECK(sql_value::date(17496).to_text() == "DATE '2017-11-26'");
  CHECK(sql_value::interval(5000).to_text() == "INTERVAL '5000' ms");
}

TEST_CASE("the total order: NULL first, numbers across kinds, strings by bytes") {
  CHECK(compare(sql_value{}, sql_value::bigint(std::numeric_limits<int64_t>::min())) < 0);
  CHECK(compare(sql_value::bigint(2), sql_value::double_(2.5)) < 0);
  CHECK(compare(sql_value::double_(2.5), sql_value::decimal(250, 2)) == 0);
  CHECK(compare(sql_value::decimal(125, 2), sql_value::bigint(1)) > 0);
  CHECK(compare(sql_value::decimal(100, 2), sql_value::decimal(1, 0)) == 0);
  // int64 beyond double's 53 bits still orders exactly.
  CHECK(compare(sql_value::bigint(9007199254740993), sql_value::bigint(9007199254740992)) > 0);
  CHECK(compare(sql_value::bigint(9007199254740993), sql_value::double_(9007199254740992.0))
        > 0);
  // Java's Double.compare: -0.0 < 0.0, NaN above everything.
  CHECK(compare(sql_value::double_(-0.0), sql_value::double_(0.0)) < 0);
  CHECK(compare(sql_value::double_(std::nan("")), sql_value::double_(1e300)) > 0);
  CHECK(compare(sql_value::double_(std::nan("")), sql_value::double_(std::nan(""))) == 0);
  CHECK(compare(sql_value::string("b"), sql_value::string("ab")) > 0);
  CHECK(compare(sql_value::string("ab"), sql_value::string("abc")) < 0);
  // UTF-8 bytes unsigned: "é" (0xC3 0xA9) after "z".
  CHECK(compare(sql_value::string("\xC3\xA9"), sql_value::string("z")) > 0);
  CHECK(compare(sql_value::timestamp(5), sql_value::timestamp(6)) < 0);
  CHECK(compare(sql_value::boolean(false), sql_value::boolean(true)) < 0);
}

TEST_CASE("identity and stable hashes for group keys and distinct sets") {
  CHECK(sql_value::bigint(1) == sql_value::bigint(1));
  CHECK(sql_value::bigint(1) != sql_value::double_(1.0)); // one key, one type
  CHECK(sql_value::decimal(10, 1) != sql_value::decimal(100, 2));
  CHECK(sql_value::string("a") == sql_value::string("a"));
  CHECK(sql_value{} == sql_value::null());
  CHECK(sql_value::timestamp(5) != sql_value::timestamp_ltz(5));
  CHECK(sql_value::double_(std::nan("1")) == sql_value::double_(std::nan("2")));
  CHECK(stable_hash(sql_value::double_(std::nan("1")))
        == stable_hash(sql_value::double_(std::nan("2"))));
  // Stable: the same in every process (routing, snapshots). These
  // constants fail if the hash ever changes.
  const uint64_t h42 = stable_hash(sql_value::bigint(42));
  CHECK(h42 == stable_hash(sql_value::bigint(42)));
  CHECK(h42 != stable_hash(sql_value::bigint(43)));
  CHECK(h42 != stable_hash(sql_value::timestamp(42)));
  CHECK(stable_hash(sql_value::string("pv")) != stable_hash(sql_value::string("vp")));
  CHECK(stable_hash(sql_row{sql_value::bigint(1), sql_value::bigint(2)})
        != stable_hash(sql_row{sql_value::bigint(2), sql_value::bigint(1)}));
  std::unordered_set<sql_row, sql_row_hash> keys;
  keys.insert({sql_value::string("pv"), sql_value::bigint(1)});
  keys.insert({sql_value::string("pv"), sql_value::bigint(1)});
  keys.insert({sql_value::string("pv"), sql_value{}});
  CHECK(keys.size() == 2);
}

TEST_CASE("DECIMAL on scaled int64: exact, HALF_UP, NULL on overflow") {
  CHECK(decimal_add({125, 2}, {5, 1}, 2, 5) == std::optional<int64_t>{175});
  CHECK(decimal_subtract({100, 2}, {1, 3}, 3, 6) == std::optional<int64_t>{999});
  CHECK(decimal_multiply({125, 2}, {3, 0}, 2, 10) == std::optional<int64_t>{375});
  // 1 / 3 at scale 6: 0.333333; 2 / 3: 0.666667 (HALF_UP).
  CHECK(decimal_divide({1, 0}, {3, 0}, 6, 20) == std::optional<int64_t>{333333});
  CHECK(decimal_divide({2, 0}, {3, 0}, 6, 20) == std::optional<int64_t>{666667});
  CHECK(decimal_divide({-2, 0}, {3, 0}, 6, 20) == std::optional<int64_t>{-666667});
  CHECK(decimal_rescale({125, 2}, 1) == std::optional<int64_t>{13});
  CHECK(decimal_rescale({-125, 2}, 1) == std::optional<int64_t>{-13});
  CHECK(decimal_modulo({75, 1}, {2, 0}, 1, 5) == std::optional<int64_t>{15});
  // 999.99 + 0.01 does not fit DECIMAL(5, 2).
  CHECK_FALSE(decimal_add({99999, 2}, {1, 2}, 2, 5).has_value());
  // Nor does anything beyond int64 (18 digits).
  CHECK_FALSE(decimal_multiply({std::numeric_limits<int64_t>::max(), 0}, {10, 0}, 0, 38)
                .has_value());
  CHECK(decimal_truncate({-199, 2}) == -1);
  CHECK(decimal_to_string({7, 0}) == "7");
  bool invalid = false;
  CHECK(decimal_parse(" -12.345 ", 2, 10, &invalid) == std::optional<int64_t>{-1235});
  CHECK_FALSE(invalid);
  CHECK(decimal_parse("1e3", 0, 10, &invalid) == std::optional<int64_t>{1000});
  CHECK_FALSE(decimal_parse("12x", 2, 10, &invalid).has_value());
  CHECK(invalid);
  CHECK_FALSE(decimal_parse("123456", 0, 5, &invalid).has_value());
  CHECK_FALSE(invalid); // a number, but too long for DECIMAL(5, 0): NULL
  CHECK(decimal_compare({1, 0}, {100, 2}) == 0);
  CHECK(decimal_compare({-1, 0}, {1, 2}) < 0);
}

TEST_CASE("text: timestamps, dates, doubles as Java prints them") {
  const int64_t t = 1511690400000 + 30250; // 2017-11-26 10:00:30.250
  CHECK(format_sql_timestamp(t, 0) == "2017-11-26 10:00:30");
  CHECK(format_sql_timestamp(t, 3) == "2017-11-26 10:00:30.250");
  CHECK(format_sql_timestamp(t, 1) == "2017-11-26 10:00:30.2");
  CHECK(format_sql_timestamp(t, 6) == "2017-11-26 10:00:30.250000");
  CHECK(format_sql_timestamp(-1, 3) == "1969-12-31 23:59:59.999");
  CHECK(parse_sql_timestamp("2017-11-26 10:00:30.25") == std::optional<int64_t>{t});
  CHECK(parse_sql_timestamp(" 2017-11-26T10:00:30.250999 ") == std::optional<int64_t>{t});
  CHECK(parse_sql_timestamp("2017-11-26") == std::optional<int64_t>{1511654400000});
  CHECK(parse_sql_timestamp("2017-11-26 10:00") == std::optional<int64_t>{1511690400000});
  CHECK_FALSE(parse_sql_timestamp("2017-02-29 10:00:00").has_value());
  CHECK_FALSE(parse_sql_timestamp("2017-11-26 24:00:00").has_value());
  CHECK_FALSE(parse_sql_timestamp("2017-11-26 10:00:00Z").has_value());
  CHECK_FALSE(parse_sql_timestamp("yesterday").has_value());
  CHECK(parse_sql_date("2016-02-29") == std::optional<int64_t>{16860});
  CHECK(format_sql_date(16860) == "2016-02-29");
  CHECK(format_java_double(1.0, false) == "1.0");
  CHECK(format_java_double(0.1, false) == "0.1");
  CHECK(format_java_double(1234567.0, false) == "1234567.0");
  CHECK(format_java_double(12345678.0, false) == "1.2345678E7");
  CHECK(format_java_double(0.001, false) == "0.001");
  CHECK(format_java_double(0.0001, false) == "1.0E-4");
  CHECK(format_java_double(-2.5, false) == "-2.5");
  CHECK(format_java_double(0.1f, true) == "0.1");
  CHECK(format_java_double(1.0 / 3, false) == "0.3333333333333333");
  CHECK(format_java_double(std::numeric_limits<double>::infinity(), false) == "Infinity");
  CHECK(parse_sql_integer(" -9223372036854775808 ")
        == std::optional<int64_t>{std::numeric_limits<int64_t>::min()});
  CHECK_FALSE(parse_sql_integer("9223372036854775808").has_value());
  CHECK_FALSE(parse_sql_integer("1.5").has_value());
  CHECK(parse_sql_double("1.5e2") == std::optional<double>{150.0});
  CHECK_FALSE(parse_sql_double("0x10").has_value());
  CHECK(parse_sql_boolean(" Yes ") == std::optional<bool>{true});
  CHECK_FALSE(parse_sql_boolean("maybe").has_value());
}

} // TEST_SUITE
