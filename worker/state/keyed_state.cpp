#include "worker/state/keyed_state.hpp"

namespace ubaflow {

keyed_state::keyed_state(const window_spec& spec, key_group_range range,
                         size_t input_count, result_formatter format)
  : spec_(spec),
    range_(range),
    format_(std::move(format)),
    watermarks_(input_count),
    hourly_(spec),
    uv_(spec, range) {
  // nop
}

void keyed_state::on_batch(const partial_batch& batch, state_output& out) {
  ++batches_;
  // Partials are merged against the watermark from *before* this batch:
  // the batch's own watermark covers the records folded into it.
  const event_time before = watermark();
  for (const auto& p : batch.hourly)
    hourly_.merge(p, before);
  for (const auto& p : batch.uv)
    uv_.merge(p, before);
  for (const auto& p : batch.categories)
    categories_.merge(p);

  if (watermarks_.update(batch.source, progress_of(batch)))
    out.progressed = true;
  fire(out);
  if (finished())
    emit_categories(out);
}

void keyed_state::fire(state_output& out) {
  const event_time wm = watermark();
  hourly_.advance(wm, format_, out.rows);
  uv_.advance(wm, out.slices);
}

void keyed_state::emit_categories(state_output& out) {
  categories_.emit_changed(format_, out.rows);
}

key_group_snapshot keyed_state::snapshot(key_group group,
                                         uint32_t key_group_count) const {
  key_group_snapshot s;
  s.group = group;
  hourly_.snapshot(group, key_group_count, s.hourly);
  categories_.snapshot(group, key_group_count, s.categories);
  uv_.snapshot(group, s.uv_cells, s.uv_days);
  return s;
}

bool keyed_state::restore(const key_group_snapshot& snapshot) {
  if (!range_.contains(snapshot.group))
    return false;
  hourly_.restore(snapshot.hourly);
  categories_.restore(snapshot.categories);
  return uv_.restore(snapshot.group, snapshot.uv_cells, snapshot.uv_days);
}

} // namespace ubaflow
