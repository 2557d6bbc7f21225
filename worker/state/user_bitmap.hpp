#pragma once

#include <roaring/roaring.hh>

#include <cstdint>
#include <map>
#include <string>

namespace ubaflow {

/// An exact set of 64-bit user ids as compressed bitmaps (CRoaring), one
/// 32-bit bitmap per distinct upper half. Real user ids fit in 32 bits, so
/// in practice this is one Roaring bitmap; adding sorted runs goes through
/// CRoaring's bulk insert instead of Roaring64Map's per-id map lookup.
class user_bitmap {
public:
  /// Adds ids given in ascending order.
  void add_sorted(const uint64_t* ids, size_t count);

  void add(uint64_t id);

  user_bitmap& operator|=(const user_bitmap& other);

  uint64_t cardinality() const;
  bool empty() const { return chunks_.empty(); }
  bool contains(uint64_t id) const;

  /// Size in bytes of the portable serialization (checkpoint size metric).
  size_t serialized_size() const;

  /// Portable serialization, for checkpoints and state transfer.
  std::string serialize() const;
  /// Reads what serialize() wrote; false on malformed input.
  static bool deserialize(const std::string& bytes, user_bitmap& out);

private:
  std::map<uint32_t, Roaring> chunks_;
};

} // namespace ubaflow
