#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ubaflow {

struct http_request {
  std::string method;        ///< GET, POST, ...
  std::string target;        ///< path and query, as sent
  std::string authorization; ///< the Authorization header, if any
  std::string body;
  std::string peer;          ///< the client's address
};

struct http_reply {
  using header_list = std::vector<std::pair<std::string, std::string>>;

  http_reply() = default;
  http_reply(unsigned s, std::string type, std::string text,
             header_list extra = {})
    : status(s), content_type(std::move(type)), body(std::move(text)),
      headers(std::move(extra)) {}

  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  header_list headers; ///< extra ones
};

using http_handler = std::function<http_reply(const http_request&)>;

/// How an http_server listens and what it tolerates from its clients.
struct http_settings {
  std::string host = "127.0.0.1";
  uint16_t port = 0; ///< 0: any free port
  /// PEM certificate chain and key: HTTPS instead of HTTP when both are set.
  std::string tls_certificate;
  std::string tls_key;
  size_t max_connections = 512;        ///< open at once, all clients
  size_t max_connections_per_client = 32; ///< open at once, one address
  int64_t header_timeout_ms = 5'000; ///< first byte to the end of the head
  int64_t idle_timeout_ms = 30'000;  ///< a kept-alive connection's silence
  size_t max_target_bytes = 8 * 1024;
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 1 << 20;
  size_t handler_threads = 4; ///< handlers may block (they ask actors)
};

/// The coordinator's (and a worker's) small HTTP/1.1 server, Boost.Beast
/// over Asio: one I/O thread serves every connection asynchronously, so a
/// slow or silent client costs a socket, not a thread; handlers run on a
/// small pool. Built to stay reachable when clients misbehave:
///  - connections are capped in total and per client address; a client
///    over its cap is answered 503 and closed, others are unaffected;
///  - a request's head must arrive within header_timeout_ms of its first
///    byte (slowloris), an idle kept-alive connection is closed after
///    idle_timeout_ms;
///  - a malformed request gets 400, a request line or target too long 414,
///    headers too large 431, a body too large 413 — then the connection
///    closes;
///  - every response leaves in one write with TCP_NODELAY, so kept-alive
///    clients see no Nagle/delayed-ACK stall.
class http_server {
public:
  /// Listens as `settings` says; nullptr and `error` when the address is
  /// bad or taken, or the TLS files cannot be loaded.
  static std::unique_ptr<http_server> start(const http_settings& settings,
                                            http_handler handler,
                                            std::string& error);
  ~http_server();

  uint16_t port() const;

  struct impl; ///< (public for the connection sessions of the .cpp file)

private:
  explicit http_server(std::shared_ptr<impl> p);
  std::shared_ptr<impl> impl_;
};

} // namespace ubaflow
