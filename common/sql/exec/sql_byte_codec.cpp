#include "common/sql/exec/sql_byte_codec.hpp"

#include <cstring>

namespace ubaflow {

void sql_byte_writer::u32(uint32_t value) {
  for (int i = 0; i < 4; ++i)
    u8(static_cast<uint8_t>(value >> (8 * i)));
}

void sql_byte_writer::u64(uint64_t value) {
  for (int i = 0; i < 8; ++i)
    u8(static_cast<uint8_t>(value >> (8 * i)));
}

void sql_byte_writer::varint(uint64_t value) {
  while (value >= 0x80) {
    u8(static_cast<uint8_t>(value | 0x80));
    value >>= 7;
  }
  u8(static_cast<uint8_t>(value));
}

void sql_byte_writer::signed_varint(int64_t value) {
  const uint64_t bits = static_cast<uint64_t>(value);
  varint((bits << 1) ^ (value < 0 ? ~uint64_t{0} : 0));
}

void sql_byte_writer::f64(double value) {
  uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  u64(bits);
}

void sql_byte_writer::bytes(std::string_view value) {
  varint(value.size());
  out_.append(value.data(), value.size());
}

void sql_byte_writer::value(const sql_value& v) {
  u8(static_cast<uint8_t>(v.kind()));
  switch (v.kind()) {
    case sql_value_kind::null: return;
    case sql_value_kind::double_: f64(v.as_double()); return;
    case sql_value_kind::string: bytes(v.as_string()); return;
    case sql_value_kind::decimal:
      u8(static_cast<uint8_t>(v.decimal_scale()));
      signed_varint(v.decimal_unscaled());
      return;
    default: signed_varint(v.as_bigint()); return; // BOOLEAN, integers, times
  }
}

bool sql_byte_reader::u8(uint8_t& value) {
  if (!ok_ || pos_ >= in_.size())
    return fail();
  value = static_cast<uint8_t>(in_[pos_++]);
  return true;
}

bool sql_byte_reader::u32(uint32_t& value) {
  if (!ok_ || in_.size() - pos_ < 4)
    return fail();
  value = 0;
  for (int i = 0; i < 4; ++i)
    value |= uint32_t{static_cast<uint8_t>(in_[pos_++])} << (8 * i);
  return true;
}

bool sql_byte_reader::u64(uint64_t& value) {
  if (!ok_ || in_.size() - pos_ < 8)
    return fail();
  value = 0;
  for (int i = 0; i < 8; ++i)
    value |= uint64_t{static_cast<uint8_t>(in_[pos_++])} << (8 * i);
  return true;
}

bool sql_byte_reader::varint(uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    uint8_t byte = 0;
    if (!u8(byte))
      return false;
    // The tenth byte may only hold the top bit.
    if (shift == 63 && byte > 1)
      return fail();
    value |= uint64_t{byte & 0x7Fu} << shift;
    if ((byte & 0x80) == 0)
      return true;
  }
  return fail();
}

bool sql_byte_reader::signed_varint(int64_t& value) {
  uint64_t bits = 0;
  if (!varint(bits))
    return false;
  value = static_cast<int64_t>((bits >> 1) ^ (~(bits & 1) + 1));
  return true;
}

bool sql_byte_reader::f64(double& value) {
  uint64_t bits = 0;
  if (!u64(bits))
    return false;
  std::memcpy(&value, &bits, sizeof value);
  return true;
}

bool sql_byte_reader::take(size_t size, std::string_view& value) {
  if (!ok_ || in_.size() - pos_ < size)
    return fail();
  value = in_.substr(pos_, size);
  pos_ += size;
  return true;
}

bool sql_byte_reader::bytes(std::string_view& value) {
  uint64_t size = 0;
  if (!varint(size) || size > remaining())
    return fail();
  return take(static_cast<size_t>(size), value);
}

bool sql_byte_reader::count(uint64_t& value, size_t min_item_bytes) {
  if (!varint(value))
    return false;
  if (min_item_bytes > 0 && value > remaining() / min_item_bytes)
    return fail();
  return true;
}

bool sql_byte_reader::value(sql_value& v) {
  uint8_t kind = 0;
  if (!u8(kind) || kind > static_cast<uint8_t>(sql_value_kind::interval))
    return fail();
  int64_t integer = 0;
  switch (static_cast<sql_value_kind>(kind)) {
    case sql_value_kind::null: v = sql_value::null(); return true;
    case sql_value_kind::double_: {
      double d = 0;
      if (!f64(d))
        return false;
      v = sql_value::double_(d);
      return true;
    }
    case sql_value_kind::string: {
      std::string_view text;
      if (!bytes(text))
        return false;
      v = sql_value::string(std::string{text});
      return true;
    }
    case sql_value_kind::decimal: {
      uint8_t scale = 0;
      if (!u8(scale) || scale > 38 || !signed_varint(integer))
        return fail();
      v = sql_value::decimal(integer, scale);
      return true;
    }
    case sql_value_kind::boolean:
      if (!signed_varint(integer) || (integer != 0 && integer != 1))
        return fail();
      v = sql_value::boolean(integer != 0);
      return true;
    default: break;
  }
  if (!signed_varint(integer))
    return false;
  switch (static_cast<sql_value_kind>(kind)) {
    case sql_value_kind::bigint: v = sql_value::bigint(integer); break;
    case sql_value_kind::timestamp: v = sql_value::timestamp(integer); break;
    case sql_value_kind::timestamp_ltz: v = sql_value::timestamp_ltz(integer); break;
    case sql_value_kind::date: v = sql_value::date(integer); break;
    default: v = sql_value::interval(integer); break;
  }
  return true;
}

} // namespace ubaflow
