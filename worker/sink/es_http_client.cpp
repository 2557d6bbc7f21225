#include "worker/sink/es_http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>

#include <chrono>

namespace ubaflow {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

std::optional<es_endpoint> parse_es_url(const std::string& url,
                                        std::string& error) {
  es_endpoint ep;
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    ep.tls = true;
    ep.port = "443";
    rest = url.substr(8);
  } else {
    error = "'" + url + "' is not an http:// or https:// URL";
    return std::nullopt;
  }
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) {
    ep.path_prefix = rest.substr(slash);
    while (!ep.path_prefix.empty() && ep.path_prefix.back() == '/')
      ep.path_prefix.pop_back();
  }
  if (authority.find('@') != std::string::npos) {
    error = "'" + url
            + "' carries credentials; set sink.es.username and the "
              "password through the environment or a file instead";
    return std::nullopt;
  }
  if (!authority.empty() && authority.front() == '[') {
    // [IPv6]:port
    auto close = authority.find(']');
    if (close == std::string::npos) {
      error = "'" + url + "' has an unterminated IPv6 address";
      return std::nullopt;
    }
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') {
        error = "'" + url + "' has no valid host and port";
        return std::nullopt;
      }
      ep.port = authority.substr(close + 2);
    }
    authority = authority.substr(1, close - 1);
  } else if (auto colon = authority.rfind(':'); colon != std::string::npos) {
    ep.port = authority.substr(colon + 1);
    authority = authority.substr(0, colon);
  }
  ep.host = authority;
  if (ep.host.empty() || ep.port.empty()
      || ep.port.find_first_not_of("0123456789") != std::string::npos) {
    error = "'" + url + "' has no valid host and port";
    return std::nullopt;
  }
  return ep;
}

struct es_http_client::connection {
  net::io_context ioc;
  ssl::context tls_context{ssl::context::tls_client};
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& tcp() {
    return secure ? beast::get_lowest_layer(*secure) : *plain;
  }
  bool open() const { return plain.has_value() || secure.has_value(); }
  void close() {
    beast::error_code ignored;
    if (secure)
      beast::get_lowest_layer(*secure).socket().close(ignored);
    if (plain)
      plain->socket().close(ignored);
    secure.reset();
    plain.reset();
    buffer.clear();
  }

  /// Runs the io_context until the pending operation completed.
  void run() {
    ioc.restart();
    ioc.run();
  }
};

es_http_client::es_http_client(es_http_settings settings)
  : settings_(std::move(settings)), conn_(std::make_unique<connection>()) {
  if (!settings_.username.empty()) {
    const std::string credentials = settings_.username + ":"
                                    + settings_.password;
    std::string encoded(beast::detail::base64::encoded_size(credentials.size()),
                        '\0');
    encoded.resize(beast::detail::base64::encode(
      encoded.data(), credentials.data(), credentials.size()));
    authorization_ = "Basic " + encoded;
  }
  auto& ctx = conn_->tls_context;
  if (settings_.verify_tls) {
    ctx.set_verify_mode(ssl::verify_peer);
    ctx.set_default_verify_paths();
    if (!settings_.ca_file.empty())
      ctx.load_verify_file(settings_.ca_file);
  } else {
    ctx.set_verify_mode(ssl::verify_none);
  }
}

es_http_client::~es_http_client() = default;

const es_endpoint& es_http_client::current_endpoint() const {
  return settings_.endpoints[endpoint_ % settings_.endpoints.size()];
}

http_result es_http_client::request(std::string_view method,
                                    std::string_view target,
                                    const std::string& body,
                                    std::string_view content_type) {
  http_result result;
  // A kept-alive connection the server has closed meanwhile fails on first
  // use: retry once on a fresh connection (requests are idempotent here).
  // A connection failure moves on to the next endpoint.
  const size_t tries = settings_.endpoints.size() + 1;
  for (size_t i = 0; i < tries; ++i) {
    bool reused = false;
    result = attempt(method, target, body, content_type, reused);
    if (result.received())
      return result;
    conn_->close();
    if (!reused)
      ++endpoint_;
  }
  return result;
}

http_result es_http_client::attempt(std::string_view method,
                                    std::string_view target,
                                    const std::string& body,
                                    std::string_view content_type,
                                    bool& reused) {
  http_result result;
  auto& c = *conn_;
  const es_endpoint& ep = current_endpoint();
  const auto connect_timeout = std::chrono::milliseconds(
    settings_.connect_timeout_ms);
  const auto request_timeout = std::chrono::milliseconds(
    settings_.request_timeout_ms);
  beast::error_code ec;

  reused = c.open();
  if (!c.open()) {
    tcp::resolver resolver(c.ioc);
    auto endpoints = resolver.resolve(ep.host, ep.port, ec);
    if (ec) {
      result.transport_error = "resolve " + ep.host + ": " + ec.message();
      return result;
    }
    if (ep.tls)
      c.secure.emplace(c.ioc, c.tls_context);
    else
      c.plain.emplace(c.ioc);
    c.tcp().expires_after(connect_timeout);
    c.tcp().async_connect(endpoints, [&](beast::error_code e,
                                         const tcp::endpoint&) { ec = e; });
    c.run();
    if (ec) {
      result.transport_error = "connect " + ep.url() + ": " + ec.message();
      return result;
    }
    if (ep.tls) {
      if (!SSL_set_tlsext_host_name(c.secure->native_handle(),
                                    ep.host.c_str())) {
        result.transport_error = "TLS: cannot set SNI host name";
        return result;
      }
      if (settings_.verify_tls)
        c.secure->set_verify_callback(ssl::host_name_verification(ep.host));
      c.tcp().expires_after(connect_timeout);
      c.secure->async_handshake(ssl::stream_base::client,
                                [&](beast::error_code e) { ec = e; });
      c.run();
      if (ec) {
        result.transport_error = "TLS handshake with " + ep.url() + ": "
                                 + ec.message();
        return result;
      }
    }
  }

  http::request<http::string_body> req;
  req.method_string(beast::string_view{method.data(), method.size()});
  req.target(ep.path_prefix + std::string{target});
  req.version(11);
  req.set(http::field::host, ep.host + ":" + ep.port);
  req.set(http::field::user_agent, "ubaflow/0.1 (Boost.Beast)");
  req.set(http::field::accept, "application/json");
  req.keep_alive(true);
  if (!authorization_.empty())
    req.set(http::field::authorization, authorization_);
  if (!body.empty() || method == "POST" || method == "PUT") {
    req.set(http::field::content_type,
            beast::string_view{content_type.data(), content_type.size()});
    req.body() = body;
  }
  req.prepare_payload();

  http::response_parser<http::string_body> parser;
  parser.body_limit(settings_.max_response_bytes);
  c.tcp().expires_after(request_timeout);
  auto on_done = [&](beast::error_code e, size_t) { ec = e; };
  if (c.secure) {
    http::async_write(*c.secure, req, on_done);
    c.run();
    if (!ec) {
      http::async_read(*c.secure, c.buffer, parser, on_done);
      c.run();
    }
  } else {
    http::async_write(*c.plain, req, on_done);
    c.run();
    if (!ec) {
      http::async_read(*c.plain, c.buffer, parser, on_done);
      c.run();
    }
  }
  if (ec) {
    result.transport_error = std::string{method} + " " + ep.url()
                             + std::string{target} + ": " + ec.message();
    return result;
  }
  auto res = parser.release();
  result.status = static_cast<int>(res.result_int());
  result.body = std::move(res.body());
  if (!res.keep_alive())
    c.close();
  return result;
}

} // namespace ubaflow
