#include "tools/broker/tcp_forwarder.hpp"

#include "common/util/byte_pump.hpp"
#include "common/util/tcp_listen.hpp"

#include <boost/asio.hpp>

#include <array>
#include <thread>

namespace ubaflow {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

/// One relayed connection: two sockets and a pump in each direction. Keeps
/// itself alive through the handlers' shared_ptr.
class relay : public std::enable_shared_from_this<relay> {
public:
  relay(tcp::socket client, net::io_context& io)
    : client_(std::move(client)), upstream_(io) {}

  void start(const tcp::endpoint& target) {
    auto self = shared_from_this();
    upstream_.async_connect(target, [self](boost::system::error_code ec) {
      if (ec) {
        self->close();
        return;
      }
      pump_bytes(self, self->client_, self->upstream_, self->to_upstream_);
      pump_bytes(self, self->upstream_, self->client_, self->to_client_);
    });
  }

  void close() {
    boost::system::error_code ignored;
    client_.close(ignored);
    upstream_.close(ignored);
  }

private:
  tcp::socket client_;
  tcp::socket upstream_;
  pump_buffer to_upstream_;
  pump_buffer to_client_;
};

} // namespace

struct tcp_forwarder::impl {
  net::io_context io;
  tcp::acceptor acceptor{io};
  tcp::endpoint target;
  std::thread thread;

  void accept() {
    acceptor.async_accept([this](boost::system::error_code ec,
                                 tcp::socket socket) {
      if (ec)
        return; // acceptor closed
      std::make_shared<relay>(std::move(socket), io)->start(target);
      accept();
    });
  }
};

tcp_forwarder::tcp_forwarder(std::unique_ptr<impl> p) : impl_(std::move(p)) {
  // nop
}

std::unique_ptr<tcp_forwarder>
tcp_forwarder::start(const std::string& listen_host, uint16_t listen_port,
                     const std::string& target_host, uint16_t target_port,
                     std::string& error) {
  auto p = std::make_unique<impl>();
  boost::system::error_code ec;
  auto target_address = net::ip::make_address(target_host, ec);
  if (ec) {
    error = "bad target address '" + target_host + "': " + ec.message();
    return nullptr;
  }
  p->target = tcp::endpoint{target_address, target_port};
  if (!listen_on(p->acceptor, listen_host, listen_port, error))
    return nullptr;
  p->accept();
  p->thread = std::thread([io = &p->io] { io->run(); });
  return std::unique_ptr<tcp_forwarder>{new tcp_forwarder(std::move(p))};
}

tcp_forwarder::~tcp_forwarder() {
  impl_->io.stop();
  if (impl_->thread.joinable())
    impl_->thread.join();
}

uint16_t tcp_forwarder::port() const {
  return impl_->acceptor.local_endpoint().port();
}

} // namespace ubaflow
