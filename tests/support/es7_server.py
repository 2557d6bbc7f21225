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

The code lives in the es7 package next to this script (es7/__init__.py lists
its modules); this file is the entry point and re-exports build_options, Server,
Handler and main for in-process use (tests/support/test_es7_*.py).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from es7.cli import build_options, main, parse_size, write_port_file  # noqa: E402,F401
from es7.http_handler import Handler  # noqa: E402,F401
from es7.http_server import Server  # noqa: E402,F401

if __name__ == "__main__":
    sys.exit(main())
