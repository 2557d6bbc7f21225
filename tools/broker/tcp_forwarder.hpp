#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace ubaflow {

/// Listens on a fixed address and relays every connection, byte for byte,
/// to a target address. librdkafka's mock brokers can only listen on
/// random ports; this gives the mock cluster a stable bootstrap address
/// (clients then follow the brokers' advertised loopback ports, which they
/// learn from the metadata). Runs on its own thread until destroyed.
class tcp_forwarder {
public:
  /// Binds `listen_host:listen_port` (port 0: any free port). On failure
  /// returns nullptr and explains in `error`.
  static std::unique_ptr<tcp_forwarder>
  start(const std::string& listen_host, uint16_t listen_port,
        const std::string& target_host, uint16_t target_port,
        std::string& error);
  ~tcp_forwarder();

  uint16_t port() const;

private:
  struct impl;
  explicit tcp_forwarder(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace ubaflow
