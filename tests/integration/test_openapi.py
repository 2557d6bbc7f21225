"""The REST API against its own OpenAPI document, by schemathesis (PyPI):
generated requests to every operation of a running coordinator never get a
5xx, and every status code, content type and body matches the document.
Job-specific paths get the running job's real ids; the mutating calls are
exercised without the token (their refusals are documented too)."""
import json
import os
import subprocess
import urllib.request

import harness
from test_cluster import Cluster, ClusterTestCase

VENV = os.path.join(os.environ.get("UBAFLOW_CACHE", os.path.expanduser("~/.cache/ubaflow")),
                    "venv")
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_schema_conformance")
READ_TOKEN = "it-read-token"


class OpenApiTest(ClusterTestCase):

    def schemathesis(self, base, *args, config=None):
        command = [os.path.join(VENV, "bin", "schemathesis")]
        if config:
            command += ["--config-file", config]
        # The document as the coordinator serves it.
        command += ["run", base + "/ubaflow/openapi.yaml", "--url", base, "-c", CHECKS, "--max-examples", "25",
                    "-w", "1", "--no-color"] + list(args)
        r = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=600, cwd=self.tmp)
        out = r.stdout.decode()
        self.assertEqual(r.returncode, 0, out[-8000:])
        self.assertRegex(out, r"\d+ generated, \d+ passed")
        return out

    def test_every_operation_matches_the_document(self):
        broker = self.broker(partitions=2)
        sent = self.produce(broker, 15000, "sent.jsonl", seed=91)
        cluster = Cluster(self, broker, 2, env={"UBAFLOW_REST_READ_TOKEN": READ_TOKEN})
        cluster.wait_output("running on 2 task manager(s)")
        cluster.wait_records(15000)
        cluster.wait_output("checkpoint 1 completed", 30)
        base = "http://127.0.0.1:%s" % cluster.rest_port()

        def get(path):
            req = urllib.request.Request(base + path,
                                         headers={"Authorization": "Bearer " + READ_TOKEN})
            with urllib.request.urlopen(req, timeout=10) as r:
                return json.loads(r.read())
        jid = get("/jobs")["jobs"][0]["id"]
        vertex = get("/jobs/" + jid)["vertices"][1]["id"]
        worker = get("/taskmanagers")["taskmanagers"][0]["id"]
        checkpoint = get("/jobs/%s/checkpoints" % jid)["history"][-1]["id"]
        config = self.path("schemathesis.toml")
        with open(config, "w") as f:
            f.write('headers = { Authorization = "Bearer %s" }\n[parameters]\n'
                    'jobid = "%s"\nvertexid = "%s"\ntaskmanagerid = "%s"\n'
                    'checkpointid = %d\n' % (READ_TOKEN, jid, vertex, worker, checkpoint))
        self.schemathesis(base, "--exclude-method", "POST", "--exclude-method", "PATCH",
                          config=config)
        # Without any token: reading and mutating are refused as documented.
        self.schemathesis(base)
        cluster.wait_caught_up()
        cluster.drain_and_finish()
        self.verify_parts([sent], 2)
