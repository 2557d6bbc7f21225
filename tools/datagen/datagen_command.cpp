// `ubaflow datagen`: the seed's datagen.py, fast. Produces user-behaviour
// messages into Kafka or a file, synthesized with the dataset's statistics
// or replayed from a Tianchi CSV.

#include "common/config/settings.hpp"
#include "common/time/civil.hpp"
#include "common/util/clock.hpp"
#include "common/util/kafka_partitioner.hpp"
#include "common/util/log.hpp"
#include "tools/cli_support.hpp"
#include "tools/commands.hpp"
#include "tools/datagen/categories.hpp"
#include "tools/datagen/kafka_output.hpp"
#include "tools/datagen/message_writer.hpp"
#include "tools/datagen/synthetic_events.hpp"
#include "tools/datagen/tianchi_csv.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <spdlog/spdlog.h>
#include <thread>

namespace ubaflow {

namespace {

option_set make_options() {
  option_set o{"datagen"};
  using t = option_type;
  o.add("datagen.source", t::choice, "synthetic",
        "synthetic events with the dataset's statistics, or a Tianchi CSV",
        {"synthetic", "csv"});
  o.add("datagen.csv", t::string, "", "Tianchi UserBehavior CSV to replay.");
  o.add("datagen.sort", t::boolean, "false",
        "Sort the CSV by time first (the file is user-major, see docs).");
  o.add("datagen.valid-only", t::boolean, "false",
        "Skip CSV rows outside the dataset's nine days (55,576 dirty rows).");
  o.add("datagen.output", t::choice, "kafka", "Where messages go.",
        {"kafka", "file"});
  o.add("datagen.file", t::string, "",
        "Output file for output=file ('-': stdout); .csv writes Tianchi CSV.");
  o.add("datagen.tee", t::string, "",
        "Also write every message sent to Kafka to this file (JSON lines).");
  o.add("datagen.events", t::integer, "1000000", "Synthetic events in total.");
  o.add("datagen.start-day", t::string, "2017-11-25",
        "First simulated day (yyyy-MM-dd, in job.time-zone).");
  o.add("datagen.days", t::integer, "9", "Simulated days.");
  o.add("datagen.users", t::integer, "987994", "Distinct users to draw from.");
  o.add("datagen.items", t::integer, "4162024", "Distinct items to draw from.");
  o.add("datagen.seed", t::integer, "1", "Random seed.");
  o.add("datagen.rate", t::integer, "0",
        "Messages per second (0: unthrottled).");
  o.add("datagen.speedup", t::integer, "0",
        "Replay at this many event-time seconds per wall second (0: off).");
  o.add("datagen.ts-format", t::choice, "sql", "Shape of ts.",
        {"sql", "iso", "iso-z", "iso-offset", "utc-z", "epoch-s", "epoch-ms",
         "mixed"});
  o.add("datagen.numeric-ids", t::boolean, "false",
        "Write ids as JSON numbers instead of strings.");
  o.add("datagen.disorder", t::duration, "0",
        "Move each event's time back by up to this much (out-of-order data).");
  o.add("datagen.late-fraction", t::number, "0",
        "Share of events moved back by datagen.late-by (late data).")
      .bounded(0, 1);
  o.add("datagen.late-by", t::duration, "2h", "How far late events lag.");
  o.add("datagen.malformed-fraction", t::number, "0",
        "Share of messages replaced by broken ones (for tests).")
      .bounded(0, 1);
  o.add("datagen.outlier-fraction", t::number, "0",
        "Share of events dated far outside the period (like the dataset's "
        "2037 rows).")
      .bounded(0, 1);
  o.add("datagen.partitioner", t::choice, "murmur2",
        "murmur2: partition by user-id key like Kafka's Java client; "
        "round-robin: spread evenly.",
        {"murmur2", "round-robin"});
  o.add("datagen.compression", t::choice, "lz4", "Producer compression.",
        {"none", "lz4", "zstd", "snappy", "gzip"});
  o.add("datagen.progress", t::duration, "5s",
        "Print progress this often (0: never).");
  o.add("datagen.emit-categories", t::choice, "",
        "Print the category dimension table (csv or sql) and exit.",
        {"", "csv", "sql"});
  o.add("kafka.bootstrap-servers", t::string, "localhost:9092",
        "Kafka bootstrap servers.");
  o.add("kafka.topic", t::string, "user_behavior", "Topic to produce to.");
  o.add("kafka.properties", t::kv_list, "",
        "librdkafka properties passed through (';'-separated).");
  o.add_secret("kafka.sasl-password",
               "SASL password (librdkafka sasl.password).");
  o.add_secret("kafka.ssl-key-password",
               "Password of the client's TLS key (librdkafka ssl.key.password).");
  o.add("job.time-zone", t::string, "Asia/Shanghai",
        "Zone of the wall-clock timestamps.");
  o.add("log.format", t::choice, "text",
        "Log lines as text, or as one JSON object per line (time, level, "
        "logger, message, fields) for log collectors.",
        {"text", "json"});
  o.add("log.level", t::choice, "info", "Log level.",
        {"trace", "debug", "info", "warn", "error", "off"});
  return o;
}

/// Reads a Tianchi CSV into events; counts and skips unusable rows.
std::vector<user_event> read_tianchi(const std::string& path,
                                     const time_zone& zone, bool valid_only,
                                     std::string& error) {
  std::ifstream in(path);
  std::vector<user_event> events;
  if (!in) {
    error = "cannot read '" + path + "'";
    return events;
  }
  timestamp_policy policy;
  policy.zone = zone;
  if (valid_only) {
    policy.valid_from = from_civil({2017, 11, 25, 0, 0, 0, 0});
    policy.valid_until = from_civil({2017, 12, 3, 23, 59, 59, 999});
  }
  tianchi_csv_parser parser{timestamp_parser{policy}};
  std::string line;
  uint64_t skipped = 0;
  user_event e;
  while (std::getline(in, line)) {
    if (line.empty() || tianchi_csv_parser::is_header(line))
      continue;
    if (parser.parse(line, e).ok())
      events.push_back(e);
    else
      ++skipped;
  }
  if (skipped > 0)
    spdlog::info("datagen: skipped {} CSV rows (malformed or out of range)",
                 skipped);
  return events;
}

} // namespace

int datagen_command(const std::vector<std::string>& args) {
  static const option_set options = make_options();
  int exit_code = 0;
  auto values = parse_command_line(
      options, args,
      "Produces the seed's JSON messages into Kafka (keyed by user id) or a "
      "file.",
      exit_code);
  if (!values)
    return exit_code;
  setup_logging(values->get_string("log.level"), values->get_string("log.format"));
  const auto& v = *values;

  if (const auto& what = v.get_string("datagen.emit-categories");
      !what.empty()) {
    const auto& universe = category_universe::instance();
    std::fputs((what == "sql" ? universe.to_sql() : universe.to_csv()).c_str(),
               stdout);
    return 0;
  }

  std::string error;
  auto zone = time_zone::load(v.get_string("job.time-zone"), &error);
  if (!zone) {
    std::fprintf(stderr, "ubaflow datagen: error: %s\n", error.c_str());
    return 2;
  }
  auto shape = *ts_shape_from_string(v.get_string("datagen.ts-format"));
  message_writer writer{*zone, shape, v.get_bool("datagen.numeric-ids")};

  // -- the events ------------------------------------------------------------
  std::function<bool(user_event&)> next;
  std::unique_ptr<synthetic_events> synthetic;
  std::vector<user_event> replay;
  size_t replay_pos = 0;
  if (v.get_string("datagen.source") == "csv") {
    if (v.get_string("datagen.csv").empty()) {
      std::fprintf(stderr, "ubaflow datagen: error: --datagen.csv is required "
                           "with --datagen.source csv\n");
      return 2;
    }
    replay = read_tianchi(v.get_string("datagen.csv"), *zone,
                          v.get_bool("datagen.valid-only"), error);
    if (!error.empty()) {
      std::fprintf(stderr, "ubaflow datagen: error: %s\n", error.c_str());
      return 2;
    }
    if (v.get_bool("datagen.sort"))
      std::stable_sort(
          replay.begin(), replay.end(),
          [](const user_event& a, const user_event& b) { return a.ts < b.ts; });
    next = [&](user_event& e) {
      if (replay_pos >= replay.size())
        return false;
      e = replay[replay_pos++];
      return true;
    };
  } else {
    synthetic_settings s;
    timestamp_policy policy;
    policy.zone = *zone;
    timestamp_parser day_parser{policy};
    if (!day_parser
             .parse_text(v.get_string("datagen.start-day") + " 00:00:00",
                         s.first_day)
             .ok()) {
      std::fprintf(stderr,
                   "ubaflow datagen: error: --datagen.start-day: '%s' is not "
                   "yyyy-MM-dd\n",
                   v.get_string("datagen.start-day").c_str());
      return 2;
    }
    s.days = static_cast<int>(std::max<int64_t>(1, v.get_int("datagen.days")));
    s.events = static_cast<uint64_t>(
        std::max<int64_t>(0, v.get_int("datagen.events")));
    s.users = std::max<int64_t>(1, v.get_int("datagen.users"));
    s.items = std::max<int64_t>(1, v.get_int("datagen.items"));
    s.seed = static_cast<uint64_t>(v.get_int("datagen.seed"));
    synthetic = std::make_unique<synthetic_events>(s);
    next = [&](user_event& e) { return synthetic->next(e); };
  }

  // -- the output
  // --------------------------------------------------------------
  std::unique_ptr<kafka_output> kafka;
  std::FILE* file = nullptr;
  std::FILE* tee = nullptr;
  bool csv_output = false;
  kafka_settings ks;
  ks.bootstrap_servers = v.get_string("kafka.bootstrap-servers");
  ks.topic = v.get_string("kafka.topic");
  ks.properties = v.get_kv_list("kafka.properties");
  if (const auto& pw = v.get_string("kafka.sasl-password"); !pw.empty())
    ks.properties.emplace_back("sasl.password", pw);
  if (const auto& pw = v.get_string("kafka.ssl-key-password"); !pw.empty())
    ks.properties.emplace_back("ssl.key.password", pw);
  if (v.get_string("datagen.output") == "kafka") {
    kafka
        = kafka_output::create(ks, v.get_string("datagen.compression"), error);
    if (!kafka) {
      std::fprintf(stderr, "ubaflow datagen: error: %s\n", error.c_str());
      return 1;
    }
  } else {
    const auto& path = v.get_string("datagen.file");
    if (path.empty()) {
      std::fprintf(stderr, "ubaflow datagen: error: --datagen.file is "
                           "required with --datagen.output file\n");
      return 2;
    }
    file = path == "-" ? stdout : std::fopen(path.c_str(), "wb");
    if (!file) {
      std::fprintf(stderr, "ubaflow datagen: error: cannot write '%s'\n",
                   path.c_str());
      return 1;
    }
    csv_output
        = path.size() > 4 && path.compare(path.size() - 4, 4, ".csv") == 0;
  }
  if (const auto& path = v.get_string("datagen.tee"); !path.empty()) {
    tee = std::fopen(path.c_str(), "wb");
    if (!tee) {
      std::fprintf(stderr, "ubaflow datagen: error: cannot write '%s'\n",
                   path.c_str());
      return 1;
    }
  }

  // -- the loop
  // ----------------------------------------------------------------
  std::mt19937_64 rng{static_cast<uint64_t>(v.get_int("datagen.seed"))
                      ^ 0x5eed};
  std::uniform_real_distribution<double> unit{0.0, 1.0};
  const int64_t disorder_ms = v.get_duration_ms("datagen.disorder");
  const double late_fraction = v.get_number("datagen.late-fraction");
  const int64_t late_by = v.get_duration_ms("datagen.late-by");
  const double malformed_fraction = v.get_number("datagen.malformed-fraction");
  const double outlier_fraction = v.get_number("datagen.outlier-fraction");
  const int64_t rate = v.get_int("datagen.rate");
  const int64_t speedup = v.get_int("datagen.speedup");
  const bool round_robin = v.get_string("datagen.partitioner") == "round-robin";
  const int64_t progress_ms = v.get_duration_ms("datagen.progress");
  const int32_t partitions = kafka ? kafka->partitions() : 1;

  std::string message;
  char key[24];
  user_event e;
  uint64_t count = 0;
  uint64_t malformed = 0;
  const int64_t started = steady_now_ms();
  int64_t next_progress = started + progress_ms;
  event_time first_ts = min_event_time;
  while (next(e)) {
    if (first_ts == min_event_time)
      first_ts = e.ts;
    // Pacing: by message rate, or by event time.
    int64_t due = 0;
    if (rate > 0 && (count & 255) == 0)
      due = started + static_cast<int64_t>(count * 1000 / rate);
    else if (speedup > 0)
      due = started + (e.ts - first_ts) / speedup;
    if (due > 0) {
      const int64_t wait = due - steady_now_ms();
      if (wait > 0) {
        if (kafka)
          kafka->push(); // don't hold a paced stream back in batches
        std::this_thread::sleep_for(std::chrono::milliseconds(wait));
      }
    }
    const int64_t key_len = std::snprintf(key, sizeof key, "%lld",
                                          static_cast<long long>(e.user_id));
    if (disorder_ms > 0)
      e.ts -= static_cast<int64_t>(unit(rng) * static_cast<double>(disorder_ms))
              / ms_per_second * ms_per_second;
    if (late_fraction > 0 && unit(rng) < late_fraction)
      e.ts -= late_by;
    if (outlier_fraction > 0 && unit(rng) < outlier_fraction)
      e.ts += (unit(rng) < 0.5 ? -1 : 1) * 7000 * ms_per_day;
    if (malformed_fraction > 0 && unit(rng) < malformed_fraction)
      writer.malformed(e, malformed++, message);
    else if (csv_output)
      writer.csv(e, message);
    else
      writer.json(e, message);

    if (kafka) {
      const std::string_view k{key, static_cast<size_t>(key_len)};
      const int32_t partition
          = round_robin ? static_cast<int32_t>(
                count % static_cast<uint64_t>(partitions))
                        : kafka_partition_for_key(k, partitions);
      kafka->send(k, message, partition);
    } else {
      message.push_back('\n');
      std::fwrite(message.data(), 1, message.size(), file);
      message.pop_back();
    }
    if (tee) {
      std::fwrite(message.data(), 1, message.size(), tee);
      std::fputc('\n', tee);
    }
    ++count;
    if (progress_ms > 0 && (count & 4095) == 0
        && steady_now_ms() >= next_progress) {
      next_progress += progress_ms;
      const double secs = (steady_now_ms() - started) / 1000.0;
      spdlog::info("datagen: {} messages ({}/s), event time {}",
                   with_commas(count),
                   with_commas(static_cast<uint64_t>(count / secs)),
                   format_sql_time(e.ts));
    }
  }
  int undelivered = 0;
  if (kafka)
    undelivered = kafka->flush(60'000);
  if (file && file != stdout)
    std::fclose(file);
  else if (file)
    std::fflush(file);
  if (tee)
    std::fclose(tee);
  const double secs = std::max(1e-3, (steady_now_ms() - started) / 1000.0);
  spdlog::info("datagen: {} messages in {:.2f} s ({}/s){}", with_commas(count),
               secs, with_commas(static_cast<uint64_t>(count / secs)),
               malformed ? ", " + with_commas(malformed) + " malformed" : "");
  if (kafka && (kafka->failed() > 0 || undelivered > 0)) {
    spdlog::error(
        "datagen: {} messages failed, {} undelivered (last error: {})",
        kafka->failed(), undelivered, kafka->last_error());
    return 1;
  }
  return 0;
}

} // namespace ubaflow
