#pragma once

// What the relay checks at the start of a message frame's payload before a
// byte of it reaches CAF (basp_frame_guard). CAF 0.17 deserializes remote
// messages on its BASP worker threads without catching exceptions, and a
// few of its built-in types throw on malformed input (caf::variant inside
// config_value, a uri's host, stream messages): one such message from a
// peer would end the process. The libFuzzer target fuzz.cluster found it.
//
// The check parses what precedes the message's elements (BASP 0.17: for a
// routed message the source and destination node ids, then the forwarding
// stack, then the message's type names) and the leading built-in elements
// whose layout CAF fixes, and refuses:
//  - a node id that is not CAF's default kind (the uri kind holds a
//    variant; ubaflow's nodes never use it);
//  - a built-in type outside a small allowlist (config_value, nested
//    messages, stream messages, ...);
//  - an error, exit or down message whose context holds anything but
//    plain scalars and strings.
// ubaflow's own types (ubaflow::*) are CAF-inspected structs without
// variants, fuzzed as such; their actor handles are not looked into (see
// docs/security.md).

#include <cstddef>
#include <cstdint>
#include <string>

namespace ubaflow {

enum class message_verdict : uint8_t {
  need_more, ///< the prefix ends before the check could conclude
  accepted,
  refused,
};

struct message_check {
  message_verdict verdict = message_verdict::need_more;
  std::string reason; ///< why it was refused
};

/// Checks the first `n` bytes of a direct (`routed` false) or routed
/// message frame's payload; `complete` when they are the whole payload (a
/// truncated structure is then refused rather than waited for).
message_check check_message_payload(const uint8_t* data, size_t n,
                                    bool routed, bool complete);

} // namespace ubaflow
