#include "worker/preagg/sql_source_stage.hpp"

#include "worker/source/source_task.hpp"

#include <spdlog/spdlog.h>

namespace ubaflow {

sql_source_stage::sql_source_stage(
  std::shared_ptr<const sql_job> job, const time_zone& zone,
  timestamp_policy policy, std::map<uint32_t, std::vector<sql_row>> dimensions,
  uint32_t source_index, std::vector<key_group_range> owners,
  uint32_t key_groups, size_t max_buffered_groups)
  : job_(std::move(job)),
    dimensions_(std::move(dimensions)),
    evaluator_(zone),
    decoder_(job_->script.tables.at(job_->source_table),
             timestamp_parser{policy}, sql_row_layout::table),
    state_(job_->script, job_->plan, job_->source_table, source_index,
           dimensions_, evaluator_, std::move(owners), key_groups),
    max_buffered_groups_(max_buffered_groups) {
  // nop
}

void sql_source_stage::set_wall_clock(int64_t wall_ms) {
  wall_ms_ = wall_ms;
}

parse_status sql_source_stage::add(std::string_view payload, bool csv,
                                   event_time partition_watermark,
                                   event_time& ts) {
  auto status = csv ? decoder_.decode_csv(payload, row_)
                    : decoder_.decode(payload, row_);
  if (!status.ok())
    return status;
  if (auto t = state_.add_table_row(row_, wall_ms_, partition_watermark))
    ts = *t;
  ++accepted_;
  return status;
}

uint64_t sql_source_stage::late_records() const {
  return state_.late_rows(); // summed when asked, not per record
}

std::vector<source_stage::query_late> sql_source_stage::late_by_query() const {
  std::vector<query_late> out;
  for (const auto& [query, records] : state_.late_rows_by_query()) {
    const auto& plan = job_->plan.queries.at(query);
    out.push_back({std::to_string(query + 1),
                   job_->script.tables.at(plan.sink).name, records});
  }
  return out;
}

void sql_source_stage::refresh_dimensions(sql_dimension_refresher::reader read,
                                          int64_t period_ms, int64_t retry_ms,
                                          int64_t retry_max_ms) {
  refresher_ = std::make_unique<sql_dimension_refresher>(
    std::move(read), period_ms, retry_ms, retry_max_ms);
}

void sql_source_stage::await_dimensions(const std::string& why) {
  waiting_ = true;
  waiting_for_ = why;
  if (refresher_)
    refresher_->read_now();
}

bool sql_source_stage::ready(int64_t now_ms, source_stats& stats) {
  if (waiting_) {
    if (!stats.lookup_failing) { // shown from the first poll on
      stats.lookup_failing = true;
      stats.lookup_error = "waiting for the dimensions: " + waiting_for_;
    }
    take_dimensions(now_ms, stats);
  }
  return !waiting_;
}

void sql_source_stage::take_dimensions(int64_t now_ms, source_stats& stats) {
  if (!refresher_)
    return;
  auto read = refresher_->poll(now_ms);
  if (!read)
    return;
  if (read->ok()) {
    for (auto& [table, rows] : read->rows)
      dimensions_[table] = std::move(rows);
    state_.dimensions_changed();
    if (waiting_)
      spdlog::info("the dimensions were read after {} failed attempt(s): "
                   "the source reads its records", stats.lookup_failures + 1);
    else if (stats.lookup_failing)
      spdlog::info("the dimensions were read again after {} failures",
                   stats.lookup_failures);
    waiting_ = false;
    stats.lookup_failing = false;
    stats.lookup_error.clear();
    return;
  }
  ++stats.lookup_failures;
  stats.lookup_failing = true;
  if (waiting_) {
    waiting_for_ = read->error;
    stats.lookup_error = "waiting for the dimensions: " + read->error;
    // Every attempt at first, then every tenth: an outage of hours does
    // not flood the log.
    if (refresher_->failures() <= 5 || refresher_->failures() % 10 == 0)
      spdlog::warn("reading the dimensions failed ({} attempts so far); no "
                   "record is read until they are: {}",
                   stats.lookup_failures + 1, read->error);
    return;
  }
  stats.lookup_error = read->error;
  spdlog::warn("reading the dimensions again failed (the rows read "
               "before stay in use): {}", read->error);
}

void sql_source_stage::drain(int64_t now_ms, std::vector<partial_batch>& out,
                             source_stats& stats) {
  auto batches = state_.flush();
  take_dimensions(now_ms, stats);
  for (size_t o = 0; o < out.size() && o < batches.size(); ++o) {
    auto& partials = batches[o].partials;
    bool any = false;
    for (const auto& p : partials) {
      if (p.empty())
        continue;
      any = true;
      ++stats.partials_sent;
      stats.exchange_bytes += p.size();
    }
    if (any)
      out[o].sql = std::move(partials);
  }
}

} // namespace ubaflow
