"""Outages: Elasticsearch rejecting or unreachable, MariaDB down and back,
malformed messages. Nothing may be lost, duplicated or misattributed: every
run ends equal to the batch oracle."""
import json
import re
import signal
import time
import unittest

import harness
from harness import VALID_RANGE


class FaultTest(harness.IntegrationTest):

    def drain_and_wait(self, job, timeout=120):
        job.signal(signal.SIGUSR1)
        code = job.wait(timeout)
        out = job.output()
        self.assertEqual(code, 0, "job failed:\n" + out[-6000:])
        return out

    def test_elasticsearch_rejecting_and_refusing_loses_nothing(self):
        broker = self.broker(partitions=2)
        es = self.es()
        sent = self.path("sent.jsonl")
        job = self.start_job(["--kafka.bootstrap-servers", broker.bootstrap,
                              "--sink.outputs", "elasticsearch", "--sink.es.hosts", es.url,
                              "--sink.es.bulk-interval", "200ms",
                              "--sink.es.bulk-max-actions", "50",
                              "--sink.es.backoff-initial", "50ms",
                              "--sink.es.backoff-max", "500ms",
                              "--sink.es.request-timeout", "2s",
                              "--event-time.idle-timeout", "0",
                              "--progress.interval", "500ms"])
        # Whole-request 429 and 503, then items refused with 429, a dropped
        # connection and a slow answer, then no connection at all.
        es.faults({"mode": "http_status", "status": 429, "count": 3},
                  {"mode": "http_status", "status": 503, "count": 2},
                  {"mode": "item_status", "status": 429, "count": 40},
                  {"mode": "reset", "count": 2},
                  {"mode": "delay", "ms": 3000, "count": 1})
        self.datagen(broker.bootstrap, 40000, tee=sent, extra=[
            "--datagen.days", "1", "--datagen.start-day", "2017-11-30",
            "--datagen.rate", "20000"])
        es.faults({"mode": "refuse", "seconds": 3})
        time.sleep(1)
        out = self.drain_and_wait(job)
        self.verify(["--verify.input", sent, "--verify.partitions", "2",
                     "--verify.against", "es:" + es.url])
        applied = es.stats()["faults_applied"]
        for mode in ("http_status", "item_status", "reset", "delay", "refuse"):
            self.assertGreater(applied.get(mode, 0), 0, "fault %s never hit: %s" % (mode, applied))
        # The trouble was visible while it lasted.
        self.assertIn("SINK RETRYING", out)
        self.assertRegex(out, r"elasticsearch.*: [1-9][0-9,]* rows written")

    def test_kafka_broker_down_and_back_loses_nothing(self):
        broker = self.broker(partitions=2, commands=True)
        gen = ["--datagen.days", "1", "--datagen.start-day", "2017-11-28"]
        part1, part2 = self.path("part1.jsonl"), self.path("part2.jsonl")
        self.datagen(broker.bootstrap, 10000, tee=part1, extra=gen + ["--datagen.seed", "5"])
        job = self.start_job(["--kafka.bootstrap-servers", broker.bootstrap,
                              "--sink.ndjson.dir", self.path("out"),
                              "--event-time.idle-timeout", "0",
                              "--progress.interval", "300ms"])
        harness.wait_for(lambda: "10,000 records" in job.output(), 30,
                         "the job to read the first part", watched=job)
        broker.command("down 1")
        harness.wait_for(lambda: "KAFKA UNREACHABLE" in job.output(), 60,
                         "the job to notice the broker is down", watched=job)
        self.assertTrue(job.running())
        broker.command("up 1")
        self.datagen(broker.bootstrap, 10000, tee=part2,
                     extra=gen + ["--datagen.seed", "6", "--datagen.start-day", "2017-11-29"])
        harness.wait_for(lambda: "20,000 records" in job.output(), 60,
                         "the job to read the second part after the outage", watched=job)
        self.drain_and_wait(job)
        self.verify(["--verify.input", self.sent_file([part1, part2]),
                     "--verify.partitions", "2",
                     "--verify.against", "ndjson:" + self.path("out")])

    def test_mysql_down_and_back_misattributes_nothing(self):
        # The dimension is read again every second (lookup.cache-ttl). While
        # MySQL is down the job joins with the rows it read last, shows the
        # failing read, retries it and reads again once MySQL is back: no
        # buy goes to 'unknown' or is lost.
        broker = self.broker(partitions=2)
        db = self.mariadb()
        job = self.start_job(["--kafka.bootstrap-servers", broker.bootstrap,
                              "--sink.ndjson.dir", self.path("out"),
                              "--lookup.cache-ttl", "1s",
                              "--lookup.retry-initial", "100ms", "--lookup.retry-max", "500ms",
                              "--event-time.idle-timeout", "0",
                              "--progress.interval", "500ms"] + db.job_args(),
                             env=db.job_env())
        gen = ["--datagen.days", "1", "--datagen.start-day", "2017-12-01",
               "--datagen.rate", "20000"]
        part1, part2 = self.path("part1.jsonl"), self.path("part2.jsonl")
        self.datagen(broker.bootstrap, 20000, tee=part1, extra=gen + ["--datagen.seed", "3"])
        db.stop()
        self.datagen(broker.bootstrap, 20000, tee=part2,
                     extra=gen + ["--datagen.seed", "4", "--datagen.start-day", "2017-12-02"])
        harness.wait_for(lambda: "LOOKUP RETRYING" in job.output(), 30,
                         "the job to report the failing lookup", watched=job)
        self.assertTrue(job.running(), "the job stopped while MySQL was down")
        db.start()
        harness.wait_for(lambda: "the dimensions were read again after" in job.output(), 60,
                         "the job to read the dimension again", watched=job)
        self.drain_and_wait(job)
        self.verify(["--verify.input", self.sent_file([part1, part2]),
                     "--verify.partitions", "2",
                     "--verify.against", "ndjson:" + self.path("out"),
                     "--lookup.csv-path", harness.CATEGORY_CSV], job=job)

    def test_mysql_down_at_start_is_waited_for(self):
        broker = self.broker(partitions=1)
        db = self.mariadb()
        db.stop()
        sent = self.path("sent.jsonl")
        self.datagen(broker.bootstrap, 5000, tee=sent, extra=["--datagen.days", "1"])
        job = self.start_job(["--kafka.bootstrap-servers", broker.bootstrap,
                              "--kafka.bounded", "true", "--sink.ndjson.dir", self.path("out"),
                              "--lookup.retry-initial", "100ms", "--lookup.retry-max", "300ms",
                              "--progress.interval", "300ms"] + db.job_args(),
                             env=db.job_env())
        harness.wait_for(lambda: "LOOKUP RETRYING" in job.output(), 30,
                         "the job to report the failing lookup", watched=job)
        self.assertTrue(job.running(), "the job gave up instead of waiting for MySQL")
        db.start()
        code = job.wait(60)
        self.assertEqual(code, 0, job.output()[-4000:])
        self.verify(["--verify.input", sent, "--verify.against", "ndjson:" + self.path("out"),
                     "--lookup.csv-path", harness.CATEGORY_CSV])

    def test_malformed_records_are_counted_and_dead_lettered(self):
        broker = self.broker(partitions=2, extra_topics=["user_behavior_dlq:1"])
        sent = self.path("sent.jsonl")
        self.datagen(broker.bootstrap, 20000, tee=sent, extra=[
            "--datagen.days", "1", "--datagen.malformed-fraction", "0.02",
            "--datagen.outlier-fraction", "0.01"])
        out = self.run_job_to_end(["--kafka.bootstrap-servers", broker.bootstrap,
                                   "--kafka.bounded", "true",
                                   "--kafka.dead-letter-topic", "user_behavior_dlq",
                                   "--sink.ndjson.dir", self.path("out"),
                                   "--progress.interval", "0"] + VALID_RANGE)
        rejected = int(re.search(r"rejected\s+([0-9,]+)", out).group(1).replace(",", ""))
        self.assertGreater(rejected, 400)
        for reason in ("malformed_record", "missing_field", "invalid_id",
                       "invalid_timestamp", "timestamp_out_of_range"):
            self.assertIn(reason, out)
        # A behaviour other than pv/buy/cart/fav is a row like any other, as
        # in the seed's Flink job: counted in the UVs, not in the buys (the
        # oracle below agrees).
        self.assertNotIn("unknown_behavior", out)
        self.verify(["--verify.input", sent, "--verify.partitions", "2",
                     "--verify.against", "ndjson:" + self.path("out")] + VALID_RANGE)
        # Every rejected record reached the dead-letter topic with its reason.
        r = harness.subprocess.run(
            ["kcat", "-C", "-b", broker.bootstrap, "-t", "user_behavior_dlq", "-e", "-q",
             "-f", "%h\\n"], stdout=harness.subprocess.PIPE, timeout=60, check=True)
        headers = [l for l in r.stdout.decode().splitlines() if l]
        self.assertEqual(len(headers), rejected)
        self.assertTrue(all("ubaflow.reject.reason=" in h for h in headers))
        self.assertTrue(any("ubaflow.reject.reason=invalid_timestamp" in h for h in headers))


    def test_far_future_record_cannot_move_the_watermark(self):
        """One record from a broken clock (year 9999) in a day of events,
        with no valid-range bounds: it is rejected as timestamp_in_future,
        the watermark stays in 2017, nothing is dropped as late."""
        broker = self.broker(partitions=1)
        sent = self.path("sent.jsonl")
        self.datagen(broker.bootstrap, 20000, tee=sent,
                     extra=["--datagen.days", "1", "--datagen.start-day", "2017-11-26"])
        with open(sent) as f:
            lines = f.read().splitlines()
        # The broken record right in the middle of the day, then the rest.
        bad = json.loads(lines[0])
        bad["ts"] = "9999-12-31 00:00:00"
        poisoned = self.path("poisoned.jsonl")
        with open(poisoned, "w") as f:
            f.write("\n".join(lines[:10000] + [json.dumps(bad)] + lines[10000:]) + "\n")
        out = self.run_job_to_end(["--source.type", "file", "--source.files", poisoned,
                                   "--sink.ndjson.dir", self.path("out"),
                                   "--progress.interval", "0"])
        self.assertRegex(out, r"timestamp_in_future\W+1\b")
        self.assertRegex(out, r"late\W+0\b")
        with open(self.path("out/cumulative_uv.ndjson")) as f:
            self.assertNotIn("9999", f.read())
        with open(self.path("out/buy_cnt_per_hour.ndjson")) as f:
            self.assertNotIn("0000-01-01", f.read())
        self.verify(["--verify.input", poisoned, "--verify.against",
                     "ndjson:" + self.path("out"), "--verify.partitioner", "file"])


if __name__ == "__main__":
    unittest.main()
