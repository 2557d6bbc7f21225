#pragma once

// The wire protocol of ubaflow's actors in one place: every message type
// and atom, registered with CAF so that messages can cross process
// boundaries (caf::io::middleman). Review changes here like an RPC schema.

#include "common/protocol/cluster.hpp"
#include "common/protocol/partials.hpp"
#include "common/protocol/results.hpp"
#include "common/protocol/status.hpp"

#include <caf/type_id.hpp>

CAF_BEGIN_TYPE_ID_BLOCK(ubaflow, caf::first_custom_type_id)

  // -- data plane
  CAF_ADD_TYPE_ID(ubaflow, (ubaflow::partial_batch))
  CAF_ADD_TYPE_ID(ubaflow, (ubaflow::uv_report))
  CAF_ADD_TYPE_ID(ubaflow, (ubaflow::result_row))
  CAF_ADD_TYPE_ID(ubaflow, (std::vector<ubaflow::result_row>))

  // -- status snapshots
  CAF_ADD_TYPE_ID(ubaflow, (ubaflow::source_status))
  CAF_ADD_TYPE_ID(ubaflow, (ubaflow::owner_status))
  CAF_ADD_TYPE_ID(ubaflow, (ubaflow::sink_status))
  CAF_ADD_TYPE_ID(ubaflow, (ubaflow::job_status))

  // -- control plane
  CAF_ADD_TYPE_ID(ubaflow, (ubaflow::join_request))
  CAF_ADD_TYPE_ID(ubaflow, (ubaflow::join_reply))
  CAF_ADD_TYPE_ID(ubaflow, (ubaflow::peer_list))
  CAF_ADD_TYPE_ID(ubaflow, (ubaflow::sink_deployment))
  CAF_ADD_TYPE_ID(ubaflow, (ubaflow::combiner_deployment))
  CAF_ADD_TYPE_ID(ubaflow, (ubaflow::owner_deployment))
  CAF_ADD_TYPE_ID(ubaflow, (ubaflow::source_deployment))

  // -- checkpoints
  CAF_ADD_TYPE_ID(ubaflow, (ubaflow::source_checkpoint))
  CAF_ADD_TYPE_ID(ubaflow, (ubaflow::owner_checkpoint))
  CAF_ADD_TYPE_ID(ubaflow, (ubaflow::combiner_checkpoint))
  CAF_ADD_TYPE_ID(ubaflow, (ubaflow::checkpoint_stats))
  CAF_ADD_TYPE_ID(ubaflow, (ubaflow::savepoint_request))
  CAF_ADD_TYPE_ID(ubaflow, (std::vector<ubaflow::partition_checkpoint>))

  // -- atoms (at most 10 characters each in CAF 0.17)
  CAF_ADD_ATOM(ubaflow, ubaflow, poll_atom, "poll")
  CAF_ADD_ATOM(ubaflow, ubaflow, flush_atom, "flush")
  CAF_ADD_ATOM(ubaflow, ubaflow, ack_atom, "ack")
  CAF_ADD_ATOM(ubaflow, ubaflow, end_atom, "end")
  CAF_ADD_ATOM(ubaflow, ubaflow, drain_atom, "drain")
  CAF_ADD_ATOM(ubaflow, ubaflow, stop_atom, "stop")
  CAF_ADD_ATOM(ubaflow, ubaflow, status_atom, "status")
  CAF_ADD_ATOM(ubaflow, ubaflow, emit_atom, "emit")
  CAF_ADD_ATOM(ubaflow, ubaflow, retry_atom, "retry")
  CAF_ADD_ATOM(ubaflow, ubaflow, done_atom, "done")
  CAF_ADD_ATOM(ubaflow, ubaflow, failed_atom, "failed")
  CAF_ADD_ATOM(ubaflow, ubaflow, tick_atom, "tick")
  CAF_ADD_ATOM(ubaflow, ubaflow, commit_atom, "commit")
  CAF_ADD_ATOM(ubaflow, ubaflow, join_atom, "join")
  CAF_ADD_ATOM(ubaflow, ubaflow, heartbeat_atom, "heartbeat")
  CAF_ADD_ATOM(ubaflow, ubaflow, shutdown_atom, "shutdown")
  CAF_ADD_ATOM(ubaflow, ubaflow, cancel_atom, "cancel")
  CAF_ADD_ATOM(ubaflow, ubaflow, start_atom, "start")
  CAF_ADD_ATOM(ubaflow, ubaflow, checkpoint_atom, "checkpoint")
  CAF_ADD_ATOM(ubaflow, ubaflow, savepoint_atom, "savepoint")
  CAF_ADD_ATOM(ubaflow, ubaflow, results_atom, "results")
  CAF_ADD_ATOM(ubaflow, ubaflow, rescale_atom, "rescale")
  CAF_ADD_ATOM(ubaflow, ubaflow, challenge_atom, "challenge")

CAF_END_TYPE_ID_BLOCK(ubaflow)
