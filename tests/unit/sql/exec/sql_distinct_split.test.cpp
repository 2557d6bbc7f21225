// Distinct sets split by the key group of their values (a query routed by
// distinct value: each owner counts its key groups' share): the parts are
// disjoint, each holds values of its group only, and together they are
// the set; a partial's split keeps its window and keys.

#include "common/sql/exec/sql_group_aggregator.hpp"
#include "common/util/key_groups.hpp"

#include <doctest/doctest.h>

#include <random>

using namespace ubaflow;

namespace {

constexpr uint32_t key_groups = 16;

std::vector<key_group_range> each_group() {
  std::vector<key_group_range> out;
  for (uint32_t g = 0; g < key_groups; ++g)
    out.push_back({g, g + 1});
  return out;
}

void check_split(const sql_distinct_set& set) {
  const auto parts = set.split(key_groups, each_group());
  REQUIRE(parts.size() == key_groups);
  uint64_t total = 0;
  sql_distinct_set united{set.kind()};
  const auto counts = set.counts_by_key_group(key_groups);
  for (uint32_t group = 0; group < key_groups; ++group) {
    CAPTURE(group);
    const auto& part = parts[group];
    CHECK(part.all_within({group, group + 1}, key_groups));
    const auto count = counts.count(group) ? counts.at(group) : 0;
    CHECK(part.size() == count);
    if (part.size() > 0) {
      CHECK(part.some_key_group(key_groups) == group);
      CHECK_FALSE(part.all_within({(group + 1) % key_groups,
                                   (group + 1) % key_groups + 1},
                                  key_groups));
    }
    total += part.size();
    united.merge(part);
  }
  CHECK(total == set.size()); // disjoint
  CHECK(united.size() == set.size());
  // Two halves of the key groups (two owners): the same values.
  const auto halves = set.split(key_groups, {{0, key_groups / 2},
                                             {key_groups / 2, key_groups}});
  CHECK(halves[0].size() + halves[1].size() == set.size());
  CHECK(halves[0].all_within({0, key_groups / 2}, key_groups));
  CHECK(halves[1].all_within({key_groups / 2, key_groups}, key_groups));
}

} // namespace

TEST_SUITE("sql.exec.distinct_split") {

TEST_CASE("integers, also beyond 32 bits and negative, split by key group") {
  sql_distinct_set set{sql_distinct_set::value_kind::integers};
  std::mt19937_64 random{7};
  for (int i = 0; i < 5000; ++i)
    set.add_integer(static_cast<int64_t>(random() % 100'000));
  set.add_integer(-5);
  set.add_integer(int64_t{1} << 40);
  check_split(set);
  const auto parts = set.split(key_groups, each_group());
  for (uint32_t group = 0; group < key_groups; ++group) {
    CHECK(parts[group].contains(sql_value::bigint(-5))
          == (sql_distinct_set::key_group_of_integer(-5, key_groups) == group));
    CHECK(parts[group].contains(sql_value::bigint(int64_t{1} << 40))
          == (sql_distinct_set::key_group_of_integer(int64_t{1} << 40, key_groups) == group));
  }
  CHECK_FALSE(set.all_within({0, 1}, key_groups));
  CHECK(set.all_within({0, key_groups}, key_groups));
}

TEST_CASE("an integer's key group is its block's; blocks spread over groups") {
  // Consecutive ids share a block of 4096 and so a key group; the blocks
  // of ids 0..N go to every group, about evenly.
  CHECK(sql_distinct_set::key_group_of_integer(0, key_groups)
        == sql_distinct_set::key_group_of_integer(4095, key_groups));
  std::vector<int> blocks_per_group(key_groups, 0);
  for (int64_t block = 0; block < 1024; ++block)
    ++blocks_per_group[sql_distinct_set::key_group_of_integer(block * 4096,
                                                              key_groups)];
  for (int blocks : blocks_per_group) {
    CHECK(blocks > 1024 / key_groups / 2);
    CHECK(blocks < 1024 / key_groups * 2);
  }
  // Each value of a set lands where key_group_of_integer says, also at the
  // top of the 32-bit range and across it.
  sql_distinct_set set{sql_distinct_set::value_kind::integers};
  std::vector<int64_t> values{0, 4095, 4096, 0xFFFFF000, 0xFFFFFFFF,
                              0x100000000, 0x100001000, -1, -4097};
  std::mt19937_64 random{11};
  for (int i = 0; i < 2000; ++i)
    values.push_back(static_cast<int64_t>(random() % 3'000'000));
  for (auto v : values)
    set.add_integer(v);
  check_split(set);
  const auto parts = set.split(key_groups, each_group());
  for (auto v : values) {
    CAPTURE(v);
    const auto group = sql_distinct_set::key_group_of_integer(v, key_groups);
    CHECK(parts[group].contains(sql_value::bigint(v)));
  }
  // A value of another group in the first chunk (upper half) is not
  // forgotten when the next chunk's values are all within.
  sql_distinct_set two_chunks{sql_distinct_set::value_kind::integers};
  const int64_t later = int64_t{1} << 32;
  two_chunks.add_integer(later);
  const auto group = sql_distinct_set::key_group_of_integer(later, key_groups);
  int64_t other = 0;
  while (sql_distinct_set::key_group_of_integer(other, key_groups) == group)
    other += 4096;
  two_chunks.add_integer(other);
  CHECK_FALSE(two_chunks.all_within({group, group + 1}, key_groups));
}

TEST_CASE("strings split by key group; an empty set has no group") {
  sql_distinct_set set{sql_distinct_set::value_kind::strings};
  for (int i = 0; i < 300; ++i)
    set.add_string("user-" + std::to_string(i));
  check_split(set);
  const sql_distinct_set empty{sql_distinct_set::value_kind::strings};
  for (const auto& part : empty.split(key_groups, each_group()))
    CHECK(part.size() == 0);
  CHECK(empty.counts_by_key_group(key_groups).empty());
  CHECK_FALSE(empty.some_key_group(key_groups));
  CHECK(empty.all_within({3, 4}, key_groups));
}

TEST_CASE("a partial splits into one partial per key group of its values") {
  const auto bigint = data_type::of(data_type_kind::bigint);
  sql_partial partial;
  partial.window = sql_window{0, 600'000};
  partial.accumulators.emplace_back(aggregate_function::count_distinct, bigint,
                                    bigint);
  partial.accumulators.emplace_back(aggregate_function::count_distinct, bigint,
                                    bigint);
  // Ids 1000 apart: a few per block of 4096, blocks of many key groups.
  for (int64_t user = 0; user < 200; ++user) {
    partial.accumulators[0].add(sql_value::bigint(user * 1000));
    if (user % 3 == 0) // the second aggregate's FILTER keeps a third
      partial.accumulators[1].add(sql_value::bigint(user * 1000));
  }
  const auto parts = split_by_key_groups(partial, each_group(), key_groups);
  REQUIRE(parts.size() == key_groups);
  int64_t users = 0;
  int64_t filtered = 0;
  size_t non_empty = 0;
  for (uint32_t group = 0; group < key_groups; ++group) {
    if (!parts[group])
      continue;
    ++non_empty;
    const auto& part = *parts[group];
    CHECK(part.window == partial.window);
    REQUIRE(part.accumulators.size() == 2);
    CHECK(key_group_of(part, sql_routing::distinct_value, key_groups) == group);
    CHECK(distinct_values_within(part, {group, group + 1}, key_groups));
    users += part.accumulators[0].result().as_bigint();
    filtered += part.accumulators[1].result().as_bigint();
  }
  CHECK(non_empty > 1);
  CHECK(users == 200);
  CHECK(filtered == 67);
  // Values of every key group: within all of them, not within one.
  CHECK(distinct_values_within(partial, {0, key_groups}, key_groups));
  CHECK_FALSE(distinct_values_within(partial, {0, 1}, key_groups));
}

} // TEST_SUITE
