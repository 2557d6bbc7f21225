#include "common/protocol/user_id_codec.hpp"

#include <cstddef>

namespace ubaflow {

namespace {

template <class Bytes>
void put_varint(uint64_t value, Bytes& out) {
  using byte = typename Bytes::value_type;
  while (value >= 0x80) {
    out.push_back(static_cast<byte>(static_cast<uint8_t>(value) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<byte>(value));
}

template <class Bytes>
void encode_into(const std::vector<uint64_t>& ids, Bytes& out) {
  out.clear();
  out.reserve(ids.size() * 2 + 8);
  uint64_t previous = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    put_varint(i == 0 ? ids[i] : ids[i] - previous, out);
    previous = ids[i];
  }
}

bool get_varint(const uint8_t*& p, const uint8_t* end, uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p == end)
      return false;
    const uint8_t byte = *p++;
    const uint64_t bits = byte & 0x7f;
    if (shift == 63 && bits > 1)
      return false; // more than 64 bits
    value |= bits << shift;
    if (!(byte & 0x80))
      return true;
  }
  return false; // an eleventh byte would be needed
}

} // namespace

void encode_user_ids(const std::vector<uint64_t>& ids,
                     std::vector<uint8_t>& out) {
  encode_into(ids, out);
}

void encode_user_ids(const std::vector<uint64_t>& ids, std::string& out) {
  encode_into(ids, out);
}

std::size_t encoded_user_ids_size(const std::vector<uint64_t>& ids) {
  std::size_t size = 0;
  uint64_t previous = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    uint64_t value = i == 0 ? ids[i] : ids[i] - previous;
    previous = ids[i];
    do {
      ++size;
      value >>= 7;
    } while (value != 0);
  }
  return size;
}

bool decode_user_ids(const std::vector<uint8_t>& bytes,
                     std::vector<uint64_t>& ids) {
  return decode_user_ids(
    std::string_view{reinterpret_cast<const char*>(bytes.data()), bytes.size()},
    ids);
}

bool decode_user_ids(std::string_view bytes, std::vector<uint64_t>& ids) {
  ids.clear();
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const uint8_t* end = p + bytes.size();
  uint64_t current = 0;
  while (p != end) {
    uint64_t step = 0;
    if (!get_varint(p, end, step))
      return false;
    if (!ids.empty()) {
      if (step == 0 || current + step < current)
        return false; // not increasing, or past 2^64
      current += step;
    } else {
      current = step;
    }
    ids.push_back(current);
  }
  return true;
}

} // namespace ubaflow
