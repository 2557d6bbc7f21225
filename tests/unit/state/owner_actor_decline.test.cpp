// An owner actor (worker/state/state_actor) that refuses a batch carrying
// a checkpoint barrier, on CAF's deterministic test scheduler: it declines
// that checkpoint to its job master at once (instead of the checkpoint
// waiting for its timeout), and its other inputs are not held back waiting
// for a barrier that will not come.

#include "worker/state/state_actor.hpp"

#include "common/cluster/refusals.hpp"
#include "common/protocol/errors.hpp"
#include "common/protocol/type_ids.hpp"

#include "tests/unit/support/test_actor_system.hpp"

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

using namespace ubaflow;

namespace {

/// Owner logic that merges every batch except those with sequence 666
/// (standing for partials that do not decode), and counts what it merged.
class scripted_logic : public owner_logic {
public:
  explicit scripted_logic(size_t inputs) : inputs_(inputs) {}

  bool merge(const partial_batch& batch, state_output&,
             std::string& error) override {
    if (batch.sequence == 666) {
      error = "partials that do not decode";
      return false;
    }
    merged.push_back({batch.source, batch.sequence});
    return true;
  }
  void emit_updates(state_output&) override {}
  key_group_snapshot snapshot(key_group, uint32_t) const override { return {}; }
  bool restore(const key_group_snapshot&) override { return true; }
  void restore_watermark(event_time) override {}
  event_time watermark() const override { return min_event_time; }
  bool finished() const override { return false; }
  key_group_range range() const override { return {0, 4}; }
  size_t input_count() const override { return inputs_; }
  uint64_t late_records() const override { return 0; }
  uint64_t batches() const override { return merged.size(); }
  uint64_t state_bytes() const override { return 0; }
  uint64_t open_windows() const override { return 0; }

  std::vector<std::pair<uint32_t, uint64_t>> merged; ///< (source, sequence)

private:
  size_t inputs_;
};

/// What the fake job master heard from the owner.
struct heard {
  std::vector<std::pair<uint64_t, std::string>> declined;
  std::vector<uint64_t> parts; ///< checkpoints the owner completed
};

partial_batch batch_of(uint32_t source, uint64_t sequence, uint64_t barrier) {
  partial_batch b;
  b.source = source;
  b.sequence = sequence;
  b.barrier = barrier;
  return b;
}

} // namespace

TEST_SUITE("state.owner_actor") {

TEST_CASE("a refused batch with a barrier declines that checkpoint and "
          "blocks nothing") {
  test::test_actor_system system;
  auto& sys = *system.sys;
  auto& sched = *system.sched;

  auto told = std::make_shared<heard>();
  auto master = sys.spawn([told](caf::event_based_actor* self) -> caf::behavior {
    self->set_default_handler(caf::drop);
    return {
      [told](checkpoint_atom, failed_atom, uint64_t id, const std::string& why) {
        told->declined.emplace_back(id, why);
      },
      [told](const owner_checkpoint& part) {
        told->parts.push_back(part.checkpoint);
      },
    };
  });
  auto logic = std::make_shared<scripted_logic>(3);
  auto owner = spawn_state_actor(sys, 0, logic, {}, combiner_actor{},
                                 caf::actor_cast<job_master_actor>(master),
                                 60'000, 4);
  sched.run();

  auto acks = std::make_shared<int>(0);
  auto send = [&](partial_batch b) {
    sys.spawn([owner, b, acks](caf::event_based_actor* self) {
      self->request(owner, caf::infinite, b).then([acks](ack_atom) { ++*acks; });
    });
    sched.run();
  };
  // Input 0 delivers barrier 7: it waits for the others.
  send(batch_of(0, 1, 7));
  send(batch_of(0, 2, 0));
  CHECK(logic->merged.size() == 1); // input 0's next batch is held back
  CHECK(*acks == 1);
  // Input 1's batch with barrier 7 is refused: 7 is declined, at once.
  const auto refused_before = refusal_count("invalid_message");
  send(batch_of(1, 666, 7));
  CHECK(refusal_count("invalid_message") == refused_before + 1);
  // (CHECK, not REQUIRE: the actors must be shut down below whatever
  // happens, or the actor system would wait for them forever.)
  CHECK(told->declined.size() == 1);
  CHECK((!told->declined.empty() && told->declined[0].first == 7
         && told->declined[0].second.find("partials that do not decode")
              != std::string::npos));
  // Input 0's held batch went on; input 2's barrier 7, late, holds nothing.
  CHECK(logic->merged.size() == 2);
  send(batch_of(2, 1, 7));
  send(batch_of(2, 2, 0));
  send(batch_of(0, 3, 0));
  CHECK(logic->merged.size() == 5);
  CHECK(told->parts.empty()); // 7 is never completed
  // The next checkpoint aligns over all three inputs as usual.
  send(batch_of(0, 4, 8));
  send(batch_of(1, 1, 8));
  CHECK(told->parts.empty());
  send(batch_of(2, 3, 8));
  CHECK(told->parts == std::vector<uint64_t>{8});
  CHECK(told->declined.size() == 1);

  caf::anon_send_exit(owner, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(master, caf::exit_reason::user_shutdown);
  sched.run();
}

} // TEST_SUITE
