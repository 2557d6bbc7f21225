#pragma once

// The checkpoint the stored-format tests write and read: every kind of
// state a checkpoint can hold, with values that would expose a swapped or
// truncated field (negative times, ids past 32 bits, empty and full sets).
// The golden files in tests/data/checkpoints were written from it; change it
// only together with a new golden file.

#include "common/protocol/checkpoints.hpp"

#include <roaring/roaring.hh>

#include <initializer_list>
#include <map>
#include <string>

namespace ubaflow::test {

/// A set of user ids in the byte form of the former hard-wired job's day
/// sets (a count, then per high 32 bits: the high word, the size and a
/// portable roaring bitmap of the low words; little-endian), as the golden
/// files hold it. Opaque to the checkpoint format.
inline std::string legacy_user_set(std::initializer_list<uint64_t> ids) {
  std::map<uint32_t, Roaring> chunks;
  for (uint64_t id : ids)
    chunks[static_cast<uint32_t>(id >> 32)].add(static_cast<uint32_t>(id));
  auto put_u32 = [](std::string& out, uint32_t value) {
    for (int i = 0; i < 4; ++i)
      out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  };
  std::string out;
  put_u32(out, static_cast<uint32_t>(chunks.size()));
  for (auto& [high, bitmap] : chunks) {
    put_u32(out, high);
    const size_t size = bitmap.getSizeInBytes(true);
    put_u32(out, static_cast<uint32_t>(size));
    const size_t offset = out.size();
    out.resize(offset + size);
    bitmap.write(out.data() + offset, true);
  }
  return out;
}

inline checkpoint_data golden_checkpoint() {
  checkpoint_data d;
  d.id = 4711;
  d.savepoint = true;
  d.taken_ms = 1'700'000'123'456;
  d.job = "taobao user behaviour";
  d.key_group_count = 8;
  d.partitions = {{0, 120, 1'511'658'000'000, false},
                  {3, 77, min_event_time, true},
                  {11, -1, -3'600'000, false}};
  d.unresolved = {{42, 3}, {5'000'000'001, -2}};
  key_group_snapshot g;
  g.group = 5;
  g.hourly = {{1'511'658'000'000, 9, true, false},
              {1'511'661'600'000, 0, false, true}};
  g.categories = {{"Books", 4}, {"", 0}, {"服饰鞋包", 12}};
  uv_cell_snapshot cell;
  cell.step_start = 1'511'658'600'000;
  cell.has_tumbling = true;
  cell.tumbling_emitted = false;
  cell.tumbling_dirty = true;
  cell.daily_merged = true;
  cell.both.ids = {1, 2, 1'000'000'000'000ULL};
  cell.tumbling_only.ids = {};
  cell.daily_only.ids = {7, 4'294'967'296ULL};
  g.uv_cells = {cell};
  g.uv_days = {{1'511'625'600'000, 1'511'659'200'000, true,
                legacy_user_set({3, 99, 100'000, 8'589'934'592})}};
  key_group_snapshot empty_group;
  empty_group.group = 7;
  empty_group.hourly = {{0, 1, false, false}};
  d.groups = {g, empty_group};
  d.owner_watermarks = {{{0, 4}, 1'511'658'999'000}, {{4, 8}, min_event_time}};
  combiner_snapshot c;
  c.progress = {1, -2, 3, min_event_time, max_event_time, 0, 6, 7};
  c.final = std::string{"\1\0\1\0\0\0\0\1", 8};
  c.windows = {{false, 1'511'658'000'000, 1'511'658'600'000, true, 17,
                {{0, 4}, {5, 13}}},
               {true, 1'511'625'600'000, 1'511'659'200'000, false, 0, {}}};
  d.combiner = {c};
  return d;
}

} // namespace ubaflow::test
