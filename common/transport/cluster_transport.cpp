#include "common/transport/cluster_transport.hpp"

#include "common/protocol/errors.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/basp_broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/network/multiplexer.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/sec.hpp>
#include <caf/send.hpp>

#include <mutex>
#include <set>

namespace ubaflow {

namespace {

/// The process's security settings and its relay, which lives as long as
/// the process: connections through it may be reopened at any time.
struct transport_state {
  std::mutex mutex;
  relay_security security;
  std::unique_ptr<cluster_relay> relay;
  uint16_t next_publication = 1; ///< CAF's key of a published actor
};

transport_state& transport() {
  static transport_state state;
  return state;
}

/// The relay, started on first use; nullptr and `error` if it cannot be.
cluster_relay* relay_locked(transport_state& t, std::string& error) {
  if (!t.relay)
    t.relay = cluster_relay::start(t.security, error);
  return t.relay.get();
}

/// CAF's BASP broker, which speaks the cluster protocol on every
/// connection the relay hands it.
caf::actor basp_broker_of(caf::actor_system& system) {
  return system.middleman().named_broker<caf::io::basp_broker>(
    caf::atom("BASP"));
}

} // namespace

void configure_cluster_transport(caf::actor_system_config& cfg) {
  cfg.load<caf::io::middleman>();
  register_error_category(cfg);
}

void use_cluster_security(relay_security security) {
  std::lock_guard<std::mutex> guard{transport().mutex};
  transport().security = std::move(security);
}

caf::expected<uint16_t> publish_on(const caf::actor& actor,
                                   const std::string& host, uint16_t port) {
  auto& t = transport();
  std::lock_guard<std::mutex> guard{t.mutex};
  std::string error;
  auto* relay = relay_locked(t, error);
  if (!relay)
    return caf::make_error(caf::sec::cannot_open_port, error);
  auto* system = &actor->home_system();
  auto basp = basp_broker_of(*system);
  auto whom = caf::actor_cast<caf::strong_actor_ptr>(actor);
  const uint16_t key = t.next_publication++;
  // Each authenticated connection becomes a scribe of the BASP broker,
  // which greets it with the server handshake for `whom`.
  auto bound = relay->listen(
    host, port,
    [system, basp, whom, key](int caf_socket) {
      auto scribe = system->middleman().backend().new_scribe(caf_socket);
      caf::anon_send(basp, caf::publish_atom_v, std::move(scribe), key, whom,
                     std::set<std::string>{});
    },
    error);
  if (!bound)
    return caf::make_error(caf::sec::cannot_open_port, error);
  return *bound;
}

caf::expected<caf::actor> connect_to(caf::actor_system& system,
                                     const std::string& host, uint16_t port) {
  int caf_socket = -1;
  {
    auto& t = transport();
    std::lock_guard<std::mutex> guard{t.mutex};
    std::string error;
    auto* relay = relay_locked(t, error);
    if (relay)
      caf_socket = relay->connect(host, port, error);
    if (caf_socket < 0)
      return caf::make_error(caf::sec::cannot_connect_to_node, error);
  }
  const auto failure = [&host, port](caf::error err) -> caf::error {
    // CAF only saw its connection close; the relay knows why.
    auto& t = transport();
    std::lock_guard<std::mutex> guard{t.mutex};
    auto why = t.relay ? t.relay->last_failure(host, port) : std::nullopt;
    if (!why)
      return err;
    if (why->bad_credentials)
      return caf::make_error(cluster_error::bad_credentials,
                             why->what
                               + ": wrong cluster secret or cluster id (or, "
                                 "with cluster.tls-*, a certificate from "
                                 "another CA)");
    return caf::make_error(caf::sec::cannot_connect_to_node, why->what);
  };
  auto scribe = system.middleman().backend().new_scribe(caf_socket);
  caf::scoped_actor self{system};
  caf::expected<caf::actor> result{caf::sec::cannot_connect_to_node};
  // The relay's own timeout ends a connection that does not come up; this
  // one only bounds a broker that never answers.
  self
    ->request(basp_broker_of(system), std::chrono::seconds(60),
              caf::connect_atom_v, std::move(scribe), port)
    .receive(
      [&](caf::node_id&, caf::strong_actor_ptr& found,
          std::set<std::string>&) {
        if (found)
          result = caf::actor_cast<caf::actor>(std::move(found));
        else
          result = caf::make_error(caf::sec::no_actor_published_at_port,
                                   host + ":" + std::to_string(port));
      },
      [&](caf::error& err) { result = failure(std::move(err)); });
  return result;
}

} // namespace ubaflow
