"""HTTP request handling of the ES 7 test server: the Handler class.

Reads the request (Content-Length or chunked bodies, Expect: 100-continue,
http.max_content_length -> 413), routes it (routes.py), enforces ES's
Content-Type, basic auth, URL parameter and refresh rules, calls the endpoint
method and turns EsError / PlainError into ES-shaped responses. The endpoint
methods themselves come from mixins:
  control_api.ControlApi               -- /_ubaflow test-control API
  cluster_endpoints.ClusterEndpoints   -- /, _cluster/health, index admin, _cat/indices
  template_endpoints.TemplateEndpoints -- _template, _index_template, _component_template
  document_endpoints.DocumentEndpoints -- _bulk, single-document write / GET
  search_endpoints.SearchEndpoints     -- _search, _count
"""
import base64
import hmac
import socket
import struct
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler

from .cluster_endpoints import ClusterEndpoints
from .control_api import ControlApi
from .document_endpoints import DocumentEndpoints
from .errors import EsError, JsonError, PlainError, dumps, illegal_argument, loads
from .faults import ResetConnection
from .routes import COMMON_PARAMS, JSON_TYPES, match_route
from .search_endpoints import SearchEndpoints
from .template_endpoints import TemplateEndpoints


class Handler(ControlApi, ClusterEndpoints, TemplateEndpoints, DocumentEndpoints, SearchEndpoints,
              BaseHTTPRequestHandler):
    """One HTTP/1.1 connection of the test server (keep-alive, one request at a time)."""

    protocol_version = "HTTP/1.1"
    timeout = 120

    # -- plumbing
    def setup(self):
        super().setup()
        self.server.track(self.connection, True)

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.server.track(self.connection, False)

    def send_response(self, code, message=None):  # ES sends neither Server nor Date
        self.log_request(code)
        self.send_response_only(code, message)

    def handle_expect_100(self):
        return True  # decided in _read_body, once the size is known

    def log_message(self, fmt, *args):
        self.server.log("%s - %s" % (self.address_string(), fmt % args))

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_GET

    def _send(self, status, body=None, headers=None, raw=None):
        headers = dict(headers or {})
        ctype = headers.pop("content-type", "application/json; charset=UTF-8")
        data = raw if raw is not None else (b"" if body is None else dumps(body).encode("utf-8"))
        self.send_response(status)
        if status != 413:  # ES (Netty) answers 413 with nothing but an empty body
            self.send_header("content-type", ctype)
            self.send_header("X-Elastic-Product", "Elasticsearch")
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("content-length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and data:
            self.wfile.write(data)

    def _read_exact(self, n):
        chunks, left = [], n
        while left > 0:
            chunk = self.rfile.read(min(left, 1 << 16))
            if not chunk:
                raise ConnectionError("client closed the connection mid-body")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def _read_body(self):
        """The request body, or None if it is over max-content-length (already drained)."""
        limit = self.server.options.max_content_length
        expect = (self.headers.get("Expect") or "").lower() == "100-continue"
        if (self.headers.get("Transfer-Encoding") or "").lower() == "chunked":
            if expect:
                self.send_response_only(100)
                self.end_headers()
            parts, total, too_big = [], 0, False
            while True:
                size = int(self.rfile.readline(1024).split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunk = self._read_exact(size)
                self.rfile.readline(3)
                total += size
                if total > limit:
                    too_big = True
                else:
                    parts.append(chunk)
            return None if too_big else b"".join(parts)
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        if not length.strip().isdigit():
            self.close_connection = True
            raise EsError(400, "illegal_argument_exception", "invalid Content-Length [%s]" % length)
        length = int(length)
        if length > limit:
            if expect:
                self.close_connection = True
            else:
                left = length
                while left > 0:
                    left -= len(self._read_exact(min(left, 1 << 16)))
            return None
        if expect and length:
            self.send_response_only(100)
            self.end_headers()
        return self._read_exact(length)

    # -- dispatch
    def _dispatch(self):
        started = time.monotonic()
        srv = self.server
        if (self.headers.get("Connection") or "").lower() == "close":
            self.close_connection = True
        url = urllib.parse.urlsplit(self.path)
        self.uri = self.path
        self.params = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        segments = [urllib.parse.unquote(s) for s in url.path.split("/") if s]
        control = bool(segments) and segments[0] == "_ubaflow"
        if not control:
            srv.stats.bump("requests")
        try:
            try:
                body = self._read_body() if self.command != "HEAD" else b""
            except (ConnectionError, ValueError):
                self.close_connection = True
                return
            if body is None:
                self._send(413)
                return
            self.body = body
            if control:
                self._control(segments[1:])
                return
            methods, args = match_route(segments)
            if methods is None:
                raise PlainError(400, "no handler found for uri [%s] and method [%s]" % (self.uri, self.command))
            if self.command == "OPTIONS":  # ES answers OPTIONS itself, listing the methods
                self._send(200, None, {"Allow": ",".join(sorted(methods))}, b"")
                return
            if self.command not in methods:
                allowed = sorted(methods)
                raise PlainError(405, "Incorrect HTTP method for uri [%s] and method [%s], allowed: [%s]"
                                 % (self.uri, self.command, ", ".join(allowed)), {"Allow": ",".join(allowed)})
            handler, extra = methods[self.command]
            if body:
                self._check_content_type()
            self._check_auth()
            unknown = sorted(set(self.params) - COMMON_PARAMS - extra)
            if unknown:
                raise illegal_argument("request [%s] contains unrecognized parameter%s: %s" % (
                    url.path, "s" if len(unknown) > 1 else "", ", ".join("[%s]" % u for u in unknown)))
            self._check_refresh()
            result = getattr(self, "h_" + handler)(**args)
            if result is not None:
                self._send(*result)
        except ResetConnection:
            srv.log("reset fault: closing connection without a response")
            self.close_connection = True
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        except EsError as exc:
            headers = {"WWW-Authenticate": 'Basic realm="security" charset="UTF-8"'} if exc.status == 401 else None
            self._send(exc.status, exc.body(), headers)
        except PlainError as exc:
            self._send(exc.status, exc.body(), dict(exc.headers))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as exc:  # a bug in the test server: say so loudly
            srv.log(traceback.format_exc())
            self._send(500, EsError(500, "exception", "[es7_server] internal error: %r" % exc).body())
        finally:
            srv.log('"%s %s" %.1fms' % (self.command, self.path, (time.monotonic() - started) * 1000))

    def _check_content_type(self):
        values = self.headers.get_all("Content-Type") or []
        if not values:
            raise PlainError(406, "Content-Type header is missing")
        raw = values[0]
        media, _, rest = raw.partition(";")
        ok = media.strip().lower() in JSON_TYPES and len(values) == 1
        for param in rest.split(";") if rest.strip() else []:
            key, _, value = param.strip().partition("=")
            key, value = key.strip().lower(), value.strip().strip('"').lower()
            if key == "charset" and value != "utf-8":
                ok = False
            elif key == "compatible-with" and value != "7":
                ok = False
            elif key not in ("charset", "compatible-with"):
                ok = False
        if not ok:
            raise PlainError(406, "Content-Type header [%s] is not supported" % ", ".join(values))

    def _check_auth(self):
        opts = self.server.options
        if opts.username is None:
            return
        header = self.headers.get("Authorization") or ""
        user = None
        if header[:6].lower() == "basic ":
            try:
                user, _, password = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                user = None
        if user is None:
            reason = "missing authentication credentials for REST request [%s]" % self.uri
        elif hmac.compare_digest(user.encode(), opts.username.encode()) and \
                hmac.compare_digest(password.encode(), opts.password.encode()):
            return
        else:
            reason = "unable to authenticate user [%s] for REST request [%s]" % (user, self.uri)
        self.server.stats.bump("auth_failures")
        raise EsError(401, "security_exception", reason,
                      header={"WWW-Authenticate": 'Basic realm="security" charset="UTF-8"'})

    def _check_refresh(self):
        value = self.params.get("refresh")
        if value is not None and value not in ("", "true", "false", "wait_for"):
            raise illegal_argument("Unknown value for refresh: [%s]." % value)

    def _json_body(self, required=False):
        if not self.body:
            if required:
                raise EsError(400, "parse_exception", "request body is required")
            return None
        try:
            return loads(self.body)
        except JsonError as exc:
            raise EsError(400, "json_parse_exception", str(exc))

    def _bool_param(self, name, default=False):
        value = self.params.get(name)
        if value is None:
            return default
        if value in ("", "true"):
            return True
        if value == "false":
            return False
        raise illegal_argument("Failed to parse value [%s] as only [true] or [false] are allowed." % value)
