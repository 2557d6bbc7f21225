// `ubaflow savepoint`: asks a running coordinator for a savepoint.

#include "common/cluster/join_proof.hpp"
#include "common/config/cluster_options.hpp"
#include "common/protocol/type_ids.hpp"
#include "tools/cli_support.hpp"
#include "tools/cluster/cluster_support.hpp"
#include "tools/commands.hpp"
#include "common/transport/cluster_transport.hpp"

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>

#include <unistd.h>

#include <cstdio>

namespace ubaflow {

int savepoint_command(const std::vector<std::string>& args) {
  int exit_code = 0;
  auto values = parse_command_line(
    savepoint_options(), args,
    "Asks the coordinator of a running cluster for a savepoint and prints "
    "its path once written.\nThe request proves the cluster secret like a "
    "joining worker. Start a job from it with\n`ubaflow coordinator "
    "--checkpoint.restore PATH`.",
    exit_code);
  if (!values)
    return exit_code;
  std::string error;
  auto secrets = cluster_secrets(*values, error);
  if (!secrets)
    return configuration_error(*values, error);
  auto security = cluster_security(*values, *secrets, error);
  if (!security)
    return configuration_error(*values, error);
  use_cluster_security(*security);
  auto address = split_host_port(values->get_string("savepoint.coordinator"));
  if (!address)
    return configuration_error(*values,
                               "savepoint.coordinator must be host:port");
  const auto timeout
    = std::chrono::milliseconds(values->get_duration_ms("savepoint.timeout"));
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::ubaflow>();
  configure_cluster_transport(cfg);
  caf::actor_system system{cfg};
  auto coordinator = connect_to(system, address->first, address->second);
  if (!coordinator) {
    std::fprintf(stderr, "ubaflow savepoint: cannot reach the coordinator at "
                         "%s:%u: %s\n",
                 address->first.c_str(), address->second,
                 system.render(coordinator.error()).c_str());
    return 1;
  }
  savepoint_request request;
  request.cluster_id = values->get_string("cluster.id");
  char host[256] = "client";
  ::gethostname(host, sizeof(host) - 1);
  request.client_name = std::string{"savepoint@"} + host;
  int result = 1;
  caf::scoped_actor self{system};
  self->request(*coordinator, std::chrono::seconds(30), challenge_atom_v)
    .receive([&](std::string& challenge) { request.challenge = challenge; },
             [&](caf::error& err) {
               std::fprintf(stderr, "ubaflow savepoint: %s\n",
                            system.render(err).c_str());
             });
  if (request.challenge.empty())
    std::_Exit(1);
  request.proof = join_proof(secrets->empty() ? std::string{} : secrets->front(),
                             request.cluster_id, request.client_name,
                             request.challenge);
  self->request(*coordinator, timeout, request)
    .receive(
      [&](std::string& path) {
        std::printf("%s\n", path.c_str());
        result = 0;
      },
      [&](caf::error& err) {
        std::fprintf(stderr, "ubaflow savepoint: %s\n",
                     system.render(err).c_str());
      });
  std::fflush(stdout);
  // Leave without tearing the middleman down: its destructor can wait on
  // the connection the coordinator keeps (see worker_command).
  std::_Exit(result);
}

} // namespace ubaflow
