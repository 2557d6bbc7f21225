#include "common/sql/exec/sql_sink_rows.hpp"

#include "common/sql/exec/sql_byte_codec.hpp"
#include "common/util/hash.hpp"

#include <algorithm>

namespace ubaflow {

namespace {

constexpr uint8_t sink_rows_version = 1;
constexpr size_t max_row_id_bytes = 512;

} // namespace

std::string direct_row_id(int32_t partition, int64_t offset, uint32_t query,
                          uint32_t n) {
  std::string id = std::to_string(partition) + "-" + std::to_string(offset)
                   + "-" + std::to_string(query + 1);
  if (n > 0)
    id += "-" + std::to_string(n);
  return id;
}

uint32_t key_group_of(const sql_sink_row& row, const bound_table& sink,
                      uint32_t key_groups) {
  if (key_groups == 0)
    return 0;
  uint64_t hash = 0;
  if (!sink.primary_key.empty()) {
    sql_row key;
    for (const auto c : sink.primary_key)
      key.push_back(c < row.row.size() ? row.row[c] : sql_value::null());
    hash = stable_hash(key);
  } else {
    hash = hash_bytes(row.id);
  }
  return static_cast<uint32_t>((hash >> 17) % key_groups);
}

void encode_sink_rows(const std::vector<const sql_sink_row*>& rows,
                      std::string& out) {
  sql_byte_writer w{out};
  w.u8(sink_rows_version);
  w.varint(rows.size());
  for (const auto* r : rows) {
    w.bytes(r->id);
    w.varint(r->row.size());
    for (const auto& v : r->row)
      w.value(v);
  }
}

bool decode_sink_rows(std::string_view bytes, uint32_t query, size_t columns,
                      bool keyed, std::vector<sql_sink_row>& out,
                      std::string& error) {
  sql_byte_reader in{bytes};
  uint8_t version = 0;
  if (!in.u8(version) || version != sink_rows_version) {
    error = "rows of a query without aggregation: not format version "
            + std::to_string(sink_rows_version);
    return false;
  }
  uint64_t count = 0;
  // A row is at least its id's length, its width and a byte per value.
  if (!in.count(count, 2 + columns)) {
    error = "rows of a query without aggregation: a count beyond the input";
    return false;
  }
  std::vector<sql_sink_row> rows;
  rows.reserve(std::min<uint64_t>(count, 1024)); // grows with what decodes
  for (uint64_t i = 0; i < count; ++i) {
    sql_sink_row r;
    r.query = query;
    std::string_view id;
    uint64_t width = 0;
    if (!in.bytes(id) || id.size() > max_row_id_bytes
        || id.empty() != keyed || !in.varint(width) || width != columns) {
      error = "rows of a query without aggregation: a malformed row (its "
              "id, or not the sink's " + std::to_string(columns) + " columns)";
      return false;
    }
    r.id = std::string{id};
    r.row.resize(columns);
    for (auto& v : r.row)
      if (!in.value(v)) {
        error = "rows of a query without aggregation: a malformed value";
        return false;
      }
    rows.push_back(std::move(r));
  }
  if (!in.done()) {
    error = "rows of a query without aggregation: bytes after the rows";
    return false;
  }
  for (auto& r : rows)
    out.push_back(std::move(r));
  return true;
}

} // namespace ubaflow
