"""In-memory cluster state of the ES 7 test server: indices, templates, bulk execution, search.

Everything here runs under Cluster.lock. Writes are visible at once (refresh is
trivially honoured). Errors are raised as EsError and turned into HTTP
responses (or failed bulk items) by the caller.
"""
import base64
import copy
import os
import re
import threading
import time

from . import mapping as mp
from . import search as sr
from .errors import (EsError, JsonError, first_token, illegal_argument, index_not_found, loads,
                     text_of, token_of, validation_failed)

MAX_ID_BYTES = 512
BULK_ACTIONS = ("create", "delete", "index", "update")
ACTION_PARAMS = {"_index", "_type", "_id", "routing", "op_type", "version", "version_type",
                 "if_seq_no", "if_primary_term", "retry_on_conflict", "pipeline", "_source",
                 "require_alias", "dynamic_templates"}
UPDATE_FIELDS = {"doc", "upsert", "doc_as_upsert", "detect_noop", "script", "scripted_upsert", "_source"}
INDEX_SETTINGS = {"number_of_shards", "number_of_replicas", "auto_expand_replicas", "refresh_interval",
                  "max_result_window", "max_inner_result_window", "max_rescore_window",
                  "max_docvalue_fields_search", "max_script_fields", "max_ngram_diff",
                  "max_shingle_diff", "max_refresh_listeners", "max_terms_count", "max_regex_length",
                  "codec", "routing_partition_size", "hidden", "default_pipeline", "final_pipeline",
                  "number_of_routing_shards", "gc_deletes", "priority", "query.default_field",
                  "mapping.total_fields.limit", "mapping.depth.limit", "mapping.nested_fields.limit",
                  "mapping.nested_objects.limit", "mapping.field_name_length.limit",
                  "mapping.ignore_malformed", "mapping.coerce", "blocks.read_only",
                  "blocks.read_only_allow_delete", "blocks.read", "blocks.write", "blocks.metadata",
                  "write.wait_for_active_shards", "load_fixed_bitset_filters_eagerly",
                  "shard.check_on_startup", "highlight.max_analyzed_offset", "search.idle.after",
                  "queries.cache.enabled", "requests.cache.enable", "max_slices_per_scroll",
                  "provided_name", "creation_date", "uuid", "version.created"}
INDEX_SETTING_PREFIXES = ("analysis.", "similarity.", "routing.", "lifecycle.", "sort.", "store.",
                          "unassigned.", "translog.", "merge.", "search.slowlog.", "indexing.slowlog.",
                          "soft_deletes.", "allocation.", "fielddata.", "plugin.", "history.")
WRITE_SHARDS_OK = {"total": 2, "successful": 1, "failed": 0}


def new_uuid(nbytes=16):
    return base64.urlsafe_b64encode(os.urandom(nbytes)).decode().rstrip("=")


def auto_id():
    """A 20 character id in the style of ES's time-based auto ids."""
    return base64.urlsafe_b64encode(os.urandom(15)).decode()


def simple_match(pattern, name):
    """ES Regex.simpleMatch: only '*' is a wildcard."""
    regex = ".*".join(re.escape(p) for p in pattern.split("*"))
    return re.fullmatch(regex, name) is not None


def validate_index_name(name):
    def bad(why):
        return EsError(400, "invalid_index_name_exception", "Invalid index name [%s], %s" % (name, why),
                       index_uuid="_na_", index=name)
    if not name:
        raise bad("must not be empty")
    if any(c in name for c in '\\/*?"<>| ,'):
        raise bad('must not contain the following characters [ , ", *, \\, <, |, ,, >, /, ?]')
    if "#" in name:
        raise bad("must not contain '#'")
    if ":" in name:
        raise bad("must not contain ':'")
    if name[0] in "_-+":
        raise bad("must not start with '_', '-', or '+'")
    if len(name.encode("utf-8")) > 255:
        raise bad("index name is too long, (%d > 255)" % len(name.encode("utf-8")))
    if name in (".", ".."):
        raise bad("must not be '.' or '..'")
    if name.lower() != name:
        raise bad("must be lowercase")


def flatten_settings(settings, prefix=""):
    """{"index": {"number_of_shards": 1}} / {"number_of_shards": "1"} -> {"index.number_of_shards": "1"}."""
    if settings is None:
        return {}
    if not isinstance(settings, dict):
        raise EsError(400, "settings_exception", "Failed to load settings from [%s]" % text_of(settings))
    out = {}
    for key, value in settings.items():
        full = prefix + key
        if isinstance(value, dict):
            out.update(flatten_settings(value, full + "."))
        else:
            if not full.startswith("index."):
                full = "index." + full
            out[full] = [text_of(v) for v in value] if isinstance(value, list) else \
                (None if value is None else text_of(value))
    return out


def validate_settings(flat):
    for key, value in flat.items():
        short = key[len("index."):]
        if short not in INDEX_SETTINGS and not short.startswith(INDEX_SETTING_PREFIXES):
            raise illegal_argument("unknown setting [%s] please check that any required plugins are "
                                   "installed, or check the breaking changes documentation for removed "
                                   "settings" % key)
        if short in ("number_of_shards", "number_of_replicas", "max_result_window",
                     "mapping.total_fields.limit"):
            low = 1 if short == "number_of_shards" else 0
            if value is None or not re.fullmatch(r"-?\d+", value) or int(value) < low:
                raise illegal_argument("Failed to parse value [%s] for setting [%s] must be >= %d"
                                       % (value, key, low))


def nest_settings(flat):
    out = {}
    for key, value in sorted(flat.items()):
        node = out
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            node[parts[-1]] = value
    return out


class DocRec:
    __slots__ = ("source", "version", "seq_no", "fields", "order")

    def __init__(self, source, version, seq_no, fields, order):
        self.source, self.version, self.seq_no, self.fields, self.order = source, version, seq_no, fields, order


class Index:
    def __init__(self, name, settings, mappings):
        self.name = name
        self.uuid = new_uuid()
        self.settings = settings
        self.mappings = mappings
        self.docs = {}
        self.tombstones = {}
        self.seq_no = -1
        self.order = 0
        self.created = int(time.time() * 1000)

    def setting(self, key, default):
        return self.settings.get("index." + key, default)

    @property
    def replicas(self):
        return int(self.setting("number_of_replicas", "1"))

    @property
    def shards(self):
        return int(self.setting("number_of_shards", "1"))

    def shards_header(self):
        return {"total": 1 + self.replicas, "successful": 1, "failed": 0}

    def next_seq(self):
        self.seq_no += 1
        return self.seq_no


class BulkItem:
    def __init__(self, action, line, meta, index, doc_id):
        self.action, self.line, self.meta, self.index, self.id = action, line, meta, index, doc_id
        self.source_text = None
        self.update = None


# ------------------------------------------------------------------ bulk parsing

def _long_param(value, name, line):
    try:
        return int(text_of(value))
    except ValueError:
        raise illegal_argument("Malformed action/metadata line [%d], [%s] must be a number" % (line, name))


def parse_bulk(body, default_index, defaults):
    """Split an NDJSON bulk body into BulkItems, with ES's whole-request errors."""
    items, line_no, pos, n = [], 0, 0, len(body)
    while pos < n:
        end = body.find(b"\n", pos)
        if end == -1:
            raise illegal_argument("The bulk request must be terminated by a newline [\\n]")
        raw, pos = body[pos:end], end + 1
        line_no += 1
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise EsError(400, "json_parse_exception", "Invalid UTF-8 in action/metadata line [%d]" % line_no)
        token = first_token(text)
        if token is None:
            continue
        try:
            obj = loads(text)
        except JsonError as exc:
            if token not in ("START_OBJECT", "INVALID"):
                raise illegal_argument("Malformed action/metadata line [%d], expected START_OBJECT but "
                                       "found [%s]" % (line_no, token))
            raise EsError(400, "json_parse_exception", str(exc))
        if not isinstance(obj, dict):
            raise illegal_argument("Malformed action/metadata line [%d], expected START_OBJECT but found "
                                   "[%s]" % (line_no, token_of(obj)))
        if not obj:
            raise illegal_argument("Malformed action/metadata line [%d], expected FIELD_NAME but found "
                                   "[END_OBJECT]" % line_no)
        action, meta = next(iter(obj.items()))
        if action not in BULK_ACTIONS:
            raise illegal_argument("Malformed action/metadata line [%d], expected field [create], [delete], "
                                   "[index] or [update] but found [%s]" % (line_no, action))
        if not isinstance(meta, dict):
            raise illegal_argument("Malformed action/metadata line [%d], expected START_OBJECT or END_OBJECT "
                                   "but found [%s]" % (line_no, token_of(meta)))
        params = {}
        for key, value in meta.items():
            if isinstance(value, list) or (isinstance(value, dict) and key not in ("_source", "dynamic_templates")):
                raise illegal_argument("Malformed action/metadata line [%d], expected a simple value for field "
                                       "[%s] but found [%s]" % (line_no, key, token_of(value)))
            if key not in ACTION_PARAMS:
                raise illegal_argument("Action/metadata line [%d] contains an unknown parameter [%s]"
                                       % (line_no, key))
            if value is not None:
                params[key] = value
        for key in ("version", "if_seq_no", "if_primary_term", "retry_on_conflict"):
            if key in params:
                params[key] = _long_param(params[key], key, line_no)
        vtype = text_of(params.get("version_type", "internal"))
        if vtype not in ("internal", "external", "external_gte"):
            raise illegal_argument("No version type match [%s]" % vtype)
        params["version_type"] = vtype
        if "op_type" in params and text_of(params["op_type"]) not in ("create", "index"):
            raise illegal_argument("opType must be 'create' or 'index', found: [%s]" % text_of(params["op_type"]))
        index = text_of(params["_index"]) if "_index" in params else default_index
        doc_id = text_of(params["_id"]) if "_id" in params else None
        if action == "index" and text_of(params.get("op_type", "index")) == "create":
            action = "create"
        item = BulkItem(action, line_no, params, index, doc_id)
        for key in ("pipeline", "routing", "require_alias"):
            if key not in params and defaults.get(key) is not None:
                params[key] = defaults[key]
        if action != "delete":
            end = body.find(b"\n", pos)
            if end == -1:
                if pos < n:
                    raise illegal_argument("The bulk request must be terminated by a newline [\\n]")
                # ES 7 silently drops such a trailing action; the test server refuses it.
                raise illegal_argument("Malformed action/metadata line [%d], the [%s] action is not followed by "
                                       "a source line (es7_server is stricter than ES here)" % (line_no, action))
            raw, pos = body[pos:end], end + 1
            line_no += 1
            if raw.endswith(b"\r"):
                raw = raw[:-1]
            item.source_text = raw
            if action == "update":
                if "version" in params or params["version_type"] != "internal":
                    raise illegal_argument("Update requests do not support versioning. Please use `if_seq_no` "
                                           "and `if_primary_term` instead")
                item.update = parse_update_body(raw)
        items.append(item)
    validate_items(items)
    return items


def parse_update_body(raw):
    try:
        body = loads(raw)
    except JsonError as exc:
        raise EsError(400, "json_parse_exception", str(exc))
    if not isinstance(body, dict):
        raise EsError(400, "x_content_parse_exception", "[1:1] [UpdateRequest] Expected START_OBJECT but "
                      "was: %s" % token_of(body))
    for key, value in body.items():
        if key not in UPDATE_FIELDS:
            raise EsError(400, "x_content_parse_exception", "[1:2] [UpdateRequest] unknown field [%s]" % key)
        if key in ("doc", "upsert") and not isinstance(value, dict):
            raise EsError(400, "x_content_parse_exception", "[1:2] [UpdateRequest] %s doesn't support values "
                          "of type: %s" % (key, token_of(value)))
        if key in ("doc_as_upsert", "detect_noop", "scripted_upsert") and not isinstance(value, bool):
            if value not in ("true", "false"):
                raise EsError(400, "x_content_parse_exception", "[1:2] [UpdateRequest] failed to parse field "
                              "[%s]" % key)
            body[key] = value == "true"
    return body


def validate_items(items):
    errors = []
    if not items:
        errors.append("no requests added")
    for item in items:
        p = item.meta
        if not item.index:
            errors.append("index is missing")
        if item.action in ("index", "create"):
            if item.id is not None and len(item.id.encode("utf-8")) > MAX_ID_BYTES:
                errors.append("id [%s] is too long, must be no longer than %d bytes but was: %d"
                              % (item.id, MAX_ID_BYTES, len(item.id.encode("utf-8"))))
        elif not item.id:
            errors.append("id is missing")
        if item.action == "update":
            body = item.update
            if "doc" not in body and "script" not in body:
                errors.append("script or doc is missing")
            if "doc" in body and "script" in body:
                errors.append("can't provide both script and doc")
            if body.get("doc_as_upsert") and "doc" not in body:
                errors.append("doc must be specified if doc_as_upsert is enabled")
        if "version" in p and p["version_type"] == "internal" and item.action != "update":
            errors.append("internal versioning can not be used for optimistic concurrency control. "
                          "Please use `if_seq_no` and `if_primary_term` instead")
        if ("if_seq_no" in p) != ("if_primary_term" in p):
            errors.append("ifSeqNo is set, but primary term is [0]" if "if_seq_no" in p
                          else "ifSeqNo is unassigned, but primary term is [%d]" % p["if_primary_term"])
        if p.get("pipeline") == "":
            errors.append("pipeline cannot be an empty string")
    if errors:
        raise validation_failed(errors)


# ------------------------------------------------------------------ cluster

class Cluster:
    def __init__(self, cluster_name="ubaflow-es7-test"):
        self.lock = threading.RLock()
        self.cluster_name = cluster_name
        self.cluster_uuid = new_uuid()
        self.reset()

    def reset(self):
        with self.lock:
            self.indices = {}
            self.templates = {}
            self.index_templates = {}
            self.component_templates = {}

    # ---- resolution
    def resolve(self, expr, allow_missing=False):
        """Index names for an expression like "a,b*,-b2" (404 for missing concrete names)."""
        if expr in (None, "", "_all", "*"):
            return sorted(n for n, i in self.indices.items() if i.setting("hidden", "false") != "true")
        names = []
        for part in expr.split(","):
            if part.startswith("-") and names:
                names = [n for n in names if not simple_match(part[1:], n)]
            elif "*" in part:
                names += sorted(n for n, i in self.indices.items() if simple_match(part, n)
                                and i.setting("hidden", "false") != "true" and n not in names)
            elif part in self.indices:
                if part not in names:
                    names.append(part)
            elif not allow_missing:
                raise index_not_found(part)
        return names

    def get_index(self, name):
        index = self.indices.get(name)
        if index is None:
            raise index_not_found(name)
        return index

    # ---- templates
    def _template_for(self, name):
        """(settings, mappings) that templates give a new index called name."""
        composable = [(t.get("priority", 0), tname, t) for tname, t in self.index_templates.items()
                      if any(simple_match(p, name) for p in t["index_patterns"])]
        settings, mappings = {}, {}
        if composable:
            _, _, best = max(composable, key=lambda x: (x[0], x[1]))
            parts = [self.component_templates[c].get("template", {}) for c in best.get("composed_of", [])
                     if c in self.component_templates] + [best.get("template", {})]
            for part in parts:
                settings.update(part.get("settings", {}))
                mappings = mp.merge(mappings, part.get("mappings") or {})
            return settings, mappings
        legacy = sorted((t.get("order", 0), tname, t) for tname, t in self.templates.items()
                        if any(simple_match(p, name) for p in t["index_patterns"]))
        for _, _, tmpl in legacy:
            settings.update(tmpl.get("settings", {}))
            mappings = mp.merge(mappings, tmpl.get("mappings") or {})
        return settings, mappings

    @staticmethod
    def _check_template_name(kind, name, patterns):
        def bad(why):
            return EsError(400, "invalid_index_template_exception", "%s [%s] invalid, cause [%s]" % (kind, name, why))
        if " " in name:
            raise bad("name must not contain a space")
        if "," in name:
            raise bad("name must not contain a ','")
        if "#" in name:
            raise bad("name must not contain a '#'")
        if name.startswith("_"):
            raise bad("name must not start with '_'")
        if name.lower() != name:
            raise bad("name must be lower cased")
        for pattern in patterns:
            for ch, why in ((" ", "a space"), (",", "a ','"), ("#", "a '#'"), (":", "a ':'")):
                if ch in pattern:
                    raise bad("index_pattern [%s] must not contain %s" % (pattern, why))
            if pattern.startswith("_"):
                raise bad("index_pattern [%s] must not start with '_'" % pattern)

    @staticmethod
    def _patterns(body):
        patterns = body.get("index_patterns")
        if isinstance(patterns, str):
            patterns = [patterns]
        if not patterns:
            raise validation_failed(["index patterns are missing"])
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise EsError(400, "parse_exception", "Malformed [index_patterns] value, should be a list of strings")
        return patterns

    @staticmethod
    def _int(body, key, default):
        value = body.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not re.fullmatch(r"-?\d+", str(value)):
            raise EsError(400, "parse_exception", "failed to parse [%s] value [%s] as an integer" % (key, text_of(value)))
        return int(value)

    def put_template(self, name, body, create=False):
        if not isinstance(body, dict):
            raise EsError(400, "parse_exception", "request body is required")
        for key in body:
            if key not in ("index_patterns", "order", "version", "settings", "mappings", "aliases"):
                raise EsError(400, "parse_exception", "unknown key [%s] in the template " % key)
        patterns = self._patterns(body)
        self._check_template_name("index_template", name, patterns)
        tmpl = {"order": self._int(body, "order", 0), "index_patterns": patterns}
        if body.get("version") is not None:
            tmpl["version"] = self._int(body, "version", None)
        tmpl["settings"] = flatten_settings(body.get("settings"))
        validate_settings(tmpl["settings"])
        tmpl["mappings"] = copy.deepcopy(mp.validate_mapping(body.get("mappings")))
        tmpl["aliases"] = body.get("aliases") or {}
        with self.lock:
            if create and name in self.templates:
                raise illegal_argument("index_template [%s] already exists" % name)
            self.templates[name] = tmpl

    def render_template(self, tmpl):
        out = dict(tmpl)
        out["settings"] = nest_settings(tmpl["settings"])
        return out

    def put_index_template(self, name, body, create=False):
        if not isinstance(body, dict):
            raise EsError(400, "parse_exception", "request body is required")
        allowed = ("index_patterns", "template", "composed_of", "priority", "version", "_meta",
                   "data_stream", "allow_auto_create")
        for key in body:
            if key not in allowed:
                raise EsError(400, "x_content_parse_exception", "[1:2] [index_template] unknown field [%s]" % key)
        patterns = self._patterns(body)
        self._check_template_name("index_template", name, patterns)
        if body.get("data_stream") is not None:
            raise illegal_argument("[es7_server] data streams are not supported by the test server")
        priority = self._int(body, "priority", 0)
        if priority is not None and priority < 0:
            raise validation_failed(["index template priority must be >= 0"])
        template = self._template_part(body.get("template"), "template")
        composed = body.get("composed_of") or []
        missing = [c for c in composed if c not in self.component_templates]
        if missing:
            raise illegal_argument("index template [%s] specifies component templates %s that do not exist"
                                   % (name, "[" + ", ".join(missing) + "]"))
        with self.lock:
            if create and name in self.index_templates:
                raise illegal_argument("index template [%s] already exists" % name)
            for other, tmpl in self.index_templates.items():
                if other == name or tmpl.get("priority", 0) != (priority or 0):
                    continue
                if any(simple_match(a, b.replace("*", "x")) or simple_match(b, a.replace("*", "x"))
                       for a in patterns for b in tmpl["index_patterns"]):
                    raise illegal_argument(
                        "index template [%s] has index patterns %s matching patterns from existing templates "
                        "[%s] with patterns (%s => %s) that have the same priority [%d], multiple index "
                        "templates may not match during index creation, please use a different priority"
                        % (name, "[" + ", ".join(patterns) + "]", other, other,
                           "[" + ", ".join(tmpl["index_patterns"]) + "]", priority or 0))
            stored = {"index_patterns": patterns, "template": template, "composed_of": composed}
            if "priority" in body:
                stored["priority"] = priority
            for key in ("version", "_meta", "allow_auto_create"):
                if key in body:
                    stored[key] = body[key]
            self.index_templates[name] = stored

    def _template_part(self, part, where):
        if part is None:
            return {}
        if not isinstance(part, dict):
            raise EsError(400, "x_content_parse_exception", "[1:2] [%s] template doesn't support values of "
                          "type: %s" % (where, token_of(part)))
        for key in part:
            if key not in ("settings", "mappings", "aliases"):
                raise EsError(400, "x_content_parse_exception", "[1:2] [template] unknown field [%s]" % key)
        out = {}
        if "settings" in part:
            out["settings"] = flatten_settings(part["settings"])
            validate_settings(out["settings"])
        if "mappings" in part:
            out["mappings"] = copy.deepcopy(mp.validate_mapping(part["mappings"]))
        if "aliases" in part:
            out["aliases"] = part["aliases"]
        return out

    def put_component_template(self, name, body):
        if not isinstance(body, dict) or "template" not in body:
            raise EsError(400, "x_content_parse_exception", "Required [template]")
        for key in body:
            if key not in ("template", "version", "_meta"):
                raise EsError(400, "x_content_parse_exception", "[1:2] [component_template] unknown field [%s]" % key)
        stored = {"template": self._template_part(body["template"], "component_template")}
        for key in ("version", "_meta"):
            if key in body:
                stored[key] = body[key]
        with self.lock:
            self.component_templates[name] = stored

    def render_index_template(self, tmpl):
        out = copy.deepcopy(tmpl)
        if "settings" in out["template"]:
            out["template"]["settings"] = nest_settings(out["template"]["settings"])
        return out

    # ---- indices
    def create_index(self, name, body=None):
        validate_index_name(name)
        body = body or {}
        if not isinstance(body, dict):
            raise EsError(400, "parse_exception", "Failed to derive xcontent")
        for key in body:
            if key not in ("settings", "mappings", "aliases"):
                raise EsError(400, "parse_exception", "unknown key [%s] for create index" % key)
        with self.lock:
            if name in self.indices:
                existing = self.indices[name]
                raise EsError(400, "resource_already_exists_exception", "index [%s/%s] already exists"
                              % (name, existing.uuid), index_uuid=existing.uuid, index=name)
            settings, mappings = self._template_for(name)
            request_settings = flatten_settings(body.get("settings"))
            validate_settings(request_settings)
            settings.update(request_settings)
            mappings = mp.merge(mappings, mp.validate_mapping(body.get("mappings")))
            mp.validate_mapping(mappings)
            settings.setdefault("index.number_of_shards", "1")
            settings.setdefault("index.number_of_replicas", "1")
            index = Index(name, settings, mappings)
            settings["index.uuid"] = index.uuid
            settings["index.provided_name"] = name
            settings["index.creation_date"] = str(index.created)
            settings["index.version.created"] = "7179999"
            self.indices[name] = index
            return index

    def delete_indices(self, expr):
        with self.lock:
            names = self.resolve(expr)
            for name in names:
                del self.indices[name]
            return names

    def put_mapping(self, expr, body):
        with self.lock:
            names = self.resolve(expr)
            update = mp.validate_mapping(body)
            for name in names:
                mp.check_update(self.indices[name].mappings, update)
            for name in names:
                merged = mp.merge(self.indices[name].mappings, update)
                self.indices[name].mappings = merged

    # ---- bulk
    def execute_bulk(self, items, refresh=False, reject_items=None):
        """Run parsed bulk items in order. reject_items(item) -> error dict or None (fault injection)."""
        out = []
        with self.lock:
            for item in items:
                rejected = reject_items(item) if reject_items else None
                if rejected is not None:
                    status, error = rejected
                    if item.id is None and item.action in ("index", "create"):
                        item.id = auto_id()
                    out.append({item.action: {"_index": item.index, "_type": "_doc", "_id": item.id,
                                              "status": status, "error": error}})
                    continue
                try:
                    result = self._execute_item(item)
                except EsError as exc:
                    result = self._item_failure(item, exc)
                if refresh and "error" not in result and result.get("result") != "noop":
                    result["forced_refresh"] = True
                out.append({item.action: result})
        return out

    def _item_failure(self, item, exc):
        error = exc.error_object()
        index = self.indices.get(item.index)
        if exc.etype not in ("index_not_found_exception", "invalid_index_name_exception") and index:
            error = {"type": exc.etype, "reason": exc.reason, "index_uuid": index.uuid, "shard": "0",
                     "index": index.name}
            error.update({k: v for k, v in exc.extra.items() if k not in error})
            if exc.caused_by:
                error["caused_by"] = exc.caused_by
        return {"_index": item.index, "_type": "_doc", "_id": item.id, "status": exc.status, "error": error}

    def _success(self, index, item, version, seq_no, result, status):
        return {"_index": index.name, "_type": "_doc", "_id": item.id, "_version": version,
                "result": result, "_shards": index.shards_header(), "_seq_no": seq_no,
                "_primary_term": 1, "status": status}

    def _target(self, item):
        validate_index_name(item.index)
        index = self.indices.get(item.index)
        if item.meta.get("require_alias") in (True, "true"):
            raise EsError(404, "index_not_found_exception", "no such index [%s] and [require_alias] request "
                          "flag is [true] and [%s] is not an alias" % (item.index, item.index),
                          index_uuid="_na_", index=item.index)
        if index is None:
            if item.action == "delete" and item.meta["version_type"] == "internal":
                raise index_not_found(item.index)
            index = self.create_index(item.index)
        return index

    def _conflict(self, item, reason):
        return EsError(409, "version_conflict_engine_exception", "[%s]: version conflict, %s" % (item.id, reason))

    def _check_cas(self, item, existing):
        p = item.meta
        if "if_seq_no" in p:
            if existing is None:
                raise self._conflict(item, "required seqNo [%d], primary term [%d]. but no document was found"
                                     % (p["if_seq_no"], p["if_primary_term"]))
            if existing.seq_no != p["if_seq_no"] or p["if_primary_term"] != 1:
                raise self._conflict(item, "required seqNo [%d], primary term [%d]. current document has seqNo "
                                     "[%d] and primary term [1]" % (p["if_seq_no"], p["if_primary_term"],
                                                                    existing.seq_no))
        if p["version_type"] != "internal" and "version" in p:
            current = existing.version if existing else None
            wanted = p["version"]
            if current is not None and (wanted < current or (wanted == current and p["version_type"] == "external")):
                raise self._conflict(item, "current version [%d] is higher or equal to the one provided [%d]"
                                     % (current, wanted))

    def _store(self, index, item, source, existing, fields_mapping):
        new_mapping, fields = fields_mapping
        if new_mapping is not None:
            index.mappings = new_mapping
        if item.meta["version_type"] != "internal" and "version" in item.meta:
            version = item.meta["version"]
        else:
            version = (existing.version if existing else index.tombstones.get(item.id, 0)) + 1
        seq_no = index.next_seq()
        index.order += 1
        index.docs[item.id] = DocRec(source, version, seq_no, fields, index.order)
        index.tombstones.pop(item.id, None)
        return version, seq_no

    def _parse_doc(self, index, item, source):
        parser = mp.DocumentParser(index.mappings, item.id, index.settings)
        return parser.parse(source)

    def _execute_item(self, item):
        index = self._target(item)
        if "_type" in item.meta and text_of(item.meta["_type"]) != "_doc":
            raise illegal_argument("Rejecting mapping update to [%s] as the final mapping would have more than 1 "
                                   "type: [_doc, %s]" % (index.name, text_of(item.meta["_type"])))
        pipeline = item.meta.get("pipeline") or index.setting("default_pipeline", None)
        if pipeline and pipeline != "_none" and item.action != "delete":
            raise illegal_argument("pipeline with id [%s] does not exist" % pipeline)
        if item.action in ("index", "create"):
            if item.id == "":
                raise illegal_argument("if _id is specified it must not be empty")
            if item.id is None:
                item.id = auto_id()
            source = self._load_source(item.source_text)
            parsed = self._parse_doc(index, item, source)
            existing = index.docs.get(item.id)
            if parsed[0] is not None:
                index.mappings = parsed[0]
            if item.action == "create" and existing is not None:
                raise self._conflict(item, "document already exists (current version [%d])" % existing.version)
            self._check_cas(item, existing)
            version, seq_no = self._store(index, item, source, existing, parsed)
            return self._success(index, item, version, seq_no, "updated" if existing else "created",
                                 200 if existing else 201)
        if item.action == "delete":
            existing = index.docs.get(item.id)
            self._check_cas(item, existing)
            seq_no = index.next_seq()
            if item.meta["version_type"] != "internal" and "version" in item.meta:
                version = item.meta["version"]
            else:
                version = (existing.version if existing else index.tombstones.get(item.id, 0)) + 1
            index.tombstones[item.id] = version
            if existing is None:
                return self._success(index, item, version, seq_no, "not_found", 404)
            del index.docs[item.id]
            return self._success(index, item, version, seq_no, "deleted", 200)
        return self._update(index, item)

    @staticmethod
    def _load_source(raw):
        if not raw.strip():
            raise EsError(400, "mapper_parsing_exception", "failed to parse, document is empty")
        try:
            return loads(raw)
        except JsonError as exc:
            raise EsError(400, "mapper_parsing_exception", "failed to parse",
                          caused_by={"type": "json_parse_exception", "reason": str(exc)})

    def _update(self, index, item):
        body = item.update
        if "script" in body:
            raise illegal_argument("[es7_server] scripted updates are not supported by the test server")
        existing = index.docs.get(item.id)
        if existing is None:
            if "if_seq_no" in item.meta:
                self._check_cas(item, None)
            if "upsert" in body:
                source = body["upsert"]
            elif body.get("doc_as_upsert"):
                source = body["doc"]
            else:
                raise EsError(404, "document_missing_exception", "[_doc][%s]: document missing" % item.id)
            if len(item.id.encode("utf-8")) > MAX_ID_BYTES:
                raise illegal_argument("id [%s] is too long, must be no longer than 512 bytes but was: %d"
                                       % (item.id, len(item.id.encode("utf-8"))))
            parsed = self._parse_doc(index, item, source)
            version, seq_no = self._store(index, item, copy.deepcopy(source), None, parsed)
            return self._success(index, item, version, seq_no, "created", 201)
        self._check_cas(item, existing)
        merged = _merge_doc(existing.source, body["doc"])
        if body.get("detect_noop", True) and merged == existing.source:
            return {"_index": index.name, "_type": "_doc", "_id": item.id, "_version": existing.version,
                    "result": "noop", "_shards": {"total": 0, "successful": 0, "failed": 0},
                    "_seq_no": existing.seq_no, "_primary_term": 1, "status": 200}
        parsed = self._parse_doc(index, item, merged)
        version, seq_no = self._store(index, item, merged, existing, parsed)
        return self._success(index, item, version, seq_no, "updated", 200)

    # ---- reads
    def get_doc(self, index_name, doc_id):
        with self.lock:
            index = self.get_index(index_name)
            rec = index.docs.get(doc_id)
            if rec is None:
                return 404, {"_index": index.name, "_type": "_doc", "_id": doc_id, "found": False}
            return 200, {"_index": index.name, "_type": "_doc", "_id": doc_id, "_version": rec.version,
                         "_seq_no": rec.seq_no, "_primary_term": 1, "found": True,
                         "_source": copy.deepcopy(rec.source)}

    def search(self, expr, body, count_only=False):
        started = time.monotonic()
        body = body or {}
        query = body.get("query") or {}
        sr.validate(query)
        post_filter = body.get("post_filter")
        if post_filter is not None:
            sr.validate(post_filter)
        with self.lock:
            names = self.resolve(expr)
            mappings = {n: self.indices[n].mappings for n in names}
            sorts = sr.parse_sort(body.get("sort"))
            sr.check_sort_fields(sorts, mappings)
            hits = []
            for name in names:
                index = self.indices[name]
                for doc_id, rec in index.docs.items():
                    doc = sr.Doc(name, doc_id, rec.order, rec.fields, rec.source)
                    try:
                        if sr.matches(query, doc, index.mappings) and (
                                post_filter is None or sr.matches(post_filter, doc, index.mappings)):
                            hits.append((doc, rec))
                    except EsError as exc:
                        raise sr.shard_failure(exc.error_object(), name)
            shards = sum(self.indices[n].shards for n in names)
            shards_info = {"total": shards, "successful": shards, "skipped": 0, "failed": 0}
            if count_only:
                return {"count": len(hits), "_shards": shards_info}
            size, start = body.get("size", 10), body.get("from", 0)
            window = min([int(self.indices[n].setting("max_result_window", "10000")) for n in names] or [10000])
            if start + size > window:
                inner = {"type": "illegal_argument_exception", "reason":
                         "Result window is too large, from + size must be less than or equal to: [%d] but was "
                         "[%d]. See the scroll api for a more efficient way to request large data sets. This "
                         "limit can be set by changing the [index.max_result_window] index level setting."
                         % (window, start + size)}
                raise sr.shard_failure(inner, names[0] if names else "_all")
            scoring = bool(query) and not _filter_only(query)
            score = 1.0 if (not query or scoring) else 0.0
            ranked = sr.sort_docs([(doc, score) for doc, _ in hits], sorts)
            recs = {(doc.index, doc.id): rec for doc, rec in hits}
            out = []
            for doc, doc_score, values in ranked[start:start + size]:
                rec = recs[(doc.index, doc.id)]
                hit = {"_index": doc.index, "_type": "_doc", "_id": doc.id,
                       "_score": None if sorts and not body.get("track_scores") else doc_score}
                if body.get("version"):
                    hit["_version"] = rec.version
                if body.get("seq_no_primary_term"):
                    hit["_seq_no"], hit["_primary_term"] = rec.seq_no, 1
                source = sr.filter_source(copy.deepcopy(rec.source), body.get("_source"))
                if source is not None:
                    hit["_source"] = source
                if sorts:
                    hit["sort"] = values
                out.append(hit)
            total = len(hits)
            result = {"took": int((time.monotonic() - started) * 1000), "timed_out": False,
                      "_shards": shards_info, "hits": {}}
            track = body.get("track_total_hits", 10000)
            if track is True or track == -1:
                result["hits"]["total"] = {"value": total, "relation": "eq"}
            elif track is not False:
                limit = int(track)
                result["hits"]["total"] = ({"value": total, "relation": "eq"} if total <= limit
                                           else {"value": limit, "relation": "gte"})
            result["hits"]["max_score"] = None if sorts or not out else max(h["_score"] for h in out)
            result["hits"]["hits"] = out
            return result

    def dump(self):
        with self.lock:
            return {name: {doc_id: copy.deepcopy(rec.source) for doc_id, rec in index.docs.items()}
                    for name, index in sorted(self.indices.items())}


def _filter_only(query):
    (name, body), = query.items()
    if name == "constant_score":
        return False
    return name == "bool" and not body.get("must") and not body.get("should")


def _merge_doc(base, update):
    out = copy.deepcopy(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge_doc(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out
