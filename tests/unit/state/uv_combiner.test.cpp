#include "worker/state/uv_combiner.hpp"

#include "common/time/civil.hpp"
#include "worker/state/uv_store.hpp"

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace ubaflow;

namespace {

constexpr event_time step_ms = 10 * ms_per_minute;
const event_time day0 = days_from_civil(2017, 11, 26) * ms_per_day;
const event_time t10 = day0 + 10 * ms_per_hour;
const key_group_range owner_a{0, 2};
const key_group_range owner_b{2, 4};
const result_formatter format{*time_zone::load("Asia/Shanghai")};

window_spec spec(int64_t lateness = 0) {
  window_spec s;
  s.allowed_lateness_ms = lateness;
  return s;
}

// An owner's users, all counted in the first key group of its range.
uv_slice tumbling(key_group_range range, event_time start, int64_t users) {
  return {false, start, start + step_ms, range, users, {{range.first, users}}};
}

uv_slice daily(key_group_range range, event_time end, int64_t users) {
  return {true, align_down(end - 1, ms_per_day), end, range, users,
          {{range.first, users}}};
}

uv_report report(key_group_range range, event_time wm, std::vector<uv_slice> slices,
                 bool final = false) {
  uv_report r;
  r.slices = std::move(slices);
  r.progress.range = range;
  r.progress.watermark = wm;
  r.progress.final = final;
  return r;
}

} // namespace

TEST_SUITE("uv_combiner") {
  TEST_CASE("a window is emitted with the sum of slices once every owner passed it") {
    uv_combiner c{spec(), {owner_a, owner_b}, format};
    std::vector<result_row> rows;
    CHECK(c.watermark() == min_event_time);
    c.on_report(report(owner_a, t10 + step_ms - 1, {tumbling(owner_a, t10, 3)}), rows);
    CHECK(rows.empty());
    CHECK(c.watermark() == min_event_time);
    CHECK(c.pending_windows() == 1);
    c.on_report(report(owner_b, t10 + step_ms - 2, {tumbling(owner_b, t10, 4)}), rows);
    CHECK(rows.empty()); // owner b has not passed end - 1 yet
    c.on_report(report(owner_b, t10 + step_ms - 1, {}), rows);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].index == to_string(result_kind::cumulative_uv));
    CHECK(rows[0].id == format.uv(t10, t10 + step_ms, 7).id);
    CHECK(rows[0].document == format.uv(t10, t10 + step_ms, 7).document);
    CHECK(c.pending_windows() == 0);
    CHECK(c.watermark() == t10 + step_ms - 1);
  }

  TEST_CASE("an owner without a slice counts as zero users") {
    uv_combiner c{spec(), {owner_a, owner_b}, format};
    std::vector<result_row> rows;
    c.on_report(report(owner_b, t10 + step_ms, {}), rows);
    c.on_report(report(owner_a, t10 + step_ms, {tumbling(owner_a, t10, 5)}), rows);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].document == format.uv(t10, t10 + step_ms, 5).document);
  }

  TEST_CASE("windows are emitted in order of their end") {
    uv_combiner c{spec(), {owner_a}, format};
    std::vector<result_row> rows;
    c.on_report(report(owner_a, t10 + 3 * step_ms,
                       {tumbling(owner_a, t10 + step_ms, 2), tumbling(owner_a, t10, 1),
                        daily(owner_a, t10 + step_ms, 1), daily(owner_a, t10 + 2 * step_ms, 2)}),
                rows);
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].document == format.uv(t10, t10 + step_ms, 1).document);
    CHECK(rows[1].document == format.uv(t10 + step_ms, t10 + 2 * step_ms, 2).document);
    CHECK(rows[2].index == to_string(result_kind::cumulative_uv_daily));
    CHECK(rows[2].document == format.daily(day0, t10 + step_ms, 1).document);
    CHECK(rows[3].document == format.daily(day0, t10 + 2 * step_ms, 2).document);
  }

  TEST_CASE("reports beyond the key groups are ignored; any range within counts") {
    uv_combiner c{spec(), {owner_a, owner_b}, format};
    std::vector<result_row> rows;
    const auto level = spdlog::get_level();
    spdlog::set_level(spdlog::level::off); // the warning is expected
    c.on_report(report({3, 9}, max_event_time, {tumbling({3, 9}, t10, 100)}, true), rows);
    spdlog::set_level(level);
    CHECK(c.pending_windows() == 0);
    // Owners of other ranges (after a rescale) report for their groups; the
    // window waits until every group has passed it.
    c.on_report(report({0, 3}, max_event_time, {tumbling({0, 3}, t10, 100)}, true), rows);
    CHECK(rows.empty());
    CHECK(c.pending_windows() == 1);
    CHECK(c.watermark() == min_event_time);
    c.on_report(report({3, owner_b.last}, max_event_time,
                       {tumbling({3, owner_b.last}, t10, 20)}, true), rows);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].document == format.uv(t10, t10 + step_ms, 120).document);
    CHECK(c.finished());
  }

  TEST_CASE("a newer count for a key group replaces the older, whoever sends it") {
    uv_combiner c{spec(step_ms), {owner_a, owner_b}, format};
    std::vector<result_row> rows;
    uv_slice before_rescale{false, t10, t10 + step_ms, owner_a, 7, {{0, 3}, {1, 4}}};
    c.on_report(report(owner_a, t10 + step_ms, {before_rescale}), rows);
    c.on_report(report(owner_b, t10 + step_ms, {tumbling(owner_b, t10, 5)}), rows);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].document == format.uv(t10, t10 + step_ms, 12).document);
    // After a rescale one owner holds every group and re-emits group 1 with
    // a late user: only group 1 changes.
    const key_group_range all{0, owner_b.last};
    uv_slice after_rescale{false, t10, t10 + step_ms, all, 5, {{1, 5}}};
    c.on_report(report(all, t10 + step_ms + 1, {after_rescale}), rows);
    REQUIRE(rows.size() == 2);
    CHECK(rows[1].document == format.uv(t10, t10 + step_ms, 13).document);
  }

  TEST_CASE("owner progress never goes back") {
    uv_combiner c{spec(), {owner_a}, format};
    std::vector<result_row> rows;
    c.on_report(report(owner_a, 1'000, {}), rows);
    c.on_report(report(owner_a, 500, {}), rows);
    CHECK(c.watermark() == 1'000);
  }

  TEST_CASE("within the allowed lateness a changed total is re-emitted under the same id") {
    const int64_t lateness = 20 * ms_per_minute;
    uv_combiner c{spec(lateness), {owner_a, owner_b}, format};
    std::vector<result_row> rows;
    c.on_report(report(owner_a, t10 + step_ms - 1, {tumbling(owner_a, t10, 3)}), rows);
    c.on_report(report(owner_b, t10 + step_ms - 1, {tumbling(owner_b, t10, 4)}), rows);
    REQUIRE(rows.size() == 1);
    rows.clear();
    // A slice re-reported with the same count: nothing new.
    c.on_report(report(owner_a, t10 + step_ms, {tumbling(owner_a, t10, 3)}), rows);
    CHECK(rows.empty());
    // An updated slice replaces the owner's previous one (not added to it)
    // and, the window being complete already, is re-emitted at once.
    c.on_report(report(owner_a, t10 + step_ms, {tumbling(owner_a, t10, 5)}), rows);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].id == format.uv(t10, t10 + step_ms, 9).id);
    CHECK(rows[0].document == format.uv(t10, t10 + step_ms, 9).document);
    CHECK(c.pending_windows() == 1);
    rows.clear();
    c.on_report(report(owner_b, t10 + step_ms, {}), rows);
    CHECK(rows.empty());
    c.on_report(report(owner_a, t10 + step_ms - 1 + lateness, {}), rows);
    c.on_report(report(owner_b, t10 + step_ms - 1 + lateness, {}), rows);
    CHECK(rows.empty());
    CHECK(c.pending_windows() == 0);
  }

  TEST_CASE("daily steps are not kept for lateness") {
    uv_combiner c{spec(60 * ms_per_minute), {owner_a}, format};
    std::vector<result_row> rows;
    c.on_report(report(owner_a, t10 + step_ms - 1, {daily(owner_a, t10 + step_ms, 4)}), rows);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].document == format.daily(day0, t10 + step_ms, 4).document);
    CHECK(c.pending_windows() == 0);
  }

  TEST_CASE("final owners release everything") {
    uv_combiner c{spec(ms_per_day), {owner_a, owner_b}, format};
    std::vector<result_row> rows;
    c.on_report(report(owner_a, t10, {tumbling(owner_a, t10 + 5 * step_ms, 1)}, true), rows);
    CHECK(rows.empty());
    CHECK_FALSE(c.finished());
    CHECK(c.watermark() == min_event_time);
    c.on_report(report(owner_b, t10, {daily(owner_b, day0 + ms_per_day, 2)}, true), rows);
    CHECK(c.finished());
    CHECK(c.watermark() == max_event_time);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].document == format.uv(t10 + 5 * step_ms, t10 + 6 * step_ms, 1).document);
    CHECK(rows[1].document == format.daily(day0, day0 + ms_per_day, 2).document);
    CHECK(c.pending_windows() == 0); // nothing is kept for lateness after the end
  }

  TEST_CASE("slices of several owners sum to the exact global distinct count") {
    // Users are partitioned by key group, so each owner's distinct count is
    // over a disjoint set: the sum is exact.
    const std::vector<key_group_range> owners{{0, 3}, {3, 5}, {5, 8}};
    uv_combiner c{spec(), owners, format};
    std::vector<result_row> rows;
    const int64_t per_owner[] = {10, 0, 32};
    for (size_t i = 0; i < owners.size(); ++i)
      c.on_report(report(owners[i], t10 + step_ms - 1,
                         per_owner[i] ? std::vector<uv_slice>{tumbling(owners[i], t10, per_owner[i])}
                                      : std::vector<uv_slice>{}),
                  rows);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].document == format.uv(t10, t10 + step_ms, 42).document);
  }

  TEST_CASE("uv_stores over disjoint key-group ranges sum to exact distinct counts") {
    const uint32_t groups = 12;
    const std::vector<key_group_range> ranges{{0, 5}, {5, 6}, {6, 12}};
    std::vector<uv_store> stores;
    for (auto r : ranges)
      stores.emplace_back(spec(), r);
    uv_combiner c{spec(), ranges, format};
    std::mt19937_64 rng{5};
    std::map<event_time, std::set<int64_t>> truth; // by step start
    std::set<int64_t> day_so_far;
    std::map<event_time, size_t> daily_truth; // by step end
    for (int step = 0; step < 6; ++step) {
      const event_time start = t10 + step * step_ms;
      // Several partials per (step, group), overlapping, as several sources send.
      for (int batch = 0; batch < 4; ++batch) {
        std::map<key_group, std::vector<uint64_t>> by_group;
        for (int i = 0; i < 40; ++i) {
          const int64_t user = static_cast<int64_t>(rng() % 120);
          truth[start].insert(user);
          by_group[key_group_of_int(user, groups)].push_back(static_cast<uint64_t>(user));
        }
        for (auto& [group, ids] : by_group) {
          std::sort(ids.begin(), ids.end());
          ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
          uv_partial p;
          p.window_start = start;
          p.group = group;
          p.both.ids = ids;
          for (size_t o = 0; o < ranges.size(); ++o)
            if (ranges[o].contains(group))
              stores[o].merge(p, start - 1);
        }
      }
      day_so_far.insert(truth[start].begin(), truth[start].end());
      daily_truth[start + step_ms] = day_so_far.size();
    }
    std::vector<result_row> rows;
    const event_time wm = t10 + 6 * step_ms - 1;
    for (size_t o = 0; o < stores.size(); ++o) {
      std::vector<uv_slice> slices;
      stores[o].advance(wm, slices);
      c.on_report(report(ranges[o], wm, slices), rows);
    }
    std::map<std::string, std::string> got;
    for (const auto& r : rows)
      got[r.index + "/" + r.id] = r.document;
    CHECK(got.size() == 12);
    for (const auto& [start, users] : truth) {
      const auto expected = format.uv(start, start + step_ms, static_cast<int64_t>(users.size()));
      CHECK(got["cumulative_uv/" + expected.id] == expected.document);
    }
    for (const auto& [end, users] : daily_truth) {
      const auto expected = format.daily(day0, end, static_cast<int64_t>(users));
      CHECK(got["cumulative_uv_daily/" + expected.id] == expected.document);
    }
  }

  TEST_CASE("no owners") {
    uv_combiner c{spec(), {}, format};
    CHECK(c.watermark() == min_event_time);
    CHECK(c.finished());
    CHECK(c.pending_windows() == 0);
  }
  TEST_CASE("a restored combiner goes on like the original") {
    uv_combiner original{spec(step_ms), {owner_a, owner_b}, format};
    std::vector<result_row> rows;
    original.on_report(report(owner_a, t10 + step_ms, {tumbling(owner_a, t10, 3),
                                                       daily(owner_a, t10 + step_ms, 3)}), rows);
    original.on_report(report(owner_b, t10, {tumbling(owner_b, t10, 2)}), rows);
    REQUIRE(rows.empty()); // owner_b has not passed the window yet

    std::vector<char> buffer;
    caf::binary_serializer sink{nullptr, buffer};
    auto taken = original.snapshot();
    REQUIRE_FALSE(inspect(sink, taken));
    combiner_snapshot loaded;
    caf::binary_deserializer source{nullptr, buffer};
    REQUIRE_FALSE(inspect(source, loaded));
    // The restored combiner is given other owner ranges (a rescale).
    uv_combiner restored{spec(step_ms), {{0, 1}, {1, owner_b.last}}, format};
    REQUIRE(restored.restore(loaded));
    CHECK_FALSE(uv_combiner(spec(), {{0, 8}}, format).restore(loaded));

    std::vector<result_row> a, b;
    const key_group_range all{0, owner_b.last};
    auto more = report(all, t10 + 3 * step_ms,
                       {daily(all, t10 + step_ms, 4), daily(all, t10 + 2 * step_ms, 6)});
    original.on_report(more, a);
    restored.on_report(more, b);
    REQUIRE_FALSE(a.empty());
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      CHECK(a[i].id == b[i].id);
      CHECK(a[i].document == b[i].document);
    }
  }
}
