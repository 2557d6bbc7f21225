#include "worker/state/state_actor.hpp"

#include "common/protocol/type_ids.hpp"
#include "worker/state/uv_combiner.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace ubaflow {

namespace {

struct owner_state {
  uint32_t index = 0;
  std::shared_ptr<keyed_state> state;
  std::vector<caf::actor> sinks;
  caf::actor combiner;
  caf::actor coordinator;
  std::chrono::milliseconds category_interval{1000};
  state_output out;
  uint64_t rows_emitted = 0;
  bool ended = false;

  static inline const char* name = "ubaflow.state";
};

using owner_actor = caf::stateful_actor<owner_state>;

template <class Self>
void send_rows(Self* self, const std::vector<caf::actor>& sinks,
               std::vector<result_row>& rows) {
  if (rows.empty())
    return;
  for (size_t i = 0; i + 1 < sinks.size(); ++i)
    self->send(sinks[i], rows);
  self->send(sinks.back(), std::move(rows));
  rows.clear();
}

void dispatch(owner_actor* self) {
  auto& st = self->state;
  st.rows_emitted += st.out.rows.size();
  send_rows(self, st.sinks, st.out.rows);
  if (st.combiner && (!st.out.slices.empty() || st.out.progressed
                      || st.state->finished())) {
    uv_report report;
    report.slices = std::move(st.out.slices);
    report.progress.range = st.state->range();
    report.progress.watermark = st.state->watermark();
    report.progress.final = st.state->finished();
    self->send(st.combiner, std::move(report));
  }
  st.out.clear();
}

owner_status make_status(owner_actor* self) {
  auto& st = self->state;
  owner_status s;
  s.index = st.index;
  s.first_key_group = st.state->range().first;
  s.last_key_group = st.state->range().last;
  s.watermark = st.state->watermark();
  s.batches = st.state->batches();
  s.late_records = st.state->late_records();
  s.open_windows = st.state->hourly().open_windows()
                   + st.state->uv().open_windows();
  s.state_bytes = st.state->uv().state_bytes();
  s.rows_emitted = st.rows_emitted;
  s.finished = st.state->finished();
  return s;
}

caf::behavior owner_behavior(owner_actor* self, uint32_t index,
                             std::shared_ptr<keyed_state> state,
                             std::vector<caf::actor> sinks,
                             caf::actor combiner, caf::actor coordinator,
                             int64_t category_interval_ms) {
  auto& setup = self->state;
  setup.index = index;
  setup.state = std::move(state);
  setup.sinks = std::move(sinks);
  setup.combiner = std::move(combiner);
  setup.coordinator = std::move(coordinator);
  setup.category_interval = std::chrono::milliseconds(category_interval_ms);
  self->delayed_send(self, setup.category_interval, emit_atom_v);
  return {
    [self](partial_batch& batch) {
      auto& st = self->state;
      st.state->on_batch(batch, st.out);
      dispatch(self);
      if (st.state->finished() && !st.ended) {
        st.ended = true;
        for (auto& sink : st.sinks)
          self->send(sink, end_atom_v);
        self->send(st.coordinator, done_atom_v, make_status(self));
      }
      return ack_atom_v;
    },
    [self](emit_atom) {
      auto& st = self->state;
      st.state->emit_categories(st.out);
      dispatch(self);
      if (!st.ended)
        self->delayed_send(self, st.category_interval, emit_atom_v);
    },
    [self](status_atom) { return make_status(self); },
  };
}

struct combiner_state {
  std::shared_ptr<uv_combiner> combiner;
  std::vector<caf::actor> sinks;
  std::vector<result_row> rows;
  bool ended = false;

  static inline const char* name = "ubaflow.combiner";
};

caf::behavior combiner_behavior(caf::stateful_actor<combiner_state>* self,
                                std::shared_ptr<uv_combiner> combiner,
                                std::vector<caf::actor> sinks) {
  self->state.combiner = std::move(combiner);
  self->state.sinks = std::move(sinks);
  return {
    [self](uv_report& report) {
      auto& st = self->state;
      st.combiner->on_report(report, st.rows);
      send_rows(self, st.sinks, st.rows);
      if (st.combiner->finished() && !st.ended) {
        st.ended = true;
        for (auto& sink : st.sinks)
          self->send(sink, end_atom_v);
      }
    },
    [self](status_atom) { return self->state.combiner->watermark(); },
  };
}

} // namespace

caf::actor spawn_state_actor(caf::actor_system& system, uint32_t index,
                             std::shared_ptr<keyed_state> state,
                             std::vector<caf::actor> sinks,
                             caf::actor combiner, caf::actor coordinator,
                             int64_t category_interval_ms) {
  return system.spawn(owner_behavior, index, std::move(state),
                      std::move(sinks), std::move(combiner),
                      std::move(coordinator), category_interval_ms);
}

caf::actor spawn_combiner_actor(caf::actor_system& system,
                                std::shared_ptr<uv_combiner> combiner,
                                std::vector<caf::actor> sinks) {
  return system.spawn(combiner_behavior, std::move(combiner),
                      std::move(sinks));
}

} // namespace ubaflow
