"""Bulk request parsing of the ES 7 test server: NDJSON body -> BulkItems.

parse_bulk splits a _bulk body into BulkItems with ES's whole-request errors
(newline rule, malformed action lines, unknown metadata parameters);
parse_update_body checks an update action's body; validate_items applies the
request-wide validation (ids, missing index, versioning rules). Executing the
items is document_writes.py's job.
"""
from .errors import (EsError, JsonError, first_token, illegal_argument, loads, text_of, token_of,
                     validation_failed)

MAX_ID_BYTES = 512
BULK_ACTIONS = ("create", "delete", "index", "update")
ACTION_PARAMS = {"_index", "_type", "_id", "routing", "op_type", "version", "version_type",
                 "if_seq_no", "if_primary_term", "retry_on_conflict", "pipeline", "_source",
                 "require_alias", "dynamic_templates"}
UPDATE_FIELDS = {"doc", "upsert", "doc_as_upsert", "detect_noop", "script", "scripted_upsert", "_source"}


class BulkItem:
    def __init__(self, action, line, meta, index, doc_id):
        self.action, self.line, self.meta, self.index, self.id = action, line, meta, index, doc_id
        self.source_text = None
        self.update = None


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
