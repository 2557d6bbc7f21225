"""Elasticsearch over https with basic auth: the certificate is checked
against a CA file, the password comes from a file or the environment and
never shows in logs, and wrong credentials are surfaced and retried."""
import signal
import subprocess
import unittest

import harness


class EsSecurityTest(harness.IntegrationTest):

    def setUp(self):
        super().setUp()
        self.cert, self.key = self.path("es.crt"), self.path("es.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-days", "1", "-keyout", self.key, "-out", self.cert],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def test_https_basic_auth_equals_oracle(self):
        password = "p4ss-w0rd-for-es"
        es = self.es(username="ubaflow", password=password, tls=(self.cert, self.key))
        data = self.path("events.jsonl")
        harness.run(["datagen", "--datagen.output", "file", "--datagen.file", data,
                     "--datagen.events", "5000", "--datagen.days", "1",
                     "--datagen.progress", "0"])
        pw_file = self.path("pw")
        with open(pw_file, "w") as f:
            f.write(password + "\n")
        out = self.run_job_to_end(["--source.type", "file", "--source.files", data,
                                   "--sink.outputs", "elasticsearch",
                                   "--sink.es.hosts", es.url, "--sink.es.ca-file", self.cert,
                                   "--sink.es.username", "ubaflow",
                                   "--sink.es.password-file", pw_file,
                                   "--progress.interval", "0", "--log.level", "debug"])
        self.assertNotIn(password, out)
        r = harness.run(["verify", "--verify.input", data, "--verify.partitioner", "file",
                         "--verify.against", "es:" + es.url, "--sink.es.ca-file", self.cert,
                         "--sink.es.username", "ubaflow"],
                        env={"UBAFLOW_SINK_ES_PASSWORD": password}, check=False)
        self.assertEqual(r.returncode, 0, r.stdout.decode() + r.stderr.decode())

    def test_untrusted_certificate_and_wrong_password_are_retried_not_fatal(self):
        es = self.es(username="ubaflow", password="right", tls=(self.cert, self.key))
        data = self.path("events.jsonl")
        harness.run(["datagen", "--datagen.output", "file", "--datagen.file", data,
                     "--datagen.events", "500", "--datagen.days", "1",
                     "--datagen.progress", "0"])
        for extra, needle in ((["--sink.es.ca-file", ""], "certificate verify failed"),
                              (["--sink.es.ca-file", self.cert], "401")):
            job = self.start_job(["--source.type", "file", "--source.files", data,
                                  "--sink.outputs", "elasticsearch", "--sink.es.hosts", es.url,
                                  "--sink.es.username", "ubaflow",
                                  "--sink.es.backoff-max", "200ms",
                                  "--job.stop-timeout", "1s",
                                  "--progress.interval", "200ms"] + extra,
                                 env={"UBAFLOW_SINK_ES_PASSWORD": "wrong"},
                                 name="job" + str(len(extra[1])))
            harness.wait_for(lambda: needle in job.output(), 30, "the sink to report " + needle, watched=job)
            self.assertTrue(job.running())
            self.assertIn("SINK RETRYING", harness.wait_for(
                lambda: "SINK RETRYING" in job.output() and job.output(), 30, "progress", watched=job))
            self.assertNotIn("wrong", job.output().replace("wrong password", ""))
            job.signal(signal.SIGTERM)
            job.wait(30)


if __name__ == "__main__":
    unittest.main()
