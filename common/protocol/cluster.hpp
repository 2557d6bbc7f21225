#pragma once

// Control-plane messages between the coordinator (job manager), the
// workers' task managers and the tasks they host. Data-plane messages are
// in partials.hpp and results.hpp.

#include "common/protocol/checkpoints.hpp"
#include "common/protocol/results.hpp"
#include "common/util/key_groups.hpp"

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ubaflow {

/// A worker introducing itself. `proof` is an HMAC of the cluster id, the
/// worker's name and `challenge` under the cluster secret
/// (common/cluster/join_proof), so the secret itself never crosses the wire
/// and a proof cannot be replayed: the challenge is a fresh one the
/// coordinator handed out for (challenge_atom), good for one proof.
/// `task_manager` is empty in the first exchange (asking for the job's
/// settings) and set, on the sender's own node, in the second (joining).
/// The version of the messages between coordinator and workers. Raised with
/// every change of a message's fields; a worker and a coordinator of
/// different versions refuse each other at join (protocol_mismatch), so a
/// rolling upgrade never mixes them in one job.
constexpr uint32_t cluster_protocol_version = 3;

struct join_request {
  /// First, so that it decodes whatever the rest of the request holds.
  uint32_t protocol = cluster_protocol_version;
  std::string cluster_id;
  std::string worker_name;
  std::string challenge;
  std::string proof;
  std::string host;  ///< where peers reach this worker's data port
  uint16_t port = 0; ///< the worker's published data port
  uint32_t slots = 1;
  caf::actor task_manager;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, join_request& x) {
  return f(caf::meta::type_name("join_request"), x.protocol, x.cluster_id,
           x.worker_name,
           x.challenge, x.proof, x.host, x.port, x.slots, x.task_manager);
}

/// A client (`ubaflow savepoint`) asking the coordinator for a savepoint,
/// with the same proof of the cluster secret (over a fresh challenge) as a
/// joining worker. Answered with the savepoint file's path.
struct savepoint_request {
  std::string cluster_id;
  std::string client_name;
  std::string challenge;
  std::string proof;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, savepoint_request& x) {
  return f(caf::meta::type_name("savepoint_request"), x.cluster_id,
           x.client_name, x.challenge, x.proof);
}

/// The coordinator's answer: the worker's id in this cluster and the job's
/// non-secret settings as "key=value" lines (secrets stay on each node).
struct join_reply {
  uint32_t worker_id = 0;
  std::vector<std::string> job_settings;
  int64_t heartbeat_ms = 1000; ///< how often the worker reports
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, join_reply& x) {
  return f(caf::meta::type_name("join_reply"), x.worker_id, x.job_settings,
           x.heartbeat_ms);
}

/// Where a worker's task manager listens for its peers.
struct peer_address {
  std::string host;
  uint16_t port = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_address& x) {
  return f(caf::meta::type_name("peer_address"), x.host, x.port);
}

/// Every worker of the cluster; a task manager opens a direct connection
/// to each before tasks are deployed, so partials flow worker to worker.
struct peer_list {
  std::vector<peer_address> peers;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_list& x) {
  return f(caf::meta::type_name("peer_list"), x.peers);
}

/// Deploy the sink subtasks (one per configured output) on a worker.
/// Answered with the sinks' handles.
struct sink_deployment {
  uint32_t producers = 0; ///< end_atom senders each sink waits for
  caf::actor coordinator;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sink_deployment& x) {
  return f(caf::meta::type_name("sink_deployment"), x.producers,
           x.coordinator);
}

/// Deploy the UV combiner. Answered with its handle.
struct combiner_deployment {
  std::vector<key_group_range> owner_ranges;
  std::vector<caf::actor> sinks;
  caf::actor coordinator;
  std::vector<combiner_snapshot> restore; ///< at most one
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, combiner_deployment& x) {
  return f(caf::meta::type_name("combiner_deployment"), x.owner_ranges,
           x.sinks, x.coordinator, x.restore);
}

/// Deploy one keyed-state owner (window/aggregate subtask).
struct owner_deployment {
  uint32_t index = 0;
  key_group_range range;
  uint32_t inputs = 0; ///< source subtasks that feed it
  std::vector<caf::actor> sinks;
  caf::actor combiner;
  caf::actor coordinator;
  std::vector<key_group_snapshot> restore; ///< key groups of `range`
  event_time restore_watermark = min_event_time;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, owner_deployment& x) {
  return f(caf::meta::type_name("owner_deployment"), x.index, x.range,
           x.inputs, x.sinks, x.combiner, x.coordinator, x.restore,
           x.restore_watermark);
}

/// Deploy one source subtask reading `partitions`.
struct source_deployment {
  uint32_t index = 0;
  std::vector<int32_t> partitions;
  std::vector<key_group_range> owner_ranges;
  std::vector<caf::actor> owners;
  caf::actor coordinator;
  /// From a checkpoint: where each restored partition continues (others
  /// start as kafka.startup-mode says).
  std::vector<partition_checkpoint> restore;
  /// Partitions added to the topic while the job ran: those `restore` does
  /// not cover start at their first record, whatever kafka.startup-mode.
  std::vector<int32_t> from_beginning;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, source_deployment& x) {
  return f(caf::meta::type_name("source_deployment"), x.index, x.partitions,
           x.owner_ranges, x.owners, x.coordinator, x.restore, x.from_beginning);
}

} // namespace ubaflow
