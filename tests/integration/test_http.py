"""The HTTP face of a running job under hostile and careless clients:
slowloris connections from one address do not lock out another client,
malformed requests get 400/414/431/413, kept-alive requests are answered
in milliseconds, the read token guards the data (not the UI's files), and
the API can be served over HTTPS. The job still ends exact."""
import http.client
import json
import re
import signal
import socket
import ssl
import subprocess
import time

import harness

READ_TOKEN = "it-read-token"


class HttpTest(harness.IntegrationTest):

    def start(self, extra=(), env=None):
        broker = self.broker(partitions=2)
        self.datagen(broker.bootstrap, 6000, tee=self.path("input.jsonl"),
                     extra=["--datagen.days", "1", "--datagen.start-day", "2017-11-27"])
        job = self.start_job(["--kafka.bootstrap-servers", broker.bootstrap,
                              "--sink.ndjson.dir", self.path("out"), "--rest.port", "0",
                              "--event-time.idle-timeout", "0", "--progress.interval", "0"]
                             + list(extra), env=env)
        harness.wait_for(lambda: "web UI, REST API and metrics on" in job.output(), 20,
                         "the REST API", watched=job)
        port = int(re.search(r"metrics on https?://[^:]+:(\d+)/", job.output()).group(1))
        return job, port

    def finish(self, job):
        job.signal(signal.SIGUSR1)
        self.assertEqual(job.wait(60), 0, job.output()[-3000:])
        self.verify(["--verify.input", self.path("input.jsonl"),
                     "--verify.against", "ndjson:" + self.path("out"),
                     "--lookup.csv-path", harness.CATEGORY_CSV])

    @staticmethod
    def raw(port, data, source="127.0.0.1", timeout=10):
        """Sends raw bytes; returns the status line's code (None if closed)."""
        with socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                      source_address=(source, 0)) as s:
            s.sendall(data)
            reply = b""
            while b"\r\n" not in reply:
                chunk = s.recv(4096)
                if not chunk:
                    break
                reply += chunk
        if not reply.startswith(b"HTTP/1.1 "):
            return None
        return int(reply[9:12])

    def test_hostile_and_careless_clients(self):
        job, port = self.start()
        # Malformed requests get answers, not a closed connection.
        self.assertEqual(self.raw(port, b"GARBAGE\r\n\r\n"), 400)
        self.assertEqual(self.raw(port, b"GET /x HTTP/1.1\r\nno colon here\r\n\r\n"), 400)
        self.assertEqual(self.raw(port, b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\n\r\n"), 414)
        self.assertEqual(self.raw(port, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n"), 414)
        self.assertEqual(self.raw(port, b"GET / HTTP/1.1\r\nX-Big: " + b"b" * 20000
                                  + b"\r\n\r\n"), 431)
        self.assertEqual(self.raw(port, b"POST /jobs/x/savepoints HTTP/1.1\r\n"
                                  b"Content-Length: 5000000\r\n\r\n"), 413)

        # Slowloris: 70 connections from 127.0.0.2 trickling a header.
        attackers = []
        for _ in range(70):
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5,
                                             source_address=("127.0.0.2", 0))
                s.sendall(b"GET /overview HTTP/1.1\r\nX-Slow: ")
                attackers.append(s)
            except OSError:
                pass
        started = time.time()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/overview")
        self.assertEqual(conn.getresponse().status, 200)
        self.assertLess(time.time() - started, 2, "a new client waited behind slowloris")
        # The attacker's own surplus connections were turned away at once,
        # and the trickling ones are closed after the header timeout.
        time.sleep(6)
        def closed_by_server(s):
            s.settimeout(2)
            try:
                while s.recv(4096):
                    pass  # a 503 for the connections over the cap
                return True
            except socket.timeout:
                return False
            except OSError:
                return True
        still_open = [s for s in attackers if not closed_by_server(s)]
        for s in attackers:
            s.close()
        self.assertEqual(still_open, [])

        # Kept-alive requests: one write each, no Nagle stall.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        latencies = []
        for _ in range(50):
            started = time.perf_counter()
            conn.request("GET", "/config")
            response = conn.getresponse()
            response.read()
            latencies.append(time.perf_counter() - started)
        latencies.sort()
        self.assertLess(latencies[len(latencies) // 2], 0.005, latencies)
        self.finish(job)

    def test_read_token_and_https(self):
        key, cert = self.path("rest.key"), self.path("rest.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost"],
                       check=True, capture_output=True)
        job, port = self.start(["--rest.tls-certificate", cert, "--rest.tls-key", key],
                               env={"UBAFLOW_REST_READ_TOKEN": READ_TOKEN})
        context = ssl.create_default_context(cafile=cert)
        context.check_hostname = False

        def get(path, token=None):
            conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=10,
                                               context=context)
            headers = {"Authorization": "Bearer " + token} if token else {}
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            return response.status, response.read(), response.getheader("WWW-Authenticate")
        status, _, challenge = get("/jobs/overview")
        self.assertEqual(status, 401)
        self.assertIn("Bearer", challenge)
        self.assertEqual(get("/metrics")[0], 401)
        self.assertEqual(get("/ubaflow/results")[0], 401)
        self.assertEqual(get("/jobs/overview", "wrong")[0], 401)
        status, body, _ = get("/jobs/overview", READ_TOKEN)
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["jobs"][0]["state"], "RUNNING")
        self.assertEqual(get("/", None)[0], 200)  # the UI's files hold no data
        self.assertEqual(get("/web/app.js", None)[0], 200)
        # Plain HTTP on the HTTPS port gets nowhere.
        self.assertIsNone(self.raw(port, b"GET /config HTTP/1.1\r\n\r\n"))
        self.assertNotIn(READ_TOKEN, job.output())
        self.finish(job)
