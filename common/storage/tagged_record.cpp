#include "common/storage/tagged_record.hpp"

#include <limits>

namespace ubaflow {

namespace {

// The largest tag that fits the 32-bit key after the 3 type bits.
constexpr uint32_t max_tag = (1u << 29) - 1;

uint64_t zigzag(int64_t value) {
  return (static_cast<uint64_t>(value) << 1)
         ^ static_cast<uint64_t>(value >> 63);
}

int64_t unzigzag(uint64_t value) {
  return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
}

} // namespace

// -- tagged_writer ------------------------------------------------------------

void tagged_writer::put_varint(uint64_t value) {
  while (value >= 0x80) {
    bytes_.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  bytes_.push_back(static_cast<char>(value));
}

void tagged_writer::put_key(uint32_t tag, wire_type type) {
  put_varint((static_cast<uint64_t>(tag) << 3) | static_cast<uint8_t>(type));
}

void tagged_writer::put_unsigned(uint32_t tag, uint64_t value) {
  put_key(tag, wire_type::number);
  put_varint(value);
}

void tagged_writer::put_signed(uint32_t tag, int64_t value) {
  put_unsigned(tag, zigzag(value));
}

void tagged_writer::put_bytes(uint32_t tag, std::string_view value) {
  put_key(tag, wire_type::bytes);
  put_varint(value.size());
  bytes_.append(value);
}

void tagged_writer::put_packed(uint32_t tag,
                               const std::vector<int64_t>& values) {
  tagged_writer packed;
  for (auto value : values)
    packed.put_varint(zigzag(value));
  put_bytes(tag, packed.bytes_);
}

// -- tagged_reader ------------------------------------------------------------

tagged_reader::tagged_reader(std::string_view bytes, std::string record)
  : input_(bytes), record_(std::move(record)) {
  // nop
}

bool tagged_reader::fail(const std::string& message) {
  if (error_.empty())
    error_ = record_ + ": " + message;
  return false;
}

bool tagged_reader::read_varint(uint64_t& out) {
  out = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (position_ >= input_.size())
      return fail("truncated number");
    const auto byte = static_cast<uint8_t>(input_[position_++]);
    if (shift == 63 && byte > 1)
      return fail("number longer than 64 bits");
    out |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0)
      return true;
  }
  return fail("number longer than 64 bits");
}

bool tagged_reader::next() {
  if (failed() || position_ == input_.size())
    return false;
  uint64_t key = 0;
  if (!read_varint(key))
    return false;
  const auto type = static_cast<uint8_t>(key & 7);
  if ((key >> 3) == 0 || (key >> 3) > max_tag)
    return fail("field tag " + std::to_string(key >> 3) + " out of range");
  tag_ = static_cast<uint32_t>(key >> 3);
  if (type == static_cast<uint8_t>(wire_type::number)) {
    type_ = wire_type::number;
    return read_varint(number_);
  }
  if (type != static_cast<uint8_t>(wire_type::bytes))
    return fail("field " + std::to_string(tag_) + " has unknown wire type "
                + std::to_string(type));
  type_ = wire_type::bytes;
  uint64_t length = 0;
  if (!read_varint(length))
    return false;
  if (length > input_.size() - position_)
    return fail("field " + std::to_string(tag_) + " claims "
                + std::to_string(length) + " bytes, "
                + std::to_string(input_.size() - position_) + " remain");
  payload_ = input_.substr(position_, static_cast<size_t>(length));
  position_ += static_cast<size_t>(length);
  return true;
}

bool tagged_reader::expect(wire_type type) {
  if (type_ == type)
    return true;
  return fail("field " + std::to_string(tag_) + " is "
              + (type_ == wire_type::number ? "a number" : "bytes")
              + ", expected "
              + (type == wire_type::number ? "a number" : "bytes"));
}

bool tagged_reader::read(uint64_t& out) {
  if (!expect(wire_type::number))
    return false;
  out = number_;
  return true;
}

bool tagged_reader::read(uint32_t& out) {
  uint64_t value = 0;
  if (!read(value))
    return false;
  if (value > std::numeric_limits<uint32_t>::max())
    return fail("field " + std::to_string(tag_) + " out of range");
  out = static_cast<uint32_t>(value);
  return true;
}

bool tagged_reader::read_signed(int64_t& out) {
  if (!expect(wire_type::number))
    return false;
  out = unzigzag(number_);
  return true;
}

bool tagged_reader::read(int64_t& out) {
  return read_signed(out);
}

bool tagged_reader::read(int32_t& out) {
  int64_t value = 0;
  if (!read_signed(value))
    return false;
  if (value < std::numeric_limits<int32_t>::min()
      || value > std::numeric_limits<int32_t>::max())
    return fail("field " + std::to_string(tag_) + " out of range");
  out = static_cast<int32_t>(value);
  return true;
}

bool tagged_reader::read(bool& out) {
  uint64_t value = 0;
  if (!read(value))
    return false;
  if (value > 1)
    return fail("field " + std::to_string(tag_) + " is not a flag");
  out = value == 1;
  return true;
}

bool tagged_reader::read(std::string& out) {
  if (!expect(wire_type::bytes))
    return false;
  out.assign(payload_);
  return true;
}

bool tagged_reader::read(std::string_view& out) {
  if (!expect(wire_type::bytes))
    return false;
  out = payload_;
  return true;
}

bool tagged_reader::read(std::vector<int64_t>& out) {
  std::string_view packed;
  if (!read(packed))
    return false;
  out.clear();
  // The payload is a record of bare numbers: walk it with this reader's
  // own varint decoding, then continue after the field.
  const auto outer_input = input_;
  const auto outer_position = position_;
  input_ = packed;
  position_ = 0;
  bool ok = true;
  while (ok && position_ < input_.size()) {
    uint64_t value = 0;
    ok = read_varint(value);
    if (ok)
      out.push_back(unzigzag(value));
  }
  input_ = outer_input;
  position_ = outer_position;
  return ok;
}

} // namespace ubaflow
