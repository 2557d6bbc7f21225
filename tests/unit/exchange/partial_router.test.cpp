#include "worker/exchange/partial_router.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

using namespace ubaflow;

namespace {

std::vector<key_group_range> plan(uint32_t parallelism, uint32_t count) {
  std::vector<key_group_range> out;
  for (uint32_t i = 0; i < parallelism; ++i)
    out.push_back(range_for_owner(i, parallelism, count));
  return out;
}

uv_partial uv_for(key_group group, event_time start, std::vector<uint64_t> both) {
  uv_partial p;
  p.window_start = start;
  p.group = group;
  p.both.ids = std::move(both);
  return p;
}

} // namespace

TEST_SUITE("partial_router") {
  TEST_CASE("the routing table maps every key group to its range's owner") {
    for (uint32_t p : {1u, 2u, 3u, 5u, 16u}) {
      partial_router router{64, plan(p, 64)};
      CHECK(router.owner_count() == p);
      CHECK(router.key_groups() == 64);
      CHECK(router.owners().size() == p);
      for (key_group kg = 0; kg < 64; ++kg) {
        CHECK(router.owner_of(kg) == owner_of(kg, p, 64));
        CHECK(router.owners()[router.owner_of(kg)].contains(kg));
      }
    }
    // Ranges need not be in key-group order.
    partial_router reversed{10, {{5, 10}, {0, 5}}};
    CHECK(reversed.owner_of(0) == 1);
    CHECK(reversed.owner_of(4) == 1);
    CHECK(reversed.owner_of(5) == 0);
    CHECK(reversed.owner_of(9) == 0);
  }

  TEST_CASE("partials go to the owners of their key groups") {
    const uint32_t count = 16;
    partial_router router{count, plan(3, count)};
    std::vector<hourly_partial> hourly;
    std::vector<uv_partial> uv;
    std::vector<category_partial> categories;
    for (int i = 0; i < 20; ++i)
      hourly.push_back({i * ms_per_hour, i + 1});
    for (key_group kg = 0; kg < count; ++kg)
      uv.push_back(uv_for(kg, 600'000, {kg, kg + 100u}));
    for (const char* name : {"女装", "男装", "unknown", "", "家电"})
      categories.push_back({name, 3});

    std::vector<partial_batch> out(router.owner_count());
    router.route(hourly, uv, categories, out);

    size_t hourly_total = 0;
    size_t uv_total = 0;
    size_t category_total = 0;
    for (size_t owner = 0; owner < out.size(); ++owner) {
      for (const auto& h : out[owner].hourly) {
        CHECK(router.owner_of(key_group_of_int(h.window_start, count)) == owner);
        CHECK(h.buys == h.window_start / ms_per_hour + 1);
        ++hourly_total;
      }
      for (const auto& u : out[owner].uv) {
        CHECK(router.owners()[owner].contains(u.group));
        CHECK(u.both.ids == std::vector<uint64_t>{u.group, u.group + 100u});
        ++uv_total;
      }
      for (const auto& c : out[owner].categories) {
        CHECK(router.owner_of(key_group_of_string(c.name, count)) == owner);
        CHECK(c.buys == 3);
        ++category_total;
      }
    }
    CHECK(hourly_total == 20);
    CHECK(uv_total == count);
    CHECK(category_total == 5);
    // User sets were moved out of the input.
    for (const auto& u : uv)
      CHECK(u.both.empty());
  }

  TEST_CASE("routing appends to existing batches") {
    partial_router router{4, {{0, 4}}};
    std::vector<partial_batch> out(1);
    out[0].hourly.push_back({1, 1});
    std::vector<hourly_partial> hourly{{ms_per_hour, 2}};
    std::vector<uv_partial> uv{uv_for(3, 0, {7})};
    std::vector<category_partial> categories;
    router.route(hourly, uv, categories, out);
    REQUIRE(out[0].hourly.size() == 2);
    CHECK(out[0].hourly[1].buys == 2);
    REQUIRE(out[0].uv.size() == 1);
    CHECK(out[0].uv[0].group == 3);
    CHECK(out[0].has_data());
    CHECK_FALSE(partial_batch{}.has_data());
  }

  TEST_CASE("validate accepts exact tilings only") {
    CHECK(partial_router::validate(128, plan(3, 128)) == "");
    CHECK(partial_router::validate(10, {{0, 3}, {3, 3}, {3, 10}}) == ""); // empty range
    CHECK(partial_router::validate(10, {{0, 5}, {4, 10}})
          == "key group 4 has 2 owners");
    CHECK(partial_router::validate(10, {{0, 5}, {6, 10}})
          == "key group 5 has 0 owners");
    CHECK(partial_router::validate(10, {{0, 5}}) == "key group 5 has 0 owners");
    CHECK(partial_router::validate(10, {})
          == "key group 0 has 0 owners");
    CHECK(partial_router::validate(10, {{0, 5}, {5, 11}})
          == "key-group range [5, 11) is outside [0, 10)");
    CHECK(partial_router::validate(10, {{6, 5}, {0, 10}})
          == "key-group range [6, 5) is outside [0, 10)");
  }

  TEST_CASE("a router over a bad tiling cannot be built") {
    CHECK_THROWS_AS(partial_router(10, {{0, 5}, {4, 10}}), std::invalid_argument);
    CHECK_THROWS_WITH(partial_router(10, {{0, 9}}), "key group 9 has 0 owners");
    CHECK_NOTHROW(partial_router(10, {{0, 10}}));
  }
}
