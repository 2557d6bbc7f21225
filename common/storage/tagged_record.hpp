#pragma once

// A field-tagged binary record: the encoding of ubaflow's stored state
// (checkpoints and savepoints, docs/operations.md "Savepoint
// compatibility"). Each field is a varint key (tag << 3 | wire type)
// followed by a varint number or by a varint length and that many bytes
// (text, opaque bytes or a nested record). Fields are found by tag, not by
// position, so a reader skips the fields it does not know and fills the
// ones that are missing with their defaults: struct layout and field order
// can change without making stored files unreadable.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

enum class wire_type : uint8_t {
  number = 0, ///< varint; signed values zigzag-encoded
  bytes = 2,  ///< varint length, then the bytes
};

/// Appends fields to a byte string.
class tagged_writer {
public:
  void put_unsigned(uint32_t tag, uint64_t value);
  void put_signed(uint32_t tag, int64_t value);
  void put_bool(uint32_t tag, bool value) { put_unsigned(tag, value ? 1 : 0); }
  void put_bytes(uint32_t tag, std::string_view value);
  /// A list of signed numbers as one bytes field of zigzag varints.
  void put_packed(uint32_t tag, const std::vector<int64_t>& values);

  /// A nested record: `body(tagged_writer&)` writes its fields.
  template <class Body>
  void put_record(uint32_t tag, Body&& body) {
    tagged_writer nested;
    body(nested);
    put_bytes(tag, nested.bytes_);
  }

  const std::string& bytes() const { return bytes_; }
  std::string take() { return std::move(bytes_); }

private:
  void put_key(uint32_t tag, wire_type type);
  void put_varint(uint64_t value);

  std::string bytes_;
};

/// Walks the fields of one record. Never reads past its input and never
/// allocates on a length it has not checked against the input, so any byte
/// string is safe to decode; the first problem stops the walk and is kept
/// in error().
class tagged_reader {
public:
  /// `record` names the record in errors ("partition", "key group", ...).
  tagged_reader(std::string_view bytes, std::string record);

  /// Moves to the next field; false at the end or on a malformed field.
  bool next();
  uint32_t tag() const { return tag_; }

  // Read the current field, checking its wire type and range; false (and
  // error()) if it does not fit.
  bool read(uint64_t& out);
  bool read(uint32_t& out);
  bool read(int64_t& out);
  bool read(int32_t& out);
  bool read(bool& out);
  bool read(std::string& out);
  /// The current field's bytes (a nested record), valid as long as the input.
  bool read(std::string_view& out);
  /// What put_packed wrote (at most one number per input byte).
  bool read(std::vector<int64_t>& out);

  /// Fails the walk with `message` (about the current field).
  bool fail(const std::string& message);
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

private:
  bool read_varint(uint64_t& out);
  bool expect(wire_type type);
  bool read_signed(int64_t& out);

  std::string_view input_;
  size_t position_ = 0;
  std::string record_;
  uint32_t tag_ = 0;
  wire_type type_ = wire_type::number;
  uint64_t number_ = 0;
  std::string_view payload_;
  std::string error_;
};

} // namespace ubaflow
