#include "worker/sink/sink_actor.hpp"

#include "common/cluster/trusted_nodes.hpp"
#include "common/metrics/metric_probe.hpp"
#include "common/protocol/type_ids.hpp"
#include "common/protocol/validation.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <map>

namespace ubaflow {

namespace {

struct sink_state {
  std::shared_ptr<result_writer> writer;
  size_t producers = 0;
  size_t producers_left = 0;
  /// Barriers received per checkpoint; once every producer's is in, the
  /// checkpoint waits for everything before it to be written.
  std::map<uint64_t, size_t> barriers;
  std::vector<uint64_t> awaiting_flush;
  std::chrono::milliseconds interval{1000};
  job_master_actor coordinator;
  bool mirror = false;
  std::set<std::string> unmirrored; ///< indices not mirrored
  bool retry_pending = false;
  bool stopping = false;
  bool reported = false;
  uint32_t failures_in_a_row = 0;
  std::shared_ptr<const trusted_nodes> trust;
  metric_probe probe; ///< labelled sink="<name>"

  static inline const char* name = "ubaflow.sink";
};

using sink_self = sink_actor::stateful_base<sink_state>;

/// The sink's metrics as probe samples, copied from the writer's plain
/// counters only when a status is asked for.
std::vector<metric_sample> probe_samples(sink_state& st) {
  const auto& stats = st.writer->stats();
  auto& probe = st.probe;
  auto publish = [&](const char* metric, double value) {
    probe.publish(metric, value);
  };
  publish("ubaflow_sink_rows_written_total",
          static_cast<double>(stats.rows_written));
  publish("ubaflow_sink_rows_refused_total",
          static_cast<double>(stats.rows_rejected));
  publish("ubaflow_sink_requests_total", static_cast<double>(stats.requests));
  publish("ubaflow_sink_request_failures_total",
          static_cast<double>(stats.request_failures));
  publish("ubaflow_sink_item_retries_total",
          static_cast<double>(stats.item_retries));
  publish("ubaflow_sink_last_request_latency_seconds",
          stats.last_latency_ms / 1000.0);
  publish("ubaflow_sink_healthy", stats.healthy ? 1 : 0);
  return probe.take();
}

sink_status make_status(sink_self* self) {
  const auto& w = *self->state.writer;
  const auto& stats = w.stats();
  sink_status s;
  s.name = w.name();
  s.rows_in = stats.rows_in;
  s.rows_written = stats.rows_written;
  s.rows_coalesced = stats.rows_coalesced;
  s.rows_rejected = stats.rows_rejected;
  s.healthy = stats.healthy;
  // Bounded as the job master's check_status expects.
  s.last_error = stats.last_error.substr(0, max_status_text_bytes);
  s.done = self->state.reported;
  s.samples = probe_samples(self->state);
  return s;
}

void maybe_finish(sink_self* self) {
  auto& st = self->state;
  if (st.reported || !st.writer->drained()
      || (st.producers_left > 0 && !st.stopping))
    return;
  st.reported = true;
  spdlog::info("sink {}: all results written ({} rows)", st.writer->name(),
               st.writer->stats().rows_written);
  self->send(st.coordinator, done_atom_v, make_status(self));
}

/// Acknowledges the checkpoints whose rows are all written.
void acknowledge_checkpoints(sink_self* self) {
  auto& st = self->state;
  if (st.awaiting_flush.empty() || !st.writer->drained())
    return;
  for (auto id : st.awaiting_flush)
    self->send(st.coordinator, checkpoint_atom_v, ack_atom_v, id);
  st.awaiting_flush.clear();
}

void flush_now(sink_self* self) {
  auto& st = self->state;
  if (st.retry_pending)
    return;
  for (;;) {
    auto status = st.writer->flush();
    if (status == flush_status::more)
      continue;
    if (status == flush_status::failed) {
      const int64_t delay = st.writer->retry_delay_ms();
      if (st.failures_in_a_row++ % 10 == 0)
        spdlog::warn("sink {}: write failed ({}); retrying in {} ms",
                     st.writer->name(), st.writer->stats().last_error, delay);
      st.retry_pending = true;
      self->delayed_send(self, std::chrono::milliseconds(delay), retry_atom_v);
      return;
    }
    if (st.failures_in_a_row > 0)
      spdlog::info("sink {}: writing again after {} failed attempt(s)",
                   st.writer->name(), st.failures_in_a_row);
    st.failures_in_a_row = 0;
    break;
  }
  acknowledge_checkpoints(self);
  maybe_finish(self);
}

sink_actor::behavior_type
sink_behavior(sink_self* self, std::shared_ptr<result_writer> writer,
              size_t producers, int64_t flush_interval_ms,
              job_master_actor coordinator, bool mirror,
              std::shared_ptr<const trusted_nodes> trust,
              std::set<std::string> unmirrored) {
  auto& setup = self->state;
  setup.trust = std::move(trust);
  setup.mirror = mirror;
  setup.unmirrored = std::move(unmirrored);
  setup.writer = std::move(writer);
  setup.probe = metric_probe{{{"sink", setup.writer->name()}}};
  setup.producers = producers;
  setup.producers_left = producers;
  setup.interval = std::chrono::milliseconds(flush_interval_ms);
  setup.coordinator = std::move(coordinator);
  std::string error;
  if (!setup.writer->prepare(error))
    spdlog::warn("sink {}: not ready yet ({}); will retry",
                 setup.writer->name(), error);
  self->delayed_send(self, setup.interval, flush_atom_v);
  return {
    [self](std::vector<result_row>& rows) {
      auto& st = self->state;
      if (!admit(self, sender_class::member, st.trust.get(), "result rows"))
        return;
      if (auto problem = check_rows(rows)) {
        refuse_invalid(self, *problem);
        return;
      }
      if (st.mirror && st.unmirrored.empty()) {
        self->send(st.coordinator, results_atom_v, rows);
      } else if (st.mirror) {
        std::vector<result_row> mirrored;
        for (const auto& row : rows)
          if (!st.unmirrored.count(row.index))
            mirrored.push_back(row);
        if (!mirrored.empty())
          self->send(st.coordinator, results_atom_v, std::move(mirrored));
      }
      st.writer->add(std::move(rows));
      if (st.writer->wants_flush())
        flush_now(self);
    },
    [self](flush_atom) {
      if (!admit(self, sender_class::self, nullptr, "a flush tick"))
        return;
      flush_now(self);
      self->delayed_send(self, self->state.interval, flush_atom_v);
    },
    [self](retry_atom) {
      if (!admit(self, sender_class::self, nullptr, "a retry tick"))
        return;
      self->state.retry_pending = false;
      flush_now(self);
    },
    [self](end_atom) {
      auto& st = self->state;
      if (!admit(self, sender_class::member, st.trust.get(), "a producer's end"))
        return;
      if (st.producers_left > 0)
        --st.producers_left;
      if (st.producers_left == 0)
        flush_now(self);
    },
    [self](checkpoint_atom, uint64_t id) {
      auto& st = self->state;
      if (!admit(self, sender_class::member, st.trust.get(), "a barrier"))
        return;
      if (++st.barriers[id] < st.producers) {
        // Barriers of abandoned checkpoints never complete: keep a few.
        while (st.barriers.size() > 16)
          st.barriers.erase(st.barriers.begin());
        return;
      }
      st.barriers.erase(id);
      st.awaiting_flush.push_back(id);
      flush_now(self);
    },
    [self](stop_atom) {
      if (!admit(self, sender_class::master, self->state.trust.get(),
                 "a stop request"))
        return;
      self->state.stopping = true;
      flush_now(self);
    },
    [self](status_atom) -> caf::result<sink_status> {
      if (!admit(self, sender_class::master, self->state.trust.get(),
                 "a status request"))
        return caf::make_error(cluster_error::wrong_sender, "no status here");
      return make_status(self);
    },
  };
}

} // namespace

sink_actor spawn_sink_actor(caf::actor_system& system,
                            std::shared_ptr<result_writer> writer,
                            size_t producers, int64_t flush_interval_ms,
                            job_master_actor coordinator, bool mirror,
                            std::shared_ptr<const trusted_nodes> trust,
                            std::set<std::string> unmirrored) {
  return system.spawn<caf::detached>(sink_behavior, std::move(writer),
                                     producers, flush_interval_ms,
                                     std::move(coordinator), mirror,
                                     std::move(trust), std::move(unmirrored));
}

} // namespace ubaflow
