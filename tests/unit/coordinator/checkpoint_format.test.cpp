#include "coordinator/checkpoint/checkpoint_format.hpp"

#include "common/storage/tagged_record.hpp"
#include "common/util/hash.hpp"
#include "tests/unit/support/checkpoint_sample.hpp"

#include <boost/crc.hpp>
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

using namespace ubaflow;

namespace {

const std::string golden_dir = UBAFLOW_SOURCE_DIR "/tests/data/checkpoints/";

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  REQUIRE_MESSAGE(in, "cannot open " << path);
  return {std::istreambuf_iterator<char>{in}, {}};
}

std::string as_string(const std::vector<char>& bytes) {
  return {bytes.begin(), bytes.end()};
}

/// The golden checkpoint as version 3 writes it: with its state layout.
checkpoint_data golden_v3() {
  auto d = test::golden_checkpoint();
  d.state_layout = "results=buy_cnt_per_hour,cumulative_uv,cumulative_uv_daily,"
                   "top_category; hour=3600s; uv-step=600s; day=86400s; "
                   "time-zone=Asia/Shanghai";
  d.job_fingerprint = hash_bytes(d.state_layout);
  return d;
}

/// Two checkpoints are equal if the current encoder writes the same bytes
/// for both: it writes every field.
void check_equal(const checkpoint_data& a, const checkpoint_data& b) {
  CHECK(as_string(encode_checkpoint(a)) == as_string(encode_checkpoint(b)));
}

/// A file of this format around `record`, with its checksum.
std::string file_of(const std::string& record) {
  std::string bytes{checkpoint_format_marker};
  bytes += record;
  boost::crc_32_type crc;
  crc.process_bytes(bytes.data(), bytes.size());
  for (int i = 0; i < 4; ++i)
    bytes.push_back(static_cast<char>((crc.checksum() >> (8 * i)) & 0xff));
  return bytes;
}

std::optional<checkpoint_data> decode(std::string_view bytes,
                                      std::string& error) {
  return decode_checkpoint(bytes, "test", error);
}

} // namespace

TEST_SUITE("coordinator.checkpoint_format") {
  TEST_CASE("tagged records keep every value and skip unknown fields") {
    tagged_writer w;
    w.put_signed(1, std::numeric_limits<int64_t>::min());
    w.put_signed(2, -1);
    w.put_unsigned(3, std::numeric_limits<uint64_t>::max());
    w.put_bytes(99, "from a later version");
    w.put_bool(4, true);
    w.put_packed(5, {0, -5, std::numeric_limits<int64_t>::max()});
    w.put_record(6, [](tagged_writer& r) { r.put_bytes(1, "nested"); });
    tagged_reader r{w.bytes(), "test"};
    int64_t a = 0, b = 0;
    uint64_t c = 0;
    bool d = false;
    std::vector<int64_t> e;
    std::string_view f;
    while (r.next()) {
      switch (r.tag()) {
        case 1: CHECK(r.read(a)); break;
        case 2: CHECK(r.read(b)); break;
        case 3: CHECK(r.read(c)); break;
        case 4: CHECK(r.read(d)); break;
        case 5: CHECK(r.read(e)); break;
        case 6: CHECK(r.read(f)); break;
        default: break;
      }
    }
    CHECK_FALSE(r.failed());
    CHECK(a == std::numeric_limits<int64_t>::min());
    CHECK(b == -1);
    CHECK(c == std::numeric_limits<uint64_t>::max());
    CHECK(d);
    CHECK(e == std::vector<int64_t>{0, -5, std::numeric_limits<int64_t>::max()});
    tagged_reader nested{f, "inner"};
    std::string text;
    REQUIRE(nested.next());
    CHECK(nested.read(text));
    CHECK(text == "nested");
  }

  TEST_CASE("tagged records refuse wrong types, ranges and lengths") {
    std::string error;
    {
      tagged_writer w;
      w.put_bytes(1, "x");
      tagged_reader r{w.bytes(), "partition"};
      REQUIRE(r.next());
      int64_t n = 0;
      CHECK_FALSE(r.read(n));
      CHECK(r.error() == "partition: field 1 is bytes, expected a number");
    }
    {
      tagged_writer w;
      w.put_signed(1, int64_t{1} << 40);
      w.put_unsigned(2, 2);
      tagged_reader r{w.bytes(), "partition"};
      REQUIRE(r.next());
      int32_t n = 0;
      CHECK_FALSE(r.read(n));
      CHECK(r.error() == "partition: field 1 out of range");
    }
    {
      tagged_writer w;
      w.put_unsigned(2, 2);
      tagged_reader r{w.bytes(), "flags"};
      REQUIRE(r.next());
      bool flag = false;
      CHECK_FALSE(r.read(flag));
      CHECK(r.error() == "flags: field 2 is not a flag");
    }
    {
      // A length past the input, an 11-byte number, a tag of 0, wire type 5.
      for (std::string bad : {std::string{"\x0a\xff\xff\xff\x0f", 5},
                              std::string(10, '\xff') + "\x01",
                              std::string{"\x00\x01", 2},
                              std::string{"\x0d\x01", 2}}) {
        tagged_reader r{bad, "record"};
        while (r.next()) {
        }
        CHECK(r.failed());
      }
      tagged_reader r{std::string{"\x0a\xff\xff\xff\x0f", 5}, "record"};
      CHECK_FALSE(r.next());
      CHECK(r.error() == "record: field 1 claims 33554431 bytes, 0 remain");
    }
  }

  TEST_CASE("this version reads its golden savepoint") {
    std::string error;
    const auto bytes = read_file(golden_dir + "savepoint-v3.ckpt");
    auto back = decode(bytes, error);
    REQUIRE_MESSAGE(back, error);
    CHECK(back->id == 4711);
    CHECK(back->savepoint);
    CHECK(back->job == "taobao user behaviour");
    CHECK(back->key_group_count == 8);
    CHECK(back->groups.at(0).categories.at(2).name == "服饰鞋包");
    CHECK(back->combiner.at(0).progress.at(3) == min_event_time);
    check_equal(*back, golden_v3());
  }

  TEST_CASE("this version reads the previous format's golden savepoint") {
    std::string error;
    const auto bytes = read_file(golden_dir + "savepoint-v2.ckpt");
    auto back = decode(bytes, error);
    REQUIRE_MESSAGE(back, error);
    CHECK(back->state_layout.empty());
    CHECK(back->job_fingerprint == 0);
    check_equal(*back, test::golden_checkpoint());
  }

  TEST_CASE("a file of a later version: new fields skipped, or a clear refusal") {
    std::string error;
    tagged_writer later;
    later.put_record(1, [](tagged_writer& h) {
      h.put_unsigned(1, 5); // format_version
      h.put_unsigned(2, 3); // min_reader_version: still readable
      h.put_unsigned(5, 16);
      h.put_unsigned(6, 77);
      h.put_bytes(42, "a header field of version 5");
    });
    later.put_bytes(300, "a section of version 5");
    later.put_record(4, [](tagged_writer& g) {
      g.put_unsigned(1, 9);
      g.put_signed(17, -4);
    });
    auto back = decode(file_of(later.bytes()), error);
    REQUIRE_MESSAGE(back, error);
    CHECK(back->id == 77);
    CHECK(back->groups.size() == 1);
    CHECK(back->groups[0].group == 9);

    tagged_writer needs_newer;
    needs_newer.put_record(1, [](tagged_writer& h) {
      h.put_unsigned(1, 6);
      h.put_unsigned(2, 6);
      h.put_unsigned(5, 16);
    });
    CHECK_FALSE(decode(file_of(needs_newer.bytes()), error));
    CHECK(error == "checkpoint 'test' was written in format version 6, which "
                   "needs a ubaflow that reads version 6; this one reads up "
                   "to version 4");
  }

  TEST_CASE("a SQL job's key-group state is kept byte for byte (version 4)") {
    auto data = golden_v3();
    data.groups.at(0).sql = std::string{"\x01\x02\0raw", 6};
    key_group_snapshot only_sql;
    only_sql.group = 7;
    only_sql.sql = std::string(70'000, 'q');
    data.groups.push_back(only_sql);
    std::string error;
    auto back = decode(as_string(encode_checkpoint(data)), error);
    REQUIRE_MESSAGE(back, error);
    CHECK(back->groups.at(0).sql == data.groups.at(0).sql);
    CHECK(back->groups.back().group == 7);
    CHECK(back->groups.back().sql == only_sql.sql);
    CHECK(back->groups.at(1).sql.empty());
  }

  TEST_CASE("damaged and inconsistent files are refused with a reason") {
    std::string error;
    const auto good = as_string(encode_checkpoint(golden_v3()));
    // Every truncation and every flipped byte is caught (by the checksum,
    // or the marker), never read as other state.
    for (size_t n = 0; n < good.size(); ++n) {
      CHECK_FALSE(decode(std::string_view{good}.substr(0, n), error));
      auto flipped = good;
      flipped[n] = static_cast<char>(flipped[n] ^ 0x20);
      CHECK_FALSE(decode(flipped, error));
    }
    CHECK_FALSE(decode(good.substr(0, good.size() - 1), error));
    CHECK(error == "checkpoint 'test' is damaged: its checksum does not match "
                   "(truncated or altered)");

    tagged_writer no_header;
    no_header.put_record(2, [](tagged_writer& p) { p.put_signed(1, 0); });
    CHECK_FALSE(decode(file_of(no_header.bytes()), error));
    CHECK(error == "checkpoint 'test' is damaged: checkpoint: the header must "
                   "be its first field, and only once");

    tagged_writer outside;
    outside.put_record(1, [](tagged_writer& h) { h.put_unsigned(5, 4); });
    outside.put_record(4, [](tagged_writer& g) { g.put_unsigned(1, 4); });
    CHECK_FALSE(decode(file_of(outside.bytes()), error));
    CHECK(error == "checkpoint 'test' is damaged: key group 4 is outside its "
                   "4 key groups");

    tagged_writer bad_ids;
    bad_ids.put_record(1, [](tagged_writer& h) { h.put_unsigned(5, 4); });
    bad_ids.put_record(4, [](tagged_writer& g) {
      g.put_record(4, [](tagged_writer& c) { c.put_bytes(6, std::string{"\x05\x00", 2}); });
    });
    CHECK_FALSE(decode(file_of(bad_ids.bytes()), error));
    CHECK(error == "checkpoint 'test' is damaged: checkpoint: key group: UV "
                   "step: field 6 is not a valid user id set");
  }

  // Writes the golden files of this version (run once per new format
  // version, with UBAFLOW_WRITE_GOLDEN=1, and commit the new file; never
  // rewrite an old one).
  TEST_CASE("write the golden savepoint when asked") {
    if (std::getenv("UBAFLOW_WRITE_GOLDEN") == nullptr)
      return;
    const auto bytes = encode_checkpoint(golden_v3());
    std::ofstream out{golden_dir + "savepoint-v"
                        + std::to_string(checkpoint_format_version) + ".ckpt",
                      std::ios::binary};
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    CHECK(out.good());
  }
}
