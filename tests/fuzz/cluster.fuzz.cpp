// The cluster's wire: the relay's BASP frame guard over arbitrary byte
// streams, and CAF's decoding of arbitrary bytes as a message of any
// ubaflow type (the inspect functions, the user-id codec) followed by the
// field checks a receiver applies. As on the wire, a message reaches CAF
// only if the relay's message check (basp_message_check) accepts it: CAF
// 0.17 throws from some built-in types on malformed bytes, on a thread
// where that ends the process. Nothing may crash, hang or allocate
// beyond what the input's size justifies (libFuzzer's -rss_limit_mb and
// -malloc_limit_mb catch that).

#include "common/protocol/type_ids.hpp"
#include "common/protocol/validation.hpp"
#include "common/transport/basp_frame_guard.hpp"
#include "common/transport/basp_message_check.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/message.hpp>

#include <cstdint>
#include <vector>

using namespace ubaflow;

namespace {

/// Made once and never destroyed: libFuzzer leaves through exit(), and an
/// actor system torn down among the other statics crashes in CAF.
caf::actor_system& system_for_types() {
  static caf::actor_system* sys = [] {
    auto* cfg = new caf::actor_system_config;
    cfg->add_message_types<caf::id_block::ubaflow>();
    cfg->set("scheduler.max-threads", 1);
    cfg->set("logger.verbosity", caf::atom("quiet"));
    return new caf::actor_system(*cfg);
  }();
  return *sys;
}

void check_fields(const caf::message& msg) {
  constexpr uint32_t key_groups = 128;
  if (msg.match_elements<partial_batch>())
    (void)check_batch(msg.get_as<partial_batch>(0), 4, 3);
  else if (msg.match_elements<uv_report>())
    (void)check_report(msg.get_as<uv_report>(0), 4, key_groups);
  else if (msg.match_elements<std::vector<result_row>>())
    (void)check_rows(msg.get_as<std::vector<result_row>>(0));
  else if (msg.match_elements<source_checkpoint>())
    (void)check_part(msg.get_as<source_checkpoint>(0), 4);
  else if (msg.match_elements<owner_checkpoint>())
    (void)check_part(msg.get_as<owner_checkpoint>(0), 4, key_groups);
  else if (msg.match_elements<combiner_checkpoint>())
    (void)check_part(msg.get_as<combiner_checkpoint>(0), key_groups);
  else if (msg.match_elements<owner_deployment>())
    (void)check_deployment(msg.get_as<owner_deployment>(0), key_groups);
  else if (msg.match_elements<source_deployment>())
    (void)check_deployment(msg.get_as<source_deployment>(0), key_groups);
  else if (msg.match_elements<combiner_deployment>())
    (void)check_deployment(msg.get_as<combiner_deployment>(0), key_groups);
  else if (msg.match_elements<sink_deployment>())
    (void)check_deployment(msg.get_as<sink_deployment>(0));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  const uint8_t mode = data[0] % 3;
  ++data;
  --size;
  if (mode < 2) {
    // The relay sees the stream in whatever pieces TCP delivers: split it
    // at positions the input chooses.
    basp_frame_guard guard{mode == 0 ? basp_frame_guard::peer_role::client
                                     : basp_frame_guard::peer_role::server,
                           1 << 20};
    size_t at = 0;
    while (at < size) {
      const size_t piece = std::min<size_t>(size - at, 1 + data[at] % 61);
      if (guard.inspect(data + at, piece) != frame_refusal::none)
        break;
      at += piece;
    }
    return 0;
  }
  // A direct message's payload: an empty forwarding stack, then the
  // message (the check parses both).
  std::vector<uint8_t> payload;
  payload.reserve(size + 1);
  payload.push_back(0);
  payload.insert(payload.end(), data, data + size);
  if (check_message_payload(payload.data(), payload.size(), false, true)
        .verdict
      != message_verdict::accepted)
    return 0;
  caf::binary_deserializer source{system_for_types(),
                                  reinterpret_cast<const char*>(data), size};
  caf::message msg;
  if (!source(msg))
    check_fields(msg);
  return 0;
}
