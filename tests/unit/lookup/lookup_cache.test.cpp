#include "worker/lookup/lookup_cache.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ubaflow;

namespace {

std::string name_of(lookup_cache& cache, int64_t key, int64_t now) {
  const auto* e = cache.get(key, now);
  if (!e)
    return "<absent>";
  CHECK(e->key == key);
  return e->name ? *e->name : "<miss>";
}

} // namespace

TEST_SUITE("lookup_cache") {
  TEST_CASE("hits, misses and stored values") {
    lookup_cache cache{10, 1'000, true};
    CHECK(cache.size() == 0);
    CHECK(cache.get(1, 0) == nullptr);
    CHECK(cache.misses() == 1);
    cache.put(1, std::string{"女装"}, 0);
    CHECK(cache.size() == 1);
    const auto* e = cache.get(1, 10);
    REQUIRE(e != nullptr);
    CHECK(e->key == 1);
    CHECK(e->name == std::optional<std::string>{"女装"});
    CHECK(e->loaded_ms == 0);
    CHECK(cache.hits() == 1);
    CHECK(cache.misses() == 1);
  }

  TEST_CASE("least recently used keys are evicted at max rows") {
    lookup_cache cache{3, 0, true};
    cache.put(1, std::string{"a"}, 0);
    cache.put(2, std::string{"b"}, 0);
    cache.put(3, std::string{"c"}, 0);
    CHECK(name_of(cache, 1, 1) == "a"); // 1 becomes the most recent
    cache.put(4, std::string{"d"}, 2);  // evicts 2, the least recent
    CHECK(cache.size() == 3);
    CHECK(cache.evictions() == 1);
    CHECK(name_of(cache, 2, 3) == "<absent>");
    CHECK(name_of(cache, 1, 3) == "a");
    CHECK(name_of(cache, 3, 3) == "c");
    CHECK(name_of(cache, 4, 3) == "d");
    // Re-putting an existing key refreshes it instead of growing the cache.
    cache.put(1, std::string{"a2"}, 4);
    CHECK(cache.size() == 3);
    cache.put(5, std::string{"e"}, 5); // evicts 3 (order now 1, 4, 3 → 3 oldest)
    CHECK(cache.evictions() == 2);
    CHECK(name_of(cache, 1, 6) == "a2");
    CHECK(name_of(cache, 3, 6) == "<absent>");
  }

  TEST_CASE("entries expire ttl after they were loaded, whether or not they were read") {
    lookup_cache cache{10, 1'000, true};
    cache.put(7, std::string{"x"}, 100);
    for (int64_t now = 100; now < 1'100; now += 100)
      CHECK(name_of(cache, 7, now) == "x");
    CHECK(cache.hits() == 10);
    CHECK(name_of(cache, 7, 1'100) == "<absent>");
    CHECK(cache.expirations() == 1);
    CHECK(cache.size() == 0);
    // A new load restarts the clock.
    cache.put(7, std::string{"y"}, 2'000);
    cache.put(7, std::string{"z"}, 2'500);
    CHECK(name_of(cache, 7, 3'499) == "z");
    CHECK(name_of(cache, 7, 3'500) == "<absent>");
    CHECK(cache.expirations() == 2);
  }

  TEST_CASE("ttl 0 never expires") {
    lookup_cache cache{10, 0, true};
    cache.put(1, std::string{"a"}, 0);
    CHECK(name_of(cache, 1, int64_t{1} << 60) == "a");
    CHECK(cache.expirations() == 0);
  }

  TEST_CASE("misses are cached only when asked to") {
    lookup_cache with{10, 1'000, true};
    with.put(9, std::nullopt, 0);
    CHECK(with.size() == 1);
    CHECK(name_of(with, 9, 1) == "<miss>");
    CHECK(with.hits() == 1);
    CHECK(name_of(with, 9, 1'000) == "<absent>"); // misses expire too

    lookup_cache without{10, 1'000, false};
    without.put(9, std::nullopt, 0);
    CHECK(without.size() == 0);
    CHECK(name_of(without, 9, 1) == "<absent>");
    // A miss does not remove a cached name either.
    without.put(8, std::string{"n"}, 0);
    without.put(8, std::nullopt, 1);
    CHECK(name_of(without, 8, 2) == "n");
  }

  TEST_CASE("max rows 0 disables the cache") {
    lookup_cache cache{0, 1'000, true};
    cache.put(1, std::string{"a"}, 0);
    cache.put(2, std::nullopt, 0);
    CHECK(cache.size() == 0);
    CHECK(cache.get(1, 0) == nullptr);
    CHECK(cache.evictions() == 0);
  }

  TEST_CASE("many keys: size stays bounded") {
    lookup_cache cache{5000, 600'000, true};
    for (int64_t k = 0; k < 20000; ++k)
      cache.put(k, std::to_string(k), k);
    CHECK(cache.size() == 5000);
    CHECK(cache.evictions() == 15000);
    CHECK(name_of(cache, 14999, 20000) == "<absent>");
    CHECK(name_of(cache, 15000, 20000) == "15000");
    CHECK(name_of(cache, 19999, 20000) == "19999");
  }
}
