"""Node, cluster and index administration endpoints of the ES 7 test server.

GET / (node info), _cluster/health, index create / exists / get / delete,
_mapping, _settings, _refresh and _cat/indices.
"""
import time

from .errors import EsError, dumps, illegal_argument
from .indices import nest_settings

LUCENE = {"7.17": "8.11.1", "7.16": "8.10.1", "7.15": "8.9.0", "7.14": "8.9.0", "7.13": "8.8.2",
          "7.12": "8.8.0", "7.11": "8.7.0", "7.10": "8.7.0", "7.9": "8.6.0", "7.8": "8.5.1",
          "7.7": "8.5.1", "7.6": "8.4.0"}


def _seconds(text):
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    for unit in ("ms", "s", "m", "h"):
        if text.endswith(unit) and text[:-len(unit)].isdigit():
            return int(text[:-len(unit)]) * units[unit]
    raise illegal_argument("failed to parse setting [timeout] with value [%s] as a time value" % text)


class ClusterEndpoints:
    """The node, cluster-health and index administration routes.

    Mixin of http_handler.Handler: uses self.server (http_server.Server), self.command,
    self.params, self.body and the handler's _json_body / _bool_param helpers.
    Each h_<name> method serves the route of that name (routes.py) and returns
    (status, body[, headers, raw]) for Handler._send.
    """

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
                             "settings": nest_settings(c.indices[n].settings)} for n in c.resolve(index)}

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
            return 200, {n: {"settings": nest_settings(c.indices[n].settings)} for n in c.resolve(index)}

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
