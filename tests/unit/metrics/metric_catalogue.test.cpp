#include "common/metrics/metric_catalogue.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

using namespace ubaflow;

namespace {

std::string metrics_page() {
  std::ifstream in{UBAFLOW_SOURCE_DIR "/docs/metrics.md"};
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Every metric name `doc` mentions in backquotes.
std::set<std::string> documented_metrics(const std::string& doc) {
  const std::regex name{"`((flink|ubaflow|process)_[A-Za-z0-9_]+)`"};
  std::set<std::string> out;
  for (std::sregex_iterator it{doc.begin(), doc.end(), name}, end; it != end;
       ++it)
    out.insert((*it)[1].str());
  return out;
}

std::set<std::string> exported_by(metric_home home) {
  std::set<std::string> out;
  for (const auto& m : metric_catalogue())
    if (exported_by(m, home))
      out.insert(m.name);
  return out;
}

} // namespace

TEST_SUITE("metrics.catalogue") {
  TEST_CASE("docs/metrics.md documents exactly the catalogue's metrics") {
    std::set<std::string> catalogue;
    for (const auto& m : metric_catalogue())
      catalogue.insert(m.name);
    const auto documented = documented_metrics(metrics_page());
    for (const auto& name : catalogue)
      CHECK_MESSAGE(documented.count(name), name << " is not documented");
    for (const auto& name : documented)
      CHECK_MESSAGE(catalogue.count(name), name << " is not in the catalogue");
  }

  TEST_CASE("the page's sections match the processes that export them") {
    const auto page = metrics_page();
    const auto workers = page.find("## Workers' own /metrics");
    const auto files = page.find("## Monitoring files");
    REQUIRE(workers != std::string::npos);
    REQUIRE(files != std::string::npos);
    // The coordinator's part names everything the coordinator serves
    // (the process figures included); the workers' part lists what a
    // worker adds to the process figures.
    CHECK(documented_metrics(page.substr(0, workers))
          == exported_by(metric_home::coordinator));
    auto worker_part = documented_metrics(page.substr(workers, files - workers));
    for (const auto& m : metric_catalogue())
      if (m.name.rfind("process_", 0) == 0)
        worker_part.insert(m.name);
    CHECK(worker_part == exported_by(metric_home::worker));
  }

  TEST_CASE("names are unique, counters end in _total") {
    std::set<std::string> seen;
    for (const auto& m : metric_catalogue()) {
      CHECK_MESSAGE(seen.insert(m.name).second, m.name << " twice");
      CHECK(!m.help.empty());
      const bool total = m.name.size() > 6
                         && m.name.compare(m.name.size() - 6, 6, "_total") == 0;
      if (m.type == metric_type::counter)
        CHECK_MESSAGE(total, m.name);
    }
  }

  TEST_CASE("lookup and homes") {
    REQUIRE(find_metric("ubaflow_sink_healthy") != nullptr);
    CHECK(find_metric("ubaflow_sink_healthy")->labels
          == std::vector<std::string>{"sink"});
    CHECK(find_metric("ubaflow_no_such_metric") == nullptr);
    const auto& refused = *find_metric("ubaflow_cluster_refused_total");
    CHECK(exported_by(refused, metric_home::coordinator));
    CHECK(exported_by(refused, metric_home::worker));
    const auto& slots = *find_metric("ubaflow_worker_slots");
    CHECK(exported_by(slots, metric_home::worker));
    CHECK_FALSE(exported_by(slots, metric_home::coordinator));
  }
}
