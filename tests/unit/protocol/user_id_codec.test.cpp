#include "common/protocol/user_id_codec.hpp"

#include <doctest/doctest.h>

#include <random>
#include <set>

using namespace ubaflow;

TEST_SUITE("protocol.user_id_codec") {

TEST_CASE("round trips, including the extremes") {
  const std::vector<std::vector<uint64_t>> cases = {
    {},
    {0},
    {1, 2, 3},
    {127, 128, 16383, 16384},
    {UINT64_MAX},
    {0, UINT64_MAX},
    {5, UINT64_MAX - 1, UINT64_MAX},
  };
  for (const auto& ids : cases) {
    std::vector<uint8_t> bytes;
    encode_user_ids(ids, bytes);
    std::vector<uint64_t> back{42};
    REQUIRE(decode_user_ids(bytes, back));
    CHECK(back == ids);
  }
}

TEST_CASE("dense ids take about two bytes each instead of eight") {
  std::mt19937_64 rng{7};
  std::set<uint64_t> unique;
  while (unique.size() < 10'000)
    unique.insert(rng() % 1'000'000); // ~1 % of a million users
  std::vector<uint64_t> ids(unique.begin(), unique.end());
  std::vector<uint8_t> bytes;
  encode_user_ids(ids, bytes);
  CHECK(bytes.size() < ids.size() * 2);
  std::vector<uint64_t> back;
  REQUIRE(decode_user_ids(bytes, back));
  CHECK(back == ids);
}

TEST_CASE("the encoded size is known without encoding") {
  for (const std::vector<uint64_t>& ids :
       {std::vector<uint64_t>{}, {0}, {127}, {128}, {1, 2, 300, 1'000'000},
        {UINT64_MAX - 1, UINT64_MAX}}) {
    std::vector<uint8_t> bytes;
    encode_user_ids(ids, bytes);
    CHECK(encoded_user_ids_size(ids) == bytes.size());
  }
}

TEST_CASE("malformed input is refused, not misread") {
  std::vector<uint64_t> ids;
  CHECK_FALSE(decode_user_ids({0x80}, ids));               // truncated
  CHECK_FALSE(decode_user_ids({5, 0}, ids));               // gap of zero
  CHECK_FALSE(decode_user_ids(std::vector<uint8_t>(11, 0xff), ids)); // overlong
  // 2^64 - 1 followed by a gap of 1 overflows
  std::vector<uint8_t> bytes;
  encode_user_ids({UINT64_MAX}, bytes);
  bytes.push_back(1);
  CHECK_FALSE(decode_user_ids(bytes, ids));
  // a tenth byte may only carry the 64th bit
  std::vector<uint8_t> too_big(9, 0xff);
  too_big.push_back(0x02);
  CHECK_FALSE(decode_user_ids(too_big, ids));
}

} // TEST_SUITE
