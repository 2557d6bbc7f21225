#include "worker/source/source_actor.hpp"

#include "common/cluster/trusted_nodes.hpp"
#include "common/metrics/metric_probe.hpp"
#include "common/protocol/reject_reason.hpp"
#include "common/protocol/type_ids.hpp"
#include "common/protocol/validation.hpp"
#include "common/util/clock.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace ubaflow {

namespace {

struct source_state {
  source_task_factory make_task;
  uint32_t index = 0;
  std::unique_ptr<source_task> task;
  std::vector<owner_actor> owners;
  job_master_actor coordinator;
  source_actor_settings settings;
  std::vector<uint64_t> in_flight; ///< per owner
  std::vector<partial_batch> outbox;
  bool paused = false;
  int64_t paused_since_ms = 0;
  uint64_t backpressured_ms = 0;
  bool finished = false;
  std::shared_ptr<const trusted_nodes> trust;
  metric_probe probe; ///< labelled source="<index>"

  static inline const char* name = "ubaflow.source";
};

using source_actor_type = source_actor::stateful_base<source_state>;

bool saturated(const source_state& st) {
  for (auto n : st.in_flight)
    if (n >= st.settings.max_in_flight)
      return true;
  return false;
}

void resume_if_possible(source_actor_type* self) {
  auto& st = self->state;
  if (st.paused && !saturated(st)) {
    st.paused = false;
    st.backpressured_ms += static_cast<uint64_t>(steady_now_ms()
                                                 - st.paused_since_ms);
    self->send(self, poll_atom_v);
  }
}

void send_batches(source_actor_type* self) {
  auto& st = self->state;
  for (size_t owner = 0; owner < st.outbox.size(); ++owner) {
    auto& batch = st.outbox[owner];
    if (batch.sequence == 0)
      continue; // nothing new for this owner
    ++st.in_flight[owner];
    self->request(st.owners[owner], caf::infinite, std::move(batch))
      .then(
        [self, owner](ack_atom) {
          --self->state.in_flight[owner];
          resume_if_possible(self);
        },
        [self](const caf::error& err) {
          spdlog::error("source {}: owner failed to take a batch: {}",
                        self->state.task->reader().describe(),
                        self->system().render(err));
          self->quit(err);
        });
  }
  st.outbox.clear();
}

/// The source's metrics as probe samples (labelled source="<index>"),
/// copied from the task's plain counters only when a status is asked for.
std::vector<metric_sample> probe_samples(source_state& st,
                                         uint64_t backpressured_ms) {
  auto& task = *st.task;
  const auto& stats = task.stats();
  auto& probe = st.probe;
  const auto& rejects = task.rejects().by_reason;
  for (size_t r = 1; r < rejects.size(); ++r) // 0: none
    probe.publish("ubaflow_records_rejected_total",
                  static_cast<double>(rejects[r]),
                  {{"reason", to_string(static_cast<reject_reason>(r))}});
  probe.publish("ubaflow_lookup_failures_total",
                static_cast<double>(stats.lookup_failures));
  probe.publish("ubaflow_exchange_bytes_total",
                static_cast<double>(stats.exchange_bytes));
  probe.publish("ubaflow_exchange_batches_total",
                static_cast<double>(stats.batches_sent));
  const auto health = task.reader().health();
  probe.publish("ubaflow_kafka_brokers_down",
                health && health->brokers_down ? 1 : 0);
  if (health && health->brokers_up >= 0)
    probe.publish("ubaflow_kafka_brokers_up", health->brokers_up);
  probe.publish("ubaflow_source_backpressured_seconds_total",
                static_cast<double>(backpressured_ms) / 1000.0);
  // A SQL job's late records by query; at most max_late_queries of them,
  // so that a script of many INSERTs keeps its status within the bound the
  // job master checks (the total is in the status either way).
  constexpr size_t max_late_queries = 64;
  const auto late = task.late_by_query();
  for (size_t q = 0; q < late.size() && q < max_late_queries; ++q)
    probe.publish("ubaflow_late_records_total",
                  static_cast<double>(late[q].records),
                  {{"query", late[q].query},
                   {"sink", late[q].sink.substr(0, max_sample_text_bytes)}});
  return probe.take();
}

source_status make_status(source_actor_type* self) {
  auto& st = self->state;
  source_status s;
  s.index = st.index;
  if (!st.task)
    return s; // not started yet
  auto& task = *st.task;
  const auto& stats = task.stats();
  s.description = task.reader().describe().substr(0, max_status_text_bytes);
  s.records_in = stats.records_in;
  s.bytes_in = stats.bytes_in;
  s.accepted = stats.accepted;
  s.rejects_by_reason.assign(task.rejects().by_reason.begin(),
                             task.rejects().by_reason.end());
  s.late_records = task.late_records();
  s.batches_sent = stats.batches_sent;
  s.busy_ms = stats.busy_us / 1000;
  s.backpressured_ms = st.backpressured_ms
                       + (st.paused ? static_cast<uint64_t>(
                            steady_now_ms() - st.paused_since_ms)
                                    : 0);
  const auto progress = task.progress(steady_now_ms());
  s.watermark = progress.watermark;
  s.idle = progress.idle;
  s.done = task.done();
  // Bounded as the job master's check_status expects.
  s.lookup_error = stats.lookup_error.substr(0, max_status_text_bytes);
  for (const auto& p : task.reader().positions())
    s.partitions.push_back({p.partition, p.next_offset, p.end_offset,
                            min_event_time, false, p.finished});
  s.samples = probe_samples(st, s.backpressured_ms);
  return s;
}

/// Creates the task on first use; reports a failure to the coordinator.
bool ensure_task(source_actor_type* self) {
  auto& st = self->state;
  if (st.task)
    return true;
  std::string error;
  st.task = st.make_task(error);
  if (st.task)
    return true;
  spdlog::error("source task {} cannot start: {}", st.index, error);
  self->send(st.coordinator, failed_atom_v, error);
  self->quit(caf::sec::runtime_error);
  return false;
}

void commit_offsets(source_actor_type* self,
                    std::vector<partition_position> positions, bool async) {
  auto& reader = self->state.task->reader();
  std::string error;
  if (!reader.commit(positions, error, async))
    spdlog::warn("source {}: {}", reader.describe(), error);
}

source_actor::behavior_type
source_behavior(source_actor_type* self, source_task_factory make_task,
                uint32_t index, std::vector<owner_actor> owners,
                job_master_actor coordinator,
                source_actor_settings settings,
                std::shared_ptr<const trusted_nodes> trust) {
  auto& setup = self->state;
  setup.trust = std::move(trust);
  setup.make_task = std::move(make_task);
  setup.index = index;
  setup.probe = metric_probe{{{"source", std::to_string(index)}}};
  setup.owners = std::move(owners);
  setup.coordinator = std::move(coordinator);
  setup.settings = settings;
  setup.in_flight.assign(setup.owners.size(), 0);
  self->send(self, poll_atom_v);
  return {
    [self](poll_atom) {
      if (!admit(self, sender_class::self, nullptr, "a poll tick"))
        return;
      auto& st = self->state;
      if (st.finished || st.paused)
        return;
      if (!ensure_task(self))
        return;
      auto& task = *st.task;
      const bool ended_before = task.input_ended();
      if (!task.step(st.settings.poll_timeout_ms, steady_now_ms())) {
        spdlog::error("source {} failed: {}", task.reader().describe(),
                      task.error());
        self->send(st.coordinator, failed_atom_v, task.error());
        self->quit(caf::sec::runtime_error);
        return;
      }
      const int64_t now = steady_now_ms();
      if (task.flush_due(now)) {
        task.flush(now, st.outbox);
        send_batches(self);
      }
      if (task.done()) {
        st.finished = true;
        spdlog::info("source {} reached the end of its input",
                     task.reader().describe());
        self->send(st.coordinator, done_atom_v, make_status(self));
        return;
      }
      if (saturated(st)) {
        st.paused = true;
        st.paused_since_ms = now;
      } else if (ended_before || task.waiting()) {
        // Input over, final flush waiting for the lookup; or the stage
        // waiting for its dimensions before it reads: poll gently.
        self->delayed_send(self, std::chrono::milliseconds(100), poll_atom_v);
      } else {
        self->send(self, poll_atom_v);
      }
    },
    [self](drain_atom) {
      auto& st = self->state;
      if (!admit(self, sender_class::master, st.trust.get(), "a drain request"))
        return;
      if (!st.task) {
        // Not started yet: drain right after starting.
        self->send(self, drain_atom_v);
        return;
      }
      spdlog::info("source {}: draining to the current end of its input",
                   st.task->reader().describe());
      st.task->drain();
    },
    [self](status_atom) -> caf::result<source_status> {
      if (!admit(self, sender_class::master, self->state.trust.get(),
                 "a status request"))
        return caf::make_error(cluster_error::wrong_sender, "no status here");
      return make_status(self);
    },
    [self](checkpoint_atom, uint64_t id) -> caf::result<source_checkpoint> {
      if (!admit(self, sender_class::master, self->state.trust.get(),
                 "a checkpoint barrier"))
        return caf::make_error(cluster_error::wrong_sender,
                               "only the job master takes checkpoints");
      // The barrier goes out behind everything read so far, to every
      // owner at once, so that alignment never waits on a paused source.
      if (!ensure_task(self))
        return caf::sec::runtime_error;
      auto& st = self->state;
      auto part = st.task->checkpoint(id, steady_now_ms(), st.outbox);
      send_batches(self); // the barrier passes either way
      if (!st.task->restorable(part))
        return caf::make_error(caf::sec::runtime_error,
                               "a partition's start position is not known "
                               "yet (first fetch pending)");
      return part;
    },
    [self](commit_atom, const std::vector<partition_checkpoint>& parts) {
      // A checkpoint completed: record its positions in the consumer group,
      // for lag tools and startup-mode=group-offsets.
      if (!admit(self, sender_class::master, self->state.trust.get(),
                 "an offset commit"))
        return;
      if (!self->state.task)
        return;
      std::vector<partition_position> positions;
      for (const auto& p : parts)
        for (auto id : self->state.task->reader().partitions())
          if (id == p.partition && p.next_offset >= 0)
            positions.push_back({p.partition, p.next_offset, -1, p.finished});
      if (!positions.empty())
        commit_offsets(self, std::move(positions), true);
    },
    [self](commit_atom) -> caf::result<ack_atom> {
      // The job's results are written: record the positions in the
      // consumer group, for lag tools and startup-mode=group-offsets.
      if (!admit(self, sender_class::master, self->state.trust.get(),
                 "an offset commit"))
        return caf::make_error(cluster_error::wrong_sender, "master only");
      if (self->state.task)
        commit_offsets(self, self->state.task->reader().positions(), false);
      return ack_atom_v;
    },
  };
}

} // namespace

source_actor spawn_source_actor(caf::actor_system& system,
                                source_task_factory make_task, uint32_t index,
                                std::vector<owner_actor> owners,
                                job_master_actor coordinator,
                                source_actor_settings settings,
                                std::shared_ptr<const trusted_nodes> trust) {
  return system.spawn<caf::detached>(source_behavior, std::move(make_task),
                                     index, std::move(owners),
                                     std::move(coordinator), settings,
                                     std::move(trust));
}

} // namespace ubaflow
