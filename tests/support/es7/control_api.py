"""The /_ubaflow test-control API of the ES 7 test server (not part of ES; needs no auth).

POST/GET/DELETE /_ubaflow/faults, GET /_ubaflow/stats, POST /_ubaflow/reset and
GET /_ubaflow/dump (see es7_server.py's docstring for the fault specs).
"""
from .errors import EsError, PlainError


class ControlApi:
    """The /_ubaflow routes.

    Mixin of http_handler.Handler: uses self.server (http_server.Server), self.command,
    self.body, self.uri and the handler's _json_body / _send.
    """

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
