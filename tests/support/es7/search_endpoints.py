"""Search endpoints of the ES 7 test server: _search and _count.

Builds the search body from the request body and URL parameters (q, size, from,
sort, track_total_hits, _source ...) with ES's validation; the cluster runs it
(document_reads.py, search.py).
"""
from .errors import illegal_argument
from .routes import SEARCH_BODY, SEARCH_UNSUPPORTED
from .search import parsing_error


class SearchEndpoints:
    """The _search and _count routes.

    Mixin of http_handler.Handler: uses self.server (http_server.Server), self.command,
    self.params, self.body and the handler's _json_body / _bool_param helpers.
    Each h_<name> method serves the route of that name (routes.py) and returns
    (status, body[, headers, raw]) for Handler._send.
    """

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
