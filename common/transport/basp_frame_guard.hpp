#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ubaflow {

/// Why a relay closed a cluster connection before its bytes reached CAF.
enum class frame_refusal : uint8_t {
  none,
  frame_too_large,      ///< payload above cluster.max-frame-size
  malformed_header,     ///< a header CAF's own checks would reject
  empty_handshake,      ///< a handshake without payload (crashes CAF 0.17)
  unexpected_handshake, ///< wrong handshake for this side, or out of order
  forbidden_message,    ///< a message CAF 0.17 could not decode safely
};

std::string_view to_string(frame_refusal r);

/// Checks the byte stream a peer sends towards this node's CAF middleman,
/// frame by frame (BASP of CAF 0.17: a 32-byte header in network byte
/// order, then `payload_len` bytes), before a single byte is forwarded.
/// CAF allocates a frame's payload as soon as it has read the header and
/// dereferences a missing handshake payload, so both are decided here:
///  - every header must pass the rules of caf::io::basp::valid(), and a
///    handshake must carry a payload;
///  - the payload may not exceed `max_payload` bytes;
///  - the peer's first frame is its handshake: client_handshake when the
///    peer connected to us, server_handshake when we connected to it;
///    a server handshake never comes from a client, and comes only once;
///  - a direct or routed message passes check_message_payload
///    (basp_message_check.hpp) before its last byte is forwarded (CAF
///    decodes a frame only once it has all of it).
/// Plain logic, fed whatever the socket delivered; it keeps the header
/// being assembled and, while a message is being checked, the start of its
/// payload (at most the frame's size, which max_payload bounds).
class basp_frame_guard {
public:
  /// Which end of the connection the *peer* is.
  enum class peer_role { client, server };

  static constexpr size_t header_size = 32;

  basp_frame_guard(peer_role peer, uint32_t max_payload);

  /// Inspects the next `n` bytes of the stream. `none`: they may be
  /// forwarded; otherwise the connection must be closed (the guard stays
  /// refused).
  frame_refusal inspect(const void* data, size_t n);

  frame_refusal refusal() const { return refused_; }
  /// What exactly was refused (forbidden_message), for the log.
  const std::string& refusal_detail() const { return detail_; }
  uint64_t frames() const { return frames_; }

private:
  frame_refusal check_header() const;
  /// Adds payload bytes of the message being checked; refuses or ends the
  /// check once it concludes.
  frame_refusal check_message(const uint8_t* bytes, size_t n);

  peer_role peer_;
  uint32_t max_payload_;
  std::array<uint8_t, header_size> header_{};
  size_t header_bytes_ = 0;    ///< of the header being assembled
  uint64_t payload_left_ = 0;  ///< of the current frame's payload
  uint64_t frames_ = 0;        ///< complete headers seen
  bool server_handshake_seen_ = false;
  frame_refusal refused_ = frame_refusal::none;
  /// While a direct or routed message is checked: its payload so far.
  bool checking_ = false;
  bool routed_ = false;
  std::string payload_;
  std::string detail_;
};

} // namespace ubaflow
