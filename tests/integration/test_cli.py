"""The command line: clear errors for bad configuration (exit code 2), the
precedence of config file, environment and flags, secrets kept off the
command line and out of the logs."""
import os
import unittest

import harness


class CliTest(harness.IntegrationTest):

    def fails_with(self, args, *phrases, env=None):
        r = harness.run(args, check=False, env=env, timeout=30)
        err = r.stderr.decode()
        self.assertEqual(r.returncode, 2, "expected a usage error, got %d:\n%s%s"
                         % (r.returncode, r.stdout.decode(), err))
        for phrase in phrases:
            self.assertIn(phrase, err)
        return err

    def test_unknown_option_suggests_the_right_one(self):
        self.fails_with(["run", "--kafka.topik", "x"], "unknown option --kafka.topik",
                        "did you mean --kafka.topic?")

    def test_bad_values_are_explained(self):
        self.fails_with(["run", "--event-time.watermark-delay", "5x"],
                        "--event-time.watermark-delay", "not a duration")
        self.fails_with(["run", "--job.parallelism", "0"], "--job.parallelism", "minimum 1")
        self.fails_with(["run", "--job.time-zone", "Mars/Base"], "unknown time zone")
        self.fails_with(["run", "--job.results", "buy_cnt_per_day"],
                        "no INSERT of the script writes index 'buy_cnt_per_day'")
        self.fails_with(["run", "--sink.outputs", "elasticsearch", "--sink.es.hosts",
                         "ftp://x"], "not an http:// or https:// URL")
        self.fails_with(["run", "--kafka.startup-mode", "middle"], "is not one of")
        self.fails_with(["run", "--source.type", "file"], "needs at least one file")
        self.fails_with(["run", "--kafka.properties", "no.such.property=1"],
                        "no.such.property")
        self.fails_with(["run", "--event-time.valid-from", "yesterday"],
                        "event-time.valid-from")
        self.fails_with(["run", "--job.parallelism", "200"], "cannot exceed job.key-groups")

    def test_cluster_commands_explain_bad_settings(self):
        secret = {"UBAFLOW_CLUSTER_SECRET": "s3cret"}
        self.fails_with(["coordinator", "--cluster.worker-timeout", "500ms"],
                        "cluster.worker-timeout must be longer than cluster.heartbeat-interval",
                        env=secret)
        self.fails_with(["coordinator", "--coordinator.port", "70000"], "--coordinator.port")
        self.fails_with(["coordinator", "--cluster.secret-file", self.path("missing")],
                        "cluster.secret-file")
        self.fails_with(["worker", "--worker.coordinator", "no-port-here"],
                        "worker.coordinator: expected host:port", env=secret)
        self.fails_with(["worker", "--worker.slots", "0"], "--worker.slots", "minimum 1")
        self.fails_with(["worker", "--cluster.secret", "x"], "cluster.secret")
        # No cluster without a secret, unless insecure is asked for, alone.
        for command in ("coordinator", "worker", "savepoint"):
            self.fails_with([command], "the cluster needs a secret",
                            env={"UBAFLOW_CLUSTER_SECRET": ""})
        self.fails_with(["coordinator", "--cluster.insecure", "true"],
                        "cannot go with cluster.secret", env=secret)
        self.fails_with(["coordinator", "--cluster.max-frame-size", "1kb"],
                        "--cluster.max-frame-size", env=secret)

    def test_paths_and_ranges_are_checked_before_the_job_starts(self):
        files = ["--source.type", "file", "--source.files", harness.CATEGORY_CSV]
        self.fails_with(["run"] + files + ["--sink.ndjson.dir", "/proc/x"],
                        "sink.ndjson.dir", "/proc/x")
        self.fails_with(["run"] + files + ["--lookup.csv-path", self.path("missing.csv")],
                        "lookup.csv-path", "missing.csv")
        self.fails_with(["run", "--source.type", "file", "--source.files", self.tmp],
                        "source.files", "is a directory")
        self.fails_with(["run", "--source.type", "file", "--source.files",
                         self.path("absent.jsonl")], "source.files", "absent.jsonl")
        self.fails_with(["run", "--source.max-record-size", "10"],
                        "--source.max-record-size")
        self.fails_with(["coordinator", "--checkpoint.dir", "/proc/x"], "checkpoint.dir",
                        env={"UBAFLOW_CLUSTER_SECRET": "s3cret"})
        self.fails_with(["broker", "--broker.port", "70000"], "--broker.port")
        self.fails_with(["broker", "--broker.partitions", "0"], "--broker.partitions")

    def test_sql_explains_a_script_or_names_its_first_error(self):
        # The default job: runnable, explained, its password never printed.
        r = harness.run(["sql", os.path.join(harness.ROOT, "jobs", "taobao.sql")],
                        check=False, timeout=30)
        out = r.stdout.decode()
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertTrue(out.startswith("job: 4 queries over 1 source"), out)
        for phrase in ("query 1: INSERT INTO buy_cnt_per_hour",
                       "window      CUMULATE(ts, step 10 MINUTE, up to 1 DAY)",
                       "routed to key groups by distinct value",
                       "one combiner adds the counts and writes the row",
                       "sink        top_category (elasticsearch-7 index 'top_category'), "
                       "upserts, keyed by category_name"):
            self.assertIn(phrase, out)
        self.assertNotIn("MYSQL_PASSWORD", out + r.stderr.decode())
        # The seed's own script inserts into a table it never created.
        r = harness.run(["sql", os.path.join(harness.ROOT, "tests", "data", "sql", "seed.sql")],
                        check=False, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("seed.sql: line 43:13: no table buy_cnt_per_hour (did you mean goum?)",
                      r.stderr.decode())
        # Usage errors: no file, a missing file, a file far too large.
        for args in (["sql"], ["sql", self.path("absent.sql")]):
            r = harness.run(args, check=False, timeout=30)
            self.assertEqual(r.returncode, 2, r.stderr.decode())
        big = self.path("big.sql")
        with open(big, "wb") as f:
            f.truncate(5 << 20)
        r = harness.run(["sql", big], check=False, timeout=30)
        self.assertEqual(r.returncode, 2)
        self.assertIn("larger than 4 MiB", r.stderr.decode())

    def test_secrets_are_refused_on_the_command_line(self):
        self.fails_with(["run", "--sink.es.password", "hunter2"], "is a secret",
                        "UBAFLOW_SINK_ES_PASSWORD")

    def test_config_file_errors_name_the_line(self):
        path = self.path("job.ini")
        with open(path, "w") as f:
            f.write("[kafka]\ntopic = \"t\"\n[event-time]\nwatermark-dely = 5s\n")
        self.fails_with(["run", "--config", path], "job.ini:4", "watermark-dely",
                        "event-time.watermark-delay")

    def test_precedence_file_environment_flag(self):
        # A file source so the job runs without any server.
        data = self.path("events.jsonl")
        harness.run(["datagen", "--datagen.output", "file", "--datagen.file", data,
                     "--datagen.events", "2000", "--datagen.days", "1",
                     "--datagen.progress", "0"])
        config = self.path("job.ini")
        with open(config, "w") as f:
            f.write("# a job file\n[source]\ntype = file\nfiles = [\"%s\"]\n"
                    "[sink.ndjson]\ndir = \"%s\"\n[job]\nname = from-file\n"
                    "parallelism = 1\n" % (data, self.path("wrong")))
        env = {"UBAFLOW_SINK_NDJSON_DIR": self.path("from-env"),
               "UBAFLOW_JOB_NAME": "from-env"}
        out = self.run_job_to_end(["--config", config, "--job.name", "from-flag",
                                   "--progress.interval", "0"], env=env)
        self.assertIn("job 'from-flag' finished", out)
        self.assertIn("config: sink.ndjson.dir = %s (environment)" % self.path("from-env"), out)
        self.assertIn("config: job.parallelism = 1 (config file)", out)
        self.assertTrue(os.path.exists(self.path("from-env/buy_cnt_per_hour.ndjson")))
        self.assertFalse(os.path.exists(self.path("wrong")))

    def test_help_lists_every_option_with_its_environment_variable(self):
        r = harness.run(["run", "--help"])
        text = r.stdout.decode()
        for needle in ("--kafka.bootstrap-servers", "UBAFLOW_KAFKA_BOOTSTRAP_SERVERS",
                       "--sink.es.bulk-max-actions", "--event-time.watermark-delay"):
            self.assertIn(needle, text)
        for command in ("broker", "datagen", "verify", "results"):
            self.assertEqual(harness.run([command, "--help"]).returncode, 0)

    def test_unreachable_kafka_is_reported(self):
        port = harness.free_port()
        r = harness.run(["run", "--kafka.bootstrap-servers", "127.0.0.1:%d" % port,
                         "--kafka.startup-wait", "1s", "--progress.interval", "0"],
                        check=False, timeout=120,
                        env={"UBAFLOW_LOG_LEVEL": "warn"})
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot start", r.stderr.decode())


if __name__ == "__main__":
    unittest.main()
