#include "worker/lookup/category_resolver.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace ubaflow;

namespace {

/// A dimension table in memory that records its queries and can fail.
class fake_source : public dimension_source {
public:
  std::map<int64_t, std::string> rows;
  std::vector<std::vector<int64_t>> queries;
  /// Queries with this index (0-based) or later fail, while `failing`.
  size_t fail_from = 0;
  bool failing = false;

  bool lookup(const std::vector<int64_t>& ids,
              std::vector<std::pair<int64_t, std::string>>& found,
              std::string& error) override {
    const size_t index = queries.size();
    queries.push_back(ids);
    if (failing && index >= fail_from) {
      error = "connection refused";
      found.emplace_back(ids.front(), "must be ignored");
      return false;
    }
    for (auto id : ids)
      if (auto it = rows.find(id); it != rows.end())
        found.emplace_back(id, it->second);
    return true;
  }
  std::string describe() const override { return "fake"; }
};

struct fixture {
  fake_source* source = nullptr;
  std::unique_ptr<category_resolver> resolver;

  explicit fixture(lookup_settings settings = {}) {
    auto s = std::make_unique<fake_source>();
    s->rows = {{1, "女装"}, {2, "女装"}, {3, "男装"}, {4, "家电"}, {5, "食品"}};
    source = s.get();
    resolver = std::make_unique<category_resolver>(std::move(s), settings);
  }

  struct outcome {
    bool ok;
    std::map<std::string, int64_t> by_name;
    std::vector<std::pair<int64_t, int64_t>> unresolved;
    std::string error;
  };

  outcome resolve(std::vector<std::pair<int64_t, int64_t>> buys, int64_t now) {
    outcome o;
    std::vector<category_partial> out;
    o.ok = resolver->resolve(buys, now, out, o.unresolved, o.error);
    for (const auto& p : out) {
      CHECK(o.by_name.count(p.name) == 0); // one partial per name
      o.by_name[p.name] = p.buys;
    }
    return o;
  }
};

lookup_settings with_batch(size_t n) {
  lookup_settings s;
  s.batch_size = n;
  return s;
}

} // namespace

TEST_SUITE("category_resolver") {
  TEST_CASE("buys are grouped by parent name; unknown ids under the label") {
    fixture f{with_batch(2)};
    auto o = f.resolve({{1, 2}, {2, 3}, {3, 1}, {99, 4}, {98, 1}}, 0);
    CHECK(o.ok);
    CHECK(o.error.empty());
    CHECK(o.unresolved.empty());
    CHECK(o.by_name == std::map<std::string, int64_t>{{"女装", 5}, {"男装", 1}, {"unknown", 5}});
    // Batches of at most batch_size ids, in order.
    CHECK(f.source->queries == std::vector<std::vector<int64_t>>{{1, 2}, {3, 99}, {98}});
    const auto& stats = f.resolver->stats();
    CHECK(stats.queries == 3);
    CHECK(stats.failures == 0);
    CHECK(stats.unknown_ids == 2);
    CHECK(stats.unknown_buys == 5);
  }

  TEST_CASE("cached names and cached misses save queries") {
    fixture f{with_batch(500)};
    f.resolve({{1, 1}, {99, 1}}, 0);
    CHECK(f.source->queries.size() == 1);
    auto o = f.resolve({{1, 2}, {99, 3}, {3, 1}}, 1'000);
    CHECK(o.by_name == std::map<std::string, int64_t>{{"女装", 2}, {"unknown", 3}, {"男装", 1}});
    REQUIRE(f.source->queries.size() == 2);
    CHECK(f.source->queries[1] == std::vector<int64_t>{3});
    CHECK(f.resolver->stats().unknown_ids == 2); // counted per resolve
    CHECK(f.resolver->stats().unknown_buys == 4);
    CHECK(f.resolver->cache().hits() == 2);
  }

  TEST_CASE("without caching misses, unknown ids are asked again") {
    lookup_settings s;
    s.cache_missing = false;
    fixture f{s};
    f.resolve({{99, 1}}, 0);
    f.resolve({{99, 1}}, 1);
    CHECK(f.source->queries.size() == 2);
  }

  TEST_CASE("entries expire after the ttl") {
    lookup_settings s;
    s.cache_ttl_ms = 10'000;
    fixture f{s};
    f.resolve({{1, 1}}, 0);
    f.resolve({{1, 1}}, 9'999);
    CHECK(f.source->queries.size() == 1);
    f.source->rows[1] = "童装"; // the table changed meanwhile
    auto o = f.resolve({{1, 1}}, 10'000);
    CHECK(f.source->queries.size() == 2);
    CHECK(o.by_name == std::map<std::string, int64_t>{{"童装", 1}});
  }

  TEST_CASE("a custom unknown label") {
    lookup_settings s;
    s.unknown_label = "(none)";
    fixture f{s};
    auto o = f.resolve({{42, 7}}, 0);
    CHECK(o.by_name == std::map<std::string, int64_t>{{"(none)", 7}});
  }

  TEST_CASE("a failing table leaves ids unresolved and counts nothing as unknown") {
    fixture f{with_batch(2)};
    f.resolve({{1, 1}}, 0); // cached: 1 → 女装
    f.source->failing = true;
    f.source->fail_from = f.source->queries.size();
    auto o = f.resolve({{1, 4}, {3, 2}, {99, 1}, {4, 5}, {5, 6}}, 100);
    CHECK_FALSE(o.ok);
    CHECK(o.error == "connection refused");
    // The cached id is still counted; nothing else is, and nothing is unknown.
    CHECK(o.by_name == std::map<std::string, int64_t>{{"女装", 4}});
    CHECK(o.unresolved
          == std::vector<std::pair<int64_t, int64_t>>{{3, 2}, {99, 1}, {4, 5}, {5, 6}});
    // After the first failed batch the rest is not even tried.
    CHECK(f.source->queries.size() == 2);
    const auto& stats = f.resolver->stats();
    CHECK(stats.failures == 1);
    CHECK(stats.unknown_ids == 0);
    CHECK(stats.unknown_buys == 0);
    // Failures are not cached: after recovery the retry resolves everything.
    f.source->failing = false;
    auto retry = f.resolve(o.unresolved, 200);
    CHECK(retry.ok);
    CHECK(retry.unresolved.empty());
    CHECK(retry.by_name
          == std::map<std::string, int64_t>{{"男装", 2}, {"unknown", 1}, {"家电", 5}, {"食品", 6}});
    CHECK(f.resolver->stats().unknown_ids == 1);
  }

  TEST_CASE("a failure in a later batch keeps the batches resolved before it") {
    fixture f{with_batch(2)};
    f.source->failing = true;
    f.source->fail_from = 1;
    auto o = f.resolve({{1, 1}, {3, 1}, {4, 1}, {5, 1}, {99, 1}}, 0);
    CHECK_FALSE(o.ok);
    CHECK(o.by_name == std::map<std::string, int64_t>{{"女装", 1}, {"男装", 1}});
    CHECK(o.unresolved == std::vector<std::pair<int64_t, int64_t>>{{4, 1}, {5, 1}, {99, 1}});
    CHECK(f.source->queries.size() == 2);
    // The resolved batch went into the cache.
    f.source->failing = false;
    f.resolve({{1, 1}, {3, 1}}, 1);
    CHECK(f.source->queries.size() == 2);
  }

  TEST_CASE("nothing to resolve: no query") {
    fixture f;
    auto o = f.resolve({}, 0);
    CHECK(o.ok);
    CHECK(o.by_name.empty());
    CHECK(f.source->queries.empty());
    CHECK(f.resolver->source().describe() == "fake");
  }
}
