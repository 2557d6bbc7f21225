#include "common/protocol/errors.hpp"

#include <caf/actor_system_config.hpp>

namespace ubaflow {

std::string to_string(cluster_error x) {
  switch (x) {
    case cluster_error::none:
      return "none";
    case cluster_error::bad_credentials:
      return "bad_credentials";
    case cluster_error::not_a_member:
      return "not_a_member";
    case cluster_error::wrong_sender:
      return "wrong_sender";
    case cluster_error::invalid_message:
      return "invalid_message";
    case cluster_error::protocol_mismatch:
      return "protocol_mismatch";
    case cluster_error::not_running:
      return "not_running";
    case cluster_error::stopping:
      return "stopping";
    case cluster_error::checkpoints_disabled:
      return "checkpoints_disabled";
    case cluster_error::checkpoint_failed:
      return "checkpoint_failed";
    case cluster_error::incompatible_state:
      return "incompatible_state";
  }
  return "unknown";
}

void register_error_category(caf::actor_system_config& cfg) {
  cfg.add_error_category(
    caf::atom("ubaflow"),
    [](uint8_t code, caf::atom_value, const caf::message& context) {
      std::string out = to_string(static_cast<cluster_error>(code));
      if (context.match_elements<std::string>())
        out += ": " + context.get_as<std::string>(0);
      else if (!context.empty())
        out += " " + to_string(context);
      return out;
    });
}

} // namespace ubaflow
