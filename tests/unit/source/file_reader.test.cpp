#include "worker/source/file_reader.hpp"

#include "tests/unit/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <string>
#include <tuple>
#include <vector>

using namespace ubaflow;

namespace {

using record = std::tuple<std::string, uint32_t, int64_t>; // payload, slot, offset

struct everything {
  std::vector<record> records;
  std::vector<uint32_t> finished;
  size_t reads = 0;
};

/// Reads until every slot finished (copying payloads: views die on the next read).
everything read_all(file_reader& reader, size_t max = 1000) {
  everything out;
  record_batch batch;
  while (out.finished.size() < reader.partitions().size()) {
    REQUIRE(out.reads < 100000);
    REQUIRE(reader.read(batch, max, 0));
    ++out.reads;
    CHECK(batch.records.size() <= max);
    for (const auto& r : batch.records)
      out.records.emplace_back(std::string{r.payload}, r.slot, r.offset);
    for (auto slot : batch.finished_slots)
      out.finished.push_back(slot);
  }
  return out;
}

std::unique_ptr<file_reader> open(const std::vector<std::string>& paths,
                                  size_t chunk_bytes) {
  std::string error;
  auto reader = file_reader::open(paths, error, chunk_bytes);
  REQUIRE_MESSAGE(reader, error);
  return reader;
}

} // namespace

TEST_SUITE("file_reader") {
  TEST_CASE("records across chunk boundaries, blank lines counted, CRLF, no final newline") {
    test::temp_dir dir;
    const auto path = dir.write("events.json", "a\nbb\n\nccc\r\n\r\nlast");
    for (size_t chunk : {1, 2, 3, 4, 7, 64, 4 << 20}) {
      CAPTURE(chunk);
      auto reader = open({path}, chunk);
      auto all = read_all(*reader);
      // Empty lines (and lone "\r") are skipped but keep their line numbers;
      // a CRLF line keeps its '\r' (both parsers ignore it).
      CHECK(all.records == std::vector<record>{{"a", 0, 1},
                                               {"bb", 0, 2},
                                               {"ccc\r", 0, 4},
                                               {"last", 0, 6}});
      CHECK(all.finished == std::vector<uint32_t>{0});
      auto pos = reader->positions();
      REQUIRE(pos.size() == 1);
      CHECK(pos[0].partition == 0);
      CHECK(pos[0].next_offset == 7);
      CHECK(pos[0].end_offset == -1);
      CHECK(pos[0].finished);
    }
  }

  TEST_CASE("a line longer than the buffer grows it") {
    test::temp_dir dir;
    const std::string long_line(10'000, 'x');
    const auto path = dir.write("long.json", "s\n" + long_line + "\nt\n");
    auto reader = open({path}, 8);
    auto all = read_all(*reader);
    CHECK(all.records == std::vector<record>{{"s", 0, 1}, {long_line, 0, 2}, {"t", 0, 3}});
  }

  TEST_CASE("a trailing newline does not make an extra record") {
    test::temp_dir dir;
    auto reader = open({dir.write("x", "1\n2\n")}, 3);
    auto all = read_all(*reader);
    CHECK(all.records == std::vector<record>{{"1", 0, 1}, {"2", 0, 2}});
    CHECK(reader->positions()[0].next_offset == 3);
  }

  TEST_CASE("several files are slots, read in order, each finishing on its own") {
    test::temp_dir dir;
    const auto a = dir.write("a.json", "a1\na2\n");
    const auto empty = dir.write("empty.json", "");
    const auto c = dir.write("c.csv", "c1\n\n\nc2");
    auto reader = open({a, empty, c}, 5);
    CHECK(reader->partitions() == std::vector<int32_t>{0, 1, 2});
    CHECK(reader->describe() == "file:" + a + "," + empty + "," + c);
    CHECK(reader->last_error().empty());
    CHECK(reader->slot_name(0) == a);
    CHECK(reader->slot_name(2) == c);
    auto before = reader->positions();
    REQUIRE(before.size() == 3);
    CHECK(before[1].next_offset == 1);
    CHECK_FALSE(before[1].finished);

    auto all = read_all(*reader);
    CHECK(all.records == std::vector<record>{{"a1", 0, 1}, {"a2", 0, 2}, {"c1", 2, 1},
                                             {"c2", 2, 4}});
    CHECK(all.finished == std::vector<uint32_t>{0, 1, 2});
    auto pos = reader->positions();
    CHECK(pos[0].next_offset == 3);
    CHECK(pos[1].next_offset == 1);
    CHECK(pos[2].next_offset == 5);
    for (const auto& p : pos)
      CHECK(p.finished);

    // Reading after the end yields nothing and no error.
    record_batch batch;
    CHECK(reader->read(batch, 10, 0));
    CHECK(batch.records.empty());
    CHECK(batch.finished_slots.empty());
  }

  TEST_CASE("a batch holds at most max records and never spans two files") {
    test::temp_dir dir;
    std::string content;
    for (int i = 0; i < 10; ++i)
      content += std::to_string(i) + "\n";
    const auto a = dir.write("a", content);
    const auto b = dir.write("b", "b\n");
    auto reader = open({a, b}, 1 << 16);
    record_batch batch;
    REQUIRE(reader->read(batch, 4, 0));
    REQUIRE(batch.records.size() == 4);
    CHECK(batch.records[0].payload == "0");
    CHECK(batch.records[3].payload == "3");
    CHECK(batch.records[3].offset == 4);
    REQUIRE(reader->read(batch, 4, 0));
    CHECK(batch.records.size() == 4);
    REQUIRE(reader->read(batch, 4, 0));
    CHECK(batch.records.size() == 2);
    for (const auto& r : batch.records)
      CHECK(r.slot == 0);
    // The end of a file is noticed on the next read, which ends the batch.
    while (batch.finished_slots.empty()) {
      REQUIRE(reader->read(batch, 4, 0));
      CHECK(batch.records.empty());
    }
    CHECK(batch.finished_slots == std::vector<uint32_t>{0});
    REQUIRE(reader->read(batch, 4, 0));
    REQUIRE(batch.records.size() == 1);
    CHECK(batch.records[0].slot == 1);
    CHECK(batch.records[0].payload == "b");
  }

  TEST_CASE("a missing file is an error naming it") {
    test::temp_dir dir;
    const auto ok = dir.write("ok", "1\n");
    const auto missing = dir.file("missing.json");
    std::string error;
    CHECK(file_reader::open({ok, missing}, error) == nullptr);
    CHECK(error == "cannot open input file '" + missing + "': No such file or directory");
  }

  TEST_CASE("start lines skip what a checkpoint already covered") {
    test::temp_dir dir;
    const auto a = dir.write("a.json", "a1\na2\n\na4\na5\n");
    const auto b = dir.write("b.json", "b1\nb2\n");
    std::string error;
    auto reader = file_reader::open({a, b}, error, 3, {4, 3});
    REQUIRE_MESSAGE(reader, error);
    auto all = read_all(*reader);
    CHECK(all.records == std::vector<record>{{"a4", 0, 4}, {"a5", 0, 5}});
    CHECK(all.finished == std::vector<uint32_t>{0, 1});
    auto positions = reader->positions();
    CHECK(positions[0].next_offset == 6);
    CHECK(positions[1].next_offset == 3);
  }

  TEST_CASE("a line over the limit is skipped without being kept, and counted") {
    test::temp_dir dir;
    const std::string huge(300'000, 'x');
    const auto path
      = dir.write("events.json", "a\n" + huge + "\nb\n" + huge + "tail");
    for (size_t chunk : {4096, 64 * 1024, 1 << 20}) {
      CAPTURE(chunk);
      std::string error;
      auto reader = file_reader::open({path}, error, chunk, {}, 1000);
      REQUIRE(reader);
      std::vector<std::tuple<std::string, int64_t, bool>> seen;
      record_batch batch;
      for (int reads = 0; reads < 10000; ++reads) {
        REQUIRE(reader->read(batch, 100, 0));
        for (const auto& r : batch.records)
          seen.emplace_back(std::string{r.payload.substr(0, 3)}, r.offset,
                            r.truncated);
        if (!batch.finished_slots.empty())
          break;
      }
      REQUIRE(seen.size() == 4);
      CHECK(seen[0] == std::tuple<std::string, int64_t, bool>{"a", 1, false});
      CHECK(std::get<1>(seen[1]) == 2);
      CHECK(std::get<2>(seen[1])); // truncated
      CHECK(seen[2] == std::tuple<std::string, int64_t, bool>{"b", 3, false});
      CHECK(std::get<1>(seen[3]) == 4);
      CHECK(std::get<2>(seen[3]));
      CHECK(reader->positions()[0].next_offset == 5);
    }
  }
}
