#pragma once

#include "common/protocol/errors.hpp"

#include <caf/fwd.hpp>
#include <caf/node_id.hpp>

#include <memory>
#include <set>
#include <shared_mutex>
#include <string_view>

namespace ubaflow {

/// The nodes a worker's tasks take messages from: this node, the job
/// master it joined (the coordinator) and its peers of the current
/// deployment. The task manager keeps it current; tasks consult it for
/// every message that can come from another node. Thread-safe.
class trusted_nodes {
public:
  explicit trusted_nodes(caf::node_id self);

  /// The job master: the only node that may deploy, cancel, drain, stop or
  /// checkpoint. Forgets the members of the previous master's deployment.
  void set_master(const caf::node_id& master);

  /// The peer workers of the current deployment (replaces the previous).
  void set_members(std::set<caf::node_id> members);

  /// The master's node, or this node.
  bool is_master(const caf::node_id& node) const;

  /// This node, the master or a current peer.
  bool is_member(const caf::node_id& node) const;

private:
  mutable std::shared_mutex mutex_;
  caf::node_id self_;
  caf::node_id master_;
  std::set<caf::node_id> members_;
};

/// Who may send a message.
enum class sender_class {
  self,    ///< the actor itself (timers, loops)
  local,   ///< any actor of this process
  master,  ///< the job master's node, or this node
  member,  ///< a node of the cluster
};

/// Checks the sender of the message `self` is handling. When refused, the
/// refusal is counted ("wrong_sender") and logged once per peer, and false
/// is returned; the handler then drops the message or answers with
/// make_error(cluster_error::wrong_sender).
bool admit(caf::local_actor* self, sender_class who,
           const trusted_nodes* trust, std::string_view what);

/// Counts a message from a sender that may not send it ("wrong_sender"),
/// logged once per peer.
void refuse_sender(caf::local_actor* self, std::string_view what);

/// Counts a message whose fields are out of range ("invalid_message"),
/// logged once per peer.
void refuse_invalid(caf::local_actor* self, std::string_view what);

/// The node a message comes from, for logs ("an anonymous sender" when
/// there is none).
std::string describe_sender(caf::local_actor* self);

} // namespace ubaflow
