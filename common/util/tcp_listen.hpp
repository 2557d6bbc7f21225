#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <string>

namespace ubaflow {

/// Opens, binds (address reuse on) and listens `acceptor` on host:port
/// (port 0: any free one). False with `error` naming the address.
inline bool listen_on(boost::asio::ip::tcp::acceptor& acceptor,
                      const std::string& host, uint16_t port,
                      std::string& error) {
  using boost::asio::ip::tcp;
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  if (ec) {
    error = "bad listen address '" + host + "': " + ec.message();
    return false;
  }
  tcp::endpoint endpoint{address, port};
  acceptor.open(endpoint.protocol(), ec);
  if (!ec)
    acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec)
    acceptor.bind(endpoint, ec);
  if (!ec)
    acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on " + host + ":" + std::to_string(port) + ": "
            + ec.message();
    return false;
  }
  return true;
}

} // namespace ubaflow
