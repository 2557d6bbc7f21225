#include "worker/preagg/builtin_source_stage.hpp"

#include "common/protocol/user_id_codec.hpp"
#include "worker/source/source_task.hpp"

#include <spdlog/spdlog.h>

namespace ubaflow {

builtin_source_stage::builtin_source_stage(
  builtin_stage_settings settings, timestamp_policy policy,
  std::unique_ptr<category_resolver> resolver, partial_router router)
  : settings_(std::move(settings)),
    json_(timestamp_parser{policy}),
    csv_(timestamp_parser{policy}),
    resolver_(std::move(resolver)),
    router_(std::move(router)),
    preagg_(settings_.windows, router_.key_groups()),
    lookup_backoff_(settings_.lookup_backoff_initial_ms,
                    settings_.lookup_backoff_max_ms) {
  // nop
}

void builtin_source_stage::set_wall_clock(int64_t wall_ms) {
  json_.timestamps().set_wall_clock(wall_ms);
  csv_.timestamps().set_wall_clock(wall_ms);
}

parse_status builtin_source_stage::add(std::string_view payload, bool csv,
                                       event_time partition_watermark,
                                       event_time& ts) {
  auto status = csv ? csv_.parse(payload, event_) : json_.parse(payload, event_);
  if (!status.ok())
    return status;
  preagg_.add(event_, partition_watermark);
  ts = event_.ts;
  return status;
}

std::vector<pending_category_buys> builtin_source_stage::pending() const {
  std::vector<pending_category_buys> out;
  for (const auto& [category, buys] : unresolved_)
    out.push_back({category, buys});
  return out;
}

void builtin_source_stage::restore_pending(
  const std::vector<pending_category_buys>& unresolved) {
  for (const auto& u : unresolved)
    unresolved_.emplace_back(u.category_id, u.buys);
}

void builtin_source_stage::resolve_categories(
  int64_t now_ms, std::vector<category_partial>& out, source_stats& stats) {
  auto& buys = partials_.category_buys;
  if (!unresolved_.empty()) {
    buys.insert(buys.end(), unresolved_.begin(), unresolved_.end());
    unresolved_.clear();
  }
  if (buys.empty())
    return;
  if (!resolver_) {
    // No dimension table configured: the sub-category id is the name.
    for (const auto& [id, n] : buys)
      out.push_back({std::to_string(id), n});
    buys.clear();
    return;
  }
  if (now_ms < lookup_retry_at_ms_) {
    unresolved_.swap(buys);
    buys.clear();
    stats.unresolved_buys = 0;
    for (const auto& [id, n] : unresolved_)
      stats.unresolved_buys += static_cast<uint64_t>(n);
    return;
  }
  std::string error;
  if (resolver_->resolve(buys, now_ms, out, unresolved_, error)) {
    if (stats.lookup_failing)
      spdlog::info("category lookup recovered ({})",
                   resolver_->source().describe());
    stats.lookup_failing = false;
    stats.lookup_error.clear();
    lookup_backoff_.reset();
  } else {
    ++stats.lookup_failures;
    const int64_t delay = lookup_backoff_.next_delay_ms();
    lookup_retry_at_ms_ = now_ms + delay;
    if (!stats.lookup_failing || lookup_backoff_.attempts() % 10 == 0)
      spdlog::warn("category lookup failed, {} category ids wait for a retry "
                   "in {} ms: {}",
                   unresolved_.size(), delay, error);
    stats.lookup_failing = true;
    stats.lookup_error = error;
  }
  buys.clear();
  stats.unresolved_buys = 0;
  for (const auto& [id, n] : unresolved_)
    stats.unresolved_buys += static_cast<uint64_t>(n);
}

void builtin_source_stage::drain(int64_t now_ms,
                                 std::vector<partial_batch>& out,
                                 source_stats& stats) {
  preagg_.drain(partials_);
  std::vector<category_partial> categories;
  resolve_categories(now_ms, categories, stats);
  for (const auto& p : partials_.uv) {
    stats.users_sent += p.both.size() + p.tumbling_only.size()
                        + p.daily_only.size();
    stats.user_id_bytes += encoded_user_ids_size(p.both.ids)
                           + encoded_user_ids_size(p.tumbling_only.ids)
                           + encoded_user_ids_size(p.daily_only.ids);
  }
  router_.route(partials_.hourly, partials_.uv, categories, out);
  partials_.hourly.clear();
  partials_.uv.clear();
  for (const auto& batch : out)
    stats.partials_sent += batch.hourly.size() + batch.uv.size()
                           + batch.categories.size();
}

} // namespace ubaflow
