// Record parsers: the source table's row decoder (JSON and CSV), the
// Tianchi CSV parser datagen replays with, and the timestamp shapes, over
// arbitrary bytes. Besides not crashing: whatever the decoder gets past the
// JSON grammar must be well-formed JSON to Boost.JSON too (its claim is a
// full RFC 8259 check), and a decoded row holds every column.

#include "tools/datagen/tianchi_csv.hpp"
#include "worker/parse/sql_row_decoder.hpp"

#include "common/sql/sql_binder.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace ubaflow;

namespace {

timestamp_policy policy(uint8_t flags) {
  static const time_zone shanghai = *time_zone::load("Asia/Shanghai");
  timestamp_policy p;
  p.zone = flags & 1 ? time_zone::utc() : shanghai;
  p.z_as_local = flags & 2;
  p.max_future_ms = flags & 4 ? 3'600'000 : 0;
  return p;
}

/// The seed's source table as jobs/taobao.sql declares it (the SQL path's
/// parse stage decodes records into its columns).
const bound_table& seed_table() {
  static const bound_table table = [] {
    auto bound = bind_sql(
      "CREATE TABLE ub (user_id BIGINT, item_id BIGINT, category_id BIGINT, "
      "behavior STRING, ts TIMESTAMP(3), score DOUBLE, ok BOOLEAN, "
      "proctime AS PROCTIME()) WITH ('connector' = 'kafka', 'topic' = 't', "
      "'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');\n"
      "CREATE TABLE s (n BIGINT) WITH ('connector' = 'elasticsearch-7', "
      "'hosts' = 'http://es:9200', 'index' = 's');\n"
      "INSERT INTO s SELECT user_id FROM ub;");
    if (!bound.ok())
      std::abort();
    return bound.script.tables.at(0);
  }();
  return table;
}

/// The BIGINT columns of a decoded row hold what Boost.JSON reads in
/// their fields where those are strings of plain digits (the decoder reads
/// those in one pass, word by word: json_reader::read_digit_string).
void check_ids(std::string_view input, const sql_row& row) {
  boost::json::error_code ec;
  const auto value = boost::json::parse(input, ec);
  if (ec || !value.is_object())
    return;
  const char* names[] = {"user_id", "item_id", "category_id"};
  for (size_t c = 0; c < 3; ++c) {
    const auto* field = value.as_object().if_contains(names[c]);
    if (!field || !field->is_string())
      continue;
    const auto text = field->as_string();
    if (text.empty() || text.size() > 18
        || !std::all_of(text.begin(), text.end(),
                        [](char d) { return d >= '0' && d <= '9'; }))
      continue;
    int64_t expected = 0;
    std::from_chars(text.data(), text.data() + text.size(), expected);
    if (row[c].as_bigint() != expected)
      std::abort(); // the one-pass read of an id differs from Boost.JSON's
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  const uint8_t flags = data[0];
  const std::string_view input{reinterpret_cast<const char*>(data + 1),
                               size - 1};
  sql_row_decoder sql{seed_table(), timestamp_parser{policy(flags)}};
  sql_row row;
  const auto status = sql.decode(input, row);
  if (status.reason != reject_reason::malformed_record) {
    boost::json::error_code ec;
    auto value = boost::json::parse(input, ec);
    // Boost.JSON caps exponents (RFC 8259 leaves number limits to the
    // implementation); anything else it refuses, ours must have refused.
    if (ec != boost::json::error::exponent_overflow
        && (ec || !value.is_object()))
      std::abort(); // accepted something that is not a JSON object
  }
  if (status.ok() && row.size() != 7)
    std::abort(); // a decoded row holds every physical column
  if (status.ok())
    check_ids(input, row);
  user_event e;
  tianchi_csv_parser csv{timestamp_parser{policy(flags)}};
  (void)csv.parse(input, e);
  (void)tianchi_csv_parser::is_header(input);
  timestamp_parser ts{policy(flags)};
  event_time t = 0;
  (void)ts.parse_text(input, t);
  (void)ts.parse_number(input, t);
  // The same record as a CSV line (a SQL job's 'format' = 'csv').
  (void)sql.is_csv_header(input);
  if (sql.decode_csv(input, row).ok() && row.size() != 7)
    std::abort();
  // As a source task decodes: into every column of the table (proctime
  // last, left alone), the same values as the physical layout.
  sql_row_decoder table_layout{seed_table(), timestamp_parser{policy(flags)},
                               sql_row_layout::table};
  sql_row physical;
  sql_row complete;
  const bool json_ok = sql.decode(input, physical).ok();
  if (table_layout.decode(input, complete).ok() != json_ok)
    std::abort();
  if (json_ok && (complete.size() != 8
                  || !std::equal(physical.begin(), physical.end(), complete.begin())))
    std::abort();
  return 0;
}
