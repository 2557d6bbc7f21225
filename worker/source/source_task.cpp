#include "worker/source/source_task.hpp"

#include "common/util/clock.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace ubaflow {

source_task::source_task(source_task_settings settings,
                         std::unique_ptr<record_reader> reader,
                         std::unique_ptr<source_stage> stage, size_t owners,
                         std::unique_ptr<dead_letter_producer> dead_letters)
  : settings_(std::move(settings)),
    reader_(std::move(reader)),
    stage_(std::move(stage)),
    owners_(owners),
    dead_letters_(std::move(dead_letters)),
    watermarks_(settings_.watermark_delay_ms, settings_.idle_timeout_ms),
    last_sent_(owners),
    sequence_(owners, 0) {
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
  stage_->set_wall_clock(wall_now_ms());
  const auto& partitions = reader_->partitions();
  const auto& formats = settings_.formats;
  uint32_t last_touched = UINT32_MAX;
  const bool origins = stage_->wants_record_origin();
  for (const auto& record : batch_.records) {
    stats_.bytes_in += record.payload.size();
    const bool csv = record.slot < formats.size()
                     && formats[record.slot] == record_format::csv;
    if (csv && record.offset == 1 && stage_->is_csv_header(record.payload))
      continue;
    const bool too_large = record.truncated
                           || record.payload.size() > settings_.max_record_bytes;
    event_time ts = min_event_time;
    if (origins) // the job's partition id, as a checkpoint names it
      stage_->set_record_origin(record.slot < settings_.partitions.size()
                                  ? settings_.partitions[record.slot]
                                  : partitions[record.slot],
                                record.offset);
    auto status = too_large
                    ? parse_status{reject_reason::record_too_large,
                                   "the whole record"}
                    : stage_->add(record.payload, csv,
                                  watermarks_.partition_watermark(record.slot),
                                  ts);
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
    watermarks_.observe(record.slot, ts);
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
  waiting_ = !stage_->ready(now_ms, stats_);
  if (waiting_) {
    // Nothing read: the caller polls again a little later. The partitions
    // are not idle meanwhile (their records wait, unread): other sources'
    // watermarks must not pass them, or their records would come late.
    for (size_t slot = 0; slot < watermarks_.slot_count(); ++slot)
      watermarks_.touch(slot, now_ms);
    return true;
  }
  if (!reader_->read(batch_, settings_.read_batch, timeout_ms))
    return false;
  const uint64_t before = stage_->accepted();
  const auto busy_from = std::chrono::steady_clock::now();
  process(now_ms);
  stats_.busy_us += static_cast<uint64_t>(
    std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - busy_from)
      .count());
  stats_.accepted += stage_->accepted() - before;
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
         || stage_->buffers_full()
         || input_ended();
}

void source_task::restore(
  const std::vector<partition_checkpoint>& partitions) {
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
  out.assign(owners_, partial_batch{});
  last_flush_ms_ = now_ms;
  ++stats_.flushes;
  stage_->drain(now_ms, out, stats_);

  const source_progress progress = watermarks_.progress(now_ms);
  const bool end = progress.finished;
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
  }
  if (end) {
    done_ = true;
    if (dead_letters_)
      dead_letters_->flush(5'000);
  }
}

} // namespace ubaflow
