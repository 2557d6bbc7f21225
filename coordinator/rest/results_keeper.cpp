#include "coordinator/rest/results_keeper.hpp"

#include "common/protocol/type_ids.hpp"
#include "coordinator/rest/result_store.hpp"

#include <caf/all.hpp>

namespace ubaflow {

namespace {

struct keeper_state {
  result_store results;
  static inline const char* name = "ubaflow.results";
};

caf::behavior keeper(caf::stateful_actor<keeper_state>* self) {
  return {
    [self](results_atom, const std::vector<result_row>& rows) {
      self->state.results.add(rows);
    },
    [self](results_atom) { return self->state.results.rows(); },
  };
}

} // namespace

caf::actor spawn_results_keeper(caf::actor_system& system) {
  return system.spawn(keeper);
}

} // namespace ubaflow
