#include "common/sql/exec/sql_distinct_set.hpp"

#include "common/util/radix_sort.hpp"

#include <boost/sort/spreadsort/integer_sort.hpp>

#include <algorithm>
#include <stdexcept>

namespace ubaflow {

namespace {

/// Integers are stored as their 64-bit two's complement pattern, so
/// negative values are distinct values too.
uint64_t bits_of(int64_t value) {
  return static_cast<uint64_t>(value);
}

/// Whether `bytes` can be a portable Roaring bitmap of its length: the
/// container count in its header is checked against the input before
/// CRoaring sees it, so a corrupt count can neither make it allocate more
/// than the input warrants nor print its own diagnostics. (CRoaring's
/// cookies: 12346, then a 32-bit count; or 12347 with count - 1 in the
/// upper 16 bits. Each container takes at least 4 bytes of description
/// and 2 of data.)
bool plausible_portable_bitmap(std::string_view bytes) {
  if (bytes.size() < 4)
    return false;
  uint32_t cookie = 0;
  for (int i = 0; i < 4; ++i)
    cookie |= uint32_t{static_cast<uint8_t>(bytes[i])} << (8 * i);
  uint64_t containers = 0;
  if (cookie == 12346) {
    if (bytes.size() < 8)
      return false;
    for (int i = 0; i < 4; ++i)
      containers |= uint64_t{static_cast<uint8_t>(bytes[4 + i])} << (8 * i);
  } else if ((cookie & 0xFFFF) == 12347) {
    containers = (cookie >> 16) + 1;
  } else {
    return false;
  }
  return containers <= 65536 && containers * 6 <= bytes.size();
}

} // namespace

void sql_distinct_set::add(const sql_value& value) {
  switch (value.kind()) {
    case sql_value_kind::null: return;
    case sql_value_kind::bigint: add_integer(value.as_bigint()); return;
    case sql_value_kind::string: add_string(value.as_string()); return;
    default:
      throw std::invalid_argument(std::string{"COUNT(DISTINCT) of a "} + to_string(value.kind())
                                  + " value");
  }
}

void sql_distinct_set::add_integer(int64_t value) {
  if (kind_ != value_kind::integers)
    throw std::invalid_argument("an integer added to a set of strings");
  pending_.push_back(bits_of(value));
  pending_highs_ |= bits_of(value) >> 32;
  if (pending_.size() >= max_pending && !collecting_)
    flush();
}

void sql_distinct_set::flush() const {
  if (pending_.empty())
    return;
  // Scratch: no allocation per flush.
  thread_local std::vector<uint32_t> lows;
  thread_local std::vector<uint32_t> radix_scratch;
  if (pending_highs_ == 0) {
    // Every value fits 32 bits (ids usually do): sorted as such, by radix.
    lows.assign(pending_.begin(), pending_.end());
    radix_sort(lows, radix_scratch);
    lows.erase(std::unique(lows.begin(), lows.end()), lows.end());
    add_sorted(0, lows);
    pending_.clear();
    return;
  }
  boost::sort::spreadsort::integer_sort(pending_.begin(), pending_.end());
  for (size_t i = 0; i < pending_.size();) {
    const auto high = static_cast<uint32_t>(pending_[i] >> 32);
    lows.clear();
    for (; i < pending_.size() && static_cast<uint32_t>(pending_[i] >> 32) == high; ++i)
      if (lows.empty() || lows.back() != static_cast<uint32_t>(pending_[i]))
        lows.push_back(static_cast<uint32_t>(pending_[i]));
    add_sorted(high, lows);
  }
  pending_highs_ = 0;
  pending_.clear();
}

void sql_distinct_set::add_sorted(uint32_t high,
                                  const std::vector<uint32_t>& lows) const {
  Roaring batch; // built by appending: no insertion into a container
  batch.addMany(lows.size(), lows.data());
  auto& chunk = chunks_[high];
  if (chunk.isEmpty())
    chunk = std::move(batch);
  else
    chunk |= batch;
}

void sql_distinct_set::settle_alike(const std::vector<sql_distinct_set*>& sets) {
  // Sets with pending values only, by a fingerprint of them; within one
  // fingerprint every set is compared value by value with the first.
  std::vector<std::pair<uint64_t, sql_distinct_set*>> keyed;
  for (auto* set : sets) {
    if (!set->only_pending()) {
      set->flush();
      continue;
    }
    uint64_t h = set->pending_.size();
    for (const uint64_t v : set->pending_)
      h = (h ^ v) * 0x9e3779b97f4a7c15ULL;
    keyed.emplace_back(h, set);
  }
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < keyed.size();) {
    size_t j = i + 1;
    while (j < keyed.size() && keyed[j].first == keyed[i].first)
      ++j;
    // [i, j): one fingerprint. Each set not yet settled leads a round.
    for (size_t lead = i; lead < j; ++lead) {
      auto* first = keyed[lead].second;
      if (!first->only_pending())
        continue; // settled as another's copy
      std::vector<sql_distinct_set*> copies;
      for (size_t k = lead + 1; k < j; ++k)
        if (keyed[k].second->only_pending()
            && keyed[k].second->pending_ == first->pending_)
          copies.push_back(keyed[k].second);
      first->flush();
      for (auto* copy : copies) {
        copy->chunks_ = first->chunks_;
        copy->pending_.clear();
        copy->pending_highs_ = 0;
      }
    }
    i = j;
  }
}

void sql_distinct_set::add_string(const std::string& value) {
  if (kind_ != value_kind::strings)
    throw std::invalid_argument("a string added to a set of integers");
  strings_.insert(value);
}

void sql_distinct_set::merge(const sql_distinct_set& other) {
  if (other.kind_ != kind_)
    throw std::invalid_argument("merging distinct sets of different kinds");
  flush();
  other.flush();
  for (const auto& [high, bitmap] : other.chunks_)
    chunks_[high] |= bitmap;
  strings_.insert(other.strings_.begin(), other.strings_.end());
}

uint64_t sql_distinct_set::size() const {
  if (kind_ == value_kind::strings)
    return strings_.size();
  flush();
  uint64_t total = 0;
  for (const auto& [high, bitmap] : chunks_)
    total += bitmap.cardinality();
  return total;
}

bool sql_distinct_set::contains(const sql_value& value) const {
  if (kind_ == value_kind::strings)
    return value.kind() == sql_value_kind::string && strings_.count(value.as_string()) > 0;
  if (value.kind() != sql_value_kind::bigint)
    return false;
  flush();
  const uint64_t bits = bits_of(value.as_bigint());
  const auto it = chunks_.find(static_cast<uint32_t>(bits >> 32));
  return it != chunks_.end() && it->second.contains(static_cast<uint32_t>(bits));
}

bool sql_distinct_set::same_values(const sql_distinct_set& other) const {
  if (other.kind_ != kind_)
    return false;
  if (kind_ == value_kind::strings)
    return strings_ == other.strings_;
  flush();
  other.flush();
  // Chunks emptied by nothing are never kept, so equal sets have equal maps.
  return chunks_ == other.chunks_;
}

sql_distinct_set sql_distinct_set::without(const sql_distinct_set& other) const {
  if (other.kind_ != kind_)
    throw std::invalid_argument("comparing distinct sets of different kinds");
  sql_distinct_set out{kind_};
  if (kind_ == value_kind::strings) {
    for (const auto& s : strings_)
      if (!other.strings_.count(s))
        out.strings_.insert(s);
    return out;
  }
  flush();
  other.flush();
  for (const auto& [high, bitmap] : chunks_) {
    auto theirs = other.chunks_.find(high);
    auto rest = theirs == other.chunks_.end() ? bitmap : bitmap - theirs->second;
    if (!rest.isEmpty())
      out.chunks_.emplace(high, std::move(rest));
  }
  return out;
}

void sql_distinct_set::serialize(sql_byte_writer& out) const {
  out.u8(static_cast<uint8_t>(kind_));
  if (kind_ == value_kind::strings) {
    out.varint(strings_.size());
    for (const auto& s : strings_)
      out.bytes(s);
    return;
  }
  flush();
  out.varint(chunks_.size());
  for (const auto& [high, bitmap] : chunks_) {
    out.u32(high);
    std::string portable(bitmap.getSizeInBytes(true), '\0');
    bitmap.write(portable.data(), true);
    out.bytes(portable);
  }
}

bool sql_distinct_set::deserialize(sql_byte_reader& in) {
  if (read(in))
    return true;
  // Nothing half-read stays behind.
  chunks_.clear();
  strings_.clear();
  return false;
}

bool sql_distinct_set::read(sql_byte_reader& in) {
  pending_.clear();
  chunks_.clear();
  strings_.clear();
  uint8_t kind = 0;
  uint64_t count = 0;
  if (!in.u8(kind) || kind != static_cast<uint8_t>(kind_))
    return false;
  if (kind_ == value_kind::strings) {
    if (!in.count(count, 1))
      return false;
    for (uint64_t i = 0; i < count; ++i) {
      std::string_view s;
      if (!in.bytes(s))
        return false;
      strings_.emplace(s);
    }
    return true;
  }
  if (!in.count(count, 5)) // each chunk: 4 bytes of key, a length, bytes
    return false;
  uint32_t previous = 0;
  for (uint64_t i = 0; i < count; ++i) {
    uint32_t high = 0;
    std::string_view bytes;
    // Keys ascend strictly (serialize writes a std::map in order).
    if (!in.u32(high) || (i > 0 && high <= previous) || !in.bytes(bytes) || bytes.empty())
      return false;
    previous = high;
    if (!plausible_portable_bitmap(bytes))
      return false;
    try {
      Roaring bitmap = Roaring::readSafe(bytes.data(), bytes.size());
      if (bitmap.getSizeInBytes(true) != bytes.size())
        return false;
      chunks_.emplace(high, std::move(bitmap));
    } catch (const std::exception&) {
      return false; // CRoaring throws on a bitmap it cannot read
    }
  }
  return true;
}

} // namespace ubaflow
