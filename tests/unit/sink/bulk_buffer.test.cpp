#include "worker/sink/bulk_buffer.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace ubaflow;

namespace {

result_row row(result_kind kind, std::string id, std::string document) {
  return {to_string(kind), std::move(id), std::move(document)};
}

result_row uv(std::string id, int users) {
  return row(result_kind::cumulative_uv, std::move(id),
             "{\"uv\":" + std::to_string(users) + "}");
}

std::vector<std::string> ids(const std::vector<taken_row>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows)
    out.push_back(r.row.id);
  return out;
}

/// Bytes the buffer accounts per row.
size_t cost(const result_row& r) {
  return r.index.size() + r.id.size() + r.document.size() + 64;
}

} // namespace

TEST_SUITE("bulk_buffer") {
  TEST_CASE("rows are taken in arrival order") {
    bulk_buffer b;
    CHECK(b.empty());
    b.add(uv("a", 1));
    b.add(uv("b", 2));
    b.add(uv("c", 3));
    CHECK(b.size() == 3);
    CHECK(b.bytes() == cost(uv("a", 1)) * 3);
    auto taken = b.take(100, 1 << 20);
    CHECK(ids(taken) == std::vector<std::string>{"a", "b", "c"});
    CHECK(taken[1].row.document == "{\"uv\":2}");
    CHECK(b.empty());
    CHECK(b.bytes() == 0);
    CHECK(b.take(100, 1 << 20).empty());
  }

  TEST_CASE("rows are coalesced by kind and id; the first arrival keeps its place") {
    bulk_buffer b;
    b.add(uv("a", 1));
    b.add(uv("b", 1));
    b.add(uv("a", 2));
    b.add(row(result_kind::cumulative_uv_daily, "a", "{\"daily\":1}")); // other index
    b.add(uv("a", 30));
    CHECK(b.size() == 3);
    CHECK(b.coalesced() == 2);
    CHECK(b.bytes() == cost(uv("a", 30)) + cost(uv("b", 1))
                         + cost(row(result_kind::cumulative_uv_daily, "a", "{\"daily\":1}")));
    auto taken = b.take(100, 1 << 20);
    REQUIRE(taken.size() == 3);
    CHECK(taken[0].row.id == "a");
    CHECK(taken[0].row.index == "cumulative_uv");
    CHECK(taken[0].row.document == "{\"uv\":30}");
    CHECK(taken[1].row.id == "b");
    CHECK(taken[2].row.index == "cumulative_uv_daily");
    // Versions grow with every add.
    CHECK(taken[0].version > taken[2].version);
    CHECK(taken[2].version > taken[1].version);
  }

  TEST_CASE("take stops at max actions") {
    bulk_buffer b;
    for (int i = 0; i < 10; ++i)
      b.add(uv("id" + std::to_string(i), i));
    CHECK(ids(b.take(3, 1 << 20)) == std::vector<std::string>{"id0", "id1", "id2"});
    CHECK(b.size() == 7);
    CHECK(ids(b.take(3, 1 << 20)) == std::vector<std::string>{"id3", "id4", "id5"});
    CHECK(b.take(100, 1 << 20).size() == 4);
  }

  TEST_CASE("take stops at max bytes but always returns at least one row") {
    bulk_buffer b;
    b.add(uv("a", 1));
    b.add(uv("b", 2));
    b.add(uv("c", 3));
    const size_t one = cost(uv("a", 1));
    CHECK(ids(b.take(100, 2 * one)) == std::vector<std::string>{"a", "b"});
    CHECK(b.bytes() == one);
    b.add(row(result_kind::top_category, "huge", std::string(10'000, 'x')));
    CHECK(ids(b.take(100, 2 * one)) == std::vector<std::string>{"c"});
    CHECK(ids(b.take(100, 10)) == std::vector<std::string>{"huge"}); // bigger than the limit
    CHECK(b.empty());
    CHECK(b.bytes() == 0);
  }

  TEST_CASE("restore puts a failed row back at the end") {
    bulk_buffer b;
    b.add(uv("a", 1));
    b.add(uv("b", 1));
    auto taken = b.take(1, 1 << 20);
    REQUIRE(taken.size() == 1);
    CHECK(b.restore(taken[0]));
    CHECK(b.size() == 2);
    CHECK(b.bytes() == 2 * cost(uv("a", 1)));
    auto all = b.take(10, 1 << 20);
    CHECK(ids(all) == std::vector<std::string>{"b", "a"});
    CHECK(all[1].version == taken[0].version);
  }

  TEST_CASE("restore never overrides a newer version") {
    bulk_buffer b;
    b.add(uv("a", 1));
    auto old = b.take(10, 1 << 20);
    REQUIRE(old.size() == 1);
    // A newer version arrives while the old one is in flight.
    b.add(uv("a", 2));
    CHECK_FALSE(b.restore(old[0]));
    auto pending = b.take(10, 1 << 20);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].row.document == "{\"uv\":2}");
    // Even once the newer one has been taken (and maybe written), the old
    // one must not come back.
    CHECK_FALSE(b.restore(old[0]));
    CHECK(b.empty());
    // The newer one itself can be restored.
    CHECK(b.restore(pending[0]));
    CHECK(b.size() == 1);
    // But not twice.
    CHECK_FALSE(b.restore(pending[0]));
    CHECK(b.size() == 1);
  }

  TEST_CASE("coalescing keeps memory bounded by distinct ids") {
    bulk_buffer b;
    for (int round = 0; round < 1000; ++round)
      for (int id = 0; id < 5; ++id)
        b.add(uv(std::to_string(id), round));
    CHECK(b.size() == 5);
    CHECK(b.coalesced() == 4995);
    auto taken = b.take(100, 1 << 20);
    REQUIRE(taken.size() == 5);
    for (const auto& t : taken)
      CHECK(t.row.document == "{\"uv\":999}");
  }
}
