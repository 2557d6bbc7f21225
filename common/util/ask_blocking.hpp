#pragma once

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include <optional>
#include <string>
#include <utility>

namespace ubaflow {

/// Asks `who` from a thread outside the actor system (an HTTP handler) and
/// waits at most `timeout`: the answer, or nothing (with the error in
/// `why` when given).
template <class Result, class Handle, class Duration, class... Ts>
std::optional<Result> ask_blocking(caf::actor_system& system,
                                   const Handle& who, Duration timeout,
                                   std::string* why, Ts&&... xs) {
  caf::scoped_actor asker{system};
  std::optional<Result> out;
  asker->request(who, timeout, std::forward<Ts>(xs)...)
    .receive([&](Result& r) { out = std::move(r); },
             [&](const caf::error& err) {
               if (why)
                 *why = system.render(err);
             });
  return out;
}

} // namespace ubaflow
