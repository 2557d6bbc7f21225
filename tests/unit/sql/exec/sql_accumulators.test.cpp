// Aggregate states: Flink's results (NULLs skipped, empty SUM is NULL,
// integer AVG truncates), merging partials equals adding every row, exact
// distinct counts, and the byte form: round trip, and refusal of corrupt
// input without a crash.

#include "common/sql/exec/sql_accumulator.hpp"
#include "tests/unit/sql/binder_test_support.hpp"

#include <doctest/doctest.h>

#include <random>
#include <set>
#include <tuple>

using namespace ubaflow;

namespace {

const data_type bigint = data_type::of(data_type_kind::bigint);
const data_type integer = data_type::of(data_type_kind::integer);
const data_type double_type = data_type::of(data_type_kind::double_);
const data_type string_type = data_type::string();
const data_type decimal_2 = data_type::decimal(10, 2);

sql_accumulator make(aggregate_function f, const data_type& argument, data_type result) {
  return sql_accumulator{f, argument, result};
}

sql_value add_all(sql_accumulator a, const std::vector<sql_value>& values) {
  for (const auto& v : values)
    a.add(v);
  return a.result();
}

/// Adds `values` split into `parts` partials, merges them into one and
/// checks the result equals adding them all to one accumulator.
void check_merge_equivalence(const sql_accumulator& empty, const std::vector<sql_value>& values,
                             size_t parts) {
  std::vector<sql_accumulator> partials(parts, empty);
  for (size_t i = 0; i < values.size(); ++i)
    partials[(i * 7 + 3) % parts].add(values[i]);
  sql_accumulator merged = empty;
  for (const auto& p : partials)
    merged.merge(p);
  // Through the byte form too, as partials cross the exchange.
  sql_accumulator restored = empty;
  REQUIRE(restored.restore(merged.serialize()));
  CHECK(merged.result() == add_all(empty, values));
  CHECK(restored.result() == merged.result());
}

} // namespace

TEST_SUITE("sql.exec.accumulators") {

TEST_CASE("COUNT(*), COUNT(x), SUM, MIN, MAX, AVG of a few values, NULLs skipped") {
  const std::vector<sql_value> values{sql_value::bigint(4), sql_value{}, sql_value::bigint(-1),
                                      sql_value::bigint(3)};
  CHECK(add_all(make(aggregate_function::count_star, bigint, bigint), values)
        == sql_value::bigint(4));
  CHECK(add_all(make(aggregate_function::count, bigint, bigint), values) == sql_value::bigint(3));
  CHECK(add_all(make(aggregate_function::sum, bigint, bigint), values) == sql_value::bigint(6));
  CHECK(add_all(make(aggregate_function::min, bigint, bigint), values) == sql_value::bigint(-1));
  CHECK(add_all(make(aggregate_function::max, bigint, bigint), values) == sql_value::bigint(4));
  // 6 / 3 = 2; and 7 / 2 truncates to 3, -7 / 2 to -3, as Flink's AVG of BIGINT.
  CHECK(add_all(make(aggregate_function::avg, bigint, bigint), values) == sql_value::bigint(2));
  CHECK(add_all(make(aggregate_function::avg, bigint, bigint),
                {sql_value::bigint(3), sql_value::bigint(4)})
        == sql_value::bigint(3));
  CHECK(add_all(make(aggregate_function::avg, bigint, bigint),
                {sql_value::bigint(-3), sql_value::bigint(-4)})
        == sql_value::bigint(-3));
  CHECK(add_all(make(aggregate_function::avg, double_type, double_type),
                {sql_value::double_(3), sql_value::double_(4)})
        == sql_value::double_(3.5));
  // No value: counts are 0, the others NULL.
  const std::vector<sql_value> nulls{sql_value{}, sql_value{}};
  CHECK(add_all(make(aggregate_function::count_star, bigint, bigint), nulls)
        == sql_value::bigint(2));
  CHECK(add_all(make(aggregate_function::count, bigint, bigint), nulls) == sql_value::bigint(0));
  CHECK(add_all(make(aggregate_function::count_distinct, bigint, bigint), nulls)
        == sql_value::bigint(0));
  CHECK(add_all(make(aggregate_function::sum, bigint, bigint), nulls).is_null());
  CHECK(add_all(make(aggregate_function::min, bigint, bigint), nulls).is_null());
  CHECK(add_all(make(aggregate_function::avg, bigint, bigint), nulls).is_null());
  // MIN/MAX of strings by bytes, of timestamps by time.
  CHECK(add_all(make(aggregate_function::max, string_type, string_type),
                {sql_value::string("cart"), sql_value::string("pv"), sql_value::string("buy")})
        == sql_value::string("pv"));
  CHECK(add_all(make(aggregate_function::min, data_type::timestamp(3),
                     data_type::timestamp(3)),
                {sql_value::timestamp(9), sql_value::timestamp(5)})
        == sql_value::timestamp(5));
}

TEST_CASE("SUM keeps the argument's type: INT wraps at 32 bits, DECIMAL is exact") {
  CHECK(add_all(make(aggregate_function::sum, integer, integer),
                {sql_value::bigint(2147483647), sql_value::bigint(1)})
        == sql_value::bigint(-2147483648));
  CHECK(add_all(make(aggregate_function::sum, bigint, bigint),
                {sql_value::bigint(9223372036854775807), sql_value::bigint(1)})
        == sql_value::bigint(-9223372036854775807 - 1));
  const data_type sum_type = data_type::decimal(38, 2);
  CHECK(add_all(make(aggregate_function::sum, decimal_2, sum_type),
                {sql_value::decimal(10, 2), sql_value::decimal(20, 2)})
        == sql_value::decimal(30, 2));
  // AVG of DECIMAL(10, 2) has scale 6: (0.10 + 0.20 + 0.20) / 3 = 0.166667.
  CHECK(add_all(make(aggregate_function::avg, decimal_2, data_type::decimal(38, 6)),
                {sql_value::decimal(10, 2), sql_value::decimal(20, 2), sql_value::decimal(20, 2)})
        == sql_value::decimal(166667, 6));
  // Beyond 18 digits a DECIMAL sum is NULL, and stays NULL after merging.
  auto big = make(aggregate_function::sum, decimal_2, sum_type);
  big.add(sql_value::decimal(9'000'000'000'000'000'000, 2));
  big.add(sql_value::decimal(9'000'000'000'000'000'000, 2));
  CHECK(big.result().is_null());
  auto small = make(aggregate_function::sum, decimal_2, sum_type);
  small.add(sql_value::decimal(1, 2));
  small.merge(big);
  CHECK(small.result().is_null());
  // A value of the wrong representation is a caller's bug, reported.
  auto sum = make(aggregate_function::sum, bigint, bigint);
  CHECK_THROWS_AS(sum.add(sql_value::string("1")), std::invalid_argument);
  CHECK_THROWS_AS(sum.merge(make(aggregate_function::count, bigint, bigint)),
                  std::invalid_argument);
}

TEST_CASE("COUNT(DISTINCT) is exact: integers in bitmaps, strings in a set") {
  auto ids = make(aggregate_function::count_distinct, bigint, bigint);
  std::mt19937_64 random{13};
  std::set<int64_t> expected;
  for (int i = 0; i < 20000; ++i) {
    // Mostly small ids, some beyond 32 bits and negative: every chunk.
    int64_t id = static_cast<int64_t>(random() % 5000);
    if (i % 100 == 0)
      id = static_cast<int64_t>(random());
    ids.add(sql_value::bigint(id));
    expected.insert(id);
  }
  CHECK(ids.result() == sql_value::bigint(static_cast<int64_t>(expected.size())));
  auto names = make(aggregate_function::count_distinct, string_type, bigint);
  for (const char* s : {"pv", "buy", "pv", "", "buy", "cart"})
    names.add(sql_value::string(s));
  names.add(sql_value{});
  CHECK(names.result() == sql_value::bigint(4));

  sql_distinct_set set{sql_distinct_set::value_kind::integers};
  set.add(sql_value::bigint(-1));
  set.add(sql_value::bigint(4294967296));
  CHECK(set.contains(sql_value::bigint(-1)));
  CHECK(set.contains(sql_value::bigint(4294967296)));
  CHECK_FALSE(set.contains(sql_value::bigint(0)));
  CHECK_THROWS_AS(set.add(sql_value::string("x")), std::invalid_argument);
}

TEST_CASE("integers added in bulk are seen by every reader at any moment") {
  // The set buffers integers and adds them sorted (sql_distinct_set's
  // pending values; a source's set collects them all until it is read):
  // size, contains, merge, copies and the byte form must see them whenever
  // they are asked, not only at a flush.
  for (const bool collecting : {false, true}) {
    CAPTURE(collecting);
    std::mt19937_64 random{29};
    sql_distinct_set set{sql_distinct_set::value_kind::integers};
    sql_distinct_set other{sql_distinct_set::value_kind::integers};
    if (collecting) {
      set.collect_until_read();
      other.collect_until_read();
    }
    std::set<int64_t> in_set;
    std::set<int64_t> in_other;
    for (int i = 0; i < 5000; ++i) {
      int64_t id = static_cast<int64_t>(random() % 3000) - 100; // negatives too
      if (i % 97 == 0)
        id = static_cast<int64_t>(random()); // other upper halves
      auto [target, expected] = i % 3 == 0 ? std::tie(other, in_other)
                                           : std::tie(set, in_set);
      target.add(sql_value::bigint(id));
      expected.insert(id);
      if (i % 37 == 0) {
        CHECK(set.size() == in_set.size());
        CHECK(set.contains(sql_value::bigint(id)) == (in_set.count(id) > 0));
      }
      if (i % 1001 == 500) {
        // The byte form and a copy, with values still pending.
        std::string bytes;
        sql_byte_writer out{bytes};
        set.serialize(out);
        sql_distinct_set read{sql_distinct_set::value_kind::integers};
        sql_byte_reader in{bytes};
        REQUIRE(read.deserialize(in));
        CHECK(read.size() == in_set.size());
        auto copy = make(aggregate_function::count_distinct, bigint, bigint);
        for (int64_t v : in_set)
          copy.add(sql_value::bigint(v));
        const auto copied = copy; // pending values copied with it
        CHECK(copied.result() == sql_value::bigint(static_cast<int64_t>(in_set.size())));
      }
    }
    set.merge(other);
    in_set.insert(in_other.begin(), in_other.end());
    CHECK(set.size() == in_set.size());
    for (int64_t v : in_other)
      CHECK(set.contains(sql_value::bigint(v)));
  }
}

TEST_CASE("sets that collected the same values are sorted once and stay exact") {
  // settle_alike: a source's flush, where two queries may have counted the
  // same users over the same rows.
  std::mt19937_64 random{31};
  std::vector<int64_t> values;
  for (int i = 0; i < 3000; ++i)
    values.push_back(static_cast<int64_t>(random() % 5000));
  auto collecting = [] {
    sql_distinct_set set{sql_distinct_set::value_kind::integers};
    set.collect_until_read();
    return set;
  };
  auto a = collecting(), b = collecting(), c = collecting(), d = collecting(),
       e = collecting();
  for (const auto v : values) {
    a.add_integer(v);
    b.add_integer(v); // the same sequence: shares a's sort
    e.add_integer(v);
  }
  for (auto it = values.rbegin(); it != values.rend(); ++it)
    c.add_integer(*it); // the same values, another order: sorted itself
  for (size_t i = 0; i + 1 < values.size(); ++i)
    d.add_integer(values[i]);
  d.add_integer(999'999); // the last value another: sorted itself
  e.add_integer(1'000'000); // held besides: sorted itself
  sql_distinct_set::settle_alike({&a, &b, &c, &d, &e});
  const std::set<int64_t> expected(values.begin(), values.end());
  std::set<int64_t> all_but_last(values.begin(), values.end() - 1);
  all_but_last.insert(999'999);
  CHECK(a.size() == expected.size());
  CHECK(b.size() == expected.size());
  CHECK(c.size() == expected.size());
  CHECK(d.size() == all_but_last.size());
  CHECK(e.size() == expected.size() + 1);
  for (const auto v : expected) {
    CHECK(b.contains(sql_value::bigint(v)));
    CHECK(c.contains(sql_value::bigint(v)));
  }
  CHECK(d.contains(sql_value::bigint(999'999)));
  CHECK(d.contains(sql_value::bigint(values.back())) == (all_but_last.count(values.back()) > 0));
  // The copies are sets of their own: adding to one leaves the other.
  b.add_integer(2'000'000);
  CHECK(b.size() == expected.size() + 1);
  CHECK(a.size() == expected.size());
}

TEST_CASE("merging partials equals adding every row, for every function") {
  std::mt19937_64 random{7};
  std::vector<sql_value> ints, strings, decimals, reals;
  for (int i = 0; i < 3000; ++i) {
    const int64_t v = static_cast<int64_t>(random() % 2000) - 1000;
    ints.push_back(i % 17 == 0 ? sql_value{} : sql_value::bigint(v));
    strings.push_back(sql_value::string("s" + std::to_string(v % 300)));
    decimals.push_back(sql_value::decimal(v * 7, 2));
    reals.push_back(sql_value::double_(static_cast<double>(v) / 4)); // exact in binary
  }
  for (size_t parts : {1, 2, 5, 64}) {
    CAPTURE(parts);
    for (auto f : {aggregate_function::count_star, aggregate_function::count,
                   aggregate_function::count_distinct, aggregate_function::sum,
                   aggregate_function::min, aggregate_function::max, aggregate_function::avg}) {
      CAPTURE(to_string(f));
      check_merge_equivalence(make(f, bigint, bigint), ints, parts);
    }
    check_merge_equivalence(make(aggregate_function::count_distinct, string_type, bigint),
                            strings, parts);
    check_merge_equivalence(make(aggregate_function::max, string_type, string_type), strings,
                            parts);
    check_merge_equivalence(make(aggregate_function::sum, decimal_2, data_type::decimal(38, 2)),
                            decimals, parts);
    check_merge_equivalence(make(aggregate_function::avg, decimal_2, data_type::decimal(38, 6)),
                            decimals, parts);
    check_merge_equivalence(make(aggregate_function::sum, double_type, double_type), reals,
                            parts);
  }
}

TEST_CASE("accumulators of a bound query, FILTER applied by the caller") {
  auto insert = test::bound_insert_of(
    "INSERT INTO per_key SELECT behavior, COUNT(*) FILTER (WHERE user_id > 1) + "
    "COUNT(DISTINCT item_id) + SUM(category_id) + MIN(user_id) + MAX(user_id) + AVG(user_id) "
    "FROM ub GROUP BY behavior;");
  const auto& aggregates = insert.query.aggregates;
  REQUIRE(aggregates.size() == 6);
  std::vector<sql_accumulator> states(aggregates.begin(), aggregates.end());
  CHECK(states[0].function() == aggregate_function::count_star);
  CHECK(states[1].function() == aggregate_function::count_distinct);
  CHECK(states[5].function() == aggregate_function::avg);
  states[1].add(sql_value::bigint(5));
  states[1].add(sql_value::bigint(5));
  CHECK(states[1].result() == sql_value::bigint(1));
}

TEST_CASE("the byte form: round trip, versioned, corrupt input refused") {
  auto ids = make(aggregate_function::count_distinct, bigint, bigint);
  for (int64_t v : std::vector<int64_t>{1, 2, 3, 70000, -5, int64_t{1} << 40})
    ids.add(sql_value::bigint(v));
  const std::string bytes = ids.serialize();
  CHECK(static_cast<uint8_t>(bytes[0]) == sql_accumulator::format_version);
  auto restored = make(aggregate_function::count_distinct, bigint, bigint);
  REQUIRE(restored.restore(bytes));
  CHECK(restored.result() == sql_value::bigint(6));

  auto max = make(aggregate_function::max, string_type, string_type);
  max.add(sql_value::string("zebra"));
  auto max_back = make(aggregate_function::max, string_type, string_type);
  REQUIRE(max_back.restore(max.serialize()));
  CHECK(max_back.result() == sql_value::string("zebra"));

  std::string error;
  // Another version, another aggregate, trailing bytes.
  std::string other_version = bytes;
  other_version[0] = 2;
  CHECK_FALSE(restored.restore(other_version, &error));
  CHECK(error.find("format version 2") != std::string::npos);
  CHECK(restored.result() == sql_value::bigint(0)); // left empty
  auto count = make(aggregate_function::count, bigint, bigint);
  CHECK_FALSE(count.restore(bytes, &error));
  CHECK(error.find("another aggregate") != std::string::npos);
  CHECK_FALSE(restored.restore(bytes + "x", &error));
  CHECK(error.find("trailing") != std::string::npos);
  // The MIN/MAX value of another type.
  auto max_int = make(aggregate_function::max, bigint, bigint);
  CHECK_FALSE(max_int.restore(max.serialize(), &error));

  // Every truncation, and every single-byte corruption, of every kind of
  // state: refused or read, never a crash (run under ASan/UBSan).
  std::vector<sql_accumulator> samples;
  samples.push_back(ids);
  samples.push_back(max);
  auto names = make(aggregate_function::count_distinct, string_type, bigint);
  names.add(sql_value::string("pv"));
  names.add(sql_value::string("buy"));
  samples.push_back(names);
  auto avg = make(aggregate_function::avg, decimal_2, data_type::decimal(38, 6));
  avg.add(sql_value::decimal(1234, 2));
  samples.push_back(avg);
  auto sum = make(aggregate_function::sum, double_type, double_type);
  sum.add(sql_value::double_(2.5));
  samples.push_back(sum);
  for (const auto& sample : samples) {
    const std::string good = sample.serialize();
    sql_accumulator target = sample;
    for (size_t cut = 0; cut < good.size(); ++cut)
      CHECK_FALSE(target.restore(std::string_view{good}.substr(0, cut)));
    for (size_t i = 0; i < good.size(); ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        std::string bad = good;
        bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
        if (target.restore(bad))
          (void)target.result(); // read as some other valid state
      }
    }
  }
  // A huge declared count with nothing behind it: refused before any loop.
  std::string huge{static_cast<char>(sql_accumulator::format_version),
                   static_cast<char>(aggregate_function::count_distinct), 0, 1};
  for (int i = 0; i < 9; ++i)
    huge.push_back(static_cast<char>(0xFF));
  huge.push_back(0x01);
  auto strings_state = make(aggregate_function::count_distinct, string_type, bigint);
  CHECK_FALSE(strings_state.restore(huge, &error));
}

} // TEST_SUITE
