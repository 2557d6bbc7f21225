#include "worker/state/category_store.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>

using namespace ubaflow;

namespace {

std::map<std::string, std::string> by_id(const std::vector<result_row>& rows) {
  std::map<std::string, std::string> out;
  for (const auto& r : rows) {
    CHECK(r.index == to_string(result_kind::top_category));
    CHECK(out.count(r.id) == 0); // one row per category per mini-batch
    out[r.id] = r.document;
  }
  return out;
}

} // namespace

TEST_SUITE("category_store") {
  TEST_CASE("running counts are emitted once per mini-batch for changed categories") {
    category_store store;
    const result_formatter format{time_zone::utc()};
    std::vector<result_row> rows;
    CHECK_FALSE(store.has_changes());
    store.emit_changed(format, rows);
    CHECK(rows.empty());

    store.merge({"女装", 2});
    store.merge({"男装", 1});
    store.merge({"女装", 3});
    CHECK(store.has_changes());
    CHECK(store.categories() == 2);
    store.emit_changed(format, rows);
    CHECK(by_id(rows) == std::map<std::string, std::string>{
                           {"女装", R"({"category_name":"女装","buy_cnt":5})"},
                           {"男装", R"({"category_name":"男装","buy_cnt":1})"}});
    CHECK_FALSE(store.has_changes());

    // Nothing changed: nothing emitted.
    rows.clear();
    store.emit_changed(format, rows);
    CHECK(rows.empty());

    // Only the changed category is re-emitted, with its running total.
    store.merge({"男装", 4});
    store.merge({"家电", 1});
    store.emit_changed(format, rows);
    CHECK(by_id(rows) == std::map<std::string, std::string>{
                           {"男装", R"({"category_name":"男装","buy_cnt":5})"},
                           {"家电", R"({"category_name":"家电","buy_cnt":1})"}});
    CHECK(store.categories() == 3);
  }

  TEST_CASE("emitted rows are appended") {
    category_store store;
    const result_formatter format{time_zone::utc()};
    std::vector<result_row> rows(1);
    store.merge({"a", 1});
    store.emit_changed(format, rows);
    CHECK(rows.size() == 2);
    CHECK(rows[1].id == "a");
  }
}
