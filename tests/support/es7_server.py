#!/usr/bin/python3
"""es7_server -- a strict, in-memory Elasticsearch 7 HTTP test server (Python 3 stdlib only).

Real Elasticsearch cannot run here, so ubaflow's integration tests point the C++
bulk sink at this server. It follows the ES 7.x REST contract and is strict
wherever ES is strict:

* _bulk: Content-Type (406), http.max_content_length (413, empty body), the
  trailing-newline rule, malformed / unknown action lines and metadata
  parameters, whole-request validation (no requests, _id > 512 bytes, missing
  index/id), per-item results in request order with ES statuses (201/200/404/
  409/400/429), "errors" true only for real failures (a not_found delete is not one).
* Indices are auto-created from templates (composable _index_template wins by
  priority; otherwise legacy _template merged by order), then dynamic mapping as
  in ES 7; documents must fit the mapping (numbers, keyword, text, boolean, ip,
  date with formats, dynamic: strict) or fail with mapper_parsing_exception.
* GET doc, _search / _count (term, terms, range, match, exists, ids, bool; sort,
  from/size, track_total_hits), _refresh, _mapping, _settings, _cat/indices,
  _cluster/health, index create/delete/exists, index name rules.
* Basic auth (--username/--password-file) and TLS (--tls-cert/--tls-key).
* Unknown URL parameters, unknown endpoints (400) and wrong methods (405) are refused like ES.

Where this server knowingly differs from ES 7.17: an index/create action that is the
last line of a body with no source line after it is a 400 here (ES drops it
silently); ES features it does not model (scripts, aggregations, ingest pipelines,
data streams, aliases, some field types and date pattern letters) are refused
with a 400 whose reason names es7_server, rather than accepted unchecked; an
over-size body is drained and answered 413 on a connection kept open (with
"Expect: 100-continue" it is answered 413 at once and closed).

Test-control API (not part of ES, never needs auth), prefix /_ubaflow:
  POST   /_ubaflow/faults  {"mode": "http_status", "status": 429|500|502|503, "count": N}
                           {"mode": "item_status", "status": 429, "count": N}
                           {"mode": "refuse", "seconds": S}
                           {"mode": "reset", "count": N}
                           {"mode": "delay", "ms": D, "count": N}
                           (an object or a list of them; faults queue up and compose)
  GET    /_ubaflow/faults  pending faults;  DELETE /_ubaflow/faults  clear them
  GET    /_ubaflow/stats   request / bulk / item counters, faults applied, auth failures
  POST   /_ubaflow/reset   wipe indices, templates, faults and stats
  GET    /_ubaflow/dump    {index: {id: source}}

Run: python3 es7_server.py --port 0 --port-file /tmp/es.port  (see --help).
"""
import argparse
import base64
import hmac
import os
import signal
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from es7 import store as st  # noqa: E402
from es7.errors import EsError, JsonError, PlainError, dumps, illegal_argument, loads  # noqa: E402
from es7.faults import Faults, Stats, fault_error, item_fault  # noqa: E402
from es7.routes import COMMON_PARAMS, JSON_TYPES, SEARCH_BODY, SEARCH_UNSUPPORTED, match_route  # noqa: E402
from es7.search import parsing_error  # noqa: E402

LUCENE = {"7.17": "8.11.1", "7.16": "8.10.1", "7.15": "8.9.0", "7.14": "8.9.0", "7.13": "8.8.2",
          "7.12": "8.8.0", "7.11": "8.7.0", "7.10": "8.7.0", "7.9": "8.6.0", "7.8": "8.5.1",
          "7.7": "8.5.1", "7.6": "8.4.0"}


# ------------------------------------------------------------------ HTTP

class _Reset(Exception):
    """Close the connection without answering."""


class Handler(BaseHTTPRequestHandler):
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
        except _Reset:
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

    # -- control API
    def _control(self, parts):
        srv = self.server
        route = "/".join(parts)
        try:
            body = self._json_body() if self.body else None
        except EsError as exc:
            self._send(exc.status, exc.body())
            return
        try:
            if route == "faults" and self.command == "POST":
                specs = body if isinstance(body, list) else [body]
                added = []
                for spec in specs:
                    fault = srv.faults.add(spec)
                    added.append(fault)
                refuse = [f for f in added if f["mode"] == "refuse"]
                if refuse:
                    self.close_connection = True
                    srv.refuse(refuse[-1]["seconds"], keep=self.connection)
                self._send(200, {"acknowledged": True, "added": added})
            elif route == "faults" and self.command == "GET":
                self._send(200, {"faults": srv.faults.listing()})
            elif route == "faults" and self.command == "DELETE":
                srv.faults.clear()
                self._send(200, {"acknowledged": True})
            elif route == "stats" and self.command == "GET":
                self._send(200, srv.stats.snapshot())
            elif route == "reset" and self.command == "POST":
                srv.cluster.reset()
                srv.faults.clear()
                srv.stats.reset()
                self._send(200, {"acknowledged": True})
            elif route == "dump" and self.command == "GET":
                self._send(200, srv.cluster.dump())
            else:
                raise PlainError(400, "no handler found for uri [%s] and method [%s]" % (self.uri, self.command))
        except EsError as exc:
            self._send(exc.status, exc.body())
        except PlainError as exc:
            self._send(exc.status, exc.body())

    # -- ES endpoints
    def h_root(self):
        opts = self.server.options
        minor = ".".join(opts.version.split(".")[:2])
        return 200, {"name": "es7-test-node", "cluster_name": self.server.cluster.cluster_name,
                     "cluster_uuid": self.server.cluster.cluster_uuid,
                     "version": {"number": opts.version, "build_flavor": "default", "build_type": "tar",
                                 "build_hash": "es7_server", "build_date": "2023-01-31T00:00:00.000000000Z",
                                 "build_snapshot": False, "lucene_version": LUCENE.get(minor, "8.11.1"),
                                 "minimum_wire_compatibility_version": "6.8.0",
                                 "minimum_index_compatibility_version": "6.0.0-beta1"},
                     "tagline": "You Know, for Search"}

    def h_health(self, index=None):
        cluster = self.server.cluster
        with cluster.lock:
            names = cluster.resolve(index) if index else list(cluster.indices)
            primaries = sum(cluster.indices[n].shards for n in names)
            unassigned = sum(cluster.indices[n].shards * cluster.indices[n].replicas for n in names)
        status = "yellow" if unassigned else "green"
        wanted = self.params.get("wait_for_status")
        rank = {"green": 0, "yellow": 1, "red": 2}
        if wanted is not None and wanted not in rank:
            raise illegal_argument("unknown cluster health status [%s]" % wanted)
        timed_out = bool(wanted) and rank[status] > rank[wanted]
        if timed_out:
            time.sleep(min(_seconds(self.params.get("timeout", "30s")), 30))
        total = primaries + unassigned
        return (408 if timed_out else 200), {
            "cluster_name": cluster.cluster_name, "status": status, "timed_out": timed_out,
            "number_of_nodes": 1, "number_of_data_nodes": 1, "active_primary_shards": primaries,
            "active_shards": primaries, "relocating_shards": 0, "initializing_shards": 0,
            "unassigned_shards": unassigned, "delayed_unassigned_shards": 0, "number_of_pending_tasks": 0,
            "number_of_in_flight_fetch": 0, "task_max_waiting_in_queue_millis": 0,
            "active_shards_percent_as_number": 100.0 if not total else 100.0 * primaries / total}

    def _templates(self, store, name, render):
        """Templates whose names match name (a comma list with wildcards); None if a plain name is missing."""
        cluster = self.server.cluster
        with cluster.lock:
            found = {n: render(t) for n, t in sorted(store.items())
                     if name is None or any(st.simple_match(p, n) for p in name.split(","))}
        if name is not None and not found and "*" not in name:
            return None
        return found

    def h_get_template(self, name=None):
        c = self.server.cluster
        found = self._templates(c.templates, name, c.render_template)
        if found is None:
            return 404, {}
        return (200, None) if self.command == "HEAD" else (200, found)

    def h_put_template(self, name):
        self.server.cluster.put_template(name, self._json_body(required=True), self._bool_param("create"))
        return 200, {"acknowledged": True}

    def h_delete_template(self, name):
        c = self.server.cluster
        with c.lock:
            if name not in c.templates:
                raise EsError(404, "index_template_missing_exception", "index_template [%s] missing" % name)
            del c.templates[name]
        return 200, {"acknowledged": True}

    def h_get_index_template(self, name=None):
        c = self.server.cluster
        found = self._templates(c.index_templates, name, c.render_index_template)
        if found is None:
            if self.command == "HEAD":
                return 404, None
            raise EsError(404, "resource_not_found_exception", "index template matching [%s] not found" % name)
        if self.command == "HEAD":
            return 200, None
        return 200, {"index_templates": [{"name": n, "index_template": t} for n, t in found.items()]}

    def h_put_index_template(self, name):
        self.server.cluster.put_index_template(name, self._json_body(required=True), self._bool_param("create"))
        return 200, {"acknowledged": True}

    def h_delete_index_template(self, name):
        c = self.server.cluster
        with c.lock:
            if name not in c.index_templates:
                raise EsError(404, "index_template_missing_exception", "index_template [%s] missing" % name)
            del c.index_templates[name]
        return 200, {"acknowledged": True}

    def h_get_component_template(self, name=None):
        c = self.server.cluster
        found = self._templates(c.component_templates, name, lambda t: t)
        if found is None:
            raise EsError(404, "resource_not_found_exception", "component template matching [%s] not found" % name)
        return 200, {"component_templates": [{"name": n, "component_template": t} for n, t in found.items()]}

    def h_put_component_template(self, name):
        self.server.cluster.put_component_template(name, self._json_body(required=True))
        return 200, {"acknowledged": True}

    def h_delete_component_template(self, name):
        c = self.server.cluster
        with c.lock:
            if name not in c.component_templates:
                raise EsError(404, "resource_not_found_exception", "component_template [%s] not found" % name)
            del c.component_templates[name]
        return 200, {"acknowledged": True}

    def h_create_index(self, index):
        self.server.cluster.create_index(index, self._json_body())
        return 200, {"acknowledged": True, "shards_acknowledged": True, "index": index}

    def h_index_exists(self, index):
        try:
            names = self.server.cluster.resolve(index)
        except EsError:
            return 404, None
        return (200 if names else 404), None

    def h_get_index(self, index):
        c = self.server.cluster
        with c.lock:
            return 200, {n: {"aliases": {}, "mappings": c.indices[n].mappings,
                             "settings": st.nest_settings(c.indices[n].settings)} for n in c.resolve(index)}

    def h_delete_index(self, index):
        if index in ("_all", "*"):
            raise illegal_argument("Wildcard expressions or all indices are not allowed")
        self.server.cluster.delete_indices(index)
        return 200, {"acknowledged": True}

    def h_get_mapping(self, index=None):
        c = self.server.cluster
        with c.lock:
            return 200, {n: {"mappings": c.indices[n].mappings} for n in c.resolve(index)}

    def h_put_mapping(self, index):
        self.server.cluster.put_mapping(index, self._json_body(required=True))
        return 200, {"acknowledged": True}

    def h_get_settings(self, index=None):
        c = self.server.cluster
        with c.lock:
            return 200, {n: {"settings": st.nest_settings(c.indices[n].settings)} for n in c.resolve(index)}

    def h_refresh(self, index=None):
        c = self.server.cluster
        with c.lock:
            shards = sum(c.indices[n].shards for n in c.resolve(index))
        return 200, {"_shards": {"total": shards * 2, "successful": shards, "failed": 0}}

    def h_cat_indices(self, index=None):
        c = self.server.cluster
        rows = []
        with c.lock:
            for n in c.resolve(index):
                i = c.indices[n]
                size = "%db" % (len(dumps([r.source for r in i.docs.values()])) + 208)
                rows.append({"health": "yellow" if i.replicas else "green", "status": "open", "index": n,
                             "uuid": i.uuid, "pri": str(i.shards), "rep": str(i.replicas),
                             "docs.count": str(len(i.docs)), "docs.deleted": "0", "store.size": size,
                             "pri.store.size": size})
        if self.params.get("h"):
            cols = self.params["h"].split(",")
            rows = [{k: r.get(k) for k in cols} for r in rows]
        if self.params.get("format") == "json":
            return 200, rows
        cols = list(rows[0]) if rows else []
        lines = ([" ".join(cols)] if self._bool_param("v") else []) + [" ".join(r[k] for k in cols) for r in rows]
        return 200, None, {"content-type": "text/plain; charset=UTF-8"}, ("\n".join(lines) + "\n" if lines else "").encode()

    def h_get_doc(self, index, id):
        status, body = self.server.cluster.get_doc(index, id)
        return (status, None) if self.command == "HEAD" else (status, body)

    def h_get_source(self, index, id):
        status, body = self.server.cluster.get_doc(index, id)
        if status == 404:
            raise EsError(404, "resource_not_found_exception", "Document not found [%s]/[_doc]/[%s]" % (index, id))
        return (200, None) if self.command == "HEAD" else (200, body["_source"])

    def _search_body(self, count):
        body = self._json_body() or {}
        if not isinstance(body, dict):
            raise parsing_error("request body must be an object")
        allowed = {"query"} if count else SEARCH_BODY
        for key in body:
            if key in allowed:
                continue
            if not count and key in SEARCH_UNSUPPORTED:
                raise parsing_error("[es7_server] search option [%s] is not supported by the test server" % key)
            raise parsing_error(("request does not support [%s]" if count else
                                 "Unknown key for a VALUE in [%s].") % key)
        p = self.params
        if p.get("q") is not None:
            q = p["q"]
            if q in ("*", "*:*"):
                body["query"] = {"match_all": {}}
            elif ":" in q and " " not in q:
                field, _, value = q.partition(":")
                body["query"] = {"match": {field: value}}
            else:
                raise parsing_error("[es7_server] only q=field:value and q=* are supported")
        if count:
            return body
        for key in ("size", "from"):
            if key in p:
                try:
                    body[key] = int(p[key])
                except ValueError:
                    raise illegal_argument("Failed to parse int parameter [%s] with value [%s]" % (key, p[key]))
        for key in ("size", "from"):
            value = body.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise parsing_error("[%s] must be an integer" % key)
            if value is not None and value < 0:
                raise illegal_argument("[%s] parameter cannot be negative, found [%d]" % (key, value)
                                       if key == "size" else "[from] parameter cannot be negative")
        if "sort" in p:
            body["sort"] = [s for s in p["sort"].split(",") if s]
        if "track_total_hits" in p:
            v = p["track_total_hits"]
            body["track_total_hits"] = True if v in ("", "true") else False if v == "false" else v
        track = body.get("track_total_hits")
        if track is not None and not isinstance(track, bool):
            if not isinstance(track, int) and not (isinstance(track, str) and track.lstrip("-").isdigit()):
                raise parsing_error("[track_total_hits] must be a boolean or an integer, found [%s]" % track)
            body["track_total_hits"] = int(track)
            if body["track_total_hits"] < -1:
                raise illegal_argument("[track_total_hits] parameter must be positive or equals to -1, "
                                       "got %d" % body["track_total_hits"])
        if "_source" in p:
            v = p["_source"]
            body["_source"] = True if v == "true" else False if v == "false" else v.split(",")
        if "_source_includes" in p or "_source_excludes" in p:
            body["_source"] = {"includes": [s for s in p.get("_source_includes", "").split(",") if s],
                               "excludes": [s for s in p.get("_source_excludes", "").split(",") if s]}
        for key in ("version", "seq_no_primary_term", "track_scores"):
            if key in p:
                body[key] = self._bool_param(key)
        return body

    def h_search(self, index=None):
        body = self._search_body(False)
        result = self.server.cluster.search(index, body)
        if self._bool_param("rest_total_hits_as_int") and "total" in result["hits"]:
            result["hits"]["total"] = result["hits"]["total"]["value"]
        return 200, result

    def h_count(self, index=None):
        return 200, self.server.cluster.search(index, self._search_body(True), count_only=True)

    def h_bulk(self, index=None):
        srv, started = self.server, time.monotonic()
        srv.stats.bump("bulk_requests")
        delay = srv.faults.take("delay")
        if delay:
            srv.stats.bump("faults_applied", "delay")
        try:
            if srv.faults.take("reset"):
                srv.stats.bump("faults_applied", "reset")
                raise _Reset()
            fault = srv.faults.take("http_status")
            if fault:
                srv.stats.bump("faults_applied", "http_status")
                raise fault_error(fault["status"], len(self.body))
            if not self.body:
                raise EsError(400, "parse_exception", "request body is required")
            defaults = {"pipeline": self.params.get("pipeline"), "routing": self.params.get("routing"),
                        "require_alias": self.params.get("require_alias")}
            items = st.parse_bulk(self.body, index, defaults)

            def reject(item):
                fault = srv.faults.take("item_status")
                if fault is None:
                    return None
                srv.stats.bump("faults_applied", "item_status")
                return fault["status"], item_fault(fault["status"], item)
            refresh = self.params.get("refresh") in ("", "true")
            results = srv.cluster.execute_bulk(items, refresh, reject)
            srv.stats.bump("bulk_items", n=len(results))
            errors = False
            for entry in results:
                (_, res), = entry.items()
                srv.stats.bump("items_by_status", str(res["status"]))
                errors = errors or "error" in res
            return 200, {"took": int((time.monotonic() - started) * 1000), "errors": errors, "items": results}
        finally:
            if delay:
                time.sleep(delay["ms"] / 1000.0)

    def h_doc_write(self, index, id=None):
        """Single-document index / create / update / delete, run through the bulk machinery."""
        p = self.params
        path = self.path.split("?")[0]
        if self.command == "DELETE":
            action = "delete"
        elif "/_update/" in path:
            action = "update"
        elif "/_create/" in path or p.get("op_type") == "create":
            action = "create"
        else:
            action = "index"
        meta = {"version_type": p.get("version_type", "internal")}
        if meta["version_type"] not in ("internal", "external", "external_gte"):
            raise illegal_argument("No version type match [%s]" % meta["version_type"])
        for key in ("version", "if_seq_no", "if_primary_term"):
            if key in p:
                try:
                    meta[key] = int(p[key])
                except ValueError:
                    raise illegal_argument("Failed to parse long parameter [%s] with value [%s]" % (key, p[key]))
        for key in ("pipeline", "routing", "require_alias"):
            if key in p:
                meta[key] = p[key]
        item = st.BulkItem(action, 1, meta, index, id)
        if action != "delete":
            if not self.body:
                raise EsError(400, "parse_exception", "request body is required")
            item.source_text = self.body
            if action == "update":
                item.update = st.parse_update_body(self.body)
        st.validate_items([item])
        (result,) = self.server.cluster.execute_bulk([item], p.get("refresh") in ("", "true"))
        (_, res), = result.items()
        if "error" in res:
            err = res["error"]
            root = {k: v for k, v in err.items() if k != "caused_by"}
            return res["status"], {"error": dict({"root_cause": [root]}, **err), "status": res["status"]}
        status = res.pop("status")
        return status, res


def _seconds(text):
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    for unit in ("ms", "s", "m", "h"):
        if text.endswith(unit) and text[:-len(unit)].isdigit():
            return int(text[:-len(unit)]) * units[unit]
    raise illegal_argument("failed to parse setting [timeout] with value [%s] as a time value" % text)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, options):
        self.options = options
        self.cluster = st.Cluster()
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


if __name__ == "__main__":
    sys.exit(main())
