#include "coordinator/rest/http_server.hpp"

#include "common/util/tcp_listen.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>

namespace ubaflow {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr int max_connections = 64;

void set_timeouts(tcp::socket& socket, int seconds) {
  timeval tv{seconds, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

} // namespace

struct http_server::impl {
  net::io_context io;
  tcp::acceptor acceptor{io};
  http_handler handler;
  std::atomic<int> connections{0};
  std::atomic<bool> stopping{false};
  std::thread thread;

  void serve(tcp::socket socket) {
    set_timeouts(socket, 30);
    beast::flat_buffer buffer;
    beast::error_code ec;
    while (!stopping) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(1 << 20);
      http::read(socket, buffer, parser, ec);
      if (ec)
        break;
      auto& req = parser.get();
      http_request in;
      in.method = std::string{req.method_string()};
      in.target = std::string{req.target()};
      in.authorization = std::string{req[http::field::authorization]};
      in.body = req.body();
      http_reply out;
      try {
        out = handler(in);
      } catch (const std::exception& e) {
        spdlog::error("REST {} {} failed: {}", in.method, in.target, e.what());
        out = {500, "application/json",
               R"({"errors":["internal error; see the coordinator's log"]})"};
      }
      http::response<http::string_body> res{
        static_cast<http::status>(out.status), req.version()};
      res.set(http::field::server, "ubaflow");
      res.set(http::field::content_type, out.content_type);
      res.set(http::field::cache_control, "no-store");
      res.keep_alive(req.keep_alive());
      res.body() = std::move(out.body);
      res.prepare_payload();
      http::write(socket, res, ec);
      if (ec || !res.keep_alive())
        break;
    }
    socket.shutdown(tcp::socket::shutdown_both, ec);
  }

  void accept_loop(const std::shared_ptr<impl>& self) {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket{io};
      acceptor.accept(socket, ec);
      if (stopping)
        return;
      if (ec)
        continue;
      if (connections >= max_connections) {
        socket.close(ec); // shed load rather than queue without bound
        continue;
      }
      ++connections;
      std::thread([self, s = std::move(socket)]() mutable {
        self->serve(std::move(s));
        --self->connections;
      }).detach();
    }
  }
};

http_server::http_server(std::shared_ptr<impl> p) : impl_(std::move(p)) {
  // nop
}

std::unique_ptr<http_server> http_server::start(const std::string& host,
                                                uint16_t port,
                                                http_handler handler,
                                                std::string& error) {
  auto p = std::make_shared<impl>();
  p->handler = std::move(handler);
  if (!listen_on(p->acceptor, host, port, error))
    return nullptr;
  p->thread = std::thread([p] { p->accept_loop(p); });
  return std::unique_ptr<http_server>{new http_server(p)};
}

http_server::~http_server() {
  impl_->stopping = true;
  beast::error_code ec;
  // Wakes the blocking accept; connection threads end with their sockets.
  impl_->acceptor.cancel(ec);
  ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
  impl_->acceptor.close(ec);
  if (impl_->thread.joinable())
    impl_->thread.join();
}

uint16_t http_server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

} // namespace ubaflow
