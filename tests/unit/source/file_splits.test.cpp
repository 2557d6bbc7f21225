#include "worker/source/file_reader.hpp"
#include "worker/source/file_splits.hpp"

#include "tests/unit/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace ubaflow;

namespace {

std::vector<file_range> split(const std::string& path, uint32_t n) {
  std::vector<file_range> ranges;
  std::string error;
  REQUIRE_MESSAGE(split_files({path}, n, ranges, error), error);
  REQUIRE(ranges.size() == n);
  return ranges;
}

/// Every line of every range, in range order, with its range-relative line.
std::vector<std::string> read_ranges(const std::vector<file_range>& ranges,
                                     size_t chunk,
                                     std::vector<int64_t>* offsets = nullptr) {
  std::string error;
  auto reader = file_reader::open(ranges, error, chunk);
  REQUIRE_MESSAGE(reader, error);
  std::vector<std::vector<std::string>> by_slot(ranges.size());
  size_t finished = 0;
  record_batch batch;
  for (int reads = 0; finished < ranges.size(); ++reads) {
    REQUIRE(reads < 100000);
    REQUIRE(reader->read(batch, 3, 0));
    for (const auto& r : batch.records) {
      by_slot[r.slot].emplace_back(r.payload);
      if (offsets)
        offsets->push_back(r.offset);
    }
    finished += batch.finished_slots.size();
  }
  std::vector<std::string> all;
  for (auto& lines : by_slot)
    all.insert(all.end(), lines.begin(), lines.end());
  return all;
}

} // namespace

TEST_SUITE("file_splits") {
  TEST_CASE("ranges start at line starts, cover the file once, in order") {
    test::temp_dir dir;
    std::string text;
    std::vector<std::string> lines;
    for (int i = 0; i < 100; ++i) {
      lines.push_back("line-" + std::to_string(i) + std::string(i % 7, 'x'));
      text += lines.back() + "\n";
    }
    const auto path = dir.write("day.jsonl", text);
    for (uint32_t n : {1u, 2u, 3u, 7u, 100u, 300u}) {
      CAPTURE(n);
      auto ranges = split(path, n);
      CHECK(ranges.front().begin == 0);
      CHECK(ranges.back().end == -1);
      for (size_t k = 1; k < ranges.size(); ++k) {
        CHECK(ranges[k].begin == ranges[k - 1].end);
        CHECK(ranges[k].index == k);
        CHECK(ranges[k].of == n);
        const auto b = static_cast<size_t>(ranges[k].begin);
        CHECK((b == text.size() || text[b - 1] == '\n'));
      }
      for (size_t chunk : {size_t{5}, size_t{64}, size_t{4} << 20})
        CHECK(read_ranges(ranges, chunk) == lines);
      // The oracle's mapping agrees with the reader's: each line belongs to
      // the range that holds its first byte.
      int64_t offset = 0;
      std::vector<size_t> per_range(n);
      for (const auto& line : lines) {
        ++per_range[range_of_offset(ranges, offset)];
        offset += static_cast<int64_t>(line.size()) + 1;
      }
      size_t total = 0;
      for (auto c : per_range)
        total += c;
      CHECK(total == lines.size());
    }
  }

  TEST_CASE("sizes are about equal; line numbers restart in each range") {
    test::temp_dir dir;
    std::string text;
    for (int i = 0; i < 1000; ++i)
      text += "0123456789\n";
    const auto path = dir.write("even.jsonl", text);
    auto ranges = split(path, 4);
    CHECK(ranges[1].begin == 2750);
    CHECK(ranges[2].begin == 5500);
    CHECK(ranges[3].begin == 8250);
    CHECK(ranges[3].name() == path + "[4/4]");
    std::vector<int64_t> offsets;
    read_ranges(ranges, 4 << 20, &offsets);
    REQUIRE(offsets.size() == 1000);
    CHECK(offsets[0] == 1);
    CHECK(offsets[250] == 1); // the second range's first line
    CHECK(offsets[999] == 250);
  }

  TEST_CASE("a line longer than a range leaves empty ranges, never a cut line") {
    test::temp_dir dir;
    const std::string text = "short\n" + std::string(1000, 'y') + "\nend\n";
    const auto path = dir.write("long.jsonl", text);
    auto ranges = split(path, 8);
    CHECK(read_ranges(ranges, 64)
          == std::vector<std::string>{"short", std::string(1000, 'y'), "end"});
    size_t empty = 0;
    for (const auto& r : ranges)
      empty += r.end >= 0 && r.end == r.begin;
    CHECK(empty >= 5);
  }

  TEST_CASE("no final newline, empty file, standard input, missing file") {
    test::temp_dir dir;
    CHECK(read_ranges(split(dir.write("a.jsonl", "a\nb\nc"), 2), 16)
          == std::vector<std::string>{"a", "b", "c"});
    CHECK(read_ranges(split(dir.write("e.jsonl", ""), 3), 16).empty());
    std::vector<file_range> ranges;
    std::string error;
    CHECK(split_files({"-"}, 1, ranges, error));
    CHECK_FALSE(split_files({"-"}, 2, ranges, error));
    CHECK(error == "standard input cannot be split");
    CHECK_FALSE(split_files({(dir.path() / "missing").string()}, 2, ranges, error));
    CHECK(error.find("cannot read") == 0);
  }
}
