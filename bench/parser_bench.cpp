// Why ubaflow parses messages with its own reader: the same simulated
// messages decoded into jobs/taobao.sql's source row by ubaflow's
// sql_row_decoder, and parsed by simdjson's On-Demand API and by Boost.JSON
// (DOM), each followed by the same field conversions (ids, timestamp).
//
//   ubaflow_parser_bench [events]
// prints one JSON object with messages per second for each.

#include "common/sql/sql_binder.hpp"
#include "common/time/time_zone.hpp"
#include "common/util/clock.hpp"
#include "tools/datagen/message_writer.hpp"
#include "tools/datagen/synthetic_events.hpp"
#include "worker/parse/decimal_id.hpp"
#include "worker/parse/sql_row_decoder.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <simdjson.h>
#include <string>
#include <vector>

using namespace ubaflow;

namespace {

/// Messages laid out back to back, as in a fetch buffer, with simdjson's
/// required padding after the last one.
struct messages {
  std::string buffer;
  std::vector<std::string_view> views;
};

messages make_messages(uint64_t count, const time_zone& zone) {
  synthetic_settings s;
  timestamp_policy policy;
  policy.zone = zone;
  timestamp_parser{policy}.parse_text("2017-11-26 00:00:00", s.first_day);
  s.days = 1;
  s.events = count;
  synthetic_events gen{s};
  message_writer writer{zone, ts_shape::sql, false};
  messages m;
  std::vector<size_t> offsets;
  user_event e;
  std::string line;
  while (gen.next(e)) {
    writer.json(e, line);
    offsets.push_back(m.buffer.size());
    m.buffer += line;
  }
  const size_t end = m.buffer.size();
  m.buffer.append(simdjson::SIMDJSON_PADDING, ' ');
  for (size_t i = 0; i < offsets.size(); ++i) {
    const size_t stop = i + 1 < offsets.size() ? offsets[i + 1] : end;
    m.views.emplace_back(m.buffer.data() + offsets[i], stop - offsets[i]);
  }
  return m;
}

template <class F>
double best_rate(const messages& m, F&& parse_one) {
  double best = 0;
  for (int run = 0; run < 3; ++run) {
    const int64_t start = steady_now_ms();
    for (const auto& v : m.views)
      parse_one(v);
    const int64_t ms = std::max<int64_t>(1, steady_now_ms() - start);
    best = std::max(best, static_cast<double>(m.views.size()) * 1000.0 / ms);
  }
  return best;
}

} // namespace

int main(int argc, char** argv) {
  const uint64_t count
      = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2'000'000;
  auto zone = *time_zone::load("Asia/Shanghai");
  timestamp_policy policy;
  policy.zone = zone;
  const messages m = make_messages(count, zone);
  uint64_t checksum = 0;

  std::ifstream script_file{UBAFLOW_SOURCE_DIR "/jobs/taobao.sql"};
  const auto bound = bind_sql(std::string{
    std::istreambuf_iterator<char>{script_file}, std::istreambuf_iterator<char>{}});
  if (!bound.ok()) {
    std::fprintf(stderr, "jobs/taobao.sql does not bind\n");
    return 1;
  }
  sql_row_decoder ours{bound.script.tables.at(0), timestamp_parser{policy}};
  sql_row row;
  const double ours_rate = best_rate(m, [&](std::string_view v) {
    if (ours.decode(v, row).ok())
      checksum += static_cast<uint64_t>(row[0].as_bigint());
  });

  // Field conversions shared by the library variants.
  timestamp_parser ts{policy};
  user_event e;
  auto convert = [&](std::string_view user, std::string_view item,
                     std::string_view category, std::string_view kind,
                     std::string_view time) {
    if (parse_decimal_id(user, e.user_id) && parse_decimal_id(item, e.item_id)
        && parse_decimal_id(category, e.category_id) && !kind.empty()
        && ts.parse_text(time, e.ts).ok())
      checksum += static_cast<uint64_t>(e.user_id);
  };

  simdjson::ondemand::parser on_demand;
  const double simdjson_rate = best_rate(m, [&](std::string_view v) {
    simdjson::padded_string_view padded(v.data(), v.size(),
                                        v.size() + simdjson::SIMDJSON_PADDING);
    auto doc = on_demand.iterate(padded);
    std::string_view user, item, category, kind, time;
    if (doc["user_id"].get_string().get(user)
        || doc["item_id"].get_string().get(item)
        || doc["category_id"].get_string().get(category)
        || doc["behavior"].get_string().get(kind)
        || doc["ts"].get_string().get(time))
      return;
    convert(user, item, category, kind, time);
  });

  // Kafka payloads carry no padding: real use copies each message into a
  // padded buffer first.
  std::string padded_copy;
  const double simdjson_copy_rate = best_rate(m, [&](std::string_view v) {
    padded_copy.assign(v.data(), v.size());
    padded_copy.append(simdjson::SIMDJSON_PADDING, ' ');
    simdjson::padded_string_view padded(padded_copy.data(), v.size(),
                                        padded_copy.size());
    auto doc = on_demand.iterate(padded);
    std::string_view user, item, category, kind, time;
    if (doc["user_id"].get_string().get(user)
        || doc["item_id"].get_string().get(item)
        || doc["category_id"].get_string().get(category)
        || doc["behavior"].get_string().get(kind)
        || doc["ts"].get_string().get(time))
      return;
    convert(user, item, category, kind, time);
  });

  boost::json::monotonic_resource scratch;
  boost::json::parser dom;
  const double boost_rate = best_rate(m, [&](std::string_view v) {
    boost::json::error_code ec;
    dom.reset(&scratch);
    dom.write(v.data(), v.size(), ec);
    if (ec)
      return;
    auto value = dom.release();
    const auto* obj = value.if_object();
    if (!obj)
      return;
    auto field = [&](const char* name) -> std::string_view {
      const auto* f = obj->if_contains(name);
      return f && f->is_string() ? std::string_view{f->as_string()}
                                 : std::string_view{};
    };
    convert(field("user_id"), field("item_id"), field("category_id"),
            field("behavior"), field("ts"));
  });

  std::printf("{\"messages\":%llu,\"ubaflow_per_s\":%.0f,"
              "\"simdjson_ondemand_per_s\":%.0f,"
              "\"simdjson_ondemand_with_copy_per_s\":%.0f,"
              "\"boost_json_per_s\":%.0f,"
              "\"checksum\":%llu}\n",
              static_cast<unsigned long long>(count), ours_rate, simdjson_rate,
              simdjson_copy_rate, boost_rate,
              static_cast<unsigned long long>(checksum % 1000));
  return 0;
}
