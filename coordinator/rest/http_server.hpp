#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace ubaflow {

struct http_request {
  std::string method;        ///< GET, POST, ...
  std::string target;        ///< path and query, as sent
  std::string authorization; ///< the Authorization header, if any
  std::string body;
};

struct http_reply {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
};

using http_handler = std::function<http_reply(const http_request&)>;

/// A small HTTP/1.1 server (Boost.Beast) for the coordinator's REST API,
/// web UI and metrics: one thread accepts, each connection is served on a
/// thread of its own (keep-alive, bounded count, idle connections closed
/// after 30 s). Handlers run on those threads and must be thread-safe.
class http_server {
public:
  /// Listens on host:port (0: any free port); nullptr and `error` when
  /// the address is bad or taken.
  static std::unique_ptr<http_server> start(const std::string& host,
                                            uint16_t port,
                                            http_handler handler,
                                            std::string& error);
  ~http_server();

  uint16_t port() const;

private:
  struct impl;
  explicit http_server(std::shared_ptr<impl> p);
  std::shared_ptr<impl> impl_;
};

} // namespace ubaflow
