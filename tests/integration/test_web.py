"""The web UI in Debian's headless Chromium, driven by playwright-core
(tests/web/ui_check.mjs): every page of a running 2-worker cluster shows
live numbers and drawn charts without console errors, and an outage (the
broker down) above the page. Screenshots go to build/test-artifacts/web/."""
import os
import subprocess

import harness
from test_cluster import Cluster


class WebUiTest(harness.IntegrationTest):

    def test_every_page_in_chromium(self):
        broker = self.broker(partitions=2, commands=True)
        self.datagen(broker.bootstrap, 30000,
                     extra=["--datagen.days", "2", "--datagen.start-day", "2017-11-26"])
        cluster = Cluster(self, broker, 2)
        cluster.wait_output("running on 2 task manager(s)")
        cluster.wait_records(30000)
        cluster.wait_output("completed in", 30, "a checkpoint")
        port = cluster.rest_port()
        shots = os.path.join(harness.ROOT, "build", "test-artifacts", "web")
        r = subprocess.run(["node", os.path.join(harness.ROOT, "tests", "web", "ui_check.mjs"),
                            "http://127.0.0.1:%s" % port, shots],
                           capture_output=True, timeout=240)
        out = r.stdout.decode() + r.stderr.decode()
        self.assertEqual(r.returncode, 0, out)
        for page in ("overview", "job", "dashboard", "checkpoints", "exceptions",
                     "taskmanagers", "jobmanager"):
            self.assertIn("ok   " + page, out)
            self.assertTrue(os.path.getsize(os.path.join(shots, page + ".png")) > 10000)
        # An outage is shown above every page (/ubaflow/health).
        broker.command("down 1")
        cluster.wait_output("KAFKA UNREACHABLE", 60, "the job to notice the broker is down")
        r = subprocess.run(["node", os.path.join(harness.ROOT, "tests", "web", "ui_check.mjs"),
                            "http://127.0.0.1:%s" % port, shots, "KAFKA UNREACHABLE"],
                           capture_output=True, timeout=120)
        out = r.stdout.decode() + r.stderr.decode()
        self.assertEqual(r.returncode, 0, out)
        self.assertIn("ok   problems", out)
        broker.command("up 1")
        cluster.drain_and_finish()
