#pragma once

#include "common/config/connector_settings.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ubaflow {

std::optional<es_endpoint> parse_es_url(const std::string& url,
                                        std::string& error);

struct http_result {
  int status = 0;
  std::string body;
  /// Set when no HTTP response was received (refused, reset, timed out,
  /// TLS failure); status is 0 then.
  std::string transport_error;

  bool received() const { return transport_error.empty(); }
};

/// A blocking HTTP/1.1 client for Elasticsearch on Boost.Beast with
/// keep-alive, connect and request timeouts, optional TLS and basic auth.
/// On a connection failure it moves on to the next endpoint. Not
/// thread-safe: one per sink.
class es_http_client {
public:
  explicit es_http_client(es_http_settings settings);
  ~es_http_client();

  es_http_client(const es_http_client&) = delete;
  es_http_client& operator=(const es_http_client&) = delete;

  http_result request(std::string_view method, std::string_view target,
                      const std::string& body = {},
                      std::string_view content_type = "application/json");

  /// The endpoint the next request goes to.
  const es_endpoint& current_endpoint() const;

private:
  struct connection;

  http_result attempt(std::string_view method, std::string_view target,
                      const std::string& body, std::string_view content_type,
                      bool& reused);

  es_http_settings settings_;
  std::unique_ptr<connection> conn_;
  size_t endpoint_ = 0;
  std::string authorization_;
};

} // namespace ubaflow
