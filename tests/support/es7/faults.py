"""Fault injection and counters of the ES 7 test server (the /_ubaflow control API)."""
import json
import threading

from .errors import EsError, illegal_argument

FAULT_MODES = {"http_status", "item_status", "refuse", "reset", "delay"}


class ResetConnection(Exception):
    """Close the connection without answering (the "reset" fault)."""


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.pending = []
        self.refusing = None

    def add(self, spec):
        if not isinstance(spec, dict) or spec.get("mode") not in FAULT_MODES:
            raise illegal_argument("fault needs a mode among %s" % sorted(FAULT_MODES))
        mode = spec["mode"]
        unknown = set(spec) - {"mode", "status", "count", "seconds", "ms"}
        if unknown:
            raise illegal_argument("unknown fault fields %s" % sorted(unknown))

        def number(key, default, low):
            value = spec.get(key, default)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low:
                raise illegal_argument("fault field [%s] must be a number >= %s" % (key, low))
            return value
        fault = {"mode": mode}
        if mode in ("http_status", "item_status"):
            fault["status"] = int(number("status", 429, 400))
            if fault["status"] > 599:
                raise illegal_argument("fault status must be an HTTP error status")
        if mode == "refuse":
            fault["seconds"] = number("seconds", 1, 0)
            return fault
        if mode == "delay":
            fault["ms"] = int(number("ms", None, 0))
        fault["count"] = int(number("count", 1, 1))
        with self.lock:
            self.pending.append(fault)
        return fault

    def take(self, mode):
        """Consume one use of the first pending fault of this mode; returns it (a copy) or None."""
        with self.lock:
            for fault in self.pending:
                if fault["mode"] == mode:
                    fault["count"] -= 1
                    if fault["count"] <= 0:
                        self.pending.remove(fault)
                    return dict(fault)
        return None

    def listing(self):
        with self.lock:
            out = [dict(f) for f in self.pending]
        if self.refusing:
            out.append(dict(self.refusing))
        return out

    def clear(self):
        with self.lock:
            self.pending = []


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.data = {"requests": 0, "bulk_requests": 0, "bulk_items": 0, "items_by_status": {},
                         "faults_applied": {m: 0 for m in sorted(FAULT_MODES)}, "auth_failures": 0}

    def bump(self, key, sub=None, n=1):
        with self.lock:
            if sub is None:
                self.data[key] += n
            else:
                self.data[key][sub] = self.data[key].get(sub, 0) + n

    def snapshot(self):
        with self.lock:
            return json.loads(json.dumps(self.data))


def fault_error(status, body_len):
    if status == 429:
        return EsError(429, "es_rejected_execution_exception",
                       "rejected execution of coordinating operation [coordinating_and_primary_bytes=0, "
                       "replica_bytes=0, all_bytes=0, coordinating_operation_bytes=%d, "
                       "max_coordinating_and_primary_bytes=107374182]" % body_len)
    if status == 503:
        return EsError(503, "cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE/2/no master];")
    return EsError(status, "exception", "[es7_server] injected fault: HTTP %d" % status)


def item_fault(status, item):
    if status == 429:
        return {"type": "es_rejected_execution_exception",
                "reason": "rejected execution of processing of [%d][indices:data/write/bulk[s][p]]: request: "
                          "BulkShardRequest [[%s][0]] containing [1] requests on EsThreadPoolExecutor[name = "
                          "es7-test-node/write, queue capacity = 10000, active threads = 2, queued tasks = "
                          "10000]" % (item.line, item.index)}
    if status == 503:
        return {"type": "unavailable_shards_exception",
                "reason": "[%s][0] primary shard is not active Timeout: [1m]" % item.index}
    return {"type": "exception", "reason": "[es7_server] injected item fault: %d" % status}
