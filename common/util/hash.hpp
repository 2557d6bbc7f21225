#pragma once

#include <cstdint>
#include <string_view>

namespace ubaflow {

/// Stable 64-bit hashes used for routing. Unlike std::hash or absl::Hash they
/// are identical in every process and on every machine, which key-group
/// routing between workers and the state snapshots depend on.

/// MurmurHash3's 64-bit finalizer: a bijective mix of an integer key.
constexpr uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

/// FNV-1a over the bytes, finished with mix64 for better high bits.
constexpr uint64_t hash_bytes(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return mix64(h);
}

} // namespace ubaflow
