#include "common/transport/basp_frame_guard.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace ubaflow;

namespace {

using bytes = std::vector<uint8_t>;

bytes header(uint8_t op, uint32_t payload, uint64_t op_data = 0,
             uint64_t source = 0, uint64_t dest = 0) {
  bytes h(32, 0);
  h[0] = op;
  for (int i = 0; i < 4; ++i)
    h[4 + i] = static_cast<uint8_t>(payload >> (24 - 8 * i));
  for (int i = 0; i < 8; ++i) {
    h[8 + i] = static_cast<uint8_t>(op_data >> (56 - 8 * i));
    h[16 + i] = static_cast<uint8_t>(source >> (56 - 8 * i));
    h[24 + i] = static_cast<uint8_t>(dest >> (56 - 8 * i));
  }
  return h;
}

bytes frame(uint8_t op, uint32_t payload, uint64_t op_data = 0,
            uint64_t source = 0, uint64_t dest = 0) {
  auto f = header(op, payload, op_data, source, dest);
  f.resize(f.size() + payload, 0x5a);
  return f;
}

bytes operator+(bytes a, const bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

/// A message frame whose payload the message check accepts: for a routed
/// message (op 3) two empty node ids, then an empty forwarding stack and a
/// message of one 64-bit integer, padded with a string to `payload` bytes.
bytes message_frame(uint8_t op, uint32_t payload, uint64_t source,
                    uint64_t dest) {
  bytes body;
  if (op == 3)
    for (int node = 0; node < 2; ++node)
      for (int i = 0; i < 8; ++i)
        body.push_back(static_cast<uint8_t>(uint64_t{0xF} >> (56 - 8 * i)));
  body.push_back(0);    // no forwarding stages
  body.push_back(0);    // type names follow
  body.push_back(0);
  const std::string names = "@<>+@u64+@str";
  body.push_back(static_cast<uint8_t>(names.size()));
  body.insert(body.end(), names.begin(), names.end());
  body.resize(body.size() + 8, 1);
  const size_t rest = payload - body.size() - 1;
  REQUIRE(rest < 128);
  body.push_back(static_cast<uint8_t>(rest));
  body.resize(payload, 'x');
  return header(op, payload, 0, source, dest) + body;
}

constexpr auto client = basp_frame_guard::peer_role::client;
constexpr auto server = basp_frame_guard::peer_role::server;

/// Feeds `stream` in pieces of `piece` bytes; the first refusal or none.
frame_refusal feed(basp_frame_guard& g, const bytes& stream, size_t piece) {
  for (size_t at = 0; at < stream.size(); at += piece) {
    auto r = g.inspect(stream.data() + at, std::min(piece, stream.size() - at));
    if (r != frame_refusal::none)
      return r;
  }
  return frame_refusal::none;
}

} // namespace

TEST_SUITE("runtime.basp_frame_guard") {

TEST_CASE("a well-behaved client's stream passes, in any pieces") {
  const auto stream = frame(1, 40) + frame(1, 40) + message_frame(2, 100, 1, 7)
                      + frame(6, 0) + frame(4, 20, 0, 0, 9)
                      + frame(5, 30, 0, 3, 0) + message_frame(3, 64, 1, 2);
  for (size_t piece : {1, 3, 31, 32, 33, 1000}) {
    CAPTURE(piece);
    basp_frame_guard g{client, 1 << 20};
    CHECK(feed(g, stream, piece) == frame_refusal::none);
    CHECK(g.frames() == 7);
  }
}

TEST_CASE("a server speaks first with its handshake, once") {
  basp_frame_guard g{server, 1 << 20};
  CHECK(feed(g, frame(0, 50, 3) + message_frame(2, 40, 1, 1), 7)
        == frame_refusal::none);
  basp_frame_guard twice{server, 1 << 20};
  CHECK(feed(twice, frame(0, 50, 3) + frame(0, 50, 3), 100)
        == frame_refusal::unexpected_handshake);
  basp_frame_guard client_hello{server, 1 << 20};
  CHECK(feed(client_hello, frame(1, 8), 100)
        == frame_refusal::unexpected_handshake);
}

TEST_CASE("what crashed CAF or made it allocate is refused before it passes") {
  basp_frame_guard empty{client, 1 << 20};
  CHECK(empty.inspect(header(0, 0, 3).data(), 32)
        == frame_refusal::empty_handshake);
  basp_frame_guard empty_client{client, 1 << 20};
  CHECK(empty_client.inspect(header(1, 0).data(), 32)
        == frame_refusal::empty_handshake);
  basp_frame_guard huge{client, 1 << 20};
  CHECK(huge.inspect(header(1, 0xFFFFFFFF).data(), 32)
        == frame_refusal::frame_too_large);
  basp_frame_guard server_from_client{client, 1 << 20};
  CHECK(server_from_client.inspect(header(0, 8, 3).data(), 32)
        == frame_refusal::unexpected_handshake);
  basp_frame_guard first_message{client, 1 << 20};
  CHECK(first_message.inspect(header(2, 8, 0, 1, 1).data(), 32)
        == frame_refusal::unexpected_handshake);
}

TEST_CASE("CAF's own header rules") {
  auto refused = [](const bytes& second) {
    basp_frame_guard g{client, 1 << 20};
    return feed(g, frame(1, 8) + second, 1000);
  };
  CHECK(refused(header(7, 0)) == frame_refusal::malformed_header);
  CHECK(refused(header(2, 0, 0, 1, 1)) == frame_refusal::malformed_header);
  CHECK(refused(header(2, 8, 0, 1, 0)) == frame_refusal::malformed_header);
  CHECK(refused(header(6, 1)) == frame_refusal::malformed_header);
  CHECK(refused(header(4, 8, 1, 0, 1)) == frame_refusal::malformed_header);
  CHECK(refused(header(5, 8, 0, 0, 0)) == frame_refusal::malformed_header);
  CHECK(refused(header(1, 8, 0, 1, 0)) == frame_refusal::malformed_header);
}

TEST_CASE("a refusal is final") {
  basp_frame_guard g{client, 64};
  CHECK(g.inspect(header(1, 65).data(), 32) == frame_refusal::frame_too_large);
  const auto fine = frame(1, 8);
  CHECK(g.inspect(fine.data(), fine.size()) == frame_refusal::frame_too_large);
  CHECK(g.refusal() == frame_refusal::frame_too_large);
}

TEST_CASE("a message CAF could not decode safely never reaches it") {
  // The payload's first 8 bytes are read as a forwarding stack of
  // 0x5a5a... stages: refused, and before the frame's last byte.
  for (size_t piece : {1, 7, 1000}) {
    CAPTURE(piece);
    basp_frame_guard g{client, 1 << 20};
    CHECK(feed(g, frame(1, 8) + frame(2, 40, 0, 1, 1), piece)
          == frame_refusal::forbidden_message);
    CHECK(g.refusal_detail().find("a forwarding stack of 90 stages")
          != std::string::npos);
  }
  // A legitimate one after it still passes on a new connection.
  basp_frame_guard g{client, 1 << 20};
  CHECK(feed(g, frame(1, 8) + message_frame(2, 60, 1, 1), 5)
        == frame_refusal::none);
}

} // TEST_SUITE
