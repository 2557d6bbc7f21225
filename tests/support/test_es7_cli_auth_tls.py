"""es7_server tests: the server started as a script (as tests/integration/harness.py does).

Command line, port file, banner and SIGTERM; basic auth (--username /
--password-file, the password kept out of the log); TLS (--tls-cert / --tls-key).

Run in tests/support:  /usr/bin/python3 -m unittest -v test_es7_cli_auth_tls
(all es7_server tests, as ctest does:  /usr/bin/python3 -m unittest discover -p "test_es7_*.py")
"""
import http.client
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from es7_testing import SCRIPT, Client  # noqa: E402


def once(port, method, path, body=None, **kwargs):
    """One request on a fresh connection that is closed afterwards."""
    auth = kwargs.pop("auth", None)
    tls = kwargs.pop("tls_context", None)
    client = Client(port, auth=auth, tls_context=tls)
    try:
        if kwargs.pop("bulk", False):
            return client.bulk(*body)
        return client.request(method, path, body, **kwargs)
    finally:
        client.close()


def _wait_for_file(path, proc, timeout=10):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError("server did not start: %s" % proc.stderr.read().decode(errors="replace"))
        time.sleep(0.02)
    with open(path) as fh:
        return int(fh.read())


class Subprocess(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="es7test")
        self.procs = []

    def tearDown(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            proc.stdout.close()
            proc.stderr.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, *args):
        port_file = os.path.join(self.tmp, "port-%d" % len(self.procs))
        proc = subprocess.Popen([sys.executable, SCRIPT, "--port", "0", "--port-file", port_file] + list(args),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.procs.append(proc)
        return proc, _wait_for_file(port_file, proc)

    def test_cli_port_file_banner_and_sigterm(self):
        proc, port = self.start()
        line = proc.stdout.readline().decode().strip()
        self.assertEqual(line, "es7_server listening on http://127.0.0.1:%d" % port)
        self.assertEqual(once(port, "GET", "/")[0], 200)
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=5), 0)

    def test_basic_auth(self):
        pw_file = os.path.join(self.tmp, "pw")
        with open(pw_file, "w") as fh:
            fh.write("s3cr3t-pass\n")
        log = os.path.join(self.tmp, "log")
        _, port = self.start("--username", "elastic", "--password-file", pw_file, "--log-file", log)
        status, body, resp = once(port, "GET", "/_cat/indices?format=json")
        self.assertEqual(status, 401)
        self.assertEqual(body["error"]["type"], "security_exception")
        self.assertEqual(body["error"]["reason"],
                         "missing authentication credentials for REST request [/_cat/indices?format=json]")
        self.assertEqual(resp.getheader("WWW-Authenticate"), 'Basic realm="security" charset="UTF-8"')
        status, body, _ = once(port, "POST", "/_bulk", [{"index": {"_index": "a"}}, {"x": 1}], bulk=True,
                               auth="elastic:wrong")
        self.assertEqual(status, 401)
        self.assertEqual(body["error"]["reason"], "unable to authenticate user [elastic] for REST request [/_bulk]")
        self.assertEqual(once(port, "POST", "/_bulk", [{"index": {"_index": "a"}}, {"x": 1}], bulk=True,
                              auth="elastic:s3cr3t-pass")[0], 200)
        stats = once(port, "GET", "/_ubaflow/stats")[1]  # control API needs no credentials
        self.assertEqual(stats["auth_failures"], 2)
        self.assertEqual(stats["bulk_requests"], 1)
        with open(log) as fh:
            self.assertNotIn("s3cr3t-pass", fh.read())

    @unittest.skipUnless(shutil.which("openssl"), "openssl not on PATH")
    def test_tls(self):
        cert, key = os.path.join(self.tmp, "cert.pem"), os.path.join(self.tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                        "-days", "1", "-keyout", key, "-out", cert], check=True, capture_output=True)
        proc, port = self.start("--tls-cert", cert, "--tls-key", key)
        self.assertIn("https://127.0.0.1:%d" % port, proc.stdout.readline().decode())
        ctx = ssl.create_default_context(cafile=cert)
        ctx.check_hostname = False
        es = Client(port, tls_context=ctx)
        status, body, _ = es.request("GET", "/")
        self.assertEqual((status, body["version"]["number"]), (200, "7.17.9"))
        self.assertEqual(es.bulk({"index": {"_index": "a", "_id": "1"}}, {"x": 1})[0], 200)
        es.close()
        with self.assertRaises((ConnectionError, http.client.HTTPException, OSError)):
            once(port, "GET", "/")  # plain HTTP against the TLS port


if __name__ == "__main__":
    unittest.main()
