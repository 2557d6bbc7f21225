#include "coordinator/checkpoint/checkpoint_format.hpp"
#include "coordinator/checkpoint/directory_checkpoint_store.hpp"
#include "coordinator/checkpoint/restore_point.hpp"

#include "tests/unit/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace ubaflow;
namespace fs = std::filesystem;

namespace {

checkpoint_data sample(uint64_t id, bool savepoint = false) {
  checkpoint_data d;
  d.id = id;
  d.savepoint = savepoint;
  d.taken_ms = 1'700'000'000'000;
  d.job = "job";
  d.key_group_count = 128;
  d.partitions = {{0, 120, 1000, false}, {3, 77, 2000, true}};
  d.unresolved = {{42, 3}};
  key_group_snapshot g;
  g.group = 5;
  g.hourly = {{3'600'000, 9, true, false}};
  g.categories = {{"Books", 4}};
  uv_cell_snapshot cell;
  cell.step_start = 600'000;
  cell.both.ids = {1, 2, 1'000'000'000'000ULL};
  g.uv_cells = {cell};
  d.groups = {g};
  combiner_snapshot c;
  c.progress.assign(128, 42);
  c.final.assign(128, 0);
  d.combiner = {c};
  return d;
}

std::string write(checkpoint_store& store, const checkpoint_data& data) {
  uint64_t bytes = 0;
  std::string error;
  auto path = store.write(data, bytes, error);
  REQUIRE_MESSAGE(path, error);
  CHECK(bytes == fs::file_size(*path));
  return *path;
}

} // namespace

TEST_SUITE("coordinator.directory_checkpoint_store") {
  TEST_CASE("a checkpoint reads back as written") {
    test::temp_dir dir;
    directory_checkpoint_store store{dir.path().string(), 3};
    const auto path = write(store, sample(12));
    CHECK(fs::path{path}.filename() == "chk-000000000012.ckpt");
    std::string error;
    auto back = store.load(path, error);
    REQUIRE_MESSAGE(back, error);
    CHECK(back->id == 12);
    CHECK(back->job == "job");
    CHECK(back->key_group_count == 128);
    REQUIRE(back->partitions.size() == 2);
    CHECK(back->partitions[1].partition == 3);
    CHECK(back->partitions[1].next_offset == 77);
    CHECK(back->partitions[1].finished);
    REQUIRE(back->unresolved.size() == 1);
    CHECK(back->unresolved[0].buys == 3);
    REQUIRE(back->groups.size() == 1);
    CHECK(back->groups[0].group == 5);
    CHECK(back->groups[0].categories[0].name == "Books");
    CHECK(back->groups[0].uv_cells[0].both.ids
          == std::vector<uint64_t>{1, 2, 1'000'000'000'000ULL});
    REQUIRE(back->combiner.size() == 1);
    CHECK(back->combiner[0].progress[127] == 42);
    // Nothing temporary is left behind.
    for (const auto& entry : fs::directory_iterator{dir.path()})
      CHECK(entry.path().extension() == ".ckpt");
  }

  TEST_CASE("only the newest checkpoints are kept; savepoints stay") {
    test::temp_dir dir;
    directory_checkpoint_store store{dir.path().string(), 2};
    write(store, sample(1));
    write(store, sample(2, true));
    write(store, sample(3));
    write(store, sample(4));
    write(store, sample(5));
    CHECK_FALSE(fs::exists(dir.path() / "chk-000000000001.ckpt"));
    CHECK_FALSE(fs::exists(dir.path() / "chk-000000000003.ckpt"));
    CHECK(fs::exists(dir.path() / "chk-000000000004.ckpt"));
    CHECK(fs::exists(dir.path() / "chk-000000000005.ckpt"));
    CHECK(fs::exists(dir.path() / "savepoints" / "savepoint-000000000002.ckpt"));
    CHECK(store.latest() == (dir.path() / "chk-000000000005.ckpt").string());
  }

  TEST_CASE("the latest state may be a savepoint") {
    test::temp_dir dir;
    directory_checkpoint_store store{dir.path().string(), 3};
    CHECK_FALSE(store.latest());
    write(store, sample(8));
    const auto savepoint = write(store, sample(9, true));
    CHECK(store.latest() == savepoint);
  }

  TEST_CASE("the stored form round-trips and refuses other bytes") {
    std::string error;
    auto bytes = encode_checkpoint(sample(5));
    auto back = decode_checkpoint({bytes.data(), bytes.size()}, "memory", error);
    REQUIRE_MESSAGE(back, error);
    CHECK(back->id == 5);
    bytes[0] = 'X';
    CHECK_FALSE(decode_checkpoint({bytes.data(), bytes.size()}, "memory", error));
    CHECK(error == "'memory' is not a ubaflow checkpoint (no UBAFLOW-STATE marker)");
  }

  TEST_CASE("ids from file names") {
    CHECK(directory_checkpoint_store::id_of_file_name("chk-000000000042.ckpt") == 42);
    CHECK(directory_checkpoint_store::id_of_file_name("savepoint-7.ckpt") == 7);
    CHECK(directory_checkpoint_store::id_of_file_name("chk-000000000042.ckpt.tmp") == 0);
    CHECK(directory_checkpoint_store::id_of_file_name("chk-x.ckpt") == 0);
    CHECK(directory_checkpoint_store::id_of_file_name("other") == 0);
  }

  TEST_CASE("foreign, truncated and missing files are refused with a reason") {
    test::temp_dir dir;
    std::string error;
    directory_checkpoint_store store{dir.path().string(), 3};
    CHECK_FALSE(store.load(dir.write("x.ckpt", "hello"), error));
    CHECK(error.find("not a ubaflow checkpoint") != std::string::npos);
    const auto path = write(store, sample(3));
    fs::resize_file(path, fs::file_size(path) - 10);
    CHECK_FALSE(store.load(path, error));
    CHECK(error.find("damaged") != std::string::npos);
    CHECK_FALSE(store.load(dir.file("none.ckpt"), error));
    CHECK(error.find("cannot open") != std::string::npos);
  }

  TEST_CASE("an unwritable directory is an error, not a crash") {
    test::temp_dir dir;
    const auto blocker = dir.write("file", "x");
    directory_checkpoint_store store{blocker + "/sub", 3};
    uint64_t bytes = 0;
    std::string error;
    CHECK_FALSE(store.write(sample(1), bytes, error));
    CHECK(error.find("cannot create checkpoint directory") != std::string::npos);
  }

  TEST_CASE("a restore falls forward past a pruned checkpoint") {
    test::temp_dir dir;
    directory_checkpoint_store store{dir.path().string(), 2};
    const auto first = write(store, sample(1));
    write(store, sample(2));
    write(store, sample(3)); // retention deletes chk 1
    CHECK_FALSE(fs::exists(first));
    std::string location = first, error;
    auto data = load_restore_point(store, location, error);
    REQUIRE_MESSAGE(data, error);
    CHECK(data->id == 3);
    CHECK(fs::path{location}.filename() == "chk-000000000003.ckpt");
    // The one asked for is there: it is the one restored.
    location = dir.file("chk-000000000002.ckpt");
    data = load_restore_point(store, location, error);
    REQUIRE(data);
    CHECK(data->id == 2);
    // Never backwards: a missing newer one is an error, not an older restore.
    location = dir.file("chk-000000000009.ckpt");
    CHECK_FALSE(load_restore_point(store, location, error));
    CHECK(error.find("cannot open checkpoint") != std::string::npos);
    CHECK(fs::path{location}.filename() == "chk-000000000009.ckpt");
  }
}
