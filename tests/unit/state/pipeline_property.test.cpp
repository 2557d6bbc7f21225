// A property test of the whole keyed pipeline: random events of several
// sources and partitions, out of order and late, go through
// pre_aggregator → partial_router → keyed_state (several owners) →
// uv_combiner, and the final result documents must equal those of a naive
// oracle that applies the documented lateness rules per partition:
//  - a partition's watermark is its largest event time so far minus the
//    delay, and a record is judged against the watermark *before* it;
//  - hourly buys and 10-minute UV: late when end - 1 + allowed lateness <=
//    watermark (dropped and counted);
//  - day-to-date UV (CUMULATE): on time when end - 1 > watermark; otherwise
//    moved to the first open step align_down(watermark + 1, step) of its
//    day; late only when the whole day has closed (day end - 1 <= watermark);
//  - top_category counts every buy.

#include "common/time/civil.hpp"
#include "worker/exchange/partial_router.hpp"
#include "worker/preagg/pre_aggregator.hpp"
#include "worker/state/keyed_state.hpp"
#include "worker/state/uv_combiner.hpp"
#include "worker/watermark/watermark_tracker.hpp"

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace ubaflow;

namespace {

using documents = std::map<std::pair<std::string, std::string>, std::string>;

struct scenario {
  uint64_t seed;
  size_t sources;
  size_t partitions_per_source;
  size_t events_per_partition;
  uint32_t key_groups;
  uint32_t owners;
  int64_t delay_ms;
  int64_t allowed_lateness_ms;
};

std::string category_name(int64_t id) {
  return "cat-" + std::to_string(id);
}

/// The documented semantics, computed naively.
class oracle {
public:
  oracle(window_spec spec, int64_t delay, size_t partitions)
    : spec_(spec), delay_(delay), wm_(partitions, min_event_time) {}

  void add(size_t partition, const user_event& e) {
    const event_time wm = wm_[partition];
    if (e.kind == behavior::buy) {
      ++categories_[e.category_id];
      const event_time start = floor_div(e.ts, spec_.hour_ms) * spec_.hour_ms;
      if (start + spec_.hour_ms - 1 + spec_.allowed_lateness_ms <= wm)
        ++late_.hourly;
      else
        ++hourly_[start];
    }
    const event_time step = floor_div(e.ts, spec_.uv_ms) * spec_.uv_ms;
    const event_time end = step + spec_.uv_ms;
    if (end - 1 + spec_.allowed_lateness_ms > wm)
      tumbling_[step].insert(e.user_id);
    else
      ++late_.uv;
    const event_time day = floor_div(e.ts, spec_.day_ms) * spec_.day_ms;
    if (end - 1 > wm)
      daily_[day][step].insert(e.user_id);
    else if (day + spec_.day_ms - 1 <= wm)
      ++late_.daily;
    else
      daily_[day][floor_div(wm + 1, spec_.uv_ms) * spec_.uv_ms].insert(e.user_id);
    if (e.ts - delay_ > wm)
      wm_[partition] = e.ts - delay_;
  }

  documents expected(const result_formatter& format) const {
    documents out;
    auto put = [&](result_row row) {
      out[{row.index, row.id}] = std::move(row.document);
    };
    for (const auto& [start, buys] : hourly_)
      put(format.hourly(start, start + spec_.hour_ms, buys));
    for (const auto& [step, users] : tumbling_)
      put(format.uv(step, step + spec_.uv_ms, static_cast<int64_t>(users.size())));
    for (const auto& [day, steps] : daily_) {
      std::set<int64_t> so_far;
      for (event_time step = steps.begin()->first; step < day + spec_.day_ms;
           step += spec_.uv_ms) {
        if (auto it = steps.find(step); it != steps.end())
          so_far.insert(it->second.begin(), it->second.end());
        put(format.daily(day, step + spec_.uv_ms, static_cast<int64_t>(so_far.size())));
      }
    }
    for (const auto& [id, buys] : categories_)
      put(format.category(category_name(id), buys));
    return out;
  }

  const late_counts& late() const { return late_; }

private:
  window_spec spec_;
  int64_t delay_;
  std::vector<event_time> wm_;
  std::map<event_time, int64_t> hourly_;
  std::map<event_time, std::set<int64_t>> tumbling_;
  std::map<event_time, std::map<event_time, std::set<int64_t>>> daily_;
  std::map<int64_t, int64_t> categories_;
  late_counts late_;
};

/// The owners and the UV combiner with an Elasticsearch-like sink: the last
/// document written under an id wins.
class downstream {
public:
  downstream(const window_spec& spec, const std::vector<key_group_range>& ranges,
             size_t inputs, const result_formatter& format)
    : combiner_(spec, ranges, format) {
    for (auto range : ranges)
      owners_.push_back(std::make_unique<keyed_state>(spec, range, inputs, format));
  }

  void deliver(size_t owner, const partial_batch& batch) {
    state_output out;
    owners_[owner]->on_batch(batch, out);
    publish(owner, out);
  }

  void emit_categories(size_t owner) {
    state_output out;
    owners_[owner]->emit_categories(out);
    publish(owner, out);
  }

  size_t owner_count() const { return owners_.size(); }
  const keyed_state& owner(size_t i) const { return *owners_[i]; }
  const uv_combiner& combiner() const { return combiner_; }
  const documents& sink() const { return sink_; }
  const std::map<std::pair<std::string, std::string>, int>& writes() const {
    return writes_;
  }

private:
  void publish(size_t owner, state_output& out) {
    store(out.rows);
    const auto& state = *owners_[owner];
    uv_report report;
    report.slices = std::move(out.slices);
    report.progress = {state.range(), state.watermark(), state.finished()};
    std::vector<result_row> rows;
    combiner_.on_report(report, rows);
    store(rows);
  }

  void store(const std::vector<result_row>& rows) {
    for (const auto& row : rows) {
      sink_[{row.index, row.id}] = row.document;
      ++writes_[{row.index, row.id}];
    }
  }

  std::vector<std::unique_ptr<keyed_state>> owners_;
  uv_combiner combiner_;
  documents sink_;
  std::map<std::pair<std::string, std::string>, int> writes_;
};

/// One source task: its partitions, watermarks and pre-aggregation.
struct source_sim {
  uint32_t index = 0;
  std::vector<size_t> partitions; ///< global partition numbers, by slot
  std::vector<size_t> next;       ///< next record per slot
  std::unique_ptr<watermark_tracker> tracker;
  std::unique_ptr<pre_aggregator> preagg;
  bool ended = false;
};

std::vector<std::vector<user_event>> generate(const scenario& sc, std::mt19937_64& rng) {
  const size_t partitions = sc.sources * sc.partitions_per_source;
  // 2017-11-26 18:00 local: the streams cross midnight.
  const event_time base = days_from_civil(2017, 11, 26) * ms_per_day + 18 * ms_per_hour;
  std::vector<std::vector<user_event>> out(partitions);
  for (size_t p = 0; p < partitions; ++p) {
    event_time clock = base + static_cast<int64_t>(rng() % (2 * ms_per_hour)) - ms_per_hour;
    for (size_t i = 0; i < sc.events_per_partition; ++i) {
      clock += static_cast<int64_t>(rng() % (4 * ms_per_minute));
      const uint64_t r = rng() % 100;
      int64_t jitter = 0;
      if (r < 65)
        jitter = static_cast<int64_t>(rng() % (30 * ms_per_second));
      else if (r < 85)
        jitter = static_cast<int64_t>(rng() % (20 * ms_per_minute));
      else if (r < 97)
        jitter = static_cast<int64_t>(rng() % (3 * ms_per_hour));
      else
        jitter = static_cast<int64_t>(rng() % (30 * ms_per_hour));
      user_event e;
      const uint64_t who = rng() % 100;
      e.user_id = who < 96 ? static_cast<int64_t>(1 + rng() % 250)
                  : who < 98 ? -static_cast<int64_t>(1 + rng() % 3)
                             : int64_t{1} << 40 | static_cast<int64_t>(rng() % 5);
      e.item_id = static_cast<int64_t>(rng() % 1000);
      e.category_id = static_cast<int64_t>(1 + rng() % 8);
      const uint64_t b = rng() % 10;
      e.kind = b < 6 ? behavior::pv : b < 8 ? behavior::buy : b < 9 ? behavior::cart
                                                                    : behavior::fav;
      e.ts = clock - jitter;
      out[p].push_back(e);
    }
  }
  return out;
}

struct run_result {
  documents sink;
  documents expected;
  late_counts pipeline_late;
  late_counts oracle_late;
  uint64_t owner_late = 0;
  uint64_t records = 0;
  bool all_finished = false;
  bool daily_written_once = true;
  size_t pending = 0;
};

run_result run(const scenario& sc) {
  std::mt19937_64 rng{sc.seed};
  const auto events = generate(sc, rng);
  window_spec spec;
  spec.allowed_lateness_ms = sc.allowed_lateness_ms;
  const result_formatter format{*time_zone::load("Asia/Shanghai")};

  std::vector<key_group_range> ranges;
  for (uint32_t i = 0; i < sc.owners; ++i)
    ranges.push_back(range_for_owner(i, sc.owners, sc.key_groups));
  const partial_router router{sc.key_groups, ranges};
  downstream down{spec, ranges, sc.sources, format};
  oracle truth{spec, sc.delay_ms, events.size()};

  std::vector<source_sim> sources(sc.sources);
  for (size_t s = 0; s < sc.sources; ++s) {
    auto& src = sources[s];
    src.index = static_cast<uint32_t>(s);
    src.tracker = std::make_unique<watermark_tracker>(sc.delay_ms, 0);
    src.preagg = std::make_unique<pre_aggregator>(spec, sc.key_groups);
    for (size_t slot = 0; slot < sc.partitions_per_source; ++slot) {
      src.partitions.push_back(s * sc.partitions_per_source + slot);
      src.next.push_back(0);
      src.tracker->assign(slot, 0);
    }
  }

  auto flush = [&](source_sim& src) {
    local_partials partials;
    src.preagg->drain(partials);
    std::vector<category_partial> categories;
    for (const auto& [id, buys] : partials.category_buys)
      categories.push_back({category_name(id), buys});
    std::vector<partial_batch> batches(router.owner_count());
    router.route(partials.hourly, partials.uv, categories, batches);
    const auto progress = src.tracker->progress(0);
    for (size_t owner = 0; owner < batches.size(); ++owner) {
      auto& b = batches[owner];
      b.source = src.index;
      b.watermark = progress.watermark;
      b.idle = progress.idle;
      b.end_of_input = progress.finished;
      down.deliver(owner, b);
    }
    if (progress.finished)
      src.ended = true;
  };

  uint64_t records = 0;
  for (;;) {
    std::vector<size_t> live;
    for (size_t s = 0; s < sources.size(); ++s)
      if (!sources[s].ended)
        live.push_back(s);
    if (live.empty())
      break;
    auto& src = sources[live[rng() % live.size()]];
    const size_t slot = rng() % src.partitions.size();
    const auto& stream = events[src.partitions[slot]];
    const size_t n = 1 + rng() % 6;
    for (size_t i = 0; i < n && src.next[slot] < stream.size(); ++i) {
      const auto& e = stream[src.next[slot]++];
      truth.add(src.partitions[slot], e);
      src.preagg->add(e, src.tracker->partition_watermark(slot));
      src.tracker->observe(slot, e.ts);
      ++records;
    }
    if (src.next[slot] == stream.size() && !src.tracker->finished(slot))
      src.tracker->finish(slot);
    if (rng() % 4 == 0 || src.tracker->progress(0).finished)
      flush(src);
    if (rng() % 50 == 0)
      down.emit_categories(rng() % down.owner_count());
  }

  run_result r;
  r.sink = down.sink();
  r.expected = truth.expected(format);
  r.oracle_late = truth.late();
  for (const auto& src : sources)
    r.pipeline_late += src.preagg->late();
  for (size_t i = 0; i < down.owner_count(); ++i)
    r.owner_late += down.owner(i).late_records();
  r.records = records;
  r.all_finished = down.combiner().finished();
  for (size_t i = 0; i < down.owner_count(); ++i)
    r.all_finished = r.all_finished && down.owner(i).finished();
  for (const auto& [key, count] : down.writes())
    if (key.first == to_string(result_kind::cumulative_uv_daily) && count != 1)
      r.daily_written_once = false;
  r.pending = down.combiner().pending_windows();
  return r;
}

/// The documents of one kind, for readable failure messages.
std::map<std::string, std::string> of_kind(const documents& docs, result_kind kind) {
  std::map<std::string, std::string> out;
  for (const auto& [key, doc] : docs)
    if (key.first == to_string(kind))
      out[key.second] = doc;
  return out;
}

void check(const scenario& sc) {
  CAPTURE(sc.seed);
  CAPTURE(sc.allowed_lateness_ms);
  CAPTURE(sc.owners);
  const auto r = run(sc);
  CHECK(r.records == sc.sources * sc.partitions_per_source * sc.events_per_partition);
  CHECK(r.all_finished);
  CHECK(r.pending == 0);
  // Lateness is decided once, at the source, exactly like the oracle does.
  CHECK(r.pipeline_late.hourly == r.oracle_late.hourly);
  CHECK(r.pipeline_late.uv == r.oracle_late.uv);
  CHECK(r.pipeline_late.daily == r.oracle_late.daily);
  CHECK(r.owner_late == 0);
  // The test data must exercise the rules it checks.
  CHECK(r.oracle_late.hourly > 0);
  CHECK(r.oracle_late.uv > 0);
  CHECK(r.oracle_late.daily > 0);
  // Day-to-date rows are final when emitted: written exactly once.
  CHECK(r.daily_written_once);
  for (auto kind : {result_kind::buy_cnt_per_hour, result_kind::cumulative_uv,
                    result_kind::cumulative_uv_daily, result_kind::top_category}) {
    CAPTURE(to_string(kind));
    const auto got = of_kind(r.sink, kind);
    const auto want = of_kind(r.expected, kind);
    CHECK(got.size() == want.size());
    size_t mismatches = 0;
    for (const auto& [id, doc] : want) {
      auto it = got.find(id);
      if (it == got.end() || it->second != doc) {
        if (++mismatches <= 5) {
          CAPTURE(id);
          CHECK(it != got.end());
          if (it != got.end())
            CHECK(it->second == doc);
        }
      }
    }
    for (const auto& [id, doc] : got)
      if (!want.count(id) && ++mismatches <= 10) {
        CAPTURE(id);
        CHECK_MESSAGE(false, "unexpected document " << doc);
      }
    CHECK(mismatches == 0);
    CHECK_FALSE(want.empty());
  }
}

} // namespace

TEST_SUITE("pipeline_property") {
  TEST_CASE("several sources and owners, no allowed lateness") {
    check({20171126, 3, 2, 500, 16, 3, ms_per_minute, 0});
  }

  TEST_CASE("allowed lateness re-emits rows that end equal to the oracle") {
    check({42, 3, 2, 500, 16, 3, ms_per_minute, 15 * ms_per_minute});
  }

  TEST_CASE("one owner, many key groups, longer delay") {
    check({7, 2, 3, 400, 128, 1, 5 * ms_per_minute, 0});
  }

  TEST_CASE("more owners than sources, few key groups") {
    check({99, 2, 2, 600, 5, 5, 30 * ms_per_second, 5 * ms_per_minute});
  }
}
