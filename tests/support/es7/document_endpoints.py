"""Document endpoints of the ES 7 test server: _bulk (with the bulk fault injection),
single-document index / create / update / delete, GET _doc and _source.

Bulk bodies are parsed by bulk_items.py and executed by the cluster
(document_writes.py); the faults applied here are the /_ubaflow ones.
"""
import time

from .bulk_items import BulkItem, parse_bulk, parse_update_body, validate_items
from .errors import EsError, illegal_argument
from .faults import ResetConnection, fault_error, item_fault


class DocumentEndpoints:
    """The document routes.

    Mixin of http_handler.Handler: uses self.server (http_server.Server), self.command,
    self.params, self.body and the handler's _json_body / _bool_param helpers.
    Each h_<name> method serves the route of that name (routes.py) and returns
    (status, body[, headers, raw]) for Handler._send.
    """

    def h_get_doc(self, index, id):
        status, body = self.server.cluster.get_doc(index, id)
        return (status, None) if self.command == "HEAD" else (status, body)

    def h_get_source(self, index, id):
        status, body = self.server.cluster.get_doc(index, id)
        if status == 404:
            raise EsError(404, "resource_not_found_exception", "Document not found [%s]/[_doc]/[%s]" % (index, id))
        return (200, None) if self.command == "HEAD" else (200, body["_source"])

    def h_bulk(self, index=None):
        srv, started = self.server, time.monotonic()
        srv.stats.bump("bulk_requests")
        delay = srv.faults.take("delay")
        if delay:
            srv.stats.bump("faults_applied", "delay")
        try:
            if srv.faults.take("reset"):
                srv.stats.bump("faults_applied", "reset")
                raise ResetConnection()
            fault = srv.faults.take("http_status")
            if fault:
                srv.stats.bump("faults_applied", "http_status")
                raise fault_error(fault["status"], len(self.body))
            if not self.body:
                raise EsError(400, "parse_exception", "request body is required")
            defaults = {"pipeline": self.params.get("pipeline"), "routing": self.params.get("routing"),
                        "require_alias": self.params.get("require_alias")}
            items = parse_bulk(self.body, index, defaults)

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
        item = BulkItem(action, 1, meta, index, id)
        if action != "delete":
            if not self.body:
                raise EsError(400, "parse_exception", "request body is required")
            item.source_text = self.body
            if action == "update":
                item.update = parse_update_body(self.body)
        validate_items([item])
        (result,) = self.server.cluster.execute_bulk([item], p.get("refresh") in ("", "true"))
        (_, res), = result.items()
        if "error" in res:
            err = res["error"]
            root = {k: v for k, v in err.items() if k != "caused_by"}
            return res["status"], {"error": dict({"root_cause": [root]}, **err), "status": res["status"]}
        status = res.pop("status")
        return status, res
