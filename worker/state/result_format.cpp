#include "worker/state/result_format.hpp"

#include "common/time/civil.hpp"
#include "common/util/hash.hpp"
#include "common/util/json_text.hpp"

#include <cstdio>

namespace ubaflow {

namespace {

constexpr size_t max_document_id_bytes = 512;

} // namespace

result_formatter::result_formatter(time_zone zone) : zone_(std::move(zone)) {
  // nop
}

std::string result_formatter::instant(event_time local) const {
  return format_iso_with_offset(local, zone_.offset_at_local(local));
}

result_row result_formatter::hourly(event_time start, event_time end,
                                    int64_t buys) const {
  result_row row;
  row.index = to_string(result_kind::buy_cnt_per_hour);
  row.id = format_iso_local(start);
  row.document = "{\"hour_of_day\":" + std::to_string(to_civil(start).hour)
                 + ",\"buy_cnt\":" + std::to_string(buys)
                 + ",\"event_time\":\"" + format_sql_time(start)
                 + "\",\"window_start\":\"" + instant(start)
                 + "\",\"window_end\":\"" + instant(end) + "\"}";
  return row;
}

result_row result_formatter::uv(event_time start, event_time end,
                                int64_t users) const {
  result_row row;
  row.index = to_string(result_kind::cumulative_uv);
  // The seed's primary key, time_str, is the id (as Flink's sink, and the
  // SQL path's: jobs/taobao.sql writes the same documents under the same
  // ids).
  row.id = format_sql_time(end);
  row.document = "{\"time_str\":\"" + format_sql_time(end)
                 + "\",\"uv\":" + std::to_string(users)
                 + ",\"window_start\":\"" + instant(start)
                 + "\",\"window_end\":\"" + instant(end) + "\"}";
  return row;
}

result_row result_formatter::daily(event_time day_start, event_time end,
                                   int64_t users) const {
  result_row row;
  row.index = to_string(result_kind::cumulative_uv_daily);
  row.id = format_sql_time(end); // time_str, the primary key (see uv())
  row.document = "{\"date_str\":\"" + format_date(day_start)
                 + "\",\"time_str\":\"" + format_sql_time(end)
                 + "\",\"uv\":" + std::to_string(users)
                 + ",\"window_start\":\"" + instant(day_start)
                 + "\",\"window_end\":\"" + instant(end) + "\"}";
  return row;
}

std::string result_formatter::category_id(const std::string& name) {
  if (name.size() <= max_document_id_bytes && !name.empty())
    return name;
  char buf[32];
  std::snprintf(buf, sizeof buf, "hash-%016llx",
                static_cast<unsigned long long>(hash_bytes(name)));
  return buf;
}

result_row result_formatter::category(const std::string& name,
                                      int64_t buys) const {
  result_row row;
  row.index = to_string(result_kind::top_category);
  row.id = category_id(name);
  row.document = "{\"category_name\":";
  append_json_string(row.document, name);
  row.document += ",\"buy_cnt\":" + std::to_string(buys) + "}";
  return row;
}

} // namespace ubaflow
