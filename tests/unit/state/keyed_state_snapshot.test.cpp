// Checkpoint groundwork: the state of each key group can be taken out of a
// keyed_state and put into owners with other ranges (rescaling), and they
// go on to produce what the original would have.

#include "common/time/civil.hpp"
#include "worker/state/keyed_state.hpp"

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

using namespace ubaflow;

namespace {

constexpr uint32_t groups = 8;
const event_time day0 = days_from_civil(2017, 11, 26) * ms_per_day;
const result_formatter format{*time_zone::load("Asia/Shanghai")};

uv_partial users(event_time start, key_group group, std::vector<uint64_t> ids) {
  uv_partial p;
  p.window_start = start;
  p.group = group;
  p.both.ids = std::move(ids);
  return p;
}

/// Two flushes of one source: the first leaves windows open and fires some,
/// the second adds to open windows and ends the input.
partial_batch first_batch() {
  partial_batch b;
  b.source = 0;
  b.watermark = day0 + 10 * ms_per_hour + 25 * ms_per_minute;
  for (int h = 9; h <= 10; ++h)
    b.hourly.push_back({day0 + h * ms_per_hour, 3 + h});
  for (key_group g = 0; g < groups; ++g) {
    b.uv.push_back(users(day0 + 10 * ms_per_hour, g, {g * 100 + 1, g * 100 + 2}));
    b.uv.push_back(users(day0 + 10 * ms_per_hour + 20 * ms_per_minute, g,
                         {g * 100 + 2, g * 100 + 3}));
  }
  b.categories = {{"Books", 4}, {"Toys", 2}, {"Garden", 1}};
  return b;
}

partial_batch second_batch() {
  partial_batch b;
  b.source = 0;
  b.end_of_input = true;
  b.hourly.push_back({day0 + 9 * ms_per_hour, 2}); // late, within lateness
  b.hourly.push_back({day0 + 10 * ms_per_hour, 5});
  b.hourly.push_back({day0 + 11 * ms_per_hour, 1});
  for (key_group g = 0; g < groups; ++g)
    b.uv.push_back(users(day0 + 10 * ms_per_hour + 30 * ms_per_minute, g,
                         {g * 100 + 1, g * 100 + 9}));
  b.categories = {{"Books", 1}, {"Shoes", 2}};
  return b;
}

/// The part of a batch that belongs to `range` (what partial_router does).
partial_batch only(const partial_batch& b, key_group_range range) {
  partial_batch out = b;
  out.hourly.clear();
  out.uv.clear();
  out.categories.clear();
  for (const auto& p : b.hourly)
    if (range.contains(key_group_of_int(p.window_start, groups)))
      out.hourly.push_back(p);
  for (const auto& p : b.uv)
    if (range.contains(p.group))
      out.uv.push_back(p);
  for (const auto& p : b.categories)
    if (range.contains(key_group_of_string(p.name, groups)))
      out.categories.push_back(p);
  return out;
}

struct collected {
  std::map<std::string, std::string> rows; ///< id → document
  /// (daily, window end) → owner's first key group → last slice, as the
  /// combiner keeps them (a slice replaces the same owner's earlier one).
  std::map<std::pair<bool, event_time>, std::map<key_group, int64_t>> uv;

  void add(state_output& out) {
    for (const auto& r : out.rows)
      rows[r.id] = r.document;
    for (const auto& s : out.slices)
      uv[{s.daily, s.window_end}][s.range.first] = s.users;
    out.clear();
  }

  std::map<std::pair<bool, event_time>, int64_t> uv_totals() const {
    std::map<std::pair<bool, event_time>, int64_t> totals;
    for (const auto& [window, by_owner] : uv)
      for (const auto& [owner, users] : by_owner)
        totals[window] += users;
    return totals;
  }
};

window_spec spec() {
  window_spec s;
  s.allowed_lateness_ms = 30 * ms_per_minute; // emitted windows stay
  return s;
}

key_group_snapshot round_trip(const key_group_snapshot& in) {
  std::vector<char> buffer;
  caf::binary_serializer sink{nullptr, buffer};
  auto copy = in;
  REQUIRE_FALSE(inspect(sink, copy));
  key_group_snapshot out;
  caf::binary_deserializer source{nullptr, buffer};
  REQUIRE_FALSE(inspect(source, out));
  return out;
}

} // namespace

TEST_SUITE("state.keyed_state_snapshot") {

TEST_CASE("state moved by key group to other owners continues exactly") {
  keyed_state original{spec(), {0, groups}, 1, format};
  state_output out;
  collected before;
  original.on_batch(first_batch(), out);
  original.emit_categories(out);
  before.add(out);
  REQUIRE_FALSE(before.rows.empty()); // something fired before the checkpoint

  // Checkpoint: every key group, through the wire format.
  std::vector<key_group_snapshot> checkpoint;
  for (key_group g = 0; g < groups; ++g)
    checkpoint.push_back(round_trip(original.snapshot(g, groups)));

  // The original goes on...
  collected expected;
  original.on_batch(second_batch(), out);
  expected.add(out);

  // ...and so do three owners restored from the checkpoint.
  const std::vector<key_group_range> ranges = {{0, 3}, {3, 5}, {5, groups}};
  collected restored;
  for (auto range : ranges) {
    keyed_state owner{spec(), range, 1, format};
    for (const auto& s : checkpoint)
      if (range.contains(s.group))
        REQUIRE(owner.restore(s));
    owner.on_batch(only(second_batch(), range), out);
    restored.add(out);
  }
  // Slices emitted after the checkpoint are the same, and none emitted
  // before it is emitted again (the combiner would count it twice).
  CHECK(restored.uv_totals() == expected.uv_totals());
  // Categories are re-emitted in full after a restore (idempotent upserts);
  // everything the original emitted must be there with the same value.
  for (const auto& [id, doc] : expected.rows) {
    REQUIRE(restored.rows.count(id) == 1);
    CHECK(restored.rows[id] == doc);
  }
  for (const auto& [id, doc] : restored.rows)
    if (!expected.rows.count(id))
      CHECK(before.rows.at(id) == doc); // a re-emitted, unchanged row
}

TEST_CASE("a restored owner judges lateness from the checkpoint's watermark") {
  // Input 1 is idle, so input 0 alone moves the combined watermark; then
  // input 1 comes back with buys far behind it.
  partial_batch ahead;
  ahead.source = 0;
  ahead.watermark = day0 + 12 * ms_per_hour;
  partial_batch idle;
  idle.source = 1;
  idle.idle = true;
  partial_batch back;
  back.source = 1;
  back.watermark = day0 + 2 * ms_per_hour;
  back.hourly.push_back({day0 + ms_per_hour, 5});

  keyed_state original{spec(), {0, groups}, 2, format};
  state_output out;
  original.on_batch(ahead, out);
  original.on_batch(idle, out);
  const event_time at_checkpoint = original.watermark();
  REQUIRE(at_checkpoint == ahead.watermark);

  keyed_state restored{spec(), {0, groups}, 2, format};
  restored.restore_watermark(at_checkpoint);
  CHECK(restored.watermark() == at_checkpoint);
  original.on_batch(back, out);
  restored.on_batch(back, out);
  CHECK(original.late_records() > 0);
  CHECK(restored.late_records() == original.late_records());
}

TEST_CASE("key groups outside the owner's range are refused") {
  keyed_state owner{spec(), {0, 4}, 1, format};
  key_group_snapshot s;
  s.group = 4;
  CHECK_FALSE(owner.restore(s));
  s.group = 3;
  CHECK(owner.restore(s));
}

TEST_CASE("a malformed day bitmap is refused") {
  keyed_state owner{spec(), {0, groups}, 1, format};
  key_group_snapshot s;
  s.group = 1;
  s.uv_days.push_back({day0, day0, false, "not a bitmap"});
  CHECK_FALSE(owner.restore(s));
}

} // TEST_SUITE
