#include "common/http/http_server.hpp"

#include "common/util/tcp_listen.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

namespace ubaflow {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using tls_stream = beast::ssl_stream<tcp::socket>;

namespace {

tcp::socket& socket_of(tcp::socket& s) {
  return s;
}

tcp::socket& socket_of(tls_stream& s) {
  return s.next_layer();
}

std::string error_body(const std::string& message) {
  std::string escaped;
  for (char c : message)
    if (c == '"' || c == '\\')
      (escaped += '\\') += c;
    else
      escaped += c;
  return R"({"errors":[")" + escaped + R"("]})";
}

/// A Beast parse error (the client's fault), as opposed to an I/O error.
bool is_parse_error(const beast::error_code& ec) {
  if (ec.category() != http::make_error_code(http::error::bad_target).category())
    return false;
  return ec != http::error::end_of_stream && ec != http::error::partial_message
         && ec != http::error::need_more;
}

} // namespace

struct http_server::impl {
  // Declared before the io_context, destroyed after it: the sessions it
  // still holds count themselves out here when it destroys them.
  http_settings settings;
  http_handler handler;
  std::atomic<bool> stopping{false};
  std::mutex mutex; ///< the connection counts
  size_t open = 0;
  std::map<std::string, size_t> per_client;
  net::io_context io;
  net::thread_pool pool;
  ssl::context tls{ssl::context::tls_server};
  bool secure = false;
  tcp::acceptor acceptor{io};
  std::thread thread;

  explicit impl(size_t threads) : pool(threads) {}

  /// Takes a connection slot for `client`; false when over a cap.
  bool admit(const std::string& client) {
    std::lock_guard<std::mutex> guard{mutex};
    auto& mine = per_client[client];
    if (open >= settings.max_connections
        || mine >= settings.max_connections_per_client) {
      if (mine == 0)
        per_client.erase(client);
      return false;
    }
    ++open;
    ++mine;
    return true;
  }

  void release(const std::string& client) {
    std::lock_guard<std::mutex> guard{mutex};
    --open;
    auto i = per_client.find(client);
    if (i != per_client.end() && --i->second == 0)
      per_client.erase(i);
  }

  void accept();
};

namespace {

/// One client connection, plain or TLS. Lives in its pending handlers; the
/// server outlives them (its io_context destroys the last ones).
template <class Stream>
class session : public std::enable_shared_from_this<session<Stream>> {
public:
  session(http_server::impl* server, Stream stream, std::string peer)
    : server_(server),
      stream_(std::move(stream)),
      timer_(server_->io),
      peer_(std::move(peer)) {}

  ~session() { server_->release(peer_); }

  void start() {
    if constexpr (std::is_same_v<Stream, tls_stream>) {
      auto self = this->shared_from_this();
      arm(server_->settings.header_timeout_ms);
      stream_.async_handshake(ssl::stream_base::server,
                              [self](beast::error_code ec) {
                                if (ec) {
                                  self->close();
                                  return;
                                }
                                self->wait_request();
                              });
    } else {
      wait_request();
    }
  }

private:
  const http_settings& settings() const { return server_->settings; }

  void arm(int64_t ms) {
    timer_.expires_after(std::chrono::milliseconds(ms));
    std::weak_ptr<session> weak = this->shared_from_this();
    timer_.async_wait([weak](beast::error_code ec) {
      if (ec)
        return; // re-armed or cancelled
      if (auto self = weak.lock())
        self->close();
    });
  }

  /// Waits for the next request's first byte (idle timeout), then gives
  /// the head its own, short deadline.
  void wait_request() {
    if (server_->stopping) {
      close();
      return;
    }
    auto self = this->shared_from_this();
    if (buffer_.size() > 0) { // pipelined: the next request is here already
      read_head();
      return;
    }
    arm(settings().idle_timeout_ms);
    // The first bytes go into the parser's buffer (a TLS stream may hold
    // them already, so the socket alone cannot tell).
    stream_.async_read_some(buffer_.prepare(4096),
                            [self](beast::error_code ec, size_t n) {
                              if (ec) {
                                self->close();
                                return;
                              }
                              self->buffer_.commit(n);
                              self->read_head();
                            });
  }

  void read_head() {
    auto self = this->shared_from_this();
    arm(settings().header_timeout_ms);
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(settings().max_header_bytes));
    parser_->body_limit(settings().max_body_bytes);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self](beast::error_code ec, size_t) {
                              self->on_head(ec);
                            });
  }

  void on_head(beast::error_code ec) {
    if (ec) {
      refuse_or_close(ec);
      return;
    }
    if (parser_->get().target().size() > settings().max_target_bytes) {
      respond_error(414, "the request target is too long");
      return;
    }
    if (parser_->is_done()) {
      dispatch();
      return;
    }
    auto self = this->shared_from_this();
    arm(settings().idle_timeout_ms); // a body of up to max_body_bytes
    http::async_read(stream_, buffer_, *parser_,
                     [self](beast::error_code body_ec, size_t) {
                       if (body_ec) {
                         self->refuse_or_close(body_ec);
                         return;
                       }
                       self->dispatch();
                     });
  }

  /// A request that cannot be read: the client's error gets an answer,
  /// a timeout or a closed connection does not.
  void refuse_or_close(const beast::error_code& ec) {
    if (ec == http::error::header_limit) {
      // Which part is too long: the request line, if it never ended (the
      // parser sets the target once it has the whole line)?
      const bool line_done = !parser_->get().target().empty();
      if (!line_done)
        respond_error(414, "the request line is too long");
      else
        respond_error(431, "the request's header fields are too large");
      return;
    }
    if (ec == http::error::body_limit) {
      respond_error(413, "the request body is too large");
      return;
    }
    if (is_parse_error(ec)) {
      respond_error(400, "malformed HTTP request: " + ec.message());
      return;
    }
    close();
  }

  void dispatch() {
    timer_.cancel();
    auto& req = parser_->get();
    http_request in;
    in.method = std::string{req.method_string()};
    in.target = std::string{req.target()};
    in.authorization = std::string{req[http::field::authorization]};
    in.body = std::move(req.body());
    in.peer = peer_;
    keep_alive_ = req.keep_alive();
    head_only_ = req.method() == http::verb::head;
    version_ = req.version();
    auto self = this->shared_from_this();
    net::post(server_->pool, [self, in = std::move(in)] {
      http_reply out;
      try {
        out = self->server_->handler(in);
      } catch (const std::exception& e) {
        spdlog::error("HTTP {} {} failed: {}", in.method, in.target, e.what());
        out = {500, "application/json",
               error_body("internal error; see the server's log"), {}};
      }
      net::post(self->server_->io, [self, out = std::move(out)]() mutable {
        self->respond(std::move(out));
      });
    });
  }

  void respond_error(unsigned status, const std::string& message) {
    keep_alive_ = false;
    head_only_ = false;
    respond({status, "application/json", error_body(message), {}});
  }

  /// Serializes the whole response and writes it at once.
  void respond(http_reply reply) {
    http::response<http::string_body> res{static_cast<http::status>(reply.status),
                                          version_};
    res.set(http::field::server, "ubaflow");
    res.set(http::field::content_type, reply.content_type);
    res.set(http::field::cache_control, "no-store");
    for (const auto& [name, value] : reply.headers)
      res.set(name, value);
    if (server_->stopping)
      keep_alive_ = false;
    res.keep_alive(keep_alive_);
    res.body() = std::move(reply.body);
    res.prepare_payload();
    if (head_only_)
      res.body().clear(); // Content-Length stays that of the GET
    std::ostringstream text;
    text << res.base();
    out_ = text.str();
    if (!head_only_)
      out_ += res.body();
    arm(settings().idle_timeout_ms);
    auto self = this->shared_from_this();
    net::async_write(stream_, net::buffer(out_),
                     [self](beast::error_code ec, size_t) {
                       if (ec || !self->keep_alive_) {
                         self->close();
                         return;
                       }
                       self->wait_request();
                     });
  }

  void close() {
    beast::error_code ignored;
    timer_.cancel();
    auto& socket = socket_of(stream_);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  http_server::impl* server_;
  Stream stream_;
  net::steady_timer timer_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string out_;
  bool keep_alive_ = false;
  bool head_only_ = false;
  unsigned version_ = 11;
};

/// Answers a connection over a cap and closes it, without a session.
void turn_away(tcp::socket socket) {
  static const std::string busy
    = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
      "Connection: close\r\nContent-Length: 58\r\n\r\n"
      R"({"errors":["too many connections from this client; retry"]})";
  auto held = std::make_shared<tcp::socket>(std::move(socket));
  net::async_write(*held, net::buffer(busy),
                   [held](beast::error_code, size_t) {
                     beast::error_code ignored;
                     held->shutdown(tcp::socket::shutdown_both, ignored);
                     held->close(ignored);
                   });
}

} // namespace

void http_server::impl::accept() {
  acceptor.async_accept([self = this](beast::error_code ec,
                                      tcp::socket socket) {
    if (self->stopping)
      return;
    if (ec) {
      if (ec != net::error::operation_aborted)
        self->accept(); // e.g. out of descriptors: the next may work
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const auto endpoint = socket.remote_endpoint(ignored);
    const std::string client = endpoint.address().to_string();
    if (!self->admit(client)) {
      if (self->secure)
        socket.close(ignored);
      else
        turn_away(std::move(socket));
    } else if (self->secure) {
      std::make_shared<session<tls_stream>>(
        self, tls_stream{std::move(socket), self->tls}, client)
        ->start();
    } else {
      std::make_shared<session<tcp::socket>>(self, std::move(socket), client)
        ->start();
    }
    self->accept();
  });
}

http_server::http_server(std::shared_ptr<impl> p) : impl_(std::move(p)) {
  // nop
}

std::unique_ptr<http_server> http_server::start(const http_settings& settings,
                                                http_handler handler,
                                                std::string& error) {
  auto p = std::make_shared<impl>(std::max<size_t>(1, settings.handler_threads));
  p->settings = settings;
  p->handler = std::move(handler);
  if (!settings.tls_certificate.empty() || !settings.tls_key.empty()) {
    beast::error_code ec;
    p->tls.set_options(ssl::context::default_workarounds
                       | ssl::context::no_sslv2 | ssl::context::no_sslv3
                       | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    p->tls.use_certificate_chain_file(settings.tls_certificate, ec);
    if (!ec)
      p->tls.use_private_key_file(settings.tls_key, ssl::context::pem, ec);
    if (ec) {
      error = "cannot load the HTTPS certificate or key: " + ec.message();
      return nullptr;
    }
    p->secure = true;
  }
  if (!listen_on(p->acceptor, settings.host, settings.port, error))
    return nullptr;
  p->accept();
  p->thread = std::thread([io = &p->io] { io->run(); });
  return std::unique_ptr<http_server>{new http_server(p)};
}

http_server::~http_server() {
  impl_->stopping = true;
  net::post(impl_->io, [p = impl_.get()] {
    beast::error_code ignored;
    p->acceptor.close(ignored);
  });
  // Handlers running now finish (they may use what the owner destroys
  // next); queued ones are dropped.
  impl_->pool.stop();
  impl_->pool.join();
  impl_->io.stop();
  if (impl_->thread.joinable())
    impl_->thread.join();
}

uint16_t http_server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

} // namespace ubaflow
