#include "coordinator/checkpoint/checkpoint_format.hpp"

#include "common/protocol/user_id_codec.hpp"
#include "common/storage/tagged_record.hpp"

#include <boost/crc.hpp>

#include <cstring>

namespace ubaflow {

namespace {

// -- the tags (the format: never reuse or renumber one) -----------------------

namespace file_tag {
constexpr uint32_t header = 1, partition = 2, unresolved = 3, key_group = 4,
                   owner_watermark = 5, combiner = 6;
} // namespace file_tag

namespace header_tag {
constexpr uint32_t format_version = 1, min_reader_version = 2,
                   job_fingerprint = 3, state_layout = 4, key_group_count = 5,
                   id = 6, savepoint = 7, taken_ms = 8, job = 9,
                   written_by = 10;
} // namespace header_tag

namespace partition_tag {
constexpr uint32_t partition = 1, next_offset = 2, watermark = 3,
                   finished = 4;
} // namespace partition_tag

namespace unresolved_tag {
constexpr uint32_t category_id = 1, buys = 2;
} // namespace unresolved_tag

namespace group_tag {
constexpr uint32_t group = 1, hourly = 2, category = 3, uv_cell = 4,
                   uv_day = 5, sql = 6;
} // namespace group_tag

namespace hourly_tag {
constexpr uint32_t window_start = 1, buys = 2, emitted = 3, dirty = 4;
} // namespace hourly_tag

namespace category_tag {
constexpr uint32_t name = 1, buys = 2;
} // namespace category_tag

namespace cell_tag {
constexpr uint32_t step_start = 1, has_tumbling = 2, tumbling_emitted = 3,
                   tumbling_dirty = 4, daily_merged = 5, both = 6,
                   tumbling_only = 7, daily_only = 8;
} // namespace cell_tag

namespace day_tag {
constexpr uint32_t day = 1, next_step = 2, emitted_any = 3, seen = 4;
} // namespace day_tag

namespace watermark_tag {
constexpr uint32_t first = 1, last = 2, watermark = 3;
} // namespace watermark_tag

namespace combiner_tag {
constexpr uint32_t progress = 1, final = 2, window = 3;
} // namespace combiner_tag

namespace window_tag {
constexpr uint32_t daily = 1, window_start = 2, window_end = 3, emitted = 4,
                   emitted_total = 5, group_users = 6, query = 7,
                   aggregate = 8;
} // namespace window_tag

namespace users_tag {
constexpr uint32_t group = 1, users = 2;
} // namespace users_tag

/// The oldest reader that understands everything this version writes:
/// raise it only when a file could be misread by a reader that skips a new
/// field (none so far).
constexpr uint32_t min_reader_version = 3;

constexpr size_t crc_size = 4;

// -- encoding -----------------------------------------------------------------

void put_user_ids(tagged_writer& out, uint32_t tag, const user_id_set& set) {
  std::string bytes;
  encode_user_ids(set.ids, bytes);
  out.put_bytes(tag, bytes);
}

void put_group(tagged_writer& out, const key_group_snapshot& g) {
  out.put_unsigned(group_tag::group, g.group);
  for (const auto& w : g.hourly)
    out.put_record(group_tag::hourly, [&](tagged_writer& r) {
      r.put_signed(hourly_tag::window_start, w.window_start);
      r.put_signed(hourly_tag::buys, w.buys);
      r.put_bool(hourly_tag::emitted, w.emitted);
      r.put_bool(hourly_tag::dirty, w.dirty);
    });
  for (const auto& c : g.categories)
    out.put_record(group_tag::category, [&](tagged_writer& r) {
      r.put_bytes(category_tag::name, c.name);
      r.put_signed(category_tag::buys, c.buys);
    });
  for (const auto& c : g.uv_cells)
    out.put_record(group_tag::uv_cell, [&](tagged_writer& r) {
      r.put_signed(cell_tag::step_start, c.step_start);
      r.put_bool(cell_tag::has_tumbling, c.has_tumbling);
      r.put_bool(cell_tag::tumbling_emitted, c.tumbling_emitted);
      r.put_bool(cell_tag::tumbling_dirty, c.tumbling_dirty);
      r.put_bool(cell_tag::daily_merged, c.daily_merged);
      put_user_ids(r, cell_tag::both, c.both);
      put_user_ids(r, cell_tag::tumbling_only, c.tumbling_only);
      put_user_ids(r, cell_tag::daily_only, c.daily_only);
    });
  for (const auto& d : g.uv_days)
    out.put_record(group_tag::uv_day, [&](tagged_writer& r) {
      r.put_signed(day_tag::day, d.day);
      r.put_signed(day_tag::next_step, d.next_step);
      r.put_bool(day_tag::emitted_any, d.emitted_any);
      r.put_bytes(day_tag::seen, d.seen);
    });
  // A SQL job's state: sql_keyed_state's bytes, versioned themselves. A
  // reader that skips the tag cannot run the job either: the state layout
  // (state_layout_of) names the SQL plan, which such a reader refuses.
  if (!g.sql.empty())
    out.put_bytes(group_tag::sql, g.sql);
}

void put_combiner(tagged_writer& out, const combiner_snapshot& c) {
  out.put_packed(combiner_tag::progress, c.progress);
  out.put_bytes(combiner_tag::final, c.final);
  for (const auto& w : c.windows)
    out.put_record(combiner_tag::window, [&](tagged_writer& r) {
      r.put_bool(window_tag::daily, w.daily);
      r.put_signed(window_tag::window_start, w.window_start);
      r.put_signed(window_tag::window_end, w.window_end);
      r.put_bool(window_tag::emitted, w.emitted);
      r.put_signed(window_tag::emitted_total, w.emitted_total);
      if (w.query != 0 || w.aggregate != 0) { // a SQL job's query
        r.put_unsigned(window_tag::query, w.query);
        r.put_unsigned(window_tag::aggregate, w.aggregate);
      }
      for (const auto& g : w.groups)
        r.put_record(window_tag::group_users, [&](tagged_writer& u) {
          u.put_unsigned(users_tag::group, g.group);
          u.put_signed(users_tag::users, g.users);
        });
    });
}

// -- decoding -----------------------------------------------------------------
//
// Each read_* function reads the current field of its record into `x`;
// fields of unknown tags are skipped (a later version wrote them).

/// Appends an element to `list` and fills it from the nested record in the
/// current field of `outer`; problems are reported through `outer`.
template <class T, class ReadField>
bool read_element(tagged_reader& outer, const char* record,
                  std::vector<T>& list, ReadField&& read_field) {
  std::string_view bytes;
  if (!outer.read(bytes))
    return false;
  auto& x = list.emplace_back();
  tagged_reader inner{bytes, record};
  while (inner.next())
    if (!read_field(inner, x))
      break;
  if (inner.failed())
    return outer.fail(inner.error());
  return true;
}

bool read_user_ids(tagged_reader& in, user_id_set& set) {
  std::string_view bytes;
  if (!in.read(bytes))
    return false;
  if (!decode_user_ids(bytes, set.ids))
    return in.fail("field " + std::to_string(in.tag())
                   + " is not a valid user id set");
  return true;
}

bool read_hourly(tagged_reader& in, hourly_window_snapshot& x) {
  switch (in.tag()) {
    case hourly_tag::window_start: return in.read(x.window_start);
    case hourly_tag::buys: return in.read(x.buys);
    case hourly_tag::emitted: return in.read(x.emitted);
    case hourly_tag::dirty: return in.read(x.dirty);
    default: return true;
  }
}

bool read_category(tagged_reader& in, category_snapshot& x) {
  switch (in.tag()) {
    case category_tag::name: return in.read(x.name);
    case category_tag::buys: return in.read(x.buys);
    default: return true;
  }
}

bool read_cell(tagged_reader& in, uv_cell_snapshot& x) {
  switch (in.tag()) {
    case cell_tag::step_start: return in.read(x.step_start);
    case cell_tag::has_tumbling: return in.read(x.has_tumbling);
    case cell_tag::tumbling_emitted: return in.read(x.tumbling_emitted);
    case cell_tag::tumbling_dirty: return in.read(x.tumbling_dirty);
    case cell_tag::daily_merged: return in.read(x.daily_merged);
    case cell_tag::both: return read_user_ids(in, x.both);
    case cell_tag::tumbling_only: return read_user_ids(in, x.tumbling_only);
    case cell_tag::daily_only: return read_user_ids(in, x.daily_only);
    default: return true;
  }
}

bool read_day(tagged_reader& in, uv_day_snapshot& x) {
  switch (in.tag()) {
    case day_tag::day: return in.read(x.day);
    case day_tag::next_step: return in.read(x.next_step);
    case day_tag::emitted_any: return in.read(x.emitted_any);
    case day_tag::seen: return in.read(x.seen);
    default: return true;
  }
}

bool read_group(tagged_reader& in, key_group_snapshot& x) {
  switch (in.tag()) {
    case group_tag::group: return in.read(x.group);
    case group_tag::hourly:
      return read_element(in, "hourly window", x.hourly, read_hourly);
    case group_tag::category:
      return read_element(in, "category", x.categories, read_category);
    case group_tag::uv_cell:
      return read_element(in, "UV step", x.uv_cells, read_cell);
    case group_tag::uv_day:
      return read_element(in, "UV day", x.uv_days, read_day);
    case group_tag::sql: return in.read(x.sql);
    default: return true;
  }
}

bool read_partition(tagged_reader& in, partition_checkpoint& x) {
  switch (in.tag()) {
    case partition_tag::partition: return in.read(x.partition);
    case partition_tag::next_offset: return in.read(x.next_offset);
    case partition_tag::watermark: return in.read(x.watermark);
    case partition_tag::finished: return in.read(x.finished);
    default: return true;
  }
}

bool read_unresolved(tagged_reader& in, pending_category_buys& x) {
  switch (in.tag()) {
    case unresolved_tag::category_id: return in.read(x.category_id);
    case unresolved_tag::buys: return in.read(x.buys);
    default: return true;
  }
}

bool read_owner_watermark(tagged_reader& in, range_watermark& x) {
  switch (in.tag()) {
    case watermark_tag::first: return in.read(x.range.first);
    case watermark_tag::last: return in.read(x.range.last);
    case watermark_tag::watermark: return in.read(x.watermark);
    default: return true;
  }
}

bool read_group_users(tagged_reader& in, group_users& x) {
  switch (in.tag()) {
    case users_tag::group: return in.read(x.group);
    case users_tag::users: return in.read(x.users);
    default: return true;
  }
}

bool read_window(tagged_reader& in, uv_window_snapshot& x) {
  switch (in.tag()) {
    case window_tag::daily: return in.read(x.daily);
    case window_tag::window_start: return in.read(x.window_start);
    case window_tag::window_end: return in.read(x.window_end);
    case window_tag::emitted: return in.read(x.emitted);
    case window_tag::emitted_total: return in.read(x.emitted_total);
    case window_tag::query: return in.read(x.query);
    case window_tag::aggregate: return in.read(x.aggregate);
    case window_tag::group_users:
      return read_element(in, "UV window group", x.groups, read_group_users);
    default: return true;
  }
}

bool read_combiner(tagged_reader& in, combiner_snapshot& x) {
  switch (in.tag()) {
    case combiner_tag::progress: return in.read(x.progress);
    case combiner_tag::final: return in.read(x.final);
    case combiner_tag::window:
      return read_element(in, "UV window", x.windows, read_window);
    default: return true;
  }
}

struct header_fields {
  uint32_t format_version = 0;
  uint32_t min_reader_version = 0;
};

bool read_header(tagged_reader& in, header_fields& h, checkpoint_data& x) {
  switch (in.tag()) {
    case header_tag::format_version: return in.read(h.format_version);
    case header_tag::min_reader_version: return in.read(h.min_reader_version);
    case header_tag::job_fingerprint: return in.read(x.job_fingerprint);
    case header_tag::state_layout: return in.read(x.state_layout);
    case header_tag::key_group_count: return in.read(x.key_group_count);
    case header_tag::id: return in.read(x.id);
    case header_tag::savepoint: return in.read(x.savepoint);
    case header_tag::taken_ms: return in.read(x.taken_ms);
    case header_tag::job: return in.read(x.job);
    default: return true; // written_by: for people reading the file
  }
}

/// Checks what the decoder cannot: every key group and range lies inside
/// the checkpoint's key-group count, and the combiner has one entry per
/// key group. Restoring such a file would index past the job's state.
bool consistent(const checkpoint_data& x, std::string& error) {
  const auto count = x.key_group_count;
  if (count == 0) {
    error = "it names no key-group count";
    return false;
  }
  for (const auto& g : x.groups)
    if (g.group >= count) {
      error = "key group " + std::to_string(g.group) + " is outside its "
              + std::to_string(count) + " key groups";
      return false;
    }
  for (const auto& w : x.owner_watermarks)
    if (w.range.first > w.range.last || w.range.last > count) {
      error = "an owner's key-group range is outside its "
              + std::to_string(count) + " key groups";
      return false;
    }
  for (const auto& c : x.combiner) {
    if (c.progress.size() != count || c.final.size() != count) {
      error = "the UV combiner's state does not cover its "
              + std::to_string(count) + " key groups";
      return false;
    }
    for (const auto& w : c.windows)
      for (const auto& g : w.groups)
        if (g.group >= count) {
          error = "a UV window counts key group " + std::to_string(g.group)
                  + ", outside its " + std::to_string(count) + " key groups";
          return false;
        }
  }
  return true;
}

uint32_t crc_of(std::string_view bytes) {
  boost::crc_32_type crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

} // namespace

std::vector<char> encode_checkpoint(const checkpoint_data& data) {
  tagged_writer out;
  out.put_record(file_tag::header, [&](tagged_writer& r) {
    r.put_unsigned(header_tag::format_version, checkpoint_format_version);
    r.put_unsigned(header_tag::min_reader_version, min_reader_version);
    r.put_unsigned(header_tag::job_fingerprint, data.job_fingerprint);
    r.put_bytes(header_tag::state_layout, data.state_layout);
    r.put_unsigned(header_tag::key_group_count, data.key_group_count);
    r.put_unsigned(header_tag::id, data.id);
    r.put_bool(header_tag::savepoint, data.savepoint);
    r.put_signed(header_tag::taken_ms, data.taken_ms);
    r.put_bytes(header_tag::job, data.job);
    r.put_bytes(header_tag::written_by, "ubaflow " UBAFLOW_VERSION);
  });
  for (const auto& p : data.partitions)
    out.put_record(file_tag::partition, [&](tagged_writer& r) {
      r.put_signed(partition_tag::partition, p.partition);
      r.put_signed(partition_tag::next_offset, p.next_offset);
      r.put_signed(partition_tag::watermark, p.watermark);
      r.put_bool(partition_tag::finished, p.finished);
    });
  for (const auto& u : data.unresolved)
    out.put_record(file_tag::unresolved, [&](tagged_writer& r) {
      r.put_signed(unresolved_tag::category_id, u.category_id);
      r.put_signed(unresolved_tag::buys, u.buys);
    });
  for (const auto& g : data.groups)
    out.put_record(file_tag::key_group,
                   [&](tagged_writer& r) { put_group(r, g); });
  for (const auto& w : data.owner_watermarks)
    out.put_record(file_tag::owner_watermark, [&](tagged_writer& r) {
      r.put_unsigned(watermark_tag::first, w.range.first);
      r.put_unsigned(watermark_tag::last, w.range.last);
      r.put_signed(watermark_tag::watermark, w.watermark);
    });
  for (const auto& c : data.combiner)
    out.put_record(file_tag::combiner,
                   [&](tagged_writer& r) { put_combiner(r, c); });
  std::string file{checkpoint_format_marker};
  file += out.bytes();
  const auto crc = crc_of(file);
  for (size_t i = 0; i < crc_size; ++i)
    file.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return {file.begin(), file.end()};
}

std::optional<checkpoint_data> decode_checkpoint(std::string_view bytes,
                                                 const std::string& origin,
                                                 std::string& error) {
  const auto& marker = checkpoint_format_marker;
  auto damaged = [&](const std::string& why) {
    error = "checkpoint '" + origin + "' is damaged: " + why;
    return std::nullopt;
  };
  std::string why;
  if (bytes.substr(0, marker.size()) != marker) {
    auto x = decode_checkpoint_v2(bytes, origin, error);
    if (x && !consistent(*x, why))
      return damaged(why);
    return x;
  }
  if (bytes.size() < marker.size() + crc_size)
    return damaged("it is truncated");
  const auto body = bytes.substr(0, bytes.size() - crc_size);
  uint32_t stored = 0;
  for (size_t i = 0; i < crc_size; ++i)
    stored |= static_cast<uint32_t>(
                static_cast<uint8_t>(bytes[body.size() + i]))
              << (8 * i);
  if (crc_of(body) != stored)
    return damaged("its checksum does not match (truncated or altered)");
  checkpoint_data x;
  header_fields h;
  tagged_reader in{body.substr(marker.size()), "checkpoint"};
  bool first = true;
  while (in.next()) {
    if (first != (in.tag() == file_tag::header)) {
      in.fail("the header must be its first field, and only once");
      break;
    }
    bool ok = true;
    switch (in.tag()) {
      case file_tag::header: {
        std::vector<checkpoint_data> header_only; // read_element appends
        ok = read_element(in, "header", header_only,
                          [&](tagged_reader& r, checkpoint_data&) {
                            return read_header(r, h, x);
                          });
        if (ok && h.min_reader_version > checkpoint_format_version) {
          error = "checkpoint '" + origin + "' was written in format version "
                  + std::to_string(h.format_version)
                  + ", which needs a ubaflow that reads version "
                  + std::to_string(h.min_reader_version)
                  + "; this one reads up to version "
                  + std::to_string(checkpoint_format_version);
          return std::nullopt;
        }
        break;
      }
      case file_tag::partition:
        ok = read_element(in, "partition", x.partitions, read_partition);
        break;
      case file_tag::unresolved:
        ok = read_element(in, "pending lookup", x.unresolved, read_unresolved);
        break;
      case file_tag::key_group:
        ok = read_element(in, "key group", x.groups, read_group);
        break;
      case file_tag::owner_watermark:
        ok = read_element(in, "owner watermark", x.owner_watermarks,
                          read_owner_watermark);
        break;
      case file_tag::combiner:
        ok = read_element(in, "UV combiner", x.combiner, read_combiner);
        break;
      default:
        break;
    }
    first = false;
    if (!ok)
      break;
  }
  if (in.failed())
    return damaged(in.error());
  if (first)
    return damaged("it has no header");
  if (!consistent(x, why))
    return damaged(why);
  return x;
}

} // namespace ubaflow
