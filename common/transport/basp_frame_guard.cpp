#include "common/transport/basp_frame_guard.hpp"

#include "common/transport/basp_message_check.hpp"

#include <algorithm>
#include <cstring>

namespace ubaflow {

namespace {

// caf::io::basp::message_type of CAF 0.17.
enum : uint8_t {
  server_handshake = 0,
  client_handshake = 1,
  direct_message = 2,
  routed_message = 3,
  monitor_message = 4,
  down_message = 5,
  heartbeat = 6,
};

uint64_t big_endian(const uint8_t* p, size_t n) {
  uint64_t x = 0;
  for (size_t i = 0; i < n; ++i)
    x = (x << 8) | p[i];
  return x;
}

} // namespace

std::string_view to_string(frame_refusal r) {
  switch (r) {
    case frame_refusal::none:
      return "none";
    case frame_refusal::frame_too_large:
      return "frame_too_large";
    case frame_refusal::malformed_header:
      return "malformed_frame";
    case frame_refusal::empty_handshake:
      return "empty_handshake";
    case frame_refusal::unexpected_handshake:
      return "unexpected_handshake";
    case frame_refusal::forbidden_message:
      return "forbidden_message";
  }
  return "unknown";
}

basp_frame_guard::basp_frame_guard(peer_role peer, uint32_t max_payload)
  : peer_(peer), max_payload_(max_payload) {
  // nop
}

frame_refusal basp_frame_guard::check_header() const {
  const uint8_t op = header_[0];
  const uint64_t payload = big_endian(&header_[4], 4);
  const uint64_t op_data = big_endian(&header_[8], 8);
  const uint64_t source = big_endian(&header_[16], 8);
  const uint64_t dest = big_endian(&header_[24], 8);
  // The rules of caf::io::basp::valid(header).
  bool valid = false;
  switch (op) {
    case server_handshake:
      valid = op_data != 0;
      break;
    case client_handshake:
      valid = source == 0 && dest == 0;
      break;
    case direct_message:
    case routed_message:
      valid = dest != 0 && payload != 0;
      break;
    case monitor_message:
      valid = payload != 0 && op_data == 0;
      break;
    case down_message:
      valid = source != 0 && dest == 0 && payload != 0 && op_data == 0;
      break;
    case heartbeat:
      valid = source == 0 && dest == 0 && payload == 0 && op_data == 0;
      break;
    default:
      valid = false;
  }
  if (!valid)
    return frame_refusal::malformed_header;
  if (payload > max_payload_)
    return frame_refusal::frame_too_large;
  const bool handshake = op == server_handshake || op == client_handshake;
  if (handshake && payload == 0)
    return frame_refusal::empty_handshake;
  // The peer speaks first with its own handshake, and only its own kind.
  const uint8_t own = peer_ == peer_role::client ? client_handshake
                                                 : server_handshake;
  const uint8_t other = peer_ == peer_role::client ? server_handshake
                                                   : client_handshake;
  if (op == other)
    return frame_refusal::unexpected_handshake;
  if (frames_ == 0 && op != own)
    return frame_refusal::unexpected_handshake;
  if (op == server_handshake && server_handshake_seen_)
    return frame_refusal::unexpected_handshake;
  return frame_refusal::none;
}

frame_refusal basp_frame_guard::inspect(const void* data, size_t n) {
  if (refused_ != frame_refusal::none)
    return refused_;
  auto bytes = static_cast<const uint8_t*>(data);
  while (n > 0) {
    if (payload_left_ > 0) {
      const auto skip = static_cast<size_t>(
        std::min<uint64_t>(payload_left_, n));
      payload_left_ -= skip;
      if (checking_) {
        refused_ = check_message(bytes, skip);
        if (refused_ != frame_refusal::none)
          return refused_;
      }
      bytes += skip;
      n -= skip;
      continue;
    }
    const size_t take = std::min(header_size - header_bytes_, n);
    std::memcpy(header_.data() + header_bytes_, bytes, take);
    header_bytes_ += take;
    bytes += take;
    n -= take;
    if (header_bytes_ < header_size)
      break;
    header_bytes_ = 0;
    refused_ = check_header();
    if (refused_ != frame_refusal::none)
      return refused_;
    if (header_[0] == server_handshake)
      server_handshake_seen_ = true;
    ++frames_;
    payload_left_ = big_endian(&header_[4], 4);
    checking_ = header_[0] == direct_message || header_[0] == routed_message;
    routed_ = header_[0] == routed_message;
    payload_.clear();
  }
  return frame_refusal::none;
}

frame_refusal basp_frame_guard::check_message(const uint8_t* bytes,
                                              size_t n) {
  payload_.append(reinterpret_cast<const char*>(bytes), n);
  auto check = check_message_payload(
    reinterpret_cast<const uint8_t*>(payload_.data()), payload_.size(),
    routed_, payload_left_ == 0);
  if (check.verdict == message_verdict::need_more)
    return frame_refusal::none;
  checking_ = false;
  payload_.clear();
  payload_.shrink_to_fit();
  if (check.verdict == message_verdict::refused) {
    detail_ = std::move(check.reason);
    return frame_refusal::forbidden_message;
  }
  return frame_refusal::none;
}

} // namespace ubaflow
