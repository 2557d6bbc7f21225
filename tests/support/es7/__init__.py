"""Helper modules of the Elasticsearch 7 compatible test server (es7_server.py).

Server side (HTTP):
cli                 -- command line: options, port file, banner, signals (main)
http_server         -- the listening Server: TLS, connections, refuse fault, log
http_handler        -- request reading, routing, content-type / auth checks, dispatch
control_api         -- the /_ubaflow test-control endpoints (faults, stats, reset, dump)
cluster_endpoints   -- /, _cluster/health, index admin, _mapping, _settings, _cat/indices
template_endpoints  -- _template, _index_template and _component_template endpoints
document_endpoints  -- _bulk and single-document write / GET endpoints
search_endpoints    -- _search and _count endpoints (request body and URL parameters)
routes              -- URL routes and the URL parameters each accepts
faults              -- fault injection queue and counters of the /_ubaflow control API

Cluster state:
store               -- the Cluster: indices, index resolution, create / delete / mapping
indices             -- index and document records, index name rules, index settings
templates           -- legacy, composable and component templates (Cluster mixin)
bulk_items          -- _bulk body parsing and request-wide validation
document_writes     -- bulk item execution: index / create / update / delete (Cluster mixin)
document_reads      -- GET document, _search / _count execution, dump (Cluster mixin)
mapping             -- mapping validation, dynamic mapping and per-document parsing
search              -- query / sort evaluation for _search and _count
dates               -- ES 7 (java.time style) date format parsing
errors              -- ES-shaped error objects and strict JSON parsing
"""
