#pragma once

#include "common/protocol/job_master_interface.hpp"
#include "common/protocol/task_interfaces.hpp"
#include "worker/sink/result_writer.hpp"

#include <caf/fwd.hpp>

#include <memory>
#include <set>
#include <string>

namespace ubaflow {
class trusted_nodes;
}

namespace ubaflow {

/// Spawns the actor of one output: a detached actor (its writer blocks on
/// I/O) that buffers rows, flushes when the writer asks for it and every
/// `flush_interval_ms`, backs off after failures without blocking its
/// mailbox, and, after `end_atom` from each of its `producers`, flushes
/// everything and reports (done_atom, sink_status) to the coordinator.
/// `stop_atom` asks for a last flush and exit without waiting for producers.
/// Once every producer has passed a checkpoint's barrier, the sink writes
/// everything received so far and then acknowledges the checkpoint with
/// (checkpoint_atom, ack_atom, id) to the coordinator: results emitted
/// before a checkpoint are durable when it completes. With `mirror`, it
/// also sends every row it receives to the coordinator as (results_atom,
/// rows), for the REST API's latest results (one sink does, whatever the
/// number of outputs), except the rows of `unmirrored` indices (a SQL
/// job's row streams: rows as they come, not latest results, and as many
/// as the input has).
sink_actor spawn_sink_actor(caf::actor_system& system,
                            std::shared_ptr<result_writer> writer,
                            size_t producers, int64_t flush_interval_ms,
                            job_master_actor coordinator, bool mirror = false,
                            std::shared_ptr<const trusted_nodes> trust = {},
                            std::set<std::string> unmirrored = {});

} // namespace ubaflow
