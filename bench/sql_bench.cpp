// The default job's throughput on one core, without actors: the seed's
// JSON messages of a simulated day through jobs/taobao.sql's plain
// classes, as the job's tasks run them: the row decoder, the source state
// (four queries: rows, lookups, pre-aggregation, partials encoded per
// owner), and keyed-state owners (partials decoded and merged, windows
// fired). bench/run.sh compares it with its decoder alone and with the
// former hard-wired engine's recorded rate.
//
//   ubaflow_sql_bench [events] [owners] [script]
// prints one JSON object with the figures. `script` (jobs/taobao.sql by
// default) must read the seed's user_behavior table as its first source and
// look up category_dim, if at all, as its second table: for measuring a
// query, or a set of them, on its own.

#include "common/sql/exec/sql_keyed_state.hpp"
#include "common/sql/exec/sql_source_state.hpp"
#include "common/sql/sql_binder.hpp"
#include "common/sql/sql_planner.hpp"
#include "common/time/time_zone.hpp"
#include "common/config/job_config.hpp"
#include "common/util/clock.hpp"
#include "tools/datagen/message_writer.hpp"
#include "tools/datagen/synthetic_events.hpp"
#include "worker/lookup/csv_table_rows.hpp"
#include "worker/parse/sql_row_decoder.hpp"
#include "worker/source/source_task.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

using namespace ubaflow;

namespace {

std::string read_file(const char* path) {
  std::ifstream in{path};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

int main(int argc, char** argv) {
  const uint64_t events = argc > 1 ? std::strtoull(argv[1], nullptr, 10)
                                   : 2'000'000;
  const uint32_t owners = argc > 2 ? static_cast<uint32_t>(std::atoi(argv[2]))
                                   : 2;
  // Records between two flushes of the source; by default (0) a flush is
  // due as a source task's is (source_task::flush_due, with its
  // defaults): every 200 ms or when the buffers are full.
  const uint64_t flush_every
    = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 0;
  const int64_t flush_interval_ms = source_task_settings{}.flush_interval_ms;
  const uint64_t max_buffered = job_config{}.max_buffered_users;
  constexpr uint32_t key_groups = 128;
  const auto zone = *time_zone::load("Asia/Shanghai");
  timestamp_policy policy;
  policy.zone = zone;

  const char* script_path
    = argc > 3 ? argv[3] : UBAFLOW_SOURCE_DIR "/jobs/taobao.sql";
  auto bound = bind_sql(read_file(script_path));
  auto planned = bound.ok() ? plan_script(bound.script) : plan_result{};
  if (!bound.ok() || !planned.ok()) {
    std::fprintf(stderr, "%s does not plan\n", script_path);
    return 1;
  }
  const auto& script = bound.script;
  const auto& plan = planned.plan;
  const uint32_t table = plan.sources.at(0).table;

  // The day's messages, contiguous in memory as in a fetch buffer.
  synthetic_settings s;
  timestamp_parser{policy}.parse_text("2017-11-26 00:00:00", s.first_day);
  s.days = 1;
  s.events = events;
  synthetic_events generator{s};
  message_writer writer{zone, ts_shape::sql, false};
  std::vector<std::string> messages;
  messages.reserve(events);
  user_event e;
  std::string line;
  while (generator.next(e)) {
    writer.json(e, line);
    messages.push_back(line);
  }

  std::map<uint32_t, std::vector<sql_row>> dimensions;
  std::string error;
  if (!read_csv_rows(UBAFLOW_SOURCE_DIR "/data/category.csv",
                     {data_type_kind::bigint, data_type_kind::varchar},
                     dimensions[1], error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  const sql_row_evaluator evaluator{zone};
  std::vector<key_group_range> ranges;
  for (uint32_t o = 0; o < owners; ++o)
    ranges.push_back({o * key_groups / owners, (o + 1) * key_groups / owners});

  // Decoding alone, for the share the parse takes.
  sql_row_decoder decoder{script.tables[table], timestamp_parser{policy},
                          sql_row_layout::table};
  sql_row row;
  int64_t start = steady_now_ms();
  uint64_t decoded = 0;
  for (const auto& m : messages)
    decoded += decoder.decode(m, row).ok() ? 1 : 0;
  const int64_t decode_ms = std::max<int64_t>(1, steady_now_ms() - start);

  // The whole path, flushed as a source task flushes (above).
  sql_source_state source{script, plan,   table,     0,
                          dimensions, evaluator, ranges, key_groups};
  std::vector<std::unique_ptr<sql_keyed_state>> states;
  for (const auto& r : ranges)
    states.push_back(std::make_unique<sql_keyed_state>(
      script, plan, evaluator, r, key_groups, 1));
  uint64_t rows_out = 0;
  uint64_t exchange_bytes = 0;
  // Where the time goes besides the rows: the source's flush (partials
  // taken, distinct sets sorted, encoded) and the owners (decoded, merged,
  // fired).
  using bench_clock = std::chrono::steady_clock;
  bench_clock::duration flushing{};
  bench_clock::duration owning{};
  uint64_t flushes = 0;
  uint64_t shares = 0;
  auto exchange = [&] {
    ++flushes;
    const auto flush_start = bench_clock::now();
    auto batches = source.flush();
    const auto owners_start = bench_clock::now();
    flushing += owners_start - flush_start;
    for (size_t o = 0; o < batches.size(); ++o) {
      for (const auto& p : batches[o].partials)
        exchange_bytes += p.size();
      std::string why;
      if (!states[o]->take(batches[o], why)) {
        std::fprintf(stderr, "%s\n", why.c_str());
        std::exit(1);
      }
      rows_out += states[o]->emit().size();
      // Distinct counts routed by value leave as shares for the combiner
      // (not run here: a few per window and key group).
      shares += states[o]->take_shares().size();
    }
    owning += bench_clock::now() - owners_start;
  };
  start = steady_now_ms();
  int64_t last_flush_ms = start;
  uint64_t n = 0;
  for (const auto& m : messages) {
    if (decoder.decode(m, row).ok())
      source.add_table_row(row, 0);
    ++n;
    const bool due
      = flush_every > 0
          ? n % flush_every == 0
          : (n % 256 == 0 // the clock read once in a while
             && (steady_now_ms() - last_flush_ms >= flush_interval_ms
                 || source.buffered_groups() + source.buffered_values()
                        + source.buffered_rows()
                      >= max_buffered));
    if (due) {
      exchange();
      last_flush_ms = steady_now_ms();
    }
  }
  exchange();
  for (auto& state : states) {
    rows_out += state->finish().size();
    shares += state->take_shares().size();
  }
  const int64_t ms = std::max<int64_t>(1, steady_now_ms() - start);
  auto ns_per_event = [&](bench_clock::duration d) {
    return static_cast<double>(
             std::chrono::duration_cast<std::chrono::nanoseconds>(d).count())
           / static_cast<double>(messages.size());
  };

  std::printf("{\"events\":%llu,\"owners\":%u,\"decode_only_events_per_s\":%.0f,"
              "\"sql_events_per_s\":%.0f,\"rows\":%llu,"
              "\"exchange_bytes_per_event\":%.2f,\"rejected\":%llu,"
              "\"flush_ns_per_event\":%.1f,\"owners_ns_per_event\":%.1f,"
              "\"flushes\":%llu,\"shares\":%llu}\n",
              static_cast<unsigned long long>(messages.size()), owners,
              1000.0 * static_cast<double>(decoded) / decode_ms,
              1000.0 * static_cast<double>(messages.size()) / ms,
              static_cast<unsigned long long>(rows_out),
              static_cast<double>(exchange_bytes)
                / static_cast<double>(messages.size()),
              static_cast<unsigned long long>(source.rejected()),
              ns_per_event(flushing), ns_per_event(owning),
              static_cast<unsigned long long>(flushes),
              static_cast<unsigned long long>(shares));
  return 0;
}
