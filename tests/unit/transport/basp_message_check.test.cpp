// The relay's message check (common/transport/basp_message_check): real
// payloads as CAF 0.17 serializes them, ubaflow's own accepted, the
// built-ins CAF throws on refused, truncation waited for or refused.

#include "common/transport/basp_message_check.hpp"

#include "common/protocol/type_ids.hpp"

#include <caf/all.hpp>
#include <caf/binary_serializer.hpp>
#include <doctest/doctest.h>

#include <vector>

using namespace ubaflow;

namespace {

caf::actor_system& test_system() {
  static caf::actor_system* sys = [] {
    auto* cfg = new caf::actor_system_config;
    cfg->add_message_types<caf::id_block::ubaflow>();
    cfg->set("scheduler.max-threads", 1);
    cfg->set("logger.verbosity", caf::atom("quiet"));
    return new caf::actor_system(*cfg);
  }();
  return *sys;
}

/// A direct message's payload, as CAF's BASP writes it: the forwarding
/// stack, then the message. With `routed`, source and destination nodes
/// first.
std::vector<uint8_t> payload(const caf::message& msg, bool routed = false,
                             size_t stages = 0) {
  auto& sys = test_system();
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  if (routed) {
    auto node = sys.node();
    REQUIRE_FALSE(sink(node, node));
  }
  std::vector<caf::strong_actor_ptr> stack(stages);
  REQUIRE_FALSE(sink(stack, const_cast<caf::message&>(msg)));
  return {buf.begin(), buf.end()};
}

message_check check(const std::vector<uint8_t>& bytes, bool routed = false,
                    bool complete = true) {
  return check_message_payload(bytes.data(), bytes.size(), routed, complete);
}

} // namespace

TEST_SUITE("transport.basp_message_check") {

TEST_CASE("ubaflow's messages and CAF's plain built-ins pass") {
  partial_batch batch;
  batch.source = 1;
  for (const auto& msg :
       {caf::make_message(batch), caf::make_message(status_atom_v),
        caf::make_message(std::string{"text"}, uint64_t{7}),
        caf::make_message(caf::make_error(caf::sec::runtime_error, "why")),
        caf::make_message(std::vector<result_row>{}), caf::message{}}) {
    CAPTURE(caf::to_string(msg));
    CHECK(check(payload(msg)).verdict == message_verdict::accepted);
    CHECK(check(payload(msg, true), true).verdict == message_verdict::accepted);
  }
  // Actor handles carry default node ids.
  caf::scoped_actor self{test_system()};
  auto with_handle = caf::make_message(caf::actor_cast<caf::actor>(self),
                                       std::string{"x"});
  CHECK(check(payload(with_handle)).verdict == message_verdict::accepted);
  auto exit = caf::make_message(
    caf::exit_msg{self->address(), caf::exit_reason::user_shutdown});
  CHECK(check(payload(exit)).verdict == message_verdict::accepted);
}

TEST_CASE("built-ins that CAF 0.17 throws on are refused by name") {
  const auto refused = [](const caf::message& msg) {
    auto result = check(payload(msg));
    CHECK(result.verdict == message_verdict::refused);
    return result.reason;
  };
  CHECK(refused(caf::make_message(caf::config_value{42}))
        == "a message holding @config_value, which ubaflow never sends");
  CHECK(refused(caf::make_message(caf::group{}))
        == "a message holding @group, which ubaflow never sends");
  // A nested message inside an error's context, too.
  auto error = caf::make_error(caf::sec::runtime_error,
                               caf::config_value{1});
  CHECK(refused(caf::make_message(error))
        == "a message holding @config_value in an error's context");
}

TEST_CASE("node ids of the uri kind and long stacks are refused") {
  auto bytes = payload(caf::make_message(uint64_t{1}), true);
  // The source node's kind is its first 8 bytes.
  const auto uri = static_cast<uint64_t>(caf::atom("uri"));
  for (int i = 0; i < 8; ++i)
    bytes[i] = static_cast<uint8_t>(uri >> (56 - 8 * i));
  auto result = check(bytes, true);
  CHECK(result.verdict == message_verdict::refused);
  CHECK(result.reason == "a node id of a kind ubaflow's nodes never use");
  CHECK(check(payload(caf::make_message(1), false, 17)).reason
        == "a forwarding stack of 17 stages");
  CHECK(check(payload(caf::make_message(1), false, 2)).verdict
        == message_verdict::accepted);
}

TEST_CASE("a prefix waits for more; a truncated whole payload is refused") {
  const auto bytes = payload(caf::make_message(std::string(100, 'x'),
                                               caf::config_value{1}));
  for (size_t n = 0; n < 6; ++n) {
    CAPTURE(n);
    CHECK(check_message_payload(bytes.data(), n, false, false).verdict
          == message_verdict::need_more);
    CHECK(check_message_payload(bytes.data(), n, false, true).reason
          == "a message cut short");
  }
  // Once the type names are in, the verdict does not wait for the rest.
  CHECK(check_message_payload(bytes.data(), 40, false, false).verdict
        == message_verdict::refused);
}

TEST_CASE("any bytes give a verdict, never a crash") {
  std::vector<uint8_t> bytes(64);
  uint32_t state = 12345;
  for (int round = 0; round < 20000; ++round) {
    for (auto& b : bytes) {
      state = state * 1664525 + 1013904223;
      b = static_cast<uint8_t>(state >> 24);
    }
    const auto n = state % bytes.size();
    auto r = check_message_payload(bytes.data(), n, (state & 1) != 0,
                                   (state & 2) != 0);
    CHECK((r.verdict != message_verdict::refused || !r.reason.empty()));
  }
}

} // TEST_SUITE
