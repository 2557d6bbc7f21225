#include "worker/runtime/tls_tunnel.hpp"

#include "common/util/byte_pump.hpp"
#include "common/util/tcp_listen.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <thread>

namespace ubaflow {

namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using tls_stream = ssl::stream<tcp::socket>;

namespace {

tcp::socket& socket_of(tcp::socket& s) {
  return s;
}

tcp::socket& socket_of(tls_stream& s) {
  return s.next_layer();
}

/// One relayed connection between an accepted stream and an outgoing one;
/// either side may be TLS. Keeps itself alive through its handlers.
template <class Accepted, class Outgoing>
class relay : public std::enable_shared_from_this<relay<Accepted, Outgoing>> {
public:
  relay(Accepted accepted, Outgoing outgoing, std::atomic<uint64_t>& failures)
    : accepted_(std::move(accepted)), outgoing_(std::move(outgoing)),
      failures_(failures) {}

  void start(const tcp::resolver::results_type& target) {
    auto self = this->shared_from_this();
    net::async_connect(socket_of(outgoing_), target,
                       [self](boost::system::error_code ec,
                              const tcp::endpoint&) {
                         if (ec) {
                           self->close();
                           return;
                         }
                         self->handshake();
                       });
  }

  void close() {
    boost::system::error_code ignored;
    socket_of(accepted_).close(ignored);
    socket_of(outgoing_).close(ignored);
  }

private:
  void handshake() {
    auto self = this->shared_from_this();
    if constexpr (std::is_same_v<Accepted, tls_stream>) {
      accepted_.async_handshake(ssl::stream_base::server,
                                [self](boost::system::error_code ec) {
                                  self->after_handshake(ec);
                                });
    } else {
      outgoing_.async_handshake(ssl::stream_base::client,
                                [self](boost::system::error_code ec) {
                                  self->after_handshake(ec);
                                });
    }
  }

  void after_handshake(boost::system::error_code ec) {
    if (ec) {
      if (failures_++ % 20 == 0)
        spdlog::warn("cluster TLS handshake failed: {}", ec.message());
      close();
      return;
    }
    pump_bytes(this->shared_from_this(), accepted_, outgoing_, to_outgoing_);
    pump_bytes(this->shared_from_this(), outgoing_, accepted_, to_accepted_);
  }


  Accepted accepted_;
  Outgoing outgoing_;
  std::atomic<uint64_t>& failures_;
  pump_buffer to_outgoing_;
  pump_buffer to_accepted_;
};

bool load_identity(ssl::context& ctx, const tls_settings& tls,
                   std::string& error) {
  boost::system::error_code ec;
  auto step = [&](const char* what, const std::string& path, auto&& load) {
    if (ec)
      return;
    load();
    if (ec)
      error = std::string{"cannot load the TLS "} + what + " '" + path
              + "': " + ec.message();
  };
  step("certificate", tls.certificate,
       [&] { ctx.use_certificate_chain_file(tls.certificate, ec); });
  step("key", tls.key,
       [&] { ctx.use_private_key_file(tls.key, ssl::context::pem, ec); });
  step("CA file", tls.ca, [&] { ctx.load_verify_file(tls.ca, ec); });
  if (ec)
    return false;
  ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  return true;
}

} // namespace

struct tls_tunnel::impl {
  template <class Relay>
  void connect(std::shared_ptr<Relay> r) {
    resolver.async_resolve(target_host, target_port,
                           [r](boost::system::error_code ec,
                               tcp::resolver::results_type results) {
                             if (!ec)
                               r->start(results);
                           });
  }

  net::io_context io;
  ssl::context context{ssl::context::tls};
  tcp::acceptor acceptor{io};
  tcp::resolver resolver{io};
  std::string target_host;
  std::string target_port;
  mode direction = mode::terminate;
  std::atomic<uint64_t> failures{0};
  std::thread thread;

  void accept() {
    acceptor.async_accept([this](boost::system::error_code ec,
                                 tcp::socket socket) {
      if (ec)
        return; // acceptor closed
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      // Resolved per connection: a peer's address may change (a pod
      // restarted under the same name).
      if (direction == mode::terminate)
        connect(std::make_shared<relay<tls_stream, tcp::socket>>(
          tls_stream{std::move(socket), context}, tcp::socket{io}, failures));
      else
        connect(std::make_shared<relay<tcp::socket, tls_stream>>(
          std::move(socket), tls_stream{io, context}, failures));
      accept();
    });
  }
};

tls_tunnel::tls_tunnel(std::unique_ptr<impl> p) : impl_(std::move(p)) {
  // nop
}

std::unique_ptr<tls_tunnel>
tls_tunnel::start(mode m, const std::string& listen_host, uint16_t listen_port,
                  const std::string& target_host, uint16_t target_port,
                  const tls_settings& tls, std::string& error) {
  auto p = std::make_unique<impl>();
  p->direction = m;
  p->context.set_options(ssl::context::default_workarounds
                         | ssl::context::no_sslv2 | ssl::context::no_sslv3
                         | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (!load_identity(p->context, tls, error))
    return nullptr;
  p->target_host = target_host;
  p->target_port = std::to_string(target_port);
  if (!listen_on(p->acceptor, listen_host, listen_port, error))
    return nullptr;
  p->accept();
  p->thread = std::thread([io = &p->io] { io->run(); });
  return std::unique_ptr<tls_tunnel>{new tls_tunnel(std::move(p))};
}

tls_tunnel::~tls_tunnel() {
  impl_->io.stop();
  if (impl_->thread.joinable())
    impl_->thread.join();
}

uint16_t tls_tunnel::port() const {
  return impl_->acceptor.local_endpoint().port();
}

uint64_t tls_tunnel::failed_handshakes() const {
  return impl_->failures.load();
}

} // namespace ubaflow
