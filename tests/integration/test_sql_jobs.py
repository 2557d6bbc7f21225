"""Jobs written in SQL, run by the engine (issue 13): `ubaflow run
--job.sql` and a coordinator with workers execute a script, and what they
write equals the SQL batch oracle (`ubaflow verify --job.sql`; without it
the oracle of the default job, jobs/taobao.sql). A savepoint of a SQL job
restores into a cluster of another parallelism. Scripts the engine cannot
run are refused before anything starts, with the line and column."""
import json
import os
import re
import shutil
import signal
import time
import urllib.request

import harness
from test_cluster import SECRET, Cluster, ClusterTestCase

TAOBAO = os.path.join(harness.ROOT, "jobs", "taobao.sql")
EXAMPLES = os.path.join(harness.ROOT, "jobs", "examples", "behaviour_metrics.sql")
ROW_STREAMS = os.path.join(harness.ROOT, "jobs", "examples", "row_streams.sql")
EXAMPLE_INDICES = ("pv_uv_per_hour", "conversion_per_category_hour",
                   "buys_per_category_hour", "uv_last_hour", "buyers_per_day",
                   "item_range_per_hour", "buyers_per_category",
                   "interested_per_10min", "funnel_per_hour", "clothing_buys_per_day")


SEED_INDICES = ("buy_cnt_per_hour", "cumulative_uv", "cumulative_uv_daily",
                "top_category")


class SqlJobTest(ClusterTestCase):

    def get_json(self, url):
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.loads(r.read())

    def day_of_events(self, events=60000, seed=7, day="2017-11-26", days=1, extra=(),
                      suffix=".jsonl"):
        data = self.path("events-%d%s" % (seed, suffix))
        harness.run(["datagen", "--datagen.output", "file", "--datagen.file", data,
                     "--datagen.events", str(events), "--datagen.days", str(days),
                     "--datagen.start-day", day, "--datagen.seed", str(seed),
                     "--datagen.progress", "0"] + list(extra))
        return data

    def assert_all_compared(self, report, indices):
        for index in indices:
            self.assertRegex(report, index + r"\s+[1-9][0-9]* expected,\s+[1-9][0-9]* found, "
                                             r"0 differences")

    def assert_equals_the_oracle(self, data, out_dir, settings):
        """The seed's four results in out_dir equal the default job's
        oracle over data; its report."""
        _, report = self.verify(["--verify.input", data, "--verify.partitioner", "file",
                                 "--verify.against", "ndjson:" + out_dir] + settings)
        self.assertIn("SQL oracle (jobs/taobao.sql)", report)
        self.assert_all_compared(report, SEED_INDICES)
        return report

    def test_the_default_job_is_jobs_taobao_sql(self):
        # No --job.sql: the default job, jobs/taobao.sql as built into the
        # binary; its output equals the oracle of the file in the repository.
        data = self.day_of_events()
        out_dir = self.path("out")
        summary = self.run_job_to_end(
            ["--source.type", "file", "--source.files", data,
             "--source.file-splits", "3", "--job.parallelism", "3",
             "--sink.ndjson.dir", out_dir, "--progress.interval", "0",
             "--lookup.source", "csv", "--lookup.csv-path", harness.CATEGORY_CSV])
        self.assertIn("60,000 read, 60,000 accepted", summary)
        common = ["--verify.input", data, "--verify.partitioner", "file",
                  "--lookup.source", "csv", "--lookup.csv-path", harness.CATEGORY_CSV,
                  "--verify.against", "ndjson:" + out_dir]
        # The SQL oracle of the script file, matched by each sink's primary key.
        _, report = self.verify(common + ["--job.sql", TAOBAO])
        self.assertIn("SQL oracle (%s)" % TAOBAO, report)
        self.assert_all_compared(report, SEED_INDICES)
        # And of the default job, with the late rows of each result.
        _, report = self.verify(common)
        self.assertIn("SQL oracle (jobs/taobao.sql)", report)
        self.assertIn("late dropped: buy_cnt_per_hour 0, cumulative_uv 0, "
                      "cumulative_uv_daily 0, top_category 0", report)
        self.assert_all_compared(report, SEED_INDICES)
        # Documents are the seed's, ids their primary key (as Flink's sink).
        with open(os.path.join(out_dir, "cumulative_uv.ndjson")) as f:
            line = json.loads(f.readline())
        self.assertEqual(sorted(line["_source"]), ["time_str", "uv", "window_end", "window_start"])
        self.assertEqual(line["_id"], line["_source"]["time_str"])
        with open(os.path.join(out_dir, "buy_cnt_per_hour.ndjson")) as f:
            line = json.loads(f.readline())
        self.assertEqual(line["_id"], line["_source"]["event_time"].replace(" ", "T"))
        # One changed count is found by the SQL oracle.
        path = os.path.join(out_dir, "top_category.ndjson")
        with open(path) as f:
            lines = f.read().splitlines()
        doc = json.loads(lines[-1])
        doc["_source"]["buy_cnt"] += 1
        lines.append(json.dumps(doc))
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        code, report = self.verify(common + ["--job.sql", TAOBAO], expect_ok=False)
        self.assertEqual(code, 1)
        self.assertRegex(report, r"top_category\s+\d+ expected,\s+\d+ found, 1 difference")

    def test_the_tianchi_csv_is_read_by_the_script(self):
        # The seed's own data shape: UserBehavior CSV with epoch seconds,
        # here with a header line. The script says 'format' = 'json' for its
        # Kafka topic; a file replacing the topic is read by its extension,
        # (no --source.format), and the results equal the oracle reading the
        # same file.
        data = self.day_of_events(40000, seed=9, suffix=".csv")
        with open(data) as f:
            lines = f.read()
        self.assertRegex(lines.splitlines()[0], r"^[0-9]+,[0-9]+,[0-9]+,[a-z]+,[0-9]+$")
        with open(data, "w") as f:
            f.write("user_id,item_id,category_id,behavior,ts\n" + lines)
        out_dir = self.path("out")
        settings = ["--lookup.source", "csv", "--lookup.csv-path", harness.CATEGORY_CSV]
        summary = self.run_job_to_end(
            ["--job.sql", TAOBAO, "--source.type", "file", "--source.files", data,
             "--source.file-splits", "2", "--sink.ndjson.dir", out_dir,
             "--progress.interval", "0"] + settings)
        # The header is read, and neither accepted nor rejected.
        self.assertIn("40,001 read, 40,000 accepted", summary)
        self.assertRegex(summary, r"rejected +0\n")
        self.assert_equals_the_oracle(data, out_dir, settings)

    def test_job_results_runs_part_of_a_script(self):
        # Two of jobs/taobao.sql's four INSERTs: only their indices are
        # written, and they equal the oracle of the same selection.
        data = self.day_of_events()
        out_dir = self.path("out")
        chosen = ["--job.results", "top_category,cumulative_uv"]
        settings = ["--lookup.source", "csv", "--lookup.csv-path", harness.CATEGORY_CSV]
        self.run_job_to_end(["--job.sql", TAOBAO, "--source.type", "file",
                             "--source.files", data, "--sink.ndjson.dir", out_dir,
                             "--progress.interval", "0"] + chosen + settings)
        written = sorted(f for f in os.listdir(out_dir) if os.path.getsize(
            os.path.join(out_dir, f)) > 0)
        self.assertEqual(len(written), 2, written)
        self.assertTrue(all(f.startswith(("cumulative_uv.", "top_category.")) for f in written),
                        written)
        _, report = self.verify(["--job.sql", TAOBAO, "--verify.input", data,
                                 "--verify.partitioner", "file",
                                 "--verify.against", "ndjson:" + out_dir]
                                + chosen + settings)
        self.assert_all_compared(report, ("cumulative_uv", "top_category"))
        self.assertNotIn("buy_cnt_per_hour", report)
        # A name no INSERT writes: refused before the job starts.
        r = harness.run(["run", "--job.sql", TAOBAO, "--job.results", "pv_per_hour"],
                        check=False, timeout=30)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no INSERT of the script writes index 'pv_per_hour'",
                      r.stderr.decode() + r.stdout.decode())

    def run_late_days(self, settings):
        """jobs/taobao.sql over two days of out-of-order events, some 45
        minutes late, read as three file ranges: (data, out_dir, summary,
        the late count, the late counts by sink)."""
        data = self.day_of_events(80000, seed=8, days=2, extra=[
            "--datagen.disorder", "4s", "--datagen.late-fraction", "0.003",
            "--datagen.late-by", "45min"])
        out_dir = self.path("out")
        summary = self.run_job_to_end(
            ["--job.sql", TAOBAO, "--source.type", "file", "--source.files", data,
             "--sink.ndjson.dir", out_dir, "--progress.interval", "0"] + settings)
        late = re.search(r"late +([0-9,]+) late for a window of a query "
                         r"\(counted per query: ([^)]*)\)", summary)
        self.assertTrue(late and late.group(1) != "0", summary[-2000:])
        # By query (its number in the plan and its sink).
        by_query = {m.group(2): int(m.group(3).replace(",", ""))
                    for m in re.finditer(r"(\d+) ([a-z_]+) ([0-9,]+)", late.group(2))}
        return data, out_dir, summary, int(late.group(1).replace(",", "")), by_query

    def test_late_and_disordered_events_are_judged_as_the_oracles_judge_them(self):
        # Each source task judges lateness by its partition's watermark, as
        # the oracle simulates it: the job's output equals the oracle's, and
        # so do the late rows of each query.
        splits = ["--source.file-splits", "3", "--lookup.source", "csv",
                  "--lookup.csv-path", harness.CATEGORY_CSV]
        data, out_dir, summary, late, by_query = self.run_late_days(splits)
        self.assertIn("cumulative_uv", by_query)
        self.assertEqual(sum(by_query.values()), late)
        report = self.assert_equals_the_oracle(data, out_dir, splits)
        self.assertRegex(report, r"late dropped: .*cumulative_uv [1-9]")
        oracle_late = {m.group(1): int(m.group(2).replace(",", "")) for m in re.finditer(
            r"([a-z_]+) ([0-9,]+)", re.search(r"late dropped: (.*)", report).group(1))}
        self.assertEqual({k: v for k, v in oracle_late.items() if v},
                         {k: v for k, v in by_query.items() if v})

    def test_allowed_lateness_updates_the_windows_of_a_script(self):
        # An hour of allowed lateness: the 10-minute and hourly windows take
        # the late events and are written again; the day's CUMULATE steps
        # fire once (a late event goes into the first step still open). The
        # output equals the oracle, which allows the same lateness.
        settings = ["--source.file-splits", "3", "--lookup.source", "csv",
                    "--lookup.csv-path", harness.CATEGORY_CSV,
                    "--event-time.allowed-lateness", "1h"]
        data, out_dir, _, _, by_query = self.run_late_days(settings)
        # Only the daily steps still drop late events.
        self.assertEqual(by_query.get("buy_cnt_per_hour", 0), 0, by_query)
        self.assertEqual(by_query.get("cumulative_uv", 0), 0, by_query)
        self.assertGreater(by_query.get("cumulative_uv_daily", 0), 0, by_query)
        self.assert_equals_the_oracle(data, out_dir, settings)

    def test_a_jdbc_dimension_is_read_from_mysql(self):
        # jobs/taobao.sql joins category_dim, a jdbc table: read from
        # MariaDB (lookup.source=mysql is the script's default), it gives
        # what the CSV copy of the same table gives the oracle.
        db = self.mariadb()
        data = self.day_of_events(events=30000, seed=11)
        out_dir = self.path("out")
        summary = self.run_job_to_end(
            ["--job.sql", TAOBAO, "--source.type", "file", "--source.files", data,
             "--sink.ndjson.dir", out_dir, "--progress.interval", "0",
             "--lookup.csv-path", self.path("absent.csv")]  # not read: MySQL is
            + db.job_args()[2:], env=db.job_env())
        self.assertNotIn(db.password, summary)
        _, report = self.verify(["--job.sql", TAOBAO, "--verify.input", data,
                                 "--verify.partitioner", "file",
                                 "--lookup.source", "csv",
                                 "--lookup.csv-path", harness.CATEGORY_CSV,
                                 "--verify.against", "ndjson:" + out_dir])
        self.assert_all_compared(report, ("top_category",))
        # Unreachable, the database is waited for (see
        # test_mysql_down_at_start_is_waited_for); a dimension file that
        # cannot be read is a configuration error: the job says why and
        # exits, it does not wait.
        bad = self.path("bad-category.csv")
        with open(bad, "w") as f:
            f.write("sub_category_id,parent_category_name\n2950,Clothing\nnot-a-number,Books\n")
        r = harness.run(["run", "--job.sql", TAOBAO, "--source.type", "file",
                         "--source.files", data, "--rest.port", "0",
                         "--lookup.source", "csv", "--lookup.csv-path", bad,
                         "--sink.ndjson.dir", self.path("out-bad")], check=False, timeout=60)
        self.assertEqual(r.returncode, 1, r.stderr.decode()[-2000:])
        self.assertIn("bad-category.csv", r.stderr.decode())
        self.assertNotIn("LOOKUP RETRYING", r.stdout.decode() + r.stderr.decode())

    def test_a_changed_mysql_dimension_row_is_seen_within_the_cache_ttl(self):
        # A running job over Kafka reads category_dim from MariaDB again every
        # lookup.cache-ttl: buys of sub-category 2950 count for "Women's
        # Clothing" until the row is renamed, then for the new name.
        db = self.mariadb()
        broker = self.broker(partitions=1)
        out_dir = self.path("out")
        job = self.start_job(
            ["--job.sql", TAOBAO, "--kafka.bootstrap-servers", broker.bootstrap,
             "--sink.ndjson.dir", out_dir, "--progress.interval", "200ms",
             "--lookup.cache-ttl", "1s", "--lookup.csv-path", self.path("absent.csv"),
             "--event-time.idle-timeout", "0", "--rest.port", "0"]
            + db.job_args()[2:], env=db.job_env())
        top = os.path.join(out_dir, "top_category.ndjson")

        def buys(n, first_user):
            lines = self.path("buys-%d.jsonl" % first_user)
            with open(lines, "w") as f:
                for u in range(first_user, first_user + n):
                    f.write(json.dumps({"user_id": u, "item_id": 1, "category_id": 2950,
                                        "behavior": "buy",
                                        "ts": "2017-11-26 10:00:00"}) + "\n")
            harness.subprocess.run(["kcat", "-P", "-b", broker.bootstrap, "-t",
                                    "user_behavior", "-l", lines], check=True, timeout=60)

        def written():
            if not os.path.exists(top):
                return ""
            with open(top) as f:
                return f.read()

        buys(3, 1)
        harness.wait_for(lambda: "Women's Clothing" in written(), 60,
                         "the first buys counted for the dimension's name", watched=job)
        db.sql("UPDATE flink.category SET parent_category_name = 'Renamed Clothing' "
               "WHERE sub_category_id = 2950;")
        # Within the TTL (and a read), later buys count for the new name:
        # one more buy every half second, for at most 20 seconds.
        for attempt in range(40):
            if "Renamed Clothing" in written():
                break
            buys(1, 100 + attempt)
            time.sleep(0.5)
        self.assertIn("Renamed Clothing", written(), job.output()[-3000:])
        job.signal(signal.SIGUSR1)
        self.assertEqual(job.wait(60), 0, job.output()[-4000:])
        self.assertNotIn(db.password, job.output())

    def test_mysql_down_at_start_is_waited_for(self):
        # The dimension cannot be read when the task starts: the job waits,
        # reading no record and showing why, instead of failing; once
        # MariaDB is up it reads the dimension and every record, exactly.
        db = self.mariadb()
        db.stop()
        broker = self.broker(partitions=1)
        sent = self.path("sent.jsonl")
        self.datagen(broker.bootstrap, 5000, tee=sent,
                     extra=["--datagen.days", "1", "--datagen.start-day", "2017-11-26"])
        out_dir = self.path("out")
        job = self.start_job(
            ["--job.sql", TAOBAO, "--kafka.bootstrap-servers", broker.bootstrap,
             "--kafka.bounded", "true", "--sink.ndjson.dir", out_dir,
             "--lookup.retry-initial", "100ms", "--lookup.retry-max", "300ms",
             "--progress.interval", "300ms", "--rest.port", "0"]
            + db.job_args()[2:], env=db.job_env())
        harness.wait_for(lambda: "LOOKUP RETRYING (waiting for the dimensions" in job.output(),
                         30, "the job to show it waits for the dimension", watched=job)
        time.sleep(1)
        self.assertTrue(job.running(), "the job gave up instead of waiting for MySQL")
        self.assertIn("] 0 records", job.output())  # nothing read meanwhile
        # The REST API (and the web UI above every page) says why.
        port = re.search(r"REST API and metrics on http://[^:]+:(\d+)/", job.output()).group(1)
        health = self.get_json("http://127.0.0.1:%s/ubaflow/health" % port)
        self.assertEqual([p["kind"] for p in health["problems"]], ["lookup"], health)
        self.assertIn("waiting for the dimensions", health["problems"][0]["text"])
        db.start()
        self.assertEqual(job.wait(60), 0, job.output()[-4000:])
        self.assertIn("the dimensions were read after", job.output())
        _, report = self.verify(["--job.sql", TAOBAO, "--verify.input", sent,
                                 "--lookup.source", "csv",
                                 "--lookup.csv-path", harness.CATEGORY_CSV,
                                 "--verify.against", "ndjson:" + out_dir])
        self.assert_all_compared(report, SEED_INDICES)
        self.assertNotIn(db.password, job.output())

    def test_ten_more_queries_run_in_one_job_over_kafka(self):
        broker = self.broker(partitions=3)
        sent = self.path("sent.jsonl")
        self.datagen(broker.bootstrap, 40000, tee=sent,
                     extra=["--datagen.days", "1", "--datagen.start-day", "2017-11-26"])
        out_dir = self.path("out")
        job = self.start_job(["--job.sql", EXAMPLES,
                              "--kafka.bootstrap-servers", broker.bootstrap,
                              "--job.source-parallelism", "2", "--job.parallelism", "2",
                              "--sink.ndjson.dir", out_dir, "--progress.interval", "300ms",
                              "--event-time.idle-timeout", "0", "--rest.port", "0"])
        harness.wait_for(lambda: re.search(r"\] 40,000 records", job.output()), 60,
                         "40,000 records read", watched=job)
        # The REST API shows what each vertex runs and the script's indices.
        port = re.search(r"REST API and metrics on http://[^:]+:(\d+)/", job.output()).group(1)
        base = "http://127.0.0.1:%s" % port
        jid = self.get_json(base + "/jobs")["jobs"][0]["id"]
        nodes = self.get_json(base + "/jobs/%s/plan" % jid)["plan"]["nodes"]
        self.assertTrue(nodes[0]["ubaflow-sql"].startswith("CREATE TABLE user_behavior"))
        self.assertEqual(nodes[1]["ubaflow-sql"].count("INSERT INTO"), 10)
        self.assertNotIn("ubaflow-sql", nodes[-1])
        # The distinct counts without keys (the last hour's UV, interested
        # users per 10 minutes) are spread over the owners and finished by
        # the combiner, which shows them.
        combiner = [n for n in nodes if n["description"].startswith("UV combiner")]
        self.assertEqual(len(combiner), 1, [n["description"] for n in nodes])
        self.assertEqual(combiner[0]["ubaflow-sql"].count("INSERT INTO"), 2)
        for sink in ("uv_last_hour", "interested_per_10min"):
            self.assertIn("INSERT INTO " + sink, combiner[0]["ubaflow-sql"])
        results = self.get_json(base + "/ubaflow/results")
        self.assertEqual(sorted(results), sorted(EXAMPLE_INDICES))
        self.assertTrue(results["funnel_per_hour"])
        job.signal(signal.SIGUSR1)
        self.assertEqual(job.wait(60), 0, job.output()[-4000:])
        _, report = self.verify(["--job.sql", EXAMPLES, "--verify.input", sent,
                                 "--verify.partitions", "3",
                                 "--verify.against", "ndjson:" + out_dir])
        self.assert_all_compared(report, EXAMPLE_INDICES)

    def test_queries_without_aggregation_write_their_rows_once(self):
        # Rows of a filter with a lookup (no primary key), an upsert by user
        # and an aggregate, in a cluster of three over four partitions; a
        # worker killed while events arrive: the restored attempt reads
        # again what the checkpoint had not covered, and every row is
        # written once, as the oracle has it.
        broker = self.broker(partitions=4)
        part1 = self.produce(broker, 15000, "part1.jsonl", seed=71)
        cluster = Cluster(self, broker, 3, extra=["--job.sql", ROW_STREAMS,
                                                  "--job.parallelism", "3"])
        cluster.wait_output("running on 3 task manager(s)")
        cluster.wait_records(15000)
        cluster.wait_output("completed in", 30, "a first checkpoint")
        victim, _ = self.kill_a_worker_while_events_arrive(cluster, broker, 15000, 72)
        cluster.wait_caught_up()
        # The REST API keeps the latest results, not the row streams.
        base = "http://127.0.0.1:%s" % cluster.rest_port()
        harness.wait_for(lambda: self.get_json(base + "/ubaflow/results")["carts_per_hour"],
                         20, "the hourly carts in the REST results")
        results = self.get_json(base + "/ubaflow/results")
        self.assertEqual(results["buys"], [])
        self.assertTrue(results["last_cart_per_user"] == [])
        cluster.workers.remove(victim)
        out = cluster.drain_and_finish()
        self.assertIsNotNone(re.search(r"attempt 2 restores checkpoint (\d+)", out), out[-4000:])
        _, report = self.verify(["--job.sql", ROW_STREAMS,
                                 "--verify.input", self.sent_file([part1, self.path("part2.jsonl")]),
                                 "--verify.partitions", "4",
                                 "--verify.against", "ndjson:" + self.path("out")])
        self.assert_all_compared(report, ("buys", "last_cart_per_user", "carts_per_hour"))
        # A buy's id says where it was read: partition-offset-query.
        with open(os.path.join(self.path("out"), "buys.ndjson")) as f:
            first = json.loads(f.readline())
        self.assertRegex(first["_id"], r"^[0-3]-[0-9]+-1$")

    def test_sql_cluster_restores_a_savepoint_at_another_parallelism(self):
        # The workers have no copy of the script: the coordinator hands them
        # its text.
        script = self.path("job.sql")
        shutil.copy(EXAMPLES, script)
        broker = self.broker(partitions=3)
        part1 = self.produce(broker, 15000, "part1.jsonl", seed=61)
        cluster = Cluster(self, broker, 2, extra=["--job.sql", script,
                                                  "--job.parallelism", "2"])
        os.remove(script)
        cluster.wait_output("running on 2 task manager(s)")
        cluster.wait_records(15000)
        address = ["--savepoint.coordinator", "127.0.0.1:%d" % cluster.port]
        r = harness.run(["savepoint"] + address, env={"UBAFLOW_CLUSTER_SECRET": SECRET})
        savepoint = r.stdout.decode().strip()
        cluster.coordinator.signal(signal.SIGTERM)
        self.assertEqual(cluster.coordinator.wait(60), 0, cluster.coordinator.output()[-3000:])
        for w in cluster.workers:
            self.assertEqual(w.wait(30), 0, w.output()[-3000:])
        kept = self.path("kept.ckpt")
        shutil.copy(savepoint, kept)
        shutil.rmtree(self.path("checkpoints"))
        # The default job (another script) cannot take this script's state.
        other = harness.run(["coordinator", "--coordinator.port", str(harness.free_port()),
                             "--kafka.bootstrap-servers", broker.bootstrap,
                             "--checkpoint.dir", self.path("other-checkpoints"),
                             "--checkpoint.restore", kept], check=False,
                            env={"UBAFLOW_CLUSTER_SECRET": SECRET})
        self.assertEqual(other.returncode, 2, other.stderr.decode())
        self.assertIn("holds state of other windows or results", other.stderr.decode())
        part2 = self.produce(broker, 10000, "part2.jsonl", seed=62, day="2017-11-28")
        shutil.copy(EXAMPLES, script)
        again = Cluster(self, broker, 3, extra=["--job.sql", script, "--job.parallelism", "3",
                                                "--checkpoint.restore", kept])
        again.wait_output("running on 3 task manager(s)")
        self.assertIn("the job continues from savepoint", again.coordinator.output())
        again.wait_caught_up()
        again.drain_and_finish()
        _, report = self.verify(["--job.sql", EXAMPLES,
                                 "--verify.input", self.sent_file([part1, part2]),
                                 "--verify.partitions", "3",
                                 "--verify.against", "ndjson:" + self.path("out")])
        self.assert_all_compared(report, EXAMPLE_INDICES)

    def test_scripts_the_engine_cannot_run_are_refused_before_it_starts(self):
        data = self.day_of_events(events=100)
        cases = {
            "missing.sql": (None, "cannot read"),
            "typo.sql": ("CREATE TABLE t (a BIGINT) WITH ('connector' = 'kafka', "
                         "'topic' = 'x', 'properties.bootstrap.servers' = 'k:9092', "
                         "'format' = 'json');\nINSERT INTO buy_cnt SELECT COUNT(*) FROM t;\n",
                         "line 2:13: no table buy_cnt"),
            "sorted.sql": (harness._read(TAOBAO).split("CREATE VIEW")[0]
                           + "INSERT INTO top_category SELECT behavior, user_id "
                             "FROM user_behavior ORDER BY user_id;\n",
                           "ORDER BY is not supported"),
        }
        for name, (text, message) in cases.items():
            with self.subTest(script=name):
                path = self.path(name)
                if text is not None:
                    with open(path, "w") as f:
                        f.write(text)
                r = harness.run(["run", "--job.sql", path, "--source.type", "file",
                                 "--source.files", data, "--rest.port", "0",
                                 "--sink.ndjson.dir", self.path("out-" + name)], check=False)
                self.assertEqual(r.returncode, 2, r.stderr.decode())
                self.assertIn(message, r.stderr.decode())
                self.assertFalse(os.path.exists(self.path("out-" + name)))
