// `ubaflow probe`: a health check for containers (Docker's HEALTHCHECK,
// Compose) where there is no curl: GETs the health endpoints and exits 0 if
// one of them answers 200.

#include "tools/cli_support.hpp"
#include "tools/commands.hpp"
#include "worker/sink/es_http_client.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace ubaflow {

namespace {

option_set make_options() {
  option_set o{"probe"};
  using t = option_type;
  o.add("probe.url", t::list,
        "http://127.0.0.1:8081/healthz,http://127.0.0.1:9250/healthz",
        "Endpoints to ask; healthy if any answers 200 (by default the "
        "coordinator's REST port, then a worker's metrics port).");
  o.add("probe.timeout", t::duration, "3s", "Connect and answer timeout.");
  o.add("probe.ca-file", t::string, "",
        "CA bundle for https endpoints (system CAs otherwise).");
  return o;
}

} // namespace

int probe_command(const std::vector<std::string>& args) {
  int exit_code = 0;
  auto values = parse_command_line(
    make_options(), args,
    "Asks health endpoints (for HEALTHCHECK); exit 0 if one answers 200.",
    exit_code);
  if (!values)
    return exit_code;
  std::string last = "no endpoint";
  for (const auto& url : values->get_list("probe.url")) {
    std::string error;
    auto endpoint = parse_es_url(url, error);
    if (!endpoint) {
      std::fprintf(stderr, "ubaflow probe: %s: %s\n", url.c_str(), error.c_str());
      return 2;
    }
    es_http_settings http;
    http.endpoints = {*endpoint};
    http.connect_timeout_ms = values->get_duration_ms("probe.timeout");
    http.request_timeout_ms = http.connect_timeout_ms;
    http.ca_file = values->get_string("probe.ca-file");
    http.max_response_bytes = 64 * 1024;
    es_http_client client{http};
    auto result = client.request("GET", "");
    if (result.status == 200) {
      std::printf("%s: %s\n", url.c_str(), result.body.c_str());
      return 0;
    }
    last = url + ": "
           + (result.received() ? std::to_string(result.status) + " " + result.body
                                : result.transport_error);
  }
  std::fprintf(stderr, "ubaflow probe: unhealthy: %s\n", last.c_str());
  return 1;
}

} // namespace ubaflow
