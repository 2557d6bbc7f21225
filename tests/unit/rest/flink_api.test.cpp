#include "common/metrics/metric_catalogue.hpp"
#include "coordinator/rest/flink_api.hpp"
#include "coordinator/rest/route_table.hpp"
#include "coordinator/rest/prometheus_export.hpp"

#include <boost/json.hpp>
#include <doctest/doctest.h>

using namespace ubaflow;
namespace json = boost::json;

namespace {

rest_view sample_view() {
  rest_view v;
  v.now_ms = 1'700'000'010'000;
  v.source = "Kafka topic user_behavior";
  v.results = {"buy_cnt_per_hour", "cumulative_uv"};
  v.time_zone = "UTC";
  auto& st = v.status;
  st.name = "job";
  st.state = "running";
  st.started_ms = 1'700'000'000'000;
  st.attempt = 2;
  st.worker_details = {{1, "w1", "10.0.0.1", 6121, 2, 0, 1'700'000'009'000},
                       {2, "w2", "10.0.0.2", 6121, 2, 0, 1'700'000'009'500}};
  st.placement.sources = {1, 2};
  st.placement.owners = {1, 2, 2};
  st.placement.sinks = 1;
  source_status s;
  s.records_in = 100;
  s.bytes_in = 1000;
  s.rejects_by_reason.assign(4, 0);
  s.rejects_by_reason[2] = 3;
  s.watermark = 1'511'700'000'000;
  s.backpressured_ms = 6000;
  st.sources = {s, s};
  // what source 0's probe publishes of its rejects (worker/source/source_actor)
  st.sources[0].samples = {
    {"ubaflow_records_rejected_total",
     {{"reason", "missing_field"}, {"source", "0"}}, 3}};
  owner_status o;
  o.batches = 7;
  o.rows_emitted = 9;
  st.owners = {o, o, o};
  sink_status k;
  k.name = "ndjson(out)";
  k.rows_in = 27;
  k.rows_written = 27;
  st.sinks = {k};
  st.failures = {{1'700'000'005'000, 1, "worker w3 lost", {}}};
  st.checkpoints.completed = 4;
  st.checkpoints.failed = 1;
  st.checkpoints.last_id = 4;
  st.checkpoints.last_bytes = 1234;
  st.checkpoints.history = {
    {3, false, true, 1'700'000'003'000, 20, 1000, 8, "/c/chk-3.ckpt", {}},
    {4, false, true, 1'700'000'004'000, 40, 1234, 8, "/c/chk-4.ckpt", {}},
    {5, false, false, 1'700'000'005'000, 60'000, 0, 0, {}, "timed out"}};
  return v;
}

json::value get(const rest_view& v, const std::string& path, unsigned status = 200,
                std::map<std::string, std::string> query = {}) {
  auto reply = flink_get(v, pattern_segments(path), query);
  CHECK_MESSAGE(reply.status == status, path << ": " << reply.body);
  return json::parse(reply.body);
}

} // namespace

TEST_SUITE("rest.flink_api") {
  TEST_CASE("ids are 32 hex digits, stable per job and start") {
    const auto a = make_job_id("job", 1);
    CHECK(a.size() == 32);
    CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(a == make_job_id("job", 1));
    CHECK(a != make_job_id("job", 2));
    CHECK(make_vertex_id(a, 0) != make_vertex_id(a, 1));
  }

  TEST_CASE("overview counts workers, slots and the job") {
    const auto o = get(sample_view(), "overview").as_object();
    CHECK(o.at("taskmanagers").to_number<int64_t>() == 2);
    CHECK(o.at("slots-total").to_number<int64_t>() == 4);
    CHECK(o.at("slots-available").to_number<int64_t>() == 1); // w2 runs 2 owners
    CHECK(o.at("jobs-running").as_int64() == 1);
  }

  TEST_CASE("job details: states, vertices with IO metrics, the plan") {
    const auto v = sample_view();
    const auto jid = make_job_id("job", v.status.started_ms);
    const auto job = get(v, "jobs/" + jid).as_object();
    CHECK(job.at("state").as_string() == "RUNNING");
    CHECK(job.at("end-time").as_int64() == -1);
    CHECK(job.at("duration").as_int64() == 10'000);
    const auto& vertices = job.at("vertices").as_array();
    REQUIRE(vertices.size() == 4); // source, window, combiner, one sink
    const auto& source = vertices[0].as_object();
    CHECK(source.at("parallelism").to_number<int64_t>() == 2);
    CHECK(source.at("metrics").at("read-records").to_number<int64_t>() == 200);
    CHECK(source.at("tasks").at("RUNNING").as_int64() == 2);
    const auto& plan = job.at("plan").as_object();
    CHECK(plan.at("nodes").as_array()[1].at("inputs").as_array()[0].at("id")
          == source.at("id"));
    CHECK(job.at("status-counts").at("RUNNING").as_int64() == 7);
  }

  TEST_CASE("a finished job has an end time; a restart shows as RESTARTING") {
    auto v = sample_view();
    v.status.state = "finished";
    v.status.ended_ms = v.status.started_ms + 4000;
    const auto jid = make_job_id("job", v.status.started_ms);
    auto job = get(v, "jobs/" + jid).as_object();
    CHECK(job.at("state").as_string() == "FINISHED");
    CHECK(job.at("end-time").as_int64() == v.status.ended_ms);
    CHECK(job.at("duration").as_int64() == 4000);
    v.status.state = "restarting";
    job = get(v, "jobs/" + jid).as_object();
    CHECK(job.at("state").as_string() == "RESTARTING");
  }

  TEST_CASE("watermarks, backpressure and subtask metrics of a vertex") {
    const auto v = sample_view();
    const auto jid = make_job_id("job", v.status.started_ms);
    const auto vid = make_vertex_id(jid, 0);
    const auto marks = get(v, "jobs/" + jid + "/vertices/" + vid + "/watermarks");
    CHECK(marks.as_array()[1].at("id").as_string() == "1.currentInputWatermark");
    CHECK(marks.as_array()[1].at("value").as_string() == "1511700000000");
    const auto bp = get(v, "jobs/" + jid + "/vertices/" + vid + "/backpressure");
    CHECK(bp.at("backpressure-level").as_string() == "high"); // 6 s of 10
    const auto m = get(v, "jobs/" + jid + "/vertices/" + vid + "/metrics", 200,
                       {{"get", "1.numRecordsIn"}});
    REQUIRE(m.as_array().size() == 1);
    CHECK(m.as_array()[0].at("value").as_string() == "100");
  }

  TEST_CASE("exceptions newest first, checkpoints counted") {
    const auto v = sample_view();
    const auto jid = make_job_id("job", v.status.started_ms);
    const auto e = get(v, "jobs/" + jid + "/exceptions");
    CHECK(e.at("root-exception").as_string() == "worker w3 lost");
    CHECK(e.at("exceptionHistory").at("entries").as_array().size() == 1);
    const auto c = get(v, "jobs/" + jid + "/checkpoints");
    CHECK(c.at("counts").at("completed").to_number<int64_t>() == 4);
    CHECK(c.at("latest").at("completed").at("state_size").to_number<int64_t>() == 1234);
    CHECK(c.at("latest").at("failed").at("failure_message").as_string() == "timed out");
    const auto& history = c.at("history").as_array();
    REQUIRE(history.size() == 3);
    CHECK(history[0].at("id").to_number<int64_t>() == 5); // newest first
    CHECK(c.at("summary").at("end_to_end_duration").at("max").to_number<double>() == 40);
    CHECK(c.at("summary").at("end_to_end_duration").at("avg").to_number<double>() == 30);
    const auto detail = get(v, "jobs/" + jid + "/checkpoints/details/3");
    CHECK(detail.at("external_path").as_string() == "/c/chk-3.ckpt");
    get(v, "jobs/" + jid + "/checkpoints/details/1", 404);
    get(v, "jobs/" + jid + "/checkpoints/config", 404); // not enabled here
  }

  TEST_CASE("unknown jobs, vertices, workers and paths are 404 with errors") {
    const auto v = sample_view();
    for (const char* path : {"jobs/00000000000000000000000000000000", "nope",
                             "taskmanagers/w9"}) {
      const auto body = get(v, path, 404);
      CHECK(body.at("errors").as_array().size() == 1);
    }
  }

  TEST_CASE("metrics: every sample is a catalogue metric with its labels") {
    const auto samples = job_samples(sample_view());
    CHECK(samples.size() > 40);
    for (const auto& sample : samples)
      CHECK_MESSAGE(check_sample(sample).empty(), check_sample(sample));
  }

  TEST_CASE("metrics: Flink's families and ubaflow's, one family per name") {
    const auto text = render_metrics(sample_view());
    CHECK(text.find("# TYPE flink_taskmanager_job_task_operator_numRecordsIn gauge")
          != std::string::npos);
    // Sources and owners share the family: declared once.
    size_t declared = 0;
    for (size_t at = 0; (at = text.find("# TYPE flink_taskmanager_job_task_operator_numRecordsIn ", at))
                        != std::string::npos;
         ++at)
      ++declared;
    CHECK(declared == 1);
    CHECK(text.find("task_name=\"Source:_Kafka_topic_user_behavior\"") != std::string::npos);
    CHECK(text.find("ubaflow_records_rejected_total{reason=\"missing_field\",source=\"0\"} 3")
          != std::string::npos);
    CHECK(text.find("reason=\"none\"") == std::string::npos);
    CHECK(text.find("flink_jobmanager_job_numRestarts{") != std::string::npos);
    // the registry lives as long as the process: a second scrape updates
    // the same families, and a source gone since is gone from the text
    auto fewer = sample_view();
    fewer.status.sources.resize(1);
    const auto again = render_metrics(fewer);
    CHECK(again.find("subtask_index=\"1\",task_name=\"Source:") == std::string::npos);
    CHECK(again.find("subtask_index=\"0\",task_name=\"Source:") != std::string::npos);
    CHECK(again.find("ubaflow_records_rejected_total{reason=\"missing_field\",source=\"0\"} 3")
          != std::string::npos);
  }
}
