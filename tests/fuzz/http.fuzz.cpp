// The REST API's request path: arbitrary bytes through Beast's request
// parser with the server's limits, then, for whatever parses, the routing,
// URL decoding and rendering of rest_service::handle (against a job that
// has a status). Nothing may crash; every answer must be a valid status.

#include "coordinator/rest/rest_service.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdint>
#include <cstdlib>
#include <memory>

using namespace ubaflow;
namespace http = boost::beast::http;

namespace {

rest_service& service() {
  static auto s = [] {
    rest_settings settings;
    settings.port = 0;
    settings.tokens = {"t0ken"};
    rest_view base;
    base.source = "files";
    base.results = {"buy_cnt_per_hour", "top_category"};
    std::string error;
    auto started = rest_service::start(
      settings, base,
      []() -> std::optional<job_status> {
        job_status st;
        st.name = "job";
        st.state = "running";
        st.started_ms = 1'700'000'000'000;
        st.sources.resize(2);
        st.owners.resize(2);
        st.sinks.resize(1);
        st.placement.sources = {1, 2};
        st.placement.owners = {1, 2};
        st.worker_details = {{1, "w1", "h", 1, 1, 0, 0}};
        return st;
      },
      [](std::string& why) -> std::optional<std::string> {
        why = "not in a fuzzer";
        return std::nullopt;
      },
      [] {
        return std::optional<std::vector<result_row>>{std::vector<result_row>{
          {"top_category", "a", R"({"category_name":"a","buy_cnt":1})"}}};
      },
      [](uint32_t, std::string& why) -> std::optional<std::string> {
        why = "not in a fuzzer";
        return std::nullopt;
      },
      error);
    if (!started)
      std::abort();
    return started;
  }();
  return *s;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(1 << 20);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (!ec && !parser.is_done())
    parser.put_eof(ec);
  if (ec || !parser.is_header_done())
    return 0;
  const auto& req = parser.get();
  http_request in;
  in.method = std::string{req.method_string()};
  in.target = std::string{req.target()};
  in.authorization = std::string{req[http::field::authorization]};
  in.body = req.body();
  const auto reply = service().handle(in);
  if (reply.status < 100 || reply.status > 599)
    std::abort();
  return 0;
}
