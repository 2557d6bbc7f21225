"""Command line of the ES 7 test server: options, port file, banner and signal handling.

main() is what `python3 es7_server.py ...` runs: it starts a Server, writes the
bound port to --port-file (atomically), prints the listening banner and serves
until SIGTERM or SIGINT.
"""
import argparse
import os
import signal
import threading

from .http_server import Server


def parse_size(text):
    units = {"b": 1, "kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30}
    text = str(text).strip().lower()
    for unit in ("kb", "mb", "gb", "b"):
        if text.endswith(unit) and text[:-len(unit)].strip().isdigit():
            return int(text[:-len(unit)]) * units[unit]
    if text.isdigit():
        return int(text)
    raise argparse.ArgumentTypeError("invalid size [%s] (use e.g. 100mb, 512kb, 1000)" % text)


def build_options(argv=None):
    ap = argparse.ArgumentParser(description="Strict in-memory Elasticsearch 7 test server.")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9200, help="0 picks a free port")
    ap.add_argument("--port-file", help="write the bound port here (atomically)")
    ap.add_argument("--username")
    ap.add_argument("--password-file", help="file holding the password (one trailing newline is ignored)")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--max-content-length", type=parse_size, default=parse_size("100mb"))
    ap.add_argument("--version", default="7.17.9", help="ES version to report (7.x.y)")
    ap.add_argument("--log-file")
    opts = ap.parse_args(argv)
    if (opts.username is None) != (opts.password_file is None):
        ap.error("--username and --password-file go together")
    opts.password = None
    if opts.password_file:
        with open(opts.password_file, encoding="utf-8") as fh:
            opts.password = fh.read()
        if opts.password.endswith("\n"):
            opts.password = opts.password[:-1]
        if opts.password.endswith("\r"):
            opts.password = opts.password[:-1]
    if (opts.tls_cert is None) != (opts.tls_key is None):
        ap.error("--tls-cert and --tls-key go together")
    parts = opts.version.split(".")
    if len(parts) != 3 or parts[0] != "7" or not all(p.isdigit() for p in parts):
        ap.error("--version must look like 7.x.y")
    return opts


def write_port_file(path, port):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write("%d\n" % port)
    os.replace(tmp, path)


def main(argv=None):
    opts = build_options(argv)
    server = Server(opts)
    server.start()
    if opts.port_file:
        write_port_file(opts.port_file, server.port)
    print("es7_server listening on %s://%s:%d" % (server.scheme, opts.host, server.port), flush=True)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass
    server.stop()
    return 0
