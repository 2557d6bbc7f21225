#include "common/transport/cluster_relay.hpp"

#include "common/cluster/refusals.hpp"
#include "common/util/byte_pump.hpp"
#include "common/util/loopback_pair.hpp"
#include "common/util/tcp_listen.hpp"
#include "common/transport/basp_frame_guard.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace ubaflow {

namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using tls_stream = ssl::stream<tcp::socket>;

std::string to_string(relay_security::kind k) {
  switch (k) {
    case relay_security::kind::psk:
      return "TLS 1.3 with the cluster key";
    case relay_security::kind::certificates:
      return "mutually authenticated TLS";
    case relay_security::kind::plain:
      return "plain TCP (cluster.insecure)";
  }
  return "?";
}

namespace {

tcp::socket& socket_of(tcp::socket& s) {
  return s;
}

tcp::socket& socket_of(tls_stream& s) {
  return s.next_layer();
}

template <class Stream>
constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

/// The peer's address (not its port: a refusal is logged once per peer,
/// and a new connection has a new port).
std::string describe(const tcp::socket& s) {
  boost::system::error_code ec;
  auto endpoint = s.remote_endpoint(ec);
  if (ec)
    return "an unknown peer";
  return endpoint.address().to_string();
}

/// What every connection of the relay shares.
struct relay_context {
  relay_context(net::io_context& i, ssl::context& t) : io(i), tls(t) {}

  net::io_context& io;
  relay_security security;
  ssl::context& tls;
  std::atomic<size_t> open{0};
  /// Why outgoing connections failed, by peer, for connect_to's error.
  std::mutex failures_mutex;
  std::map<std::string, cluster_relay::connect_failure> failures;

  void failed(const std::string& peer, bool bad_credentials,
              std::string what) {
    std::lock_guard<std::mutex> guard{failures_mutex};
    failures[peer] = {bad_credentials, std::move(what)};
  }

  void succeeded(const std::string& peer) {
    std::lock_guard<std::mutex> guard{failures_mutex};
    failures.erase(peer);
  }
};

/// One cluster connection: `network` faces the peer (TLS or, insecure,
/// plain TCP), `local` is the relay's end of CAF's loopback pair. Bytes
/// from the peer pass a frame guard. Keeps itself alive through its
/// handlers; counts itself in the relay's open connections.
template <class Network>
class connection : public std::enable_shared_from_this<connection<Network>> {
public:
  /// `incoming`: the peer connected to us (it is the BASP client).
  connection(Network network, relay_context& context, bool incoming,
             std::string peer)
    : network_(std::move(network)),
      local_(context.io),
      context_(context),
      incoming_(incoming),
      peer_(std::move(peer)),
      guard_(incoming ? basp_frame_guard::peer_role::client
                      : basp_frame_guard::peer_role::server,
             context.security.max_frame_bytes),
      inspect_{this},
      timer_(context.io),
      open_(context.open) {
    ++open_;
  }

  ~connection() { --open_; }

  /// An accepted peer: authenticate it, then give CAF a new connection.
  void start_incoming(cluster_relay::attach_function attach) {
    auto self = this->shared_from_this();
    authenticate([self, attach = std::move(attach)] {
      int caf_end = -1;
      int relay_end = -1;
      std::string error;
      if (!make_loopback_pair(caf_end, relay_end, error)) {
        spdlog::error("cluster connection from {} dropped: {}", self->peer_,
                      error);
        self->close();
        return;
      }
      boost::system::error_code ec;
      self->local_.assign(tcp::v4(), relay_end, ec);
      attach(caf_end);
      self->pump();
    });
  }

  /// CAF's connection to a peer: connect, authenticate, relay.
  void start_outgoing(int relay_end, const std::string& host,
                      const std::string& port) {
    auto self = this->shared_from_this();
    boost::system::error_code ec;
    local_.assign(tcp::v4(), relay_end, ec);
    arm_timer("no connection and TLS handshake");
    auto resolver = std::make_shared<tcp::resolver>(context_.io);
    resolver->async_resolve(
      host, port,
      [self, resolver](boost::system::error_code resolve_ec,
                       tcp::resolver::results_type results) {
        if (resolve_ec) {
          self->context_.failed(self->peer_, false,
                                "cannot resolve " + self->peer_ + ": "
                                  + resolve_ec.message());
          self->close();
          return;
        }
        net::async_connect(
          socket_of(self->network_), results,
          [self](boost::system::error_code connect_ec, const tcp::endpoint&) {
            if (connect_ec) {
              self->context_.failed(self->peer_, false,
                                    "cannot connect to " + self->peer_ + ": "
                                      + connect_ec.message());
              self->close();
              return;
            }
            boost::system::error_code ignored;
            socket_of(self->network_).set_option(tcp::no_delay(true), ignored);
            self->authenticate([self] { self->pump(); });
          });
      });
  }

  void close() {
    boost::system::error_code ignored;
    timer_.cancel();
    socket_of(network_).close(ignored);
    local_.close(ignored);
  }

private:
  /// The peer's bytes, checked frame by frame.
  struct inspector {
    connection* owner;
    bool operator()(const char* data, size_t n) const {
      const auto refused = owner->guard_.inspect(data, n);
      if (refused == frame_refusal::none)
        return true;
      const auto& detail = owner->guard_.refusal_detail();
      count_refusal(to_string(refused), owner->peer_,
                    detail.empty() ? "a cluster frame CAF must not see"
                                   : detail);
      return false;
    }
  };

  void arm_timer(const char* what) {
    auto self = this->shared_from_this();
    timer_.expires_after(
      std::chrono::milliseconds(context_.security.handshake_timeout_ms));
    timer_.async_wait([self, what](boost::system::error_code ec) {
      if (ec)
        return; // cancelled: done in time
      const std::string why
        = std::string{what} + " within "
          + std::to_string(self->context_.security.handshake_timeout_ms)
          + " ms";
      if (self->incoming_)
        count_refusal("handshake_timeout", self->peer_, why);
      else
        self->context_.failed(self->peer_, false, why + " to " + self->peer_);
      self->close();
    });
  }

  template <class Next>
  void authenticate(Next next) {
    if constexpr (is_tls<Network>) {
      auto self = this->shared_from_this();
      if (incoming_)
        arm_timer("no TLS handshake");
      network_.async_handshake(
        incoming_ ? ssl::stream_base::server : ssl::stream_base::client,
        [self, next](boost::system::error_code ec) {
          self->timer_.cancel();
          if (ec) {
            count_refusal("tls_handshake", self->peer_,
                          "TLS handshake failed: " + ec.message());
            if (!self->incoming_)
              // An alert from the peer is a verdict on our credentials; a
              // connection cut short is not.
              self->context_.failed(
                self->peer_, ec.category() == net::error::get_ssl_category(),
                "the TLS handshake with " + self->peer_ + " failed ("
                  + ec.message() + ")");
            self->close();
            return;
          }
          if (!self->incoming_)
            self->context_.succeeded(self->peer_);
          next();
        });
    } else {
      timer_.cancel();
      if (!incoming_)
        context_.succeeded(peer_);
      next(); // plain TCP: nothing to prove
    }
  }

  void pump() {
    auto self = this->shared_from_this();
    pump_bytes(self, network_, local_, from_network_, inspect_);
    pump_bytes(self, local_, network_, to_network_);
  }

  Network network_;
  tcp::socket local_;
  relay_context& context_;
  bool incoming_;
  std::string peer_;
  basp_frame_guard guard_;
  inspector inspect_;
  net::steady_timer timer_;
  pump_buffer from_network_;
  pump_buffer to_network_;
  /// The relay's count, which outlives `context_` while the relay's
  /// io_context destroys its last connections.
  std::atomic<size_t>& open_;
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

struct cluster_relay::impl {
  net::io_context io;
  net::executor_work_guard<net::io_context::executor_type> work{
    io.get_executor()};
  ssl::context tls{ssl::context::tls};
  relay_context context{io, tls};
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::mutex mutex; ///< acceptors
  std::thread thread;

  bool secure() const {
    return context.security.mode != relay_security::kind::plain;
  }

  bool admit(const std::string& peer) {
    if (context.open.load() < context.security.max_connections)
      return true;
    count_refusal("too_many_connections", peer,
                  "over " + std::to_string(context.security.max_connections)
                    + " cluster connections at once");
    return false;
  }

  void accept(tcp::acceptor& acceptor, cluster_relay::attach_function attach) {
    acceptor.async_accept([this, &acceptor, attach](
                            boost::system::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted)
        return; // shutting down
      if (!ec) {
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        const std::string peer = describe(socket);
        if (!admit(peer))
          socket.close(ignored);
        else if (secure())
          std::make_shared<connection<tls_stream>>(
            tls_stream{std::move(socket), tls}, context, true, peer)
            ->start_incoming(attach);
        else
          std::make_shared<connection<tcp::socket>>(std::move(socket),
                                                    context, true, peer)
            ->start_incoming(attach);
      }
      accept(acceptor, attach);
    });
  }
};

cluster_relay::cluster_relay(std::shared_ptr<impl> p) : impl_(std::move(p)) {
  // nop
}

std::unique_ptr<cluster_relay>
cluster_relay::start(const relay_security& security, std::string& error) {
  auto p = std::make_shared<impl>();
  p->context.security = security;
  switch (security.mode) {
    case relay_security::kind::certificates:
      p->tls.set_options(ssl::context::default_workarounds
                         | ssl::context::no_sslv2 | ssl::context::no_sslv3
                         | ssl::context::no_tlsv1
                         | ssl::context::no_tlsv1_1);
      if (!load_identity(p->tls, security.certificates, error))
        return nullptr;
      break;
    case relay_security::kind::psk:
      if (!security.keys) {
        error = "no cluster key";
        return nullptr;
      }
      if (!use_cluster_psk(p->tls.native_handle(), security.keys.get(), error))
        return nullptr;
      break;
    case relay_security::kind::plain:
      break;
  }
  p->thread = std::thread([io = &p->io] { io->run(); });
  return std::unique_ptr<cluster_relay>{new cluster_relay(p)};
}

cluster_relay::~cluster_relay() {
  impl_->work.reset();
  impl_->io.stop();
  if (impl_->thread.joinable())
    impl_->thread.join();
}

std::optional<uint16_t> cluster_relay::listen(const std::string& host,
                                              uint16_t port,
                                              attach_function attach,
                                              std::string& error) {
  auto acceptor = std::make_unique<tcp::acceptor>(impl_->io);
  if (!listen_on(*acceptor, host, port, error))
    return std::nullopt;
  const uint16_t bound = acceptor->local_endpoint().port();
  auto* raw = acceptor.get();
  {
    std::lock_guard<std::mutex> guard{impl_->mutex};
    impl_->acceptors.push_back(std::move(acceptor));
  }
  net::post(impl_->io, [p = impl_.get(), raw, attach = std::move(attach)] {
    p->accept(*raw, attach);
  });
  return bound;
}

std::optional<cluster_relay::connect_failure>
cluster_relay::last_failure(const std::string& host, uint16_t port) const {
  auto& context = impl_->context;
  std::lock_guard<std::mutex> guard{context.failures_mutex};
  auto i = context.failures.find(host + ":" + std::to_string(port));
  if (i == context.failures.end())
    return std::nullopt;
  return i->second;
}

int cluster_relay::connect(const std::string& host, uint16_t port,
                           std::string& error) {
  int caf_end = -1;
  int relay_end = -1;
  if (!make_loopback_pair(caf_end, relay_end, error))
    return -1;
  const std::string peer = host + ":" + std::to_string(port);
  net::post(impl_->io, [p = impl_.get(), relay_end, host, port, peer] {
    if (!p->admit(peer)) {
      ::close(relay_end);
      return;
    }
    const auto service = std::to_string(port);
    if (p->secure())
      std::make_shared<connection<tls_stream>>(tls_stream{p->io, p->tls},
                                               p->context, false, peer)
        ->start_outgoing(relay_end, host, service);
    else
      std::make_shared<connection<tcp::socket>>(tcp::socket{p->io},
                                                p->context, false, peer)
        ->start_outgoing(relay_end, host, service);
  });
  return caf_end;
}

} // namespace ubaflow
