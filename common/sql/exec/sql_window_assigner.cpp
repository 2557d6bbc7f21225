#include "common/sql/exec/sql_window_assigner.hpp"

#include "common/time/event_time.hpp"

namespace ubaflow {

sql_window_assigner::sql_window_assigner(const bound_window& window, time_zone zone)
  : kind_(window.kind),
    size_ms_(window.size_ms),
    step_ms_(window.step_ms > 0 ? window.step_ms : window.size_ms),
    instants_(window.time_column.type.kind == data_type_kind::timestamp_ltz),
    zone_(std::move(zone)) {
  // The binder guarantees positive sizes with size a multiple of the step;
  // guard anyway so that a hand-built window cannot divide by zero.
  if (size_ms_ <= 0)
    size_ms_ = 1;
  if (step_ms_ <= 0 || step_ms_ > size_ms_)
    step_ms_ = size_ms_;
  if (kind_ == window_kind::tumble)
    step_ms_ = size_ms_;
}

int64_t sql_window_assigner::align(int64_t time, int64_t size) const {
  return align_down(time, size);
}

int64_t sql_window_assigner::period_start(int64_t time) const {
  const int64_t local = instants_ ? zone_.to_local(time) : time;
  const int64_t start = kind_ == window_kind::hop
                          ? align(local, step_ms_, by_step_)
                          : align(local, size_ms_, by_size_);
  return instants_ ? zone_.to_instant(start) : start;
}

sql_window sql_window_assigner::first_window(int64_t time) const {
  const int64_t local = instants_ ? zone_.to_local(time) : time;
  int64_t start = 0;
  int64_t end = 0;
  switch (kind_) {
    case window_kind::tumble:
      start = align(local, size_ms_, by_size_);
      end = start + size_ms_;
      break;
    case window_kind::hop: {
      start = align(local, step_ms_, by_step_);
      while (start - step_ms_ + size_ms_ > local)
        start -= step_ms_;
      end = start + size_ms_;
      break;
    }
    case window_kind::cumulate:
      start = align(local, size_ms_, by_size_);
      end = align(local, step_ms_, by_step_) + step_ms_;
      break;
  }
  if (instants_)
    return {zone_.to_instant(start), zone_.to_instant(end)};
  return {start, end};
}

void sql_window_assigner::assign(int64_t time, std::vector<sql_window>& out) const {
  // Windows are computed on the wall clock (local millis) and, for an
  // LTZ column, each bound is turned back into an instant.
  const int64_t local = instants_ ? zone_.to_local(time) : time;
  auto emit = [&](int64_t start, int64_t end) {
    if (instants_)
      out.push_back({zone_.to_instant(start), zone_.to_instant(end)});
    else
      out.push_back({start, end});
  };
  switch (kind_) {
    case window_kind::tumble: {
      const int64_t start = align(local, size_ms_, by_size_);
      emit(start, start + size_ms_);
      return;
    }
    case window_kind::hop: {
      // The latest window starts at the slide-aligned time at or before
      // the event; earlier ones every slide back while they still reach
      // past it (start + size > time).
      const int64_t last = align(local, step_ms_, by_step_);
      int64_t first = last;
      while (first - step_ms_ + size_ms_ > local)
        first -= step_ms_;
      for (int64_t start = first; start <= last; start += step_ms_)
        emit(start, start + size_ms_);
      return;
    }
    case window_kind::cumulate: {
      // [period, period + step * k) for every k whose end is after the
      // event, up to the period's full size.
      const int64_t period = align(local, size_ms_, by_size_);
      const int64_t first_end = align(local, step_ms_, by_step_) + step_ms_;
      for (int64_t end = first_end; end <= period + size_ms_; end += step_ms_)
        emit(period, end);
      return;
    }
  }
}

} // namespace ubaflow
