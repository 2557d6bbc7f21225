#include "coordinator/rest/http_server.hpp"

#include "common/util/tcp_listen.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
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
constexpr int idle_timeout_s = 30;

/// A connected socket read and written with plain recv/send, so that its
/// SO_RCVTIMEO/SO_SNDTIMEO end a silent peer's turn (Asio's blocking calls
/// would wait on, whatever the socket options). A Beast sync stream.
class timed_socket {
public:
  explicit timed_socket(int fd) : fd_(fd) {
    timeval tv{idle_timeout_s, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }

  template <class Buffers>
  size_t read_some(const Buffers& buffers, beast::error_code& ec) {
    const net::mutable_buffer b = *net::buffer_sequence_begin(buffers);
    const auto n = ::recv(fd_, b.data(), b.size(), 0);
    return finish(n, ec);
  }

  template <class Buffers>
  size_t read_some(const Buffers& buffers) {
    beast::error_code ec;
    const auto n = read_some(buffers, ec);
    if (ec)
      throw beast::system_error{ec};
    return n;
  }

  template <class Buffers>
  size_t write_some(const Buffers& buffers, beast::error_code& ec) {
    const net::const_buffer b = *net::buffer_sequence_begin(buffers);
    const auto n = ::send(fd_, b.data(), b.size(), MSG_NOSIGNAL);
    return finish(n, ec);
  }

  template <class Buffers>
  size_t write_some(const Buffers& buffers) {
    beast::error_code ec;
    const auto n = write_some(buffers, ec);
    if (ec)
      throw beast::system_error{ec};
    return n;
  }

private:
  static size_t finish(ssize_t n, beast::error_code& ec) {
    if (n > 0) {
      ec = {};
      return static_cast<size_t>(n);
    }
    if (n == 0)
      ec = net::error::eof;
    else if (errno == EAGAIN || errno == EWOULDBLOCK)
      ec = net::error::timed_out;
    else
      ec = beast::error_code{errno, beast::system_category()};
    return 0;
  }

  int fd_;
};

} // namespace

struct http_server::impl {
  net::io_context io;
  tcp::acceptor acceptor{io};
  http_handler handler;
  std::atomic<bool> stopping{false};
  std::thread thread;
  /// Open connections, so that stopping can end them and wait: no handler
  /// runs once the server is gone.
  std::mutex mutex;
  std::condition_variable idle;
  std::set<int> open;

  void serve(tcp::socket& socket) {
    timed_socket stream{socket.native_handle()};
    beast::flat_buffer buffer;
    beast::error_code ec;
    while (!stopping) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(1 << 20);
      http::read(stream, buffer, parser, ec);
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
      if (req.method() != http::verb::head)
        res.body() = std::move(out.body);
      res.prepare_payload();
      http::write(stream, res, ec);
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
      if (ec) {
        // Out of descriptors, say: do not spin on a failing accept.
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      const int fd = socket.native_handle();
      {
        std::lock_guard<std::mutex> guard{mutex};
        if (open.size() >= max_connections) {
          socket.close(ec); // shed load rather than queue without bound
          continue;
        }
        open.insert(fd);
      }
      std::thread([self, fd, s = std::move(socket)]() mutable {
        self->serve(s);
        // Unlisted before the descriptor closes, so that stopping never
        // shuts down a reused descriptor.
        std::lock_guard<std::mutex> guard{self->mutex};
        self->open.erase(fd);
        self->idle.notify_all();
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
  // End every connection (its blocked recv returns) and wait for the
  // handlers: they may use what the owner destroys next.
  std::unique_lock<std::mutex> lock{impl_->mutex};
  for (int fd : impl_->open)
    ::shutdown(fd, SHUT_RDWR);
  impl_->idle.wait_for(lock, std::chrono::seconds(10),
                       [this] { return impl_->open.empty(); });
}

uint16_t http_server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

} // namespace ubaflow
