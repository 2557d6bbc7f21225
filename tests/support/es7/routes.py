"""URL routing of the ES 7 test server: which paths and methods exist, and which URL
parameters each accepts (ES refuses unknown ones with 400)."""

COMMON_PARAMS = {"pretty", "human", "error_trace", "filter_path", "source", "source_content_type"}
WRITE_PARAMS = {"refresh", "routing", "timeout", "wait_for_active_shards", "pipeline", "require_alias",
                "version", "version_type", "if_seq_no", "if_primary_term", "op_type"}
SEARCH_PARAMS = {"size", "from", "sort", "q", "track_total_hits", "_source", "_source_includes",
                 "_source_excludes", "rest_total_hits_as_int", "ignore_unavailable", "allow_no_indices",
                 "expand_wildcards", "timeout", "typed_keys", "search_type", "request_cache", "preference",
                 "routing", "version", "seq_no_primary_term", "track_scores", "stats",
                 "batched_reduce_size", "ccs_minimize_roundtrips", "allow_partial_search_results",
                 "max_concurrent_shard_requests", "pre_filter_shard_size", "default_operator", "df",
                 "analyzer", "lenient", "explain", "terminate_after", "min_score"}
INDICES_OPTS = {"ignore_unavailable", "allow_no_indices", "expand_wildcards"}
MASTER = {"master_timeout", "timeout"}
SEARCH_BODY = {"query", "size", "from", "sort", "track_total_hits", "_source", "post_filter", "version",
               "seq_no_primary_term", "track_scores", "timeout", "explain", "profile", "stats"}
SEARCH_UNSUPPORTED = {"aggs", "aggregations", "highlight", "suggest", "search_after", "collapse", "rescore",
                      "script_fields", "docvalue_fields", "fields", "stored_fields", "min_score",
                      "indices_boost", "slice", "pit", "runtime_mappings", "terminate_after", "ext"}
JSON_TYPES = {"application/json", "application/x-ndjson", "application/vnd.elasticsearch+json",
              "application/vnd.elasticsearch+x-ndjson"}


# ------------------------------------------------------------------ routes

def _routes():
    """(path template, {method: (handler, extra allowed params)})."""
    doc_write = WRITE_PARAMS
    return [
        ("/", {"GET": ("root", set()), "HEAD": ("root", set())}),
        ("/_cluster/health", {"GET": ("health", {"wait_for_status", "timeout", "level", "local",
                                                 "master_timeout", "wait_for_nodes", "wait_for_events",
                                                 "wait_for_active_shards", "wait_for_no_relocating_shards",
                                                 "wait_for_no_initializing_shards"})}),
        ("/_cluster/health/{index}", {"GET": ("health", {"wait_for_status", "timeout", "level", "local",
                                                         "master_timeout", "wait_for_active_shards"})}),
        ("/_template", {"GET": ("get_template", {"flat_settings", "local", "master_timeout"})}),
        ("/_template/{name}", {m: (h, p) for m, h, p in (
            ("GET", "get_template", {"flat_settings", "local", "master_timeout"}),
            ("HEAD", "get_template", {"local", "master_timeout"}),
            ("PUT", "put_template", {"create", "order", "master_timeout", "cause"}),
            ("POST", "put_template", {"create", "order", "master_timeout", "cause"}),
            ("DELETE", "delete_template", MASTER))}),
        ("/_index_template", {"GET": ("get_index_template", {"flat_settings", "local", "master_timeout"})}),
        ("/_index_template/{name}", {m: (h, p) for m, h, p in (
            ("GET", "get_index_template", {"flat_settings", "local", "master_timeout"}),
            ("HEAD", "get_index_template", {"local", "master_timeout"}),
            ("PUT", "put_index_template", {"create", "master_timeout", "cause"}),
            ("POST", "put_index_template", {"create", "master_timeout", "cause"}),
            ("DELETE", "delete_index_template", MASTER))}),
        ("/_component_template/{name}", {m: (h, p) for m, h, p in (
            ("GET", "get_component_template", {"local", "master_timeout"}),
            ("PUT", "put_component_template", {"create", "master_timeout"}),
            ("POST", "put_component_template", {"create", "master_timeout"}),
            ("DELETE", "delete_component_template", MASTER))}),
        ("/_bulk", {m: ("bulk", {"refresh", "routing", "timeout", "wait_for_active_shards", "pipeline",
                                 "_source", "_source_includes", "_source_excludes", "require_alias", "type"})
                    for m in ("POST", "PUT")}),
        ("/{index}/_bulk", {m: ("bulk", {"refresh", "routing", "timeout", "wait_for_active_shards", "pipeline",
                                         "_source", "_source_includes", "_source_excludes", "require_alias",
                                         "type"}) for m in ("POST", "PUT")}),
        ("/_search", {m: ("search", SEARCH_PARAMS) for m in ("GET", "POST")}),
        ("/{index}/_search", {m: ("search", SEARCH_PARAMS) for m in ("GET", "POST")}),
        ("/_count", {m: ("count", INDICES_OPTS | {"q", "min_score", "preference", "routing",
                                                  "terminate_after", "df", "default_operator", "analyzer",
                                                  "lenient"}) for m in ("GET", "POST")}),
        ("/{index}/_count", {m: ("count", INDICES_OPTS | {"q", "min_score", "preference", "routing",
                                                          "terminate_after", "df", "default_operator",
                                                          "analyzer", "lenient"}) for m in ("GET", "POST")}),
        ("/_refresh", {m: ("refresh", INDICES_OPTS) for m in ("GET", "POST")}),
        ("/{index}/_refresh", {m: ("refresh", INDICES_OPTS) for m in ("GET", "POST")}),
        ("/_mapping", {"GET": ("get_mapping", INDICES_OPTS | {"local", "master_timeout"})}),
        ("/{index}/_mapping", {"GET": ("get_mapping", INDICES_OPTS | {"local", "master_timeout"}),
                               "PUT": ("put_mapping", INDICES_OPTS | MASTER | {"write_index_only"}),
                               "POST": ("put_mapping", INDICES_OPTS | MASTER | {"write_index_only"})}),
        ("/_settings", {"GET": ("get_settings", INDICES_OPTS | {"flat_settings", "local", "master_timeout",
                                                                "include_defaults"})}),
        ("/{index}/_settings", {"GET": ("get_settings", INDICES_OPTS | {"flat_settings", "local",
                                                                        "master_timeout", "include_defaults"})}),
        ("/_cat/indices", {"GET": ("cat_indices", {"format", "h", "v", "help", "s", "bytes", "health", "pri",
                                                   "local", "master_timeout", "expand_wildcards", "time",
                                                   "include_unloaded_segments"})}),
        ("/_cat/indices/{index}", {"GET": ("cat_indices", {"format", "h", "v", "help", "s", "bytes", "health",
                                                           "pri", "local", "master_timeout",
                                                           "expand_wildcards", "time"})}),
        ("/{index}/_doc", {"POST": ("doc_write", doc_write)}),
        ("/{index}/_doc/{id}", {"GET": ("get_doc", {"routing", "preference", "realtime", "refresh",
                                                    "stored_fields", "_source", "_source_includes",
                                                    "_source_excludes", "version", "version_type"}),
                                "HEAD": ("get_doc", {"routing", "preference", "realtime", "refresh"}),
                                "PUT": ("doc_write", doc_write), "POST": ("doc_write", doc_write),
                                "DELETE": ("doc_write", doc_write)}),
        ("/{index}/_create/{id}", {m: ("doc_write", doc_write) for m in ("PUT", "POST")}),
        ("/{index}/_update/{id}", {"POST": ("doc_write", {"refresh", "routing", "timeout", "if_seq_no",
                                                          "if_primary_term", "retry_on_conflict",
                                                          "require_alias", "_source", "lang",
                                                          "wait_for_active_shards"})}),
        ("/{index}/_source/{id}", {m: ("get_source", {"routing", "preference", "realtime", "refresh"})
                                   for m in ("GET", "HEAD")}),
        ("/{index}", {"PUT": ("create_index", {"wait_for_active_shards"} | MASTER),
                      "HEAD": ("index_exists", INDICES_OPTS | {"local", "flat_settings", "include_defaults"}),
                      "GET": ("get_index", INDICES_OPTS | {"local", "flat_settings", "include_defaults",
                                                           "master_timeout"}),
                      "DELETE": ("delete_index", INDICES_OPTS | MASTER)}),
    ]


ROUTES = _routes()


def match_route(segments):
    for template, methods in ROUTES:
        parts = [p for p in template.split("/") if p]
        if len(parts) != len(segments):
            continue
        args = {}
        for want, got in zip(parts, segments):
            if want.startswith("{"):
                if got.startswith("_") and got != "_all" and want == "{index}":
                    break
                args[want[1:-1]] = got
            elif want != got:
                break
        else:
            return methods, args
    return None, None
