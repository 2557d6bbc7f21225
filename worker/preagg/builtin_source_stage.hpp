#pragma once

// The source stage of the built-in job (the seed's four results): the
// JSON/CSV event parsers, the pre-aggregator, the category lookup join at
// flush time (with back-off while the dimension table is unreachable) and
// the routing of partials to the owners' key groups.

#include "common/util/backoff.hpp"
#include "worker/exchange/partial_router.hpp"
#include "worker/lookup/category_resolver.hpp"
#include "worker/parse/csv_event_parser.hpp"
#include "worker/parse/json_event_parser.hpp"
#include "worker/preagg/pre_aggregator.hpp"
#include "worker/source/source_stage.hpp"

#include <memory>
#include <utility>
#include <vector>

namespace ubaflow {

struct builtin_stage_settings {
  window_spec windows;
  size_t max_buffered_users = 4'000'000;
  int64_t lookup_backoff_initial_ms = 500;
  int64_t lookup_backoff_max_ms = 30'000;
};

class builtin_source_stage : public source_stage {
public:
  builtin_source_stage(builtin_stage_settings settings,
                       timestamp_policy policy,
                       std::unique_ptr<category_resolver> resolver,
                       partial_router router);

  void set_wall_clock(int64_t wall_ms) override;
  bool is_csv_header(std::string_view line) override {
    return csv_event_parser::is_header(line);
  }
  parse_status add(std::string_view payload, bool csv,
                   event_time partition_watermark, event_time& ts) override;
  uint64_t accepted() const override { return preagg_.records(); }
  bool buffers_full() const override {
    return preagg_.buffered_users() >= settings_.max_buffered_users;
  }
  void drain(int64_t now_ms, std::vector<partial_batch>& out,
             source_stats& stats) override;
  bool holding_back() const override { return !unresolved_.empty(); }
  std::vector<pending_category_buys> pending() const override;
  void restore_pending(const std::vector<pending_category_buys>& unresolved)
    override;
  const late_counts& late() const override { return preagg_.late(); }
  /// The windowed results as the queries of jobs/taobao.sql they are the
  /// compiled form of: 1 buy_cnt_per_hour, 2 cumulative_uv, 3
  /// cumulative_uv_daily (top_category has no window, nothing is late).
  std::vector<query_late> late_by_query() const override {
    const auto& late = preagg_.late();
    std::vector<query_late> out;
    if (settings_.windows.computes(result_kind::buy_cnt_per_hour))
      out.push_back({"1", "buy_cnt_per_hour", late.hourly});
    if (settings_.windows.computes(result_kind::cumulative_uv))
      out.push_back({"2", "cumulative_uv", late.uv});
    if (settings_.windows.computes(result_kind::cumulative_uv_daily))
      out.push_back({"3", "cumulative_uv_daily", late.daily});
    return out;
  }
  const category_resolver* resolver() const override {
    return resolver_.get();
  }

private:
  void resolve_categories(int64_t now_ms, std::vector<category_partial>& out,
                          source_stats& stats);

  builtin_stage_settings settings_;
  json_event_parser json_;
  csv_event_parser csv_;
  std::unique_ptr<category_resolver> resolver_;
  partial_router router_;
  pre_aggregator preagg_;
  user_event event_;
  local_partials partials_;
  std::vector<std::pair<int64_t, int64_t>> unresolved_;
  int64_t lookup_retry_at_ms_ = 0;
  exponential_backoff lookup_backoff_;
};

} // namespace ubaflow
