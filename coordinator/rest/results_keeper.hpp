#pragma once

#include <caf/fwd.hpp>

namespace ubaflow {

/// Spawns an actor that keeps the latest result documents (result_store):
/// (results_atom, rows) adds, (results_atom) answers with every row. The
/// REST API's source of results where no cluster manager keeps them
/// (`ubaflow run`).
caf::actor spawn_results_keeper(caf::actor_system& system);

} // namespace ubaflow
