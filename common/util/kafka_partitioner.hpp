#pragma once

#include <cstdint>
#include <string_view>

namespace ubaflow {

/// The partition Kafka's Java client (and librdkafka's murmur2_random, and
/// kafka-python's default partitioner) picks for a non-empty key:
/// murmur2(key) with the sign bit cleared, modulo the partition count.
/// ubaflow's datagen keys messages by user id this way, so `verify` knows
/// every record's partition and can reproduce per-partition watermarks.
inline int32_t murmur2(std::string_view key) {
  const uint32_t m = 0x5bd1e995;
  const int r = 24;
  const auto* data = reinterpret_cast<const unsigned char*>(key.data());
  const size_t length = key.size();
  uint32_t h = 0x9747b28c ^ static_cast<uint32_t>(length);
  const size_t blocks = length / 4;
  for (size_t i = 0; i < blocks; ++i) {
    const unsigned char* p = data + 4 * i;
    uint32_t k = uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16)
                 | (uint32_t{p[3]} << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  const unsigned char* tail = data + 4 * blocks;
  switch (length & 3) {
    case 3:
      h ^= uint32_t{tail[2]} << 16;
      [[fallthrough]];
    case 2:
      h ^= uint32_t{tail[1]} << 8;
      [[fallthrough]];
    case 1:
      h ^= uint32_t{tail[0]};
      h *= m;
      break;
    default:
      break;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

inline int32_t kafka_partition_for_key(std::string_view key,
                                       int32_t partitions) {
  return static_cast<int32_t>(
    (static_cast<uint32_t>(murmur2(key)) & 0x7fffffff)
    % static_cast<uint32_t>(partitions));
}

} // namespace ubaflow
