#pragma once

#include <caf/error.hpp>
#include <caf/fwd.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

#include <cstdint>
#include <string>

namespace ubaflow {

/// ubaflow's own error codes (CAF error category "ubaflow") for refusals
/// and failures of the control plane, so that neither is mistaken for a
/// failure of CAF itself.
enum class cluster_error : uint8_t {
  none = 0,
  /// Wrong cluster id or secret (or a stale join challenge): retrying with
  /// the same credentials will not help.
  bad_credentials = 1,
  /// The sender is not, or no longer, a member of the cluster: rejoin.
  not_a_member = 2,
  /// The message came from a node or actor that may not send it.
  wrong_sender = 3,
  /// A field of the message is out of range.
  invalid_message = 4,
  /// The worker speaks another version of the cluster protocol (a rolling
  /// upgrade in progress, or a mixed deployment): retry once both match.
  protocol_mismatch = 5,
  /// The job has no running attempt (yet, or any more) to do this.
  not_running = 6,
  /// The job is stopping or finishing; the request would be lost.
  stopping = 7,
  /// The job takes no checkpoints (no checkpoint.dir).
  checkpoints_disabled = 8,
  /// A checkpoint or savepoint could not be completed.
  checkpoint_failed = 9,
  /// Stored state does not fit this job (key groups, layout).
  incompatible_state = 10,
};

std::string to_string(cluster_error x);

/// Lets `cfg`'s actor system render ubaflow's errors.
void register_error_category(caf::actor_system_config& cfg);

} // namespace ubaflow

CAF_ERROR_CODE_ENUM(ubaflow::cluster_error, "ubaflow")
