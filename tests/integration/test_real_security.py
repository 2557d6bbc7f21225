"""ubaflow against a real Kafka 4 broker that demands SASL/SCRAM over TLS
(SASL_SSL, a private CA), started once for the module: the job and datagen
connect with kafka.properties and the password from the environment and the
results equal the oracle; a wrong password is one clear error line and a
non-zero exit after kafka.startup-wait, with no password in any output.
(Debian 12's librdkafka 2.0.2 cannot do SCRAM with Kafka 4; deploy/deps
installs Debian 13's 2.8.0, which can.)"""
import os
import shutil
import tempfile
import time
import unittest

import harness
import real_servers

USER, PASSWORD = "ubaflow", "it-scram-s3cret"
kafka = None
module_dir = None


def setUpModule():
    global kafka, module_dir
    module_dir = tempfile.mkdtemp(prefix="ubaflow-realsec-")
    kafka = real_servers.Kafka(module_dir, scram=(USER, PASSWORD),
                               tls=real_servers.make_tls_files(module_dir))


def tearDownModule():
    if kafka:
        kafka.stop()
    if os.environ.get("UBAFLOW_KEEP_TMP") != "1":
        shutil.rmtree(module_dir, ignore_errors=True)


class RealKafkaSecurityTest(harness.IntegrationTest):

    def test_scram_over_tls_with_the_password_from_the_environment(self):
        kafka.create_topic("secured", 2)
        env = {"UBAFLOW_KAFKA_SASL_PASSWORD": PASSWORD}
        common = kafka.job_args() + ["--kafka.topic", "secured"]
        sent = self.path("sent.jsonl")
        r = harness.run(["datagen"] + common + [
            "--datagen.events", "10000", "--datagen.days", "1", "--datagen.progress", "0",
            "--datagen.tee", sent], env=env)
        out = self.run_job_to_end(common + ["--kafka.bounded", "true", "--sink.ndjson.dir",
                                            self.path("out"), "--progress.interval", "0"],
                                  env=env)
        self.assertIn("10,000 read", out)
        self.assertNotIn(PASSWORD, out + r.stderr.decode())
        self.verify(["--verify.input", sent, "--verify.partitions", "2",
                     "--verify.against", "ndjson:" + self.path("out")])

    def test_wrong_password_is_one_clear_line_and_a_failure(self):
        started = time.time()
        r = harness.run(["run"] + kafka.job_args() + [
            "--kafka.topic", "secured", "--kafka.startup-wait", "5s",
            "--sink.ndjson.dir", self.path("out"), "--progress.interval", "0"],
            env={"UBAFLOW_KAFKA_SASL_PASSWORD": "wrong-" + PASSWORD}, check=False,
            timeout=60)
        err = r.stderr.decode()
        self.assertNotEqual(r.returncode, 0, err)
        self.assertLess(time.time() - started, 30)
        # The refusal when it happens, then the reason for giving up; no
        # repetition in between.
        auth = [l for l in err.splitlines() if "authentication" in l.lower()]
        self.assertLessEqual(len(auth), 2, err)
        last = err.strip().splitlines()[-1]
        self.assertIn("cannot start", last)
        self.assertIn("invalid credentials", last)
        self.assertNotIn("|FAIL|", err)
        self.assertNotIn(PASSWORD, err + r.stdout.decode())


if __name__ == "__main__":
    unittest.main()
