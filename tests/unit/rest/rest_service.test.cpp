// The REST front end's own rules, over rest_service::handle (no sockets):
// a job master that stops answering shows as unknown, never as stale
// figures; the read token guards the data and not the UI's files.

#include "coordinator/rest/rest_service.hpp"

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <thread>

using namespace ubaflow;
namespace json = boost::json;

namespace {

struct fixture {
  std::shared_ptr<std::atomic<bool>> answering
    = std::make_shared<std::atomic<bool>>(true);
  std::unique_ptr<rest_service> service;

  explicit fixture(rest_settings settings = {}) {
    settings.port = 0;
    rest_view base;
    base.source = "files";
    auto alive = answering;
    std::string error;
    service = rest_service::start(
      settings, base,
      [alive]() -> std::optional<job_status> {
        if (!*alive)
          return std::nullopt;
        job_status s;
        s.name = "job";
        s.state = "running";
        s.started_ms = 1'700'000'000'000;
        return s;
      },
      [](std::string& why) -> std::optional<std::string> {
        why = "no";
        return std::nullopt;
      },
      [] { return std::optional<std::vector<result_row>>{}; },
      [](uint32_t, std::string&) { return std::optional<std::string>{}; },
      error);
    REQUIRE_MESSAGE(service, error);
  }

  http_reply get(const std::string& target, const std::string& token = {}) {
    http_request r;
    r.method = "GET";
    r.target = target;
    if (!token.empty())
      r.authorization = "Bearer " + token;
    return service->handle(r);
  }

  std::string state() {
    auto reply = get("/jobs/overview");
    REQUIRE(reply.status == 200);
    return std::string{
      json::parse(reply.body).at("jobs").at(0).at("state").as_string()};
  }
};

} // namespace

TEST_SUITE("rest.rest_service") {

TEST_CASE("a job master that does not answer shows as unknown, not stale") {
  fixture f;
  CHECK(f.state() == "RUNNING");
  *f.answering = false;
  // The status is cached for half a second at most.
  std::this_thread::sleep_for(std::chrono::milliseconds(550));
  CHECK(f.state() == "RECONCILING");
  auto metrics = f.get("/metrics");
  CHECK(metrics.body.find("ubaflow_job_running") != std::string::npos);
  *f.answering = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(550));
  CHECK(f.state() == "RUNNING");
}

TEST_CASE("the read token guards the data, not the UI's files") {
  rest_settings settings;
  settings.read_tokens = {"r34d", "0ld"};
  settings.tokens = {"wr1te"};
  fixture f{settings};
  auto refused = f.get("/jobs/overview");
  CHECK(refused.status == 401);
  REQUIRE(refused.headers.size() == 1);
  CHECK(refused.headers[0].first == "WWW-Authenticate");
  CHECK(f.get("/metrics").status == 401);
  CHECK(f.get("/ubaflow/results").status == 401);
  CHECK(f.get("/jobs/overview", "wrong").status == 401);
  CHECK(f.get("/jobs/overview", "r34d").status == 200);
  CHECK(f.get("/jobs/overview", "0ld").status == 200); // rotating
  CHECK(f.get("/jobs/overview", "wr1te").status == 200); // the write token reads
  CHECK(f.get("/").status != 401);
}

TEST_CASE("without a read token, reading is open") {
  fixture f;
  CHECK(f.get("/jobs/overview").status == 200);
  CHECK(f.get("/config").status == 200);
}

} // TEST_SUITE
