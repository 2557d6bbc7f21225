"""The listening side of the ES 7 test server: the Server class.

A threading HTTP server holding the cluster state, the fault queue and the
counters; optional TLS (handshake in the connection's thread); connection
tracking; the "refuse" fault (stop listening, drop connections, listen again on
the same port); an optional request log; start / stop for in-process use.
"""
import socket
import socketserver
import ssl
import threading
import time
from http.server import ThreadingHTTPServer

from .faults import Faults, Stats
from .http_handler import Handler
from .store import Cluster


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, options):
        self.options = options
        self.cluster = Cluster()
        self.faults = Faults()
        self.stats = Stats()
        self.connections = set()
        self.conn_lock = threading.Lock()
        self.log_lock = threading.Lock()
        self.log_file = open(options.log_file, "a", encoding="utf-8") if options.log_file else None
        self.tls = None
        if options.tls_cert:
            self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls.load_cert_chain(options.tls_cert, options.tls_key)
        self.stopping = threading.Event()
        self.serve_thread = None
        self.refuse_lock = threading.Lock()
        super().__init__((options.host, options.port), Handler)
        self.port = self.server_address[1]

    def server_bind(self):  # skip HTTPServer's getfqdn(), which can be slow
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def finish_request(self, request, client_address):
        if self.tls is None:
            self.RequestHandlerClass(request, client_address, self)
            return
        try:  # the handshake runs in the connection's own thread, not in the accept loop
            request.settimeout(10)
            wrapped = self.tls.wrap_socket(request, server_side=True)
            wrapped.settimeout(None)
        except (OSError, ssl.SSLError) as exc:
            self.log("TLS handshake with %s failed: %s" % (client_address[0], exc))
            return
        try:
            self.RequestHandlerClass(wrapped, client_address, self)
        finally:
            wrapped.close()

    def track(self, conn, add):
        with self.conn_lock:
            (self.connections.add if add else self.connections.discard)(conn)

    def log(self, line):
        if self.log_file is None:
            return
        with self.log_lock:
            self.log_file.write("%s %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S"), line))
            self.log_file.flush()

    @property
    def scheme(self):
        return "https" if self.tls else "http"

    def start(self):
        self.serve_thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                                             name="es7-serve", daemon=True)
        self.serve_thread.start()
        return self

    def _close_connections(self, keep=None):
        with self.conn_lock:
            conns = [c for c in self.connections if c is not keep]
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def refuse(self, seconds, keep=None):
        """Stop listening and drop open connections now; listen again on the same port after seconds."""
        with self.refuse_lock:
            if self.faults.refusing is not None:
                return
            self.stats.bump("faults_applied", "refuse")
            self.faults.refusing = {"mode": "refuse", "until": time.time() + seconds}
            self.shutdown()
            self.socket.close()
            self._close_connections(keep)
            threading.Thread(target=self._relisten, args=(seconds,), daemon=True).start()

    def _relisten(self, seconds):
        if self.stopping.wait(seconds):
            return
        with self.refuse_lock:
            sock = socket.socket(self.address_family, self.socket_type)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            for _ in range(100):
                try:
                    sock.bind((self.options.host, self.port))
                    break
                except OSError:
                    time.sleep(0.05)
            sock.listen(self.request_queue_size)
            self.socket = sock
            self.faults.refusing = None
            self.log("listening again on port %d" % self.port)
            self.start()

    def stop(self):
        self.stopping.set()
        with self.refuse_lock:
            if self.serve_thread is not None and self.faults.refusing is None:
                self.shutdown()
            try:
                self.socket.close()
            except OSError:
                pass
        self._close_connections()
        if self.log_file:
            with self.log_lock:
                self.log_file.close()
                self.log_file = None
