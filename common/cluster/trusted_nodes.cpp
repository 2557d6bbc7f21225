#include "common/cluster/trusted_nodes.hpp"

#include "common/cluster/refusals.hpp"

#include <caf/local_actor.hpp>
#include <caf/node_id.hpp>

#include <mutex>

namespace ubaflow {

trusted_nodes::trusted_nodes(caf::node_id self) : self_(std::move(self)) {
  // nop
}

void trusted_nodes::set_master(const caf::node_id& master) {
  std::unique_lock<std::shared_mutex> guard{mutex_};
  if (master_ != master)
    members_.clear();
  master_ = master;
}

void trusted_nodes::set_members(std::set<caf::node_id> members) {
  std::unique_lock<std::shared_mutex> guard{mutex_};
  members_ = std::move(members);
}

bool trusted_nodes::is_master(const caf::node_id& node) const {
  std::shared_lock<std::shared_mutex> guard{mutex_};
  // This process's own actors (the worker's join loop, a single-process
  // job) act for the master too.
  return node == self_ || node == master_;
}

bool trusted_nodes::is_member(const caf::node_id& node) const {
  std::shared_lock<std::shared_mutex> guard{mutex_};
  return node == self_ || node == master_ || members_.count(node) > 0;
}

std::string describe_sender(caf::local_actor* self) {
  const auto& sender = self->current_sender();
  if (!sender)
    return "an anonymous sender";
  return "node " + to_string(sender->node());
}

bool admit(caf::local_actor* self, sender_class who,
           const trusted_nodes* trust, std::string_view what) {
  const auto& sender = self->current_sender();
  bool ok = false;
  if (sender && sender->get() == self) {
    ok = true; // an actor always trusts its own messages
  } else if (sender) {
    const auto& node = sender->node();
    switch (who) {
      case sender_class::self:
        ok = sender->get() == self;
        break;
      case sender_class::local:
        ok = node == self->node();
        break;
      case sender_class::master:
        ok = trust ? trust->is_master(node) : node == self->node();
        break;
      case sender_class::member:
        ok = trust ? trust->is_member(node) : node == self->node();
        break;
    }
  }
  if (!ok)
    refuse_sender(self, what);
  return ok;
}

void refuse_sender(caf::local_actor* self, std::string_view what) {
  count_refusal("wrong_sender", describe_sender(self),
                std::string{what} + " from a sender that may not send it");
}

void refuse_invalid(caf::local_actor* self, std::string_view what) {
  count_refusal("invalid_message", describe_sender(self), what);
}

} // namespace ubaflow
