// radix_sort (common/util/radix_sort.hpp) against std::sort: random ids,
// values that differ in one byte only (passes skipped), the extremes.

#include "common/util/radix_sort.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

using namespace ubaflow;

namespace {

void check_sorts(std::vector<uint32_t> values) {
  auto expected = values;
  std::sort(expected.begin(), expected.end());
  std::vector<uint32_t> scratch;
  radix_sort(values, scratch);
  CHECK(values == expected);
}

} // namespace

TEST_SUITE("common.radix_sort") {

TEST_CASE("sorts as std::sort does") {
  std::mt19937_64 random{11};
  for (const size_t n : {0, 1, 2, 3, 255, 256, 4096, 10000}) {
    CAPTURE(n);
    std::vector<uint32_t> ids(n);
    for (auto& id : ids)
      id = static_cast<uint32_t>(random() % 1'000'000);
    check_sorts(ids);
    std::vector<uint32_t> any(n);
    for (auto& v : any)
      v = static_cast<uint32_t>(random());
    check_sorts(any);
  }
}

TEST_CASE("bytes that never change are skipped, duplicates and extremes kept") {
  std::mt19937_64 random{12};
  std::vector<uint32_t> low_byte_only;
  std::vector<uint32_t> high_byte_only;
  for (int i = 0; i < 1000; ++i) {
    low_byte_only.push_back(0x12345600u | static_cast<uint32_t>(random() % 256));
    high_byte_only.push_back((static_cast<uint32_t>(random() % 256) << 24) | 0x00abcdefu);
  }
  check_sorts(low_byte_only);
  check_sorts(high_byte_only);
  check_sorts(std::vector<uint32_t>(500, 7u));
  check_sorts({UINT32_MAX, 0, UINT32_MAX, 1, 0, 0x80000000u});
}

}
