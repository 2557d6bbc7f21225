#include "worker/source/source_task.hpp"

#include "common/util/clock.hpp"

#include "common/protocol/user_id_codec.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace ubaflow {

source_task::source_task(source_task_settings settings,
                         std::unique_ptr<record_reader> reader,
                         timestamp_policy policy,
                         std::unique_ptr<category_resolver> resolver,
                         partial_router router,
                         std::unique_ptr<dead_letter_producer> dead_letters)
  : settings_(std::move(settings)),
    reader_(std::move(reader)),
    json_(timestamp_parser{policy}),
    csv_(timestamp_parser{policy}),
    resolver_(std::move(resolver)),
    router_(std::move(router)),
    dead_letters_(std::move(dead_letters)),
    watermarks_(settings_.watermark_delay_ms, settings_.idle_timeout_ms),
    preagg_(settings_.windows, router_.key_groups()),
    lookup_backoff_(settings_.lookup_backoff_initial_ms,
                    settings_.lookup_backoff_max_ms),
    last_sent_(router_.owner_count()),
    sequence_(router_.owner_count(), 0) {
  // nop
}

void source_task::start(int64_t now_ms) {
  // Idleness counts from the start, not from the epoch of the clock.
  for (size_t slot = 0; slot < reader_->partitions().size(); ++slot)
    watermarks_.assign(slot, now_ms,
                       slot < restored_.size() ? restored_[slot].watermark
                                               : min_event_time);
  last_flush_ms_ = now_ms;
  started_ = true;
}

bool source_task::input_ended() const {
  for (size_t slot = 0; slot < watermarks_.slot_count(); ++slot)
    if (!watermarks_.finished(slot))
      return false;
  return true;
}

void source_task::process(int64_t now_ms) {
  // event-time.max-future counts from the wall clock of this batch.
  const int64_t wall = wall_now_ms();
  json_.timestamps().set_wall_clock(wall);
  csv_.timestamps().set_wall_clock(wall);
  user_event event;
  const auto& partitions = reader_->partitions();
  const auto& formats = settings_.formats;
  uint32_t last_touched = UINT32_MAX;
  for (const auto& record : batch_.records) {
    stats_.bytes_in += record.payload.size();
    const bool csv = record.slot < formats.size()
                     && formats[record.slot] == record_format::csv;
    if (csv && record.offset == 1 && csv_event_parser::is_header(record.payload))
      continue;
    const bool too_large = record.truncated
                           || record.payload.size() > settings_.max_record_bytes;
    auto status = too_large ? parse_status{reject_reason::record_too_large,
                                           "the whole record"}
                  : csv     ? csv_.parse(record.payload, event)
                            : json_.parse(record.payload, event);
    if (!status.ok()) {
      rejects_.record(status, record.payload,
                      reader_->slot_name(record.slot) + "@"
                        + std::to_string(record.offset),
                      now_ms);
      if (dead_letters_)
        dead_letters_->send(record.payload.substr(0, settings_.max_record_bytes),
                            status, settings_.topic, partitions[record.slot],
                            record.offset);
      continue;
    }
    preagg_.add(event, watermarks_.partition_watermark(record.slot));
    watermarks_.observe(record.slot, event.ts);
    if (record.slot != last_touched) {
      watermarks_.touch(record.slot, now_ms);
      last_touched = record.slot;
    }
  }
  stats_.records_in += batch_.records.size();
}

bool source_task::step(int timeout_ms, int64_t now_ms) {
  if (!started_)
    start(now_ms);
  if (input_ended())
    return true;
  if (!reader_->read(batch_, settings_.read_batch, timeout_ms))
    return false;
  const uint64_t before = preagg_.records();
  const auto busy_from = std::chrono::steady_clock::now();
  process(now_ms);
  stats_.busy_us += static_cast<uint64_t>(
    std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - busy_from)
      .count());
  stats_.accepted += preagg_.records() - before;
  for (auto slot : batch_.finished_slots)
    watermarks_.finish(slot);
  if (dead_letters_)
    dead_letters_->poll();
  return true;
}

bool source_task::flush_due(int64_t now_ms) const {
  if (done_)
    return false;
  return now_ms - last_flush_ms_ >= settings_.flush_interval_ms
         || preagg_.buffered_users() >= settings_.max_buffered_users
         || input_ended();
}

void source_task::resolve_categories(int64_t now_ms,
                                     std::vector<category_partial>& out) {
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
    stats_.unresolved_buys = 0;
    for (const auto& [id, n] : unresolved_)
      stats_.unresolved_buys += static_cast<uint64_t>(n);
    return;
  }
  std::string error;
  if (resolver_->resolve(buys, now_ms, out, unresolved_, error)) {
    if (stats_.lookup_failing)
      spdlog::info("category lookup recovered ({})",
                   resolver_->source().describe());
    stats_.lookup_failing = false;
    stats_.lookup_error.clear();
    lookup_backoff_.reset();
  } else {
    ++stats_.lookup_failures;
    const int64_t delay = lookup_backoff_.next_delay_ms();
    lookup_retry_at_ms_ = now_ms + delay;
    if (!stats_.lookup_failing || lookup_backoff_.attempts() % 10 == 0)
      spdlog::warn("category lookup failed, {} category ids wait for a retry "
                   "in {} ms: {}",
                   unresolved_.size(), delay, error);
    stats_.lookup_failing = true;
    stats_.lookup_error = error;
  }
  buys.clear();
  stats_.unresolved_buys = 0;
  for (const auto& [id, n] : unresolved_)
    stats_.unresolved_buys += static_cast<uint64_t>(n);
}

void source_task::restore(
  const std::vector<partition_checkpoint>& partitions,
  const std::vector<pending_category_buys>& unresolved) {
  restored_.assign(reader_->partitions().size(), partition_checkpoint{});
  for (size_t slot = 0; slot < restored_.size(); ++slot) {
    const int32_t id = slot < settings_.partitions.size()
                         ? settings_.partitions[slot]
                         : reader_->partitions()[slot];
    restored_[slot].partition = id;
    for (const auto& p : partitions)
      if (p.partition == id)
        restored_[slot] = p;
  }
  for (const auto& u : unresolved)
    unresolved_.emplace_back(u.category_id, u.buys);
}

source_checkpoint source_task::checkpoint(uint64_t id, int64_t now_ms,
                                          std::vector<partial_batch>& out) {
  if (!started_)
    start(now_ms);
  flush(now_ms, out, true);
  for (auto& batch : out)
    batch.barrier = id;
  source_checkpoint part;
  part.checkpoint = id;
  part.source = settings_.source_index;
  const auto positions = reader_->positions();
  for (size_t slot = 0; slot < positions.size(); ++slot) {
    partition_checkpoint p;
    p.partition = slot < settings_.partitions.size()
                    ? settings_.partitions[slot]
                    : positions[slot].partition;
    // A reader that has not read a restored partition yet knows no
    // position of its own: the restored one still holds.
    p.next_offset = positions[slot].next_offset;
    if (slot < restored_.size())
      p.next_offset = std::max(p.next_offset, restored_[slot].next_offset);
    p.watermark = watermarks_.partition_watermark(slot);
    p.finished = watermarks_.finished(slot);
    part.partitions.push_back(p);
  }
  for (const auto& [category, buys] : unresolved_)
    part.unresolved.push_back({category, buys});
  return part;
}

bool source_task::restorable(const source_checkpoint& part) const {
  if (reader_->unread_start_is_stable())
    return true;
  for (const auto& p : part.partitions)
    if (p.next_offset < 0)
      return false;
  return true;
}

void source_task::flush(int64_t now_ms, std::vector<partial_batch>& out,
                        bool force) {
  const auto busy_from = std::chrono::steady_clock::now();
  flush_partials(now_ms, out, force);
  stats_.busy_us += static_cast<uint64_t>(
    std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - busy_from)
      .count());
}

void source_task::flush_partials(int64_t now_ms,
                                 std::vector<partial_batch>& out, bool force) {
  out.assign(router_.owner_count(), partial_batch{});
  last_flush_ms_ = now_ms;
  ++stats_.flushes;
  preagg_.drain(partials_);
  std::vector<category_partial> categories;
  resolve_categories(now_ms, categories);
  for (const auto& p : partials_.uv) {
    stats_.users_sent += p.both.size() + p.tumbling_only.size()
                         + p.daily_only.size();
    stats_.user_id_bytes += encoded_user_ids_size(p.both.ids)
                            + encoded_user_ids_size(p.tumbling_only.ids)
                            + encoded_user_ids_size(p.daily_only.ids);
  }
  router_.route(partials_.hourly, partials_.uv, categories, out);
  partials_.hourly.clear();
  partials_.uv.clear();

  source_progress progress = watermarks_.progress(now_ms);
  // The end of input is only announced once no buys wait for the lookup.
  const bool end = progress.finished && unresolved_.empty();
  if (progress.finished && !end) {
    progress.finished = false;
    progress.watermark = max_event_time - 1;
  }
  for (size_t owner = 0; owner < out.size(); ++owner) {
    auto& batch = out[owner];
    batch.source = settings_.source_index;
    batch.watermark = progress.watermark;
    batch.idle = progress.idle;
    batch.end_of_input = end;
    const auto& last = last_sent_[owner];
    const bool changed = last.watermark != progress.watermark
                         || last.idle != progress.idle
                         || last.finished != end;
    if (!force && !batch.has_data() && !changed) {
      batch = partial_batch{}; // nothing new for this owner
      batch.sequence = 0;
      continue;
    }
    batch.sequence = ++sequence_[owner];
    last_sent_[owner] = {progress.watermark, progress.idle, end};
    ++stats_.batches_sent;
    stats_.partials_sent += batch.hourly.size() + batch.uv.size()
                            + batch.categories.size();
  }
  if (end) {
    done_ = true;
    if (dead_letters_)
      dead_letters_->flush(5'000);
  }
}

} // namespace ubaflow
