#include "worker/state/hourly_buy_store.hpp"

#include "common/time/civil.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace ubaflow;

namespace {

const event_time day0 = days_from_civil(2017, 11, 26) * ms_per_day;
const event_time h10 = day0 + 10 * ms_per_hour;
const event_time h11 = day0 + 11 * ms_per_hour;
const event_time h12 = day0 + 12 * ms_per_hour;

window_spec spec(int64_t lateness = 0) {
  window_spec s;
  s.allowed_lateness_ms = lateness;
  return s;
}

const result_formatter format{*time_zone::load("Asia/Shanghai")};

} // namespace

TEST_SUITE("hourly_buy_store") {
  TEST_CASE("a window fires once the watermark reaches end - 1") {
    hourly_buy_store store{spec()};
    store.merge({h10, 3}, min_event_time);
    store.merge({h10, 2}, min_event_time);
    store.merge({h11, 7}, min_event_time);
    CHECK(store.open_windows() == 2);
    std::vector<result_row> rows;
    store.advance(h11 - 2, format, rows);
    CHECK(rows.empty());
    store.advance(h11 - 1, format, rows);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].id == format.hourly(h10, h11, 5).id);
    CHECK(rows[0].document == format.hourly(h10, h11, 5).document);
    CHECK(store.open_windows() == 1); // purged: no allowed lateness
    // Firing is not repeated.
    rows.clear();
    store.advance(h11 + 1, format, rows);
    CHECK(rows.empty());
    store.advance(h12 - 1, format, rows);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].document == format.hourly(h11, h12, 7).document);
    CHECK(store.open_windows() == 0);
    CHECK(store.late_buys() == 0);
  }

  TEST_CASE("several windows fire in order in one advance") {
    hourly_buy_store store{spec()};
    store.merge({h12, 1}, min_event_time);
    store.merge({h10, 1}, min_event_time);
    store.merge({h11, 1}, min_event_time);
    std::vector<result_row> rows;
    store.advance(max_event_time, format, rows);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].id == "2017-11-26T10:00:00");
    CHECK(rows[1].id == "2017-11-26T11:00:00");
    CHECK(rows[2].id == "2017-11-26T12:00:00");
  }

  TEST_CASE("buys for a closed window are late") {
    hourly_buy_store store{spec()};
    store.merge({h10, 4}, h11 - 1);
    CHECK(store.late_buys() == 4);
    CHECK(store.open_windows() == 0);
    store.merge({h10, 1}, h11 - 2); // still open
    CHECK(store.late_buys() == 4);
    CHECK(store.open_windows() == 1);
  }

  TEST_CASE("allowed lateness: late updates re-emit the row under the same id") {
    const int64_t lateness = 30 * ms_per_minute;
    hourly_buy_store store{spec(lateness)};
    std::vector<result_row> rows;
    store.merge({h10, 2}, min_event_time);
    store.advance(h11 - 1, format, rows);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].document == format.hourly(h10, h11, 2).document);
    CHECK(store.open_windows() == 1); // kept for the lateness

    // No change, no re-emission.
    rows.clear();
    store.advance(h11 + ms_per_minute, format, rows);
    CHECK(rows.empty());

    // A late update within the lateness.
    store.merge({h10, 3}, h11 + ms_per_minute);
    store.advance(h11 + 2 * ms_per_minute, format, rows);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].id == "2017-11-26T10:00:00");
    CHECK(rows[0].document == format.hourly(h10, h11, 5).document);

    // Purged at end - 1 + lateness; later buys are late.
    rows.clear();
    store.advance(h11 - 1 + lateness - 1, format, rows);
    CHECK(store.open_windows() == 1);
    store.merge({h10, 1}, h11 - 1 + lateness - 1);
    store.advance(h11 - 1 + lateness, format, rows);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].document == format.hourly(h10, h11, 6).document);
    CHECK(store.open_windows() == 0);
    store.merge({h10, 9}, h11 - 1 + lateness);
    CHECK(store.late_buys() == 9);
    rows.clear();
    store.advance(max_event_time, format, rows);
    CHECK(rows.empty());
  }

  TEST_CASE("a window first seen after the watermark passed its end fires at the next advance") {
    hourly_buy_store store{spec(ms_per_hour)};
    std::vector<result_row> rows;
    store.merge({h10, 1}, h11 + 5 * ms_per_minute);
    CHECK(store.late_buys() == 0);
    store.advance(h11 + 5 * ms_per_minute, format, rows);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].document == format.hourly(h10, h11, 1).document);
  }
}
