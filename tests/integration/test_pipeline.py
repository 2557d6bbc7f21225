"""End to end: mock Kafka + the job + the strict ES 7 test server + a real
MariaDB; the results must equal the batch oracle (`ubaflow verify`) exactly."""
import json
import os
import signal
import unittest

import harness
from harness import VALID_RANGE


class PipelineTest(harness.IntegrationTest):

    def test_kafka_to_elasticsearch_with_mysql_lookup_equals_oracle(self):
        broker = self.broker(partitions=4)
        es = self.es()
        db = self.mariadb()
        sent = self.path("sent.jsonl")
        # Two days with every kind of trouble: out-of-order and late events,
        # malformed records, dirty timestamps, all timestamp shapes, and
        # sub-categories missing from the dimension table.
        self.datagen(broker.bootstrap, 120000, tee=sent, extra=[
            "--datagen.days", "2", "--datagen.start-day", "2017-11-26",
            "--datagen.disorder", "4s", "--datagen.late-fraction", "0.003",
            "--datagen.late-by", "45min", "--datagen.malformed-fraction", "0.002",
            "--datagen.outlier-fraction", "0.001", "--datagen.ts-format", "mixed"])
        job_args = ["--kafka.bootstrap-servers", broker.bootstrap, "--kafka.bounded", "true",
                    "--sink.outputs", "elasticsearch,ndjson", "--sink.es.hosts", es.url,
                    "--sink.ndjson.dir", self.path("out"), "--job.parallelism", "3",
                    "--progress.interval", "0"] + VALID_RANGE
        out = self.run_job_to_end(job_args + db.job_args(), env=db.job_env())
        self.assertIn("finished", out)
        self.assertNotIn(db.password, out, "the MySQL password leaked into the log")
        oracle_args = ["--verify.input", sent, "--verify.partitions", "4",
                       "--lookup.csv-path", harness.CATEGORY_CSV] + VALID_RANGE
        _, report = self.verify(oracle_args + ["--verify.against", "es:" + es.url])
        self.assertIn("OK", report)
        self.verify(oracle_args + ["--verify.against", "ndjson:" + self.path("out")])

        # The oracle saw late and rejected records, so the test exercised them.
        self.assertRegex(report, r"oracle \(jobs/taobao.sql\) read 120,000 records, "
                                 r"[1-9][0-9,]* rejected")
        self.assertRegex(report, r"late dropped: .*cumulative_uv [1-9]")
        # Unknown sub-categories are counted under the unknown label.
        unknown = es.get("/top_category/_doc/unknown")
        self.assertTrue(unknown["found"])
        self.assertGreater(unknown["_source"]["buy_cnt"], 0)
        # Index templates were installed before the first write: time fields
        # are dates, names keywords.
        mapping = es.get("/buy_cnt_per_hour/_mapping")["buy_cnt_per_hour"]["mappings"]
        self.assertEqual(mapping["properties"]["event_time"]["type"], "date")
        mapping = es.get("/cumulative_uv/_mapping")["cumulative_uv"]["mappings"]
        self.assertEqual(mapping["properties"]["time_str"]["type"], "date")
        mapping = es.get("/top_category/_mapping")["top_category"]["mappings"]
        self.assertEqual(mapping["properties"]["category_name"]["type"], "keyword")
        # The summary's counters agree with the oracle's.
        self.assertRegex(out, r"rejected\s+[1-9]")

    def test_sql_oracle_of_the_default_script_equals_the_output(self):
        # jobs/taobao.sql computed by the SQL batch oracle equals what the
        # job wrote, document by document, matched by each sink's key.
        data = self.path("day.jsonl")
        harness.run(["datagen", "--datagen.output", "file", "--datagen.file", data,
             "--datagen.events", "60000", "--datagen.days", "1",
             "--datagen.start-day", "2017-11-26", "--datagen.progress", "0"])
        out_dir = self.path("out")
        self.run_job_to_end(["--source.type", "file", "--source.files", data,
                             "--sink.ndjson.dir", out_dir, "--progress.interval", "0",
                             "--lookup.csv-path", harness.CATEGORY_CSV])
        args = ["--verify.input", data, "--verify.partitioner", "file",
                "--lookup.csv-path", harness.CATEGORY_CSV,
                "--verify.against", "ndjson:" + out_dir,
                "--verify.sql", os.path.join(harness.ROOT, "jobs", "taobao.sql")]
        _, report = self.verify(args)
        self.assertIn("SQL oracle", report)
        self.assertIn("read 60,000 records, 0 rejected", report)
        for index in ("buy_cnt_per_hour", "cumulative_uv", "cumulative_uv_daily",
                      "top_category"):
            self.assertRegex(report, index + r"\s+[1-9][0-9]* expected,\s+[1-9][0-9]* found, "
                                             r"0 differences")
        # One changed count in the output is found.
        hourly = os.path.join(out_dir, "buy_cnt_per_hour.ndjson")
        with open(hourly) as f:
            lines = f.read().splitlines()
        doc = json.loads(lines[-1])
        doc["_source"]["buy_cnt"] += 1
        lines[-1] = json.dumps(doc)
        with open(hourly, "w") as f:
            f.write("\n".join(lines) + "\n")
        code, report = self.verify(args, expect_ok=False)
        self.assertEqual(code, 1)
        self.assertRegex(report, r"buy_cnt_per_hour\s+\d+ expected,\s+\d+ found, 1 difference")

    def test_stopped_job_reports_what_it_read(self):
        # SIGTERM ends the sources at once; the closing summary still counts
        # every record they read (it said 0 before).
        broker = self.broker(partitions=2)
        self.datagen(broker.bootstrap, 30000, extra=["--datagen.days", "1"])
        job = self.start_job(["--kafka.bootstrap-servers", broker.bootstrap,
                              "--sink.ndjson.dir", self.path("out"), "--rest.port", "0",
                              "--progress.interval", "200ms"])
        harness.wait_for(lambda: "30,000 records" in job.output(), 60, "the job to read all",
                         watched=job)
        job.signal(signal.SIGTERM)
        self.assertEqual(job.wait(30), 0, job.output()[-3000:])
        out = job.output()
        self.assertIn("stopped", out)
        self.assertRegex(out, r"records\s+30,000 read, 30,000 accepted")

    def test_tianchi_csv_files_equal_oracle(self):
        # Two CSV files (one partition each), as in the dataset: epoch seconds.
        files = []
        for i, day in enumerate(["2017-11-27", "2017-11-28"]):
            path = self.path("day%d.csv" % i)
            harness.run(["datagen", "--datagen.output", "file", "--datagen.file", path,
                         "--datagen.events", "40000", "--datagen.days", "1",
                         "--datagen.start-day", day, "--datagen.seed", str(7 + i),
                         "--datagen.progress", "0"])
            files.append(path)
        args = ["--source.type", "file", "--source.files", ",".join(files),
                "--sink.ndjson.dir", self.path("out"), "--progress.interval", "0",
                "--job.parallelism", "2"]
        self.run_job_to_end(args)
        self.verify(["--verify.input", ",".join(files), "--verify.partitioner", "file",
                     "--verify.against", "ndjson:" + self.path("out")])
        # Day-to-date UV starts over at each midnight and never decreases.
        rows = {}
        with open(self.path("out/cumulative_uv_daily.ndjson")) as f:
            for line in f:
                doc = json.loads(line)
                rows[doc["_id"]] = doc["_source"]
        by_day = {}
        for key in sorted(rows):
            by_day.setdefault(rows[key]["date_str"], []).append(rows[key]["uv"])
        self.assertEqual(sorted(by_day), ["2017-11-27", "2017-11-28"])
        for values in by_day.values():
            self.assertEqual(values, sorted(values))
            self.assertEqual(len(values), 144)

    def test_allowed_lateness_updates_rows_under_the_same_id(self):
        broker = self.broker(partitions=1)
        sent = self.path("sent.jsonl")
        self.datagen(broker.bootstrap, 30000, tee=sent, extra=[
            "--datagen.days", "1", "--datagen.start-day", "2017-11-29",
            "--datagen.late-fraction", "0.01", "--datagen.late-by", "20min"])
        args = ["--kafka.bootstrap-servers", broker.bootstrap, "--kafka.bounded", "true",
                "--sink.ndjson.dir", self.path("out"), "--progress.interval", "0",
                "--event-time.allowed-lateness", "30min",
                # Small, frequent flushes so late records reach the owners
                # after their windows have fired.
                "--source.read-batch", "200", "--preagg.flush-interval", "1ms"]
        self.run_job_to_end(args)
        _, report = self.verify(["--verify.input", sent, "--event-time.allowed-lateness", "30min",
                                 "--verify.against", "ndjson:" + self.path("out")])
        # Within the allowed lateness no 10-minute UV row lost a user...
        self.assertRegex(report, r"late dropped: buy_cnt_per_hour [0-9,]+, cumulative_uv 0, "
                                 r"cumulative_uv_daily [1-9]")
        # ...and late rows were re-emitted under their ids (more lines than ids).
        with open(self.path("out/cumulative_uv.ndjson")) as f:
            lines = [json.loads(l)["_id"] for l in f]
        self.assertGreater(len(lines), len(set(lines)))

    def test_finished_runs_commit_offsets_for_group_offsets_startup(self):
        broker = self.broker(partitions=2)
        self.datagen(broker.bootstrap, 5000, extra=["--datagen.days", "1"])
        args = ["--kafka.bootstrap-servers", broker.bootstrap, "--kafka.bounded", "true",
                "--kafka.group-id", "resume-test", "--progress.interval", "0"]
        first = self.run_job_to_end(args + ["--sink.ndjson.dir", self.path("out1")])
        self.assertIn("5,000 read", first)
        resume = args + ["--kafka.startup-mode", "group-offsets"]
        again = self.run_job_to_end(resume + ["--sink.ndjson.dir", self.path("out2")])
        self.assertIn("0 read", again)
        self.datagen(broker.bootstrap, 700, extra=["--datagen.days", "1", "--datagen.seed", "9"])
        third = self.run_job_to_end(resume + ["--sink.ndjson.dir", self.path("out3")])
        self.assertIn("700 read", third)


if __name__ == "__main__":
    unittest.main()
