#pragma once

// Sending from a statically typed actor (job master, checkpoint
// coordinator, task manager) to a dynamically typed one. CAF 0.17 refuses
// self->send() there at compile time. Only blocking actors are left
// untyped: the worker's join loop and the job's listener in the hosting
// process (coordinator/process/job_master_host).

#include <caf/actor.hpp>
#include <caf/send.hpp>

#include <utility>

namespace ubaflow {

/// Sends `xs` from `self` to `dest` as self->send() would: the same sender
/// (the receiver's sender checks see `self`) and execution context, no
/// response expected.
template <class Self, class... Ts>
void send_untyped(Self* self, const caf::actor& dest, Ts&&... xs) {
  caf::unsafe_send_as(self, dest, std::forward<Ts>(xs)...);
}

} // namespace ubaflow
