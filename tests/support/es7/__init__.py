"""Helper modules of the Elasticsearch 7 compatible test server (es7_server.py).

errors   -- ES-shaped error objects and strict JSON parsing
dates    -- ES 7 (java.time style) date format parsing
mapping  -- mapping validation, dynamic mapping and per-document parsing
search   -- query / sort evaluation for _search and _count
store    -- in-memory cluster state: indices, templates, bulk parsing and execution
routes   -- URL routes and the URL parameters each accepts
faults   -- fault injection queue and counters of the /_ubaflow control API
"""
