#include "worker/sink/ndjson_writer.hpp"

#include "tests/unit/support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

using namespace ubaflow;

TEST_SUITE("ndjson_writer") {
  TEST_CASE("rows are written one line per row into one file per index") {
    test::temp_dir dir;
    const auto out_dir = (dir.path() / "out" / "nested").string();
    ndjson_writer w{out_dir, result_index_names()};
    CHECK(w.name() == "ndjson(" + out_dir + ")");
    std::string error;
    REQUIRE_MESSAGE(w.prepare(error), error);
    CHECK(std::filesystem::is_directory(out_dir));
    CHECK(w.path_of(result_kind::cumulative_uv) == out_dir + "/cumulative_uv.ndjson");

    w.add({{"cumulative_uv", "2017-11-26T10:10:00", R"({"uv":3})"},
           {"top_category", "a\"b", R"({"category_name":"a\"b","buy_cnt":1})"},
           {"cumulative_uv", "2017-11-26T10:20:00", R"({"uv":4})"}});
    CHECK_FALSE(w.drained());
    CHECK_FALSE(w.wants_flush());
    // Nothing reaches the files before a flush.
    CHECK(test::read_file(w.path_of(result_kind::cumulative_uv)).empty());
    CHECK(w.flush() == flush_status::done);
    CHECK(w.drained());
    CHECK(test::read_file(w.path_of(result_kind::cumulative_uv))
          == "{\"_index\":\"cumulative_uv\",\"_id\":\"2017-11-26T10:10:00\",\"_source\":{\"uv\":3}}\n"
             "{\"_index\":\"cumulative_uv\",\"_id\":\"2017-11-26T10:20:00\",\"_source\":{\"uv\":4}}\n");
    CHECK(test::read_file(w.path_of(result_kind::top_category))
          == "{\"_index\":\"top_category\",\"_id\":\"a\\\"b\",\"_source\":"
             "{\"category_name\":\"a\\\"b\",\"buy_cnt\":1}}\n");
    CHECK(test::read_file(w.path_of(result_kind::buy_cnt_per_hour)).empty());
    CHECK(test::read_file(w.path_of(result_kind::cumulative_uv_daily)).empty());
    CHECK(w.stats().rows_in == 3);
    CHECK(w.stats().rows_written == 3);
    CHECK(w.stats().requests == 1);
    CHECK(w.stats().healthy);
    // An empty flush is a no-op.
    CHECK(w.flush() == flush_status::done);
    CHECK(w.stats().requests == 1);
  }

  TEST_CASE("files are appended to, also across writers") {
    test::temp_dir dir;
    const auto out_dir = dir.path().string();
    {
      ndjson_writer w{out_dir, result_index_names(), "p-"};
      std::string error;
      REQUIRE(w.prepare(error));
      CHECK(w.path_of(result_kind::buy_cnt_per_hour) == out_dir + "/p-buy_cnt_per_hour.ndjson");
      w.add({{"buy_cnt_per_hour", "h1", R"({"buy_cnt":1})"}});
      CHECK(w.flush() == flush_status::done);
      w.add({{"buy_cnt_per_hour", "h1", R"({"buy_cnt":2})"}});
      CHECK(w.flush() == flush_status::done);
      // Left pending on purpose: the destructor flushes.
      w.add({{"buy_cnt_per_hour", "h2", R"({"buy_cnt":7})"}});
    }
    ndjson_writer again{out_dir, {}, "p-"}; // opens its file on the first row
    std::string error;
    REQUIRE(again.prepare(error));
    again.add({{"buy_cnt_per_hour", "h1", R"({"buy_cnt":3})"}});
    CHECK(again.flush() == flush_status::done);
    CHECK(test::read_file(out_dir + "/p-buy_cnt_per_hour.ndjson")
          == "{\"_index\":\"p-buy_cnt_per_hour\",\"_id\":\"h1\",\"_source\":{\"buy_cnt\":1}}\n"
             "{\"_index\":\"p-buy_cnt_per_hour\",\"_id\":\"h1\",\"_source\":{\"buy_cnt\":2}}\n"
             "{\"_index\":\"p-buy_cnt_per_hour\",\"_id\":\"h2\",\"_source\":{\"buy_cnt\":7}}\n"
             "{\"_index\":\"p-buy_cnt_per_hour\",\"_id\":\"h1\",\"_source\":{\"buy_cnt\":3}}\n");
  }

  TEST_CASE("a large backlog asks for a flush") {
    test::temp_dir dir;
    ndjson_writer w{dir.path().string(), result_index_names()};
    std::vector<result_row> rows;
    for (int i = 0; i < 2000; ++i)
      rows.push_back({"top_category", "c" + std::to_string(i), std::string(600, 'x')});
    w.add(std::move(rows));
    CHECK(w.wants_flush());
    CHECK(w.flush() == flush_status::done);
    CHECK_FALSE(w.wants_flush());
    CHECK(w.stats().rows_written == 2000);
  }

  TEST_CASE("a directory that cannot be created is reported") {
    test::temp_dir dir;
    const auto blocker = dir.write("file", "not a directory");
    ndjson_writer w{blocker + "/sub", result_index_names()};
    std::string error;
    CHECK_FALSE(w.prepare(error));
    CHECK(error.rfind("cannot create output directory '" + blocker + "/sub'", 0) == 0);
    w.add({{"cumulative_uv", "x", "{}"}});
    CHECK(w.flush() == flush_status::failed);
    CHECK_FALSE(w.stats().healthy);
    CHECK(w.stats().request_failures == 1);
    CHECK_FALSE(w.stats().last_error.empty());
    CHECK_FALSE(w.drained());
  }
}
