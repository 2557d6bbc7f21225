#pragma once

// The byte encoding of SQL aggregate state for checkpoints and the
// exchange: little-endian fixed widths, LEB128 varints (zigzag for signed)
// and length-prefixed strings. The reader is bounded by its input and
// never trusts a length or count it reads: every read checks what is
// left, a failed read sticks (later reads fail too), so a corrupt or
// truncated input gives an error, never a crash or an allocation larger
// than the input.

#include "common/sql/exec/sql_value.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace ubaflow {

class sql_byte_writer {
public:
  explicit sql_byte_writer(std::string& out) : out_(out) {
    // nop
  }

  void u8(uint8_t value) { out_.push_back(static_cast<char>(value)); }
  void u32(uint32_t value);
  void u64(uint64_t value);
  void varint(uint64_t value);
  void signed_varint(int64_t value); ///< zigzag
  void f64(double value);            ///< the IEEE bits
  void bytes(std::string_view value); ///< varint length, then the bytes
  /// A value: its kind, then its payload (DECIMAL: scale, unscaled).
  void value(const sql_value& value);

private:
  std::string& out_;
};

class sql_byte_reader {
public:
  explicit sql_byte_reader(std::string_view in) : in_(in) {
    // nop
  }

  bool u8(uint8_t& value);
  bool u32(uint32_t& value);
  bool u64(uint64_t& value);
  bool varint(uint64_t& value);
  bool signed_varint(int64_t& value);
  bool f64(double& value);
  /// A length-prefixed string; the length must fit in what is left.
  bool bytes(std::string_view& value);
  bool value(sql_value& value);
  /// A count of items each at least `min_item_bytes` long: refused when
  /// that many items cannot fit in what is left (so a corrupt count cannot
  /// make the caller reserve or loop beyond the input).
  bool count(uint64_t& value, size_t min_item_bytes = 1);
  /// The next `size` bytes, without copying.
  bool take(size_t size, std::string_view& value);

  size_t remaining() const { return ok_ ? in_.size() - pos_ : 0; }
  bool ok() const { return ok_; }
  /// Everything read, nothing failed.
  bool done() const { return ok_ && pos_ == in_.size(); }

private:
  bool fail() {
    ok_ = false;
    return false;
  }

  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

} // namespace ubaflow
