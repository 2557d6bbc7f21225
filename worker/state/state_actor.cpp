#include "worker/state/state_actor.hpp"

#include "common/cluster/trusted_nodes.hpp"
#include "common/metrics/metric_probe.hpp"
#include "common/protocol/type_ids.hpp"
#include "common/protocol/validation.hpp"
#include "worker/exchange/barrier_aligner.hpp"
#include "worker/state/combiner_logic.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <deque>

namespace ubaflow {

namespace {

/// A batch held back by barrier alignment, with the credit it will return.
struct stashed_batch {
  partial_batch batch;
  caf::typed_response_promise<ack_atom> credit;
};

struct owner_state {
  uint32_t index = 0;
  uint32_t key_group_count = 0;
  std::shared_ptr<owner_logic> state;
  std::vector<sink_actor> sinks;
  combiner_actor combiner;
  job_master_actor coordinator;
  std::chrono::milliseconds category_interval{1000};
  state_output out;
  uint64_t rows_emitted = 0;
  uint64_t busy_us = 0;
  bool ended = false;
  barrier_aligner aligner{0};
  std::deque<stashed_batch> stash;
  std::shared_ptr<const trusted_nodes> trust;
  metric_probe probe; ///< labelled with the owner and its key-group range
  /// Labelled by the key group alone, not the owner, so that a group's
  /// series stays the same when a rescale moves it.
  metric_probe key_group_probe;

  static inline const char* name = "ubaflow.state";
};

using owner_self = owner_actor::stateful_base<owner_state>;

template <class Self>
void send_rows(Self* self, const std::vector<sink_actor>& sinks,
               std::vector<result_row>& rows) {
  if (rows.empty())
    return;
  for (size_t i = 0; i + 1 < sinks.size(); ++i)
    self->send(sinks[i], rows);
  self->send(sinks.back(), std::move(rows));
  rows.clear();
}

/// Takes the stashed messages whose inputs are no longer blocked, in
/// arrival order; a replayed barrier may block an input again.
template <class Item, class InputOf, class Take>
void replay_in_order(std::deque<Item>& stash, const barrier_aligner& aligner,
                     InputOf input_of, Take take) {
  for (bool progressed = true; progressed;) {
    progressed = false;
    for (auto i = stash.begin(); i != stash.end(); ++i) {
      if (aligner.blocked(input_of(*i)))
        continue;
      auto item = std::move(*i);
      stash.erase(i);
      take(item);
      progressed = true;
      break;
    }
  }
}

template <class Self>
void send_barrier(Self* self, const std::vector<sink_actor>& sinks,
                  uint64_t id) {
  for (auto& sink : sinks)
    self->send(sink, checkpoint_atom_v, id);
}

uv_report make_report(owner_self* self) {
  auto& st = self->state;
  uv_report report;
  report.owner = st.index;
  report.slices = std::move(st.out.slices);
  report.progress.range = st.state->range();
  report.progress.watermark = st.state->watermark();
  report.progress.final = st.state->finished();
  return report;
}

void dispatch(owner_self* self) {
  auto& st = self->state;
  st.rows_emitted += st.out.rows.size();
  send_rows(self, st.sinks, st.out.rows);
  if (st.combiner && (!st.out.slices.empty() || st.out.progressed
                      || st.state->finished()))
    self->send(st.combiner, make_report(self));
  st.out.clear();
}

/// Every input delivered barrier `id`: the state is exactly that of the
/// records before the checkpoint. Everything emitted so far is on its way
/// to combiner and sinks, ahead of the barrier.
void complete_alignment(owner_self* self, uint64_t id) {
  auto& st = self->state;
  owner_checkpoint part;
  part.checkpoint = id;
  part.owner = st.index;
  const auto range = st.state->range();
  part.watermark = {range, st.state->watermark()};
  part.groups = st.state->snapshot_groups(st.key_group_count);
  self->send(st.coordinator, std::move(part));
  if (st.combiner) {
    auto report = make_report(self);
    report.barrier = id;
    self->send(st.combiner, std::move(report));
  }
  send_barrier(self, st.sinks, id);
}

/// The owner's metrics as probe samples, copied from its plain counters
/// only when a status is asked for.
std::vector<metric_sample> probe_samples(owner_state& st) {
  const auto range = st.state->range();
  st.probe.publish("ubaflow_state_bytes",
                   static_cast<double>(st.state->state_bytes()));
  st.probe.publish("ubaflow_open_windows",
                   static_cast<double>(st.state->open_windows()));
  auto samples = st.probe.take();
  const auto bytes = st.state->state_bytes_by_group();
  for (size_t g = 0; g < bytes.size(); ++g)
    st.key_group_probe.publish("ubaflow_key_group_state_bytes",
                               static_cast<double>(bytes[g]),
                               {{"key_group", std::to_string(range.first + g)}});
  for (auto& sample : st.key_group_probe.take())
    samples.push_back(std::move(sample));
  return samples;
}

owner_status make_status(owner_self* self) {
  auto& st = self->state;
  owner_status s;
  s.index = st.index;
  s.first_key_group = st.state->range().first;
  s.last_key_group = st.state->range().last;
  s.watermark = st.state->watermark();
  s.batches = st.state->batches();
  s.late_records = st.state->late_records();
  s.rows_emitted = st.rows_emitted;
  s.busy_ms = st.busy_us / 1000;
  s.finished = st.state->finished();
  s.samples = probe_samples(st);
  return s;
}

/// A refused batch that carried a barrier: that checkpoint cannot hold the
/// batch's data, so this owner declines it at once (the coordinator gives
/// it up instead of waiting for its timeout) and stops aligning it (the
/// other inputs are not held back for a barrier that will not come).
void decline_barrier(owner_self* self, const partial_batch& batch,
                     const std::string& why) {
  if (batch.barrier == 0)
    return;
  auto& st = self->state;
  st.aligner.abandon(batch.barrier);
  self->send(st.coordinator, checkpoint_atom_v, failed_atom_v, batch.barrier,
             "owner " + std::to_string(st.index) + " refused a batch: " + why);
}

void take(owner_self* self, const partial_batch& batch) {
  auto& st = self->state;
  const auto busy_from = std::chrono::steady_clock::now();
  std::string problem;
  if (!st.state->merge(batch, st.out, problem)) {
    // Partials that do not decode, or not of this owner's key groups:
    // refused whole, nothing of the batch merged.
    refuse_invalid(self, problem);
    decline_barrier(self, batch, problem);
    return;
  }
  st.busy_us += static_cast<uint64_t>(
    std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - busy_from)
      .count());
  dispatch(self);
  if (st.state->finished() && !st.ended) {
    st.ended = true;
    for (auto& sink : st.sinks)
      self->send(sink, end_atom_v);
    self->send(st.coordinator, done_atom_v, make_status(self));
  }
  if (batch.barrier != 0
      && st.aligner.on_barrier(batch.source, batch.barrier))
    complete_alignment(self, batch.barrier);
}

void replay_stash(owner_self* self) {
  auto& st = self->state;
  replay_in_order(st.stash, st.aligner,
                  [](const stashed_batch& item) { return item.batch.source; },
                  [self](stashed_batch& item) {
                    take(self, item.batch);
                    item.credit.deliver(ack_atom_v);
                  });
}

owner_actor::behavior_type
owner_behavior(owner_self* self, uint32_t index,
               std::shared_ptr<owner_logic> state,
               std::vector<sink_actor> sinks, combiner_actor combiner,
               job_master_actor coordinator, int64_t category_interval_ms,
               uint32_t key_group_count,
               std::shared_ptr<const trusted_nodes> trust) {
  auto& setup = self->state;
  setup.trust = std::move(trust);
  setup.index = index;
  // The key-group range shown inclusive, as in the logs.
  setup.probe = metric_probe{
    {{"owner", std::to_string(index)},
     {"key_groups", std::to_string(state->range().first) + "-"
                      + std::to_string(state->range().last - 1)}}};
  setup.key_group_count = key_group_count;
  setup.aligner = barrier_aligner{state->input_count()};
  setup.state = std::move(state);
  setup.sinks = std::move(sinks);
  setup.combiner = std::move(combiner);
  setup.coordinator = std::move(coordinator);
  setup.category_interval = std::chrono::milliseconds(category_interval_ms);
  self->delayed_send(self, setup.category_interval, emit_atom_v);
  return {
    [self](partial_batch& batch) -> caf::result<ack_atom> {
      auto& st = self->state;
      if (!admit(self, sender_class::member, st.trust.get(), "a partial batch"))
        return caf::make_error(cluster_error::wrong_sender, "not a member");
      if (auto problem = check_batch(batch, st.state->input_count(),
                                     st.state->sql_queries())) {
        refuse_invalid(self, *problem);
        decline_barrier(self, batch, *problem);
        if (!st.stash.empty())
          replay_stash(self);
        return caf::make_error(cluster_error::invalid_message, *problem);
      }
      if (st.aligner.blocked(batch.source)) {
        auto credit = self->make_response_promise<ack_atom>();
        st.stash.push_back({std::move(batch), credit});
        return credit;
      }
      take(self, batch);
      if (!st.stash.empty())
        replay_stash(self);
      return ack_atom_v;
    },
    [self](emit_atom) {
      if (!admit(self, sender_class::self, nullptr, "an emit tick"))
        return;
      auto& st = self->state;
      st.state->emit_updates(st.out);
      dispatch(self);
      if (!st.ended)
        self->delayed_send(self, st.category_interval, emit_atom_v);
    },
    [self](status_atom) -> caf::result<owner_status> {
      if (!admit(self, sender_class::master, self->state.trust.get(),
                 "a status request"))
        return caf::make_error(cluster_error::wrong_sender, "no status here");
      return make_status(self);
    },
  };
}

struct combiner_state {
  std::shared_ptr<combiner_logic> combiner;
  std::vector<sink_actor> sinks;
  job_master_actor coordinator;
  std::vector<result_row> rows;
  bool ended = false;
  barrier_aligner aligner{0};
  std::deque<uv_report> stash;
  size_t owners = 0;
  uint32_t key_groups = 0;
  std::shared_ptr<const trusted_nodes> trust;

  static inline const char* name = "ubaflow.combiner";
};

using combiner_self = combiner_actor::stateful_base<combiner_state>;

void take(combiner_self* self, const uv_report& report) {
  auto& st = self->state;
  st.combiner->on_report(report, st.rows);
  send_rows(self, st.sinks, st.rows);
  if (st.combiner->finished() && !st.ended) {
    st.ended = true;
    for (auto& sink : st.sinks)
      self->send(sink, end_atom_v);
  }
  if (report.barrier != 0
      && st.aligner.on_barrier(report.owner, report.barrier)) {
    self->send(st.coordinator,
               combiner_checkpoint{report.barrier, st.combiner->snapshot()});
    send_barrier(self, st.sinks, report.barrier);
  }
}

void replay_stash(combiner_self* self) {
  auto& st = self->state;
  replay_in_order(st.stash, st.aligner,
                  [](const uv_report& report) { return report.owner; },
                  [self](uv_report& report) { take(self, report); });
}

combiner_actor::behavior_type
combiner_behavior(combiner_self* self, std::shared_ptr<combiner_logic> combiner,
                  size_t owners, std::vector<sink_actor> sinks,
                  job_master_actor coordinator,
                  std::shared_ptr<const trusted_nodes> trust) {
  self->state.owners = owners;
  self->state.key_groups = combiner->key_group_count();
  self->state.trust = std::move(trust);
  self->state.combiner = std::move(combiner);
  self->state.sinks = std::move(sinks);
  self->state.coordinator = std::move(coordinator);
  self->state.aligner = barrier_aligner{owners};
  return {
    [self](uv_report& report) {
      auto& st = self->state;
      if (!admit(self, sender_class::member, st.trust.get(), "a UV report"))
        return;
      auto problem = check_report(report, st.owners, st.key_groups);
      if (!problem)
        problem = st.combiner->check(report);
      if (problem) {
        refuse_invalid(self, *problem);
        return;
      }
      if (st.aligner.blocked(report.owner)) {
        st.stash.push_back(std::move(report));
        return;
      }
      take(self, report);
      if (!st.stash.empty())
        replay_stash(self);
    },
    [self](status_atom) -> caf::result<event_time> {
      if (!admit(self, sender_class::master, self->state.trust.get(),
                 "a status request"))
        return caf::make_error(cluster_error::wrong_sender, "no status here");
      return self->state.combiner->watermark();
    },
  };
}

} // namespace

owner_actor spawn_state_actor(caf::actor_system& system, uint32_t index,
                              std::shared_ptr<owner_logic> state,
                              std::vector<sink_actor> sinks,
                              combiner_actor combiner,
                              job_master_actor coordinator,
                              int64_t category_interval_ms,
                              uint32_t key_group_count,
                              std::shared_ptr<const trusted_nodes> trust) {
  return system.spawn(owner_behavior, index, std::move(state),
                      std::move(sinks), std::move(combiner),
                      std::move(coordinator), category_interval_ms,
                      key_group_count, std::move(trust));
}

combiner_actor
spawn_combiner_actor(caf::actor_system& system,
                     std::shared_ptr<combiner_logic> combiner, size_t owners,
                     std::vector<sink_actor> sinks,
                     job_master_actor coordinator,
                     std::shared_ptr<const trusted_nodes> trust) {
  return system.spawn(combiner_behavior, std::move(combiner), owners,
                      std::move(sinks), std::move(coordinator),
                      std::move(trust));
}

} // namespace ubaflow
