// ubaflow_hostile_peer: replays the attacks of the cluster-port security
// review against a running coordinator or worker (tests/integration/
// test_hostile_peer.py drives it and checks that nothing changed).
//
//   ubaflow_hostile_peer raw HOST PORT
//       without credentials: a bare BASP server handshake (32 bytes that
//       crashed CAF 0.17), a 0xFFFFFFFF length prefix, garbage, and a TLS
//       handshake that never finishes.
//   ubaflow_hostile_peer frames HOST PORT [--tls]
//       with the cluster key when --tls (UBAFLOW_CLUSTER_SECRET,
//       cluster id "ubaflow"), plain otherwise: malformed BASP frames that
//       only the relay's frame guard stands between and CAF.
//   ubaflow_hostile_peer coordinator HOST PORT
//   ubaflow_hostile_peer worker HOST PORT
//       with the cluster key, as a process that connects but never joined:
//       every control message a member, the job master or the REST API may
//       send, with hostile fields.
//
// Every attack prints "refused <name>: <how>" or "ACCEPTED <name>"; the
// exit code is the number of accepted attacks.

#include "common/cluster/join_proof.hpp"
#include "common/protocol/errors.hpp"
#include "common/protocol/type_ids.hpp"
#include "common/transport/cluster_psk.hpp"
#include "common/transport/cluster_transport.hpp"

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

using namespace ubaflow;

namespace {

int accepted = 0;

void report(const std::string& name, bool refused, const std::string& how) {
  if (refused) {
    std::printf("refused %s: %s\n", name.c_str(), how.c_str());
  } else {
    std::printf("ACCEPTED %s: %s\n", name.c_str(), how.c_str());
    ++accepted;
  }
  std::fflush(stdout);
}

std::string secret() {
  const char* s = std::getenv("UBAFLOW_CLUSTER_SECRET");
  return s ? s : "";
}

/// A BASP header (CAF 0.17, network byte order).
std::vector<uint8_t> basp_header(uint8_t operation, uint32_t payload,
                                 uint64_t operation_data, uint64_t source,
                                 uint64_t dest) {
  std::vector<uint8_t> h(32, 0);
  h[0] = operation;
  for (int i = 0; i < 4; ++i)
    h[4 + i] = static_cast<uint8_t>(payload >> (24 - 8 * i));
  for (int i = 0; i < 8; ++i) {
    h[8 + i] = static_cast<uint8_t>(operation_data >> (56 - 8 * i));
    h[16 + i] = static_cast<uint8_t>(source >> (56 - 8 * i));
    h[24 + i] = static_cast<uint8_t>(dest >> (56 - 8 * i));
  }
  return h;
}

int dial(const std::string& host, uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, host.c_str(), &a.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// Waits until the peer closes the connection (or `ms` pass): true if it
/// did, i.e. the bytes were refused rather than taken.
bool closed_by_peer(int fd, int ms) {
  const auto deadline = std::chrono::steady_clock::now()
                        + std::chrono::milliseconds(ms);
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0)
      continue;
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0)
      return true;
  }
  return false;
}

void raw_attack(const std::string& host, uint16_t port, const std::string& name,
                const std::vector<uint8_t>& bytes, int wait_ms = 3000) {
  int fd = dial(host, port);
  if (fd < 0) {
    report(name, false, "cannot connect: is the node down?");
    return;
  }
  ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  const bool closed = closed_by_peer(fd, wait_ms);
  ::close(fd);
  report(name, closed, closed ? "connection closed" : "connection kept open");
}

int raw_attacks(const std::string& host, uint16_t port) {
  raw_attack(host, port, "bare BASP server handshake",
             basp_header(0, 0, 3, 0, 0));
  raw_attack(host, port, "0xFFFFFFFF length prefix",
             basp_header(2, 0xFFFFFFFF, 0, 1, 1));
  raw_attack(host, port, "garbage",
             std::vector<uint8_t>(64 * 1024, 0x41));
  // A TLS ClientHello that never comes: the handshake timeout ends it.
  raw_attack(host, port, "silent connection", {}, 15000);
  return accepted;
}

/// Sends frames over a connection with the cluster key (TLS 1.3 PSK) or
/// plain, and reports whether the relay closed it.
void frame_attack(const std::string& host, uint16_t port, bool tls,
                  const std::string& name, const std::vector<uint8_t>& bytes) {
  int fd = dial(host, port);
  if (fd < 0) {
    report(name, false, "cannot connect");
    return;
  }
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  std::shared_ptr<const cluster_keyring> keys;
  if (tls) {
    std::string error;
    keys = derive_cluster_keyring({secret()}, "ubaflow", error);
    ctx = SSL_CTX_new(TLS_client_method());
    if (!keys || !use_cluster_psk(ctx, keys.get(), error)) {
      report(name, false, "cannot set up TLS: " + error);
      return;
    }
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) {
      report(name, false, "the TLS handshake with the right key failed");
      SSL_free(ssl);
      SSL_CTX_free(ctx);
      ::close(fd);
      return;
    }
    SSL_write(ssl, bytes.data(), static_cast<int>(bytes.size()));
  } else {
    ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  }
  bool closed = false;
  const auto deadline = std::chrono::steady_clock::now()
                        + std::chrono::seconds(3);
  while (!closed && std::chrono::steady_clock::now() < deadline) {
    if (tls) {
      char buf[4096];
      pollfd p{fd, POLLIN, 0};
      if (SSL_pending(ssl) == 0 && ::poll(&p, 1, 100) <= 0)
        continue;
      closed = SSL_read(ssl, buf, sizeof buf) <= 0;
    } else {
      closed = closed_by_peer(fd, 3000);
      break;
    }
  }
  if (ssl)
    SSL_free(ssl);
  if (ctx)
    SSL_CTX_free(ctx);
  ::close(fd);
  report(name, closed, closed ? "connection closed" : "connection kept open");
}

int frame_attacks(const std::string& host, uint16_t port, bool tls) {
  frame_attack(host, port, tls, "server handshake without payload",
               basp_header(0, 0, 3, 0, 0));
  frame_attack(host, port, tls, "client handshake without payload",
               basp_header(1, 0, 0, 0, 0));
  auto server_hello = basp_header(0, 8, 3, 0, 0);
  server_hello.resize(40, 0);
  frame_attack(host, port, tls, "a server handshake from a client",
               server_hello);
  frame_attack(host, port, tls, "a 4 GiB frame",
               basp_header(1, 0xFFFFFFFF, 0, 0, 0));
  frame_attack(host, port, tls, "a message before the handshake",
               basp_header(2, 16, 0, 1, 1));
  frame_attack(host, port, tls, "an unknown operation",
               basp_header(9, 0, 0, 0, 0));
  return accepted;
}

// -- CAF-level attacks -------------------------------------------------------

/// Expects `who` to answer a request with an error rather than the `Ok`
/// a legitimate sender would get.
template <class Ok, class... Ts>
void expect_refusal(caf::scoped_actor& self, const caf::actor& who,
                    const std::string& name, Ts&&... xs) {
  bool answered_ok = false;
  std::string how = "no answer";
  self->request(who, std::chrono::seconds(5), std::forward<Ts>(xs)...)
    .receive(
      [&](Ok&) {
        answered_ok = true;
        how = "answered";
      },
      [&](caf::error& err) { how = self->system().render(err); });
  report(name, !answered_ok, how);
}

/// Sends a one-way message; the test checks the receiver's refusal count.
template <class... Ts>
void fire(caf::scoped_actor& self, const caf::actor& who,
          const std::string& name, Ts&&... xs) {
  self->send(who, std::forward<Ts>(xs)...);
  std::printf("sent %s\n", name.c_str());
}

int coordinator_attacks(caf::actor_system& system, const caf::actor& manager) {
  caf::scoped_actor self{system};
  expect_refusal<job_status>(self, manager, "status", status_atom_v);
  expect_refusal<std::string>(self, manager, "savepoint", savepoint_atom_v);
  expect_refusal<std::string>(self, manager, "rescale", rescale_atom_v,
                              uint32_t{1});
  expect_refusal<std::vector<result_row>>(self, manager, "results",
                                         results_atom_v);
  expect_refusal<ack_atom>(self, manager, "heartbeat for worker 1", heartbeat_atom_v,
                 uint32_t{1});
  expect_refusal<ack_atom>(self, manager, "evicting worker 1", stop_atom_v,
                           uint32_t{1});
  // A join whose challenge was never issued, then a proof used twice.
  join_request forged;
  forged.cluster_id = "ubaflow";
  forged.worker_name = "intruder";
  forged.challenge = "00112233445566778899aabbccddeeff";
  forged.proof = join_proof(secret(), "ubaflow", "intruder", forged.challenge);
  expect_refusal<join_reply>(self, manager, "join with an unissued challenge",
                             forged);
  std::string challenge;
  self->request(manager, std::chrono::seconds(5), challenge_atom_v)
    .receive([&](std::string& c) { challenge = c; }, [](caf::error&) {});
  join_request once = forged;
  once.challenge = challenge;
  once.proof = join_proof(secret(), "ubaflow", "intruder", challenge);
  self->request(manager, std::chrono::seconds(5), once)
    .receive([](join_reply&) {}, [](caf::error&) {});
  expect_refusal<join_reply>(self, manager, "replayed join proof", once);
  // A join that registers another node's task manager (the manager's own).
  self->request(manager, std::chrono::seconds(5), challenge_atom_v)
    .receive([&](std::string& c) { challenge = c; }, [](caf::error&) {});
  join_request foreign = forged;
  foreign.challenge = challenge;
  foreign.proof = join_proof(secret(), "ubaflow", "intruder", challenge);
  foreign.host = "127.0.0.1";
  foreign.port = 1;
  foreign.task_manager = manager;
  expect_refusal<join_reply>(self, manager,
                             "join for another node's task manager", foreign);
  // A worker of another ubaflow version, with the right secret.
  self->request(manager, std::chrono::seconds(5), challenge_atom_v)
    .receive([&](std::string& c) { challenge = c; }, [](caf::error&) {});
  join_request newer = forged;
  newer.protocol = cluster_protocol_version + 1;
  newer.challenge = challenge;
  newer.proof = join_proof(secret(), "ubaflow", "intruder", challenge);
  expect_refusal<join_reply>(self, manager, "join of another protocol version",
                             newer);
  savepoint_request stale{"ubaflow", "intruder", "deadbeef", "00"};
  expect_refusal<std::string>(self, manager, "savepoint with a stale proof",
                              stale);
  // One-way messages: counted as refused by the coordinator.
  std::vector<result_row> planted{
    {"../../etc/passwd", "x", "{}"},
    {"top_category", "planted", R"({"category_name":"x"})"}};
  fire(self, manager, "planted result rows", results_atom_v, planted);
  checkpoint_stats stats;
  stats.last_path = "/etc/passwd";
  stats.last_id = 1'000'000;
  fire(self, manager, "restore path outside checkpoint.dir", checkpoint_atom_v,
       stats);
  fire(self, manager, "drain", drain_atom_v);
  fire(self, manager, "stop", stop_atom_v);
  fire(self, manager, "a forged final status", done_atom_v, job_status{});
  fire(self, manager, "liveness tick", tick_atom_v);
  return accepted;
}

int worker_attacks(caf::actor_system& system, const caf::actor& tm) {
  caf::scoped_actor self{system};
  expect_refusal<ack_atom>(self, tm, "cancel the worker's tasks", cancel_atom_v);
  expect_refusal<ack_atom>(self, tm, "shut the worker down", shutdown_atom_v);
  expect_refusal<uint64_t>(self, tm, "status", status_atom_v);
  expect_refusal<ack_atom>(self, tm, "peer list", peer_list{{{"127.0.0.1", 1}}});
  sink_deployment sinks{1, caf::actor{self}};
  expect_refusal<std::vector<caf::actor>>(self, tm, "deploy a sink", sinks);
  owner_deployment owner;
  owner.range = {0, 4096};
  owner.inputs = 1;
  owner.coordinator = caf::actor{self};
  expect_refusal<caf::actor>(self, tm, "deploy an owner", owner);
  source_deployment source;
  source.partitions = {0};
  expect_refusal<caf::actor>(self, tm, "deploy a source", source);
  fire(self, tm, "take over as job master", join_atom_v, uint32_t{1},
       caf::actor{self});
  fire(self, tm, "heartbeat tick", heartbeat_atom_v);
  return accepted;
}

int caf_attacks(const std::string& role, const std::string& host,
                uint16_t port) {
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::ubaflow>();
  configure_cluster_transport(cfg);
  std::string error;
  relay_security security;
  security.mode = relay_security::kind::psk;
  security.keys = derive_cluster_keyring({secret()}, "ubaflow", error);
  if (!security.keys) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 100;
  }
  use_cluster_security(security);
  caf::actor_system system{cfg};
  auto target = connect_to(system, host, port);
  if (!target) {
    std::fprintf(stderr, "cannot connect: %s\n",
                 system.render(target.error()).c_str());
    return 100;
  }
  const int result = role == "coordinator"
                       ? coordinator_attacks(system, *target)
                       : worker_attacks(system, *target);
  // Give one-way messages time to leave, then go without tearing down
  // (the middleman's destructor may wait on the peer).
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::fflush(nullptr);
  std::_Exit(result);
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s raw|frames|coordinator|worker HOST PORT "
                         "[--tls]\n",
                 argv[0]);
    return 100;
  }
  const std::string mode = argv[1];
  const std::string host = argv[2];
  const auto port = static_cast<uint16_t>(std::atoi(argv[3]));
  const bool tls = argc > 4 && std::string{argv[4]} == "--tls";
  if (mode == "raw")
    return raw_attacks(host, port);
  if (mode == "frames")
    return frame_attacks(host, port, tls);
  if (mode == "coordinator" || mode == "worker")
    return caf_attacks(mode, host, port);
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 100;
}
