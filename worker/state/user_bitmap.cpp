#include "worker/state/user_bitmap.hpp"

#include <cstring>
#include <vector>

namespace ubaflow {

void user_bitmap::add_sorted(const uint64_t* ids, size_t count) {
  std::vector<uint32_t> low;
  size_t i = 0;
  while (i < count) {
    const uint32_t high = static_cast<uint32_t>(ids[i] >> 32);
    size_t j = i;
    while (j < count && static_cast<uint32_t>(ids[j] >> 32) == high)
      ++j;
    low.resize(j - i);
    for (size_t k = i; k < j; ++k)
      low[k - i] = static_cast<uint32_t>(ids[k]);
    chunks_[high].addMany(low.size(), low.data());
    i = j;
  }
}

void user_bitmap::add(uint64_t id) {
  chunks_[static_cast<uint32_t>(id >> 32)].add(static_cast<uint32_t>(id));
}

user_bitmap& user_bitmap::operator|=(const user_bitmap& other) {
  for (const auto& [high, bitmap] : other.chunks_)
    chunks_[high] |= bitmap;
  return *this;
}

uint64_t user_bitmap::cardinality() const {
  uint64_t total = 0;
  for (const auto& [high, bitmap] : chunks_)
    total += bitmap.cardinality();
  return total;
}

bool user_bitmap::contains(uint64_t id) const {
  auto it = chunks_.find(static_cast<uint32_t>(id >> 32));
  return it != chunks_.end() && it->second.contains(static_cast<uint32_t>(id));
}

size_t user_bitmap::serialized_size() const {
  size_t total = sizeof(uint32_t);
  for (const auto& [high, bitmap] : chunks_)
    total += 2 * sizeof(uint32_t) + bitmap.getSizeInBytes(true);
  return total;
}

namespace {

void put_u32(std::string& out, uint32_t value) {
  char bytes[4];
  for (int i = 0; i < 4; ++i)
    bytes[i] = static_cast<char>((value >> (8 * i)) & 0xFF);
  out.append(bytes, 4);
}

bool get_u32(const std::string& in, size_t& pos, uint32_t& value) {
  if (pos + 4 > in.size())
    return false;
  value = 0;
  for (int i = 0; i < 4; ++i)
    value |= uint32_t{static_cast<unsigned char>(in[pos + i])} << (8 * i);
  pos += 4;
  return true;
}

} // namespace

std::string user_bitmap::serialize() const {
  std::string out;
  out.reserve(serialized_size());
  put_u32(out, static_cast<uint32_t>(chunks_.size()));
  for (const auto& [high, bitmap] : chunks_) {
    put_u32(out, high);
    const size_t size = bitmap.getSizeInBytes(true);
    put_u32(out, static_cast<uint32_t>(size));
    const size_t offset = out.size();
    out.resize(offset + size);
    bitmap.write(out.data() + offset, true);
  }
  return out;
}

bool user_bitmap::deserialize(const std::string& bytes, user_bitmap& out) {
  out.chunks_.clear();
  size_t pos = 0;
  uint32_t count = 0;
  if (!get_u32(bytes, pos, count))
    return false;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t high = 0;
    uint32_t size = 0;
    if (!get_u32(bytes, pos, high) || !get_u32(bytes, pos, size)
        || pos + size > bytes.size())
      return false;
    try {
      out.chunks_[high] = Roaring::readSafe(bytes.data() + pos, size);
    } catch (const std::exception&) {
      return false;
    }
    pos += size;
  }
  return pos == bytes.size();
}

} // namespace ubaflow
