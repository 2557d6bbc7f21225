#include "coordinator/rest/result_store.hpp"

#include <boost/json.hpp>
#include <doctest/doctest.h>

using namespace ubaflow;
namespace json = boost::json;

TEST_SUITE("rest.result_store") {
  TEST_CASE("the latest document per index and id, newest ids kept") {
    result_store store{3};
    store.add({{"top_category", "Books", R"({"category_name":"Books","buy_cnt":1})"},
               {"top_category", "Books", R"({"category_name":"Books","buy_cnt":4})"}});
    for (const char* hour : {"01", "02", "03", "04"})
      store.add({{"buy_cnt_per_hour", std::string{"2017-11-26T"} + hour,
                  R"({"buy_cnt":7})"}});
    CHECK(store.size("top_category") == 1);
    CHECK(store.size("buy_cnt_per_hour") == 3); // 01 dropped
    const auto all = json::parse(results_json(store.rows(), result_index_names())).as_object();
    CHECK(all.size() == 4);
    const auto& top = all.at("top_category").as_array();
    REQUIRE(top.size() == 1);
    CHECK(top[0].at("buy_cnt").as_int64() == 4);
    CHECK(top[0].at("_id").as_string() == "Books");
    const auto& hours = all.at("buy_cnt_per_hour").as_array();
    CHECK(hours.front().at("_id").as_string() == "2017-11-26T02");
    CHECK(all.at("cumulative_uv").as_array().empty());
  }

  TEST_CASE("one index on request; names map to kinds") {
    const auto one = json::parse(results_json({}, result_index_names(),
                                              std::string{"cumulative_uv"})).as_object();
    CHECK(one.size() == 1);
    CHECK(one.contains("cumulative_uv"));
    CHECK(result_kind_named("cumulative_uv_daily") == result_kind::cumulative_uv_daily);
    CHECK_FALSE(result_kind_named("nope"));
  }
}
