"""The subset of the ES 7 query DSL the test server evaluates.

Queries: match_all, match_none, term, terms, ids, exists, range (numbers, dates
with formats and simple now-math, keywords), match (text analysed into lowercase
tokens), prefix (keyword), bool (must / filter / should / must_not /
minimum_should_match) and constant_score. Sort: fields ({"f": {"order", "missing",
"unmapped_type"}} or "f" / "f:desc"), _id, _doc, _score. Query values are
converted with the field's mapping, as ES does, so a bad value is a 400.
"""
import fnmatch

from . import dates
from .errors import EsError, java_repr, text_of
from .mapping import INT_RANGES, FLOAT_MAX, coerce_value, lookup, _Bad

SUPPORTED = {"match_all", "match_none", "term", "terms", "ids", "exists", "range", "match",
             "prefix", "bool", "constant_score"}
KNOWN_UNSUPPORTED = {"match_phrase", "match_phrase_prefix", "multi_match", "query_string",
                     "simple_query_string", "wildcard", "regexp", "fuzzy", "nested", "has_child",
                     "has_parent", "geo_distance", "geo_bounding_box", "function_score", "script",
                     "script_score", "dis_max", "boosting", "more_like_this", "terms_set",
                     "intervals", "distance_feature", "pinned", "span_term", "combined_fields"}


def parsing_error(reason):
    return EsError(400, "parsing_exception", reason, line=1, col=1)


def shard_failure(inner, index):
    """Errors found while running a query on an index: ES wraps them like this."""
    return EsError(400, "search_phase_execution_exception", "all shards failed",
                   caused_by=dict(inner), root_cause=[dict(inner, index_uuid="_na_", index=index)],
                   phase="query", grouped=True,
                   failed_shards=[{"shard": 0, "index": index, "node": "es7-test-node",
                                   "reason": dict(inner, index_uuid="_na_", index=index)}])


def validate(query):
    """Check the shape of a query (raises parsing_exception like ES's parser does)."""
    if not isinstance(query, dict):
        raise parsing_error("[_na] query malformed, must start with start_object")
    if len(query) != 1:
        if not query:
            return
        names = list(query)
        raise parsing_error("[%s] malformed query, expected [END_OBJECT] but found [FIELD_NAME]" % names[0])
    (name, body), = query.items()
    if name in KNOWN_UNSUPPORTED:
        raise parsing_error("[es7_server] query [%s] is not supported by the test server" % name)
    if name not in SUPPORTED:
        raise parsing_error("unknown query [%s]" % name)
    if not isinstance(body, dict):
        raise parsing_error("[%s] query malformed, no start_object after query name" % name)
    if name == "bool":
        for clause, sub in body.items():
            if clause in ("must", "filter", "should", "must_not"):
                for q in (sub if isinstance(sub, list) else [sub]):
                    validate(q)
            elif clause not in ("minimum_should_match", "boost", "_name"):
                raise parsing_error("[bool] query does not support [%s]" % clause)
    elif name == "constant_score":
        if "filter" not in body:
            raise parsing_error("[constant_score] requires a 'filter' element")
        validate(body["filter"])
    elif name in ("term", "terms", "range", "match", "prefix"):
        fields = [k for k in body if k not in ("boost", "_name")]
        if len(fields) != 1:
            raise parsing_error("[%s] query doesn't support multiple fields, found [%s] and [%s]"
                                % ((name,) + tuple(fields[:2])) if len(fields) > 1
                                else "[%s] query requires a field" % name)
        if name == "terms" and not isinstance(body[fields[0]], list):
            raise parsing_error("[terms] query does not support [%s]" % fields[0])
        if name == "range":
            spec = body[fields[0]]
            if not isinstance(spec, dict):
                raise parsing_error("[range] query malformed, no start_object after query name")
            for key in spec:
                if key not in ("gt", "gte", "lt", "lte", "from", "to", "include_lower",
                               "include_upper", "format", "time_zone", "boost", "relation"):
                    raise parsing_error("[range] query does not support [%s]" % key)
    elif name == "exists" and "field" not in body:
        raise parsing_error("[exists] must be provided with a [field]")
    elif name == "ids" and not isinstance(body.get("values"), list):
        raise parsing_error("[ids] query requires [values]")


class Doc:
    """What a query runs against: id, insertion order, indexed field values."""

    def __init__(self, index, doc_id, order, fields, source):
        self.index, self.id, self.order, self.fields, self.source = index, doc_id, order, fields, source


def _field_and_value(body):
    field = next(k for k in body if k not in ("boost", "_name"))
    value = body[field]
    return field, value


def _to_indexed(spec, value, fmt=None):
    """A query value in the form the field indexes values (raises EsError on bad values)."""
    ftype = spec.get("type")
    try:
        if ftype == "date":
            text = text_of(value)
            try:
                return dates.parse_query_date(text, fmt or spec.get("format"))
            except dates.DateParseError:
                raise _Bad({"type": "parse_exception", "reason": "failed to parse date field [%s] with "
                            "format [%s]" % (text, fmt or spec.get("format", dates.DEFAULT_FORMAT))})
        if ftype == "text":
            return text_of(value)
        return coerce_value(dict(spec, coerce=True, ignore_above=None), value)
    except _Bad as bad:
        raise EsError(400, "query_shard_exception", "failed to create query: %s" % bad.caused_by["reason"],
                      caused_by=bad.caused_by)


def _values(doc, field):
    if field == "_id":
        return [doc.id]
    if field == "_index":
        return [doc.index]
    return doc.fields.get(field, [])


def matches(query, doc, mapping):
    """Whether doc (a Doc) matches query under the index mapping."""
    if not query:
        return True
    (name, body), = query.items()
    if name == "match_all":
        return True
    if name == "match_none":
        return False
    if name == "bool":
        def listed(key):
            sub = body.get(key, [])
            return sub if isinstance(sub, list) else [sub]
        if not all(matches(q, doc, mapping) for q in listed("must") + listed("filter")):
            return False
        if any(matches(q, doc, mapping) for q in listed("must_not")):
            return False
        should = listed("should")
        if not should:
            return True
        default = 0 if listed("must") or listed("filter") else 1
        needed = body.get("minimum_should_match", default)
        if isinstance(needed, str):
            needed = int(needed.rstrip("%")) * len(should) // 100 if needed.endswith("%") else int(needed)
        return sum(1 for q in should if matches(q, doc, mapping)) >= needed
    if name == "constant_score":
        return matches(body["filter"], doc, mapping)
    if name == "ids":
        return doc.id in [text_of(v) for v in body["values"]]
    if name == "exists":
        field = body["field"]
        return bool(_values(doc, field)) or any(k.startswith(field + ".") for k in doc.fields)
    field, value = _field_and_value(body)
    if field in ("_id", "_index"):
        spec = {"type": "keyword"}
    else:
        spec = lookup(mapping, field)
        if spec is None or spec.get("type", "object") in ("object", "nested"):
            return False
    have = _values(doc, field)
    if name == "term":
        if isinstance(value, dict):
            value = value.get("value")
        return _to_indexed(spec, value) in have
    if name == "terms":
        wanted = [_to_indexed(spec, v) for v in value]
        return any(w in have for w in wanted)
    if name == "prefix":
        if isinstance(value, dict):
            value = value.get("value")
        return any(isinstance(h, str) and h.startswith(text_of(value)) for h in have)
    if name == "match":
        if isinstance(value, dict):
            value = value.get("query")
        if spec.get("type") == "text":
            from .mapping import tokens
            return any(t in have for t in tokens(text_of(value)))
        return _to_indexed(spec, value) in have
    if name == "range":
        fmt = value.get("format")
        bounds = []
        lower_inc = value.get("include_lower", True)
        upper_inc = value.get("include_upper", True)
        for key, op in (("gt", ">"), ("gte", ">="), ("lt", "<"), ("lte", "<="),
                        ("from", ">=" if lower_inc else ">"), ("to", "<=" if upper_inc else "<")):
            if value.get(key) is not None:
                bound = value[key]
                if spec.get("type") in ("keyword", "text"):
                    bound = text_of(bound)
                else:
                    bound = _to_indexed(spec, bound, fmt)
                bounds.append((op, bound))
        for h in have:
            if all(_compare(h, op, b) for op, b in bounds):
                return True
        return False
    return False


def _compare(a, op, b):
    try:
        return {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[op]
    except TypeError:
        return False


def parse_sort(sort):
    """Normalise a sort spec into [(field, order, missing, unmapped_type)]."""
    if sort is None:
        return []
    items = sort if isinstance(sort, list) else [sort]
    out = []
    for item in items:
        if isinstance(item, str):
            field, _, order = item.partition(":")
            out.append((field, order or ("desc" if field == "_score" else "asc"), "_last", None))
        elif isinstance(item, dict) and len(item) == 1:
            (field, spec), = item.items()
            if isinstance(spec, str):
                spec = {"order": spec}
            if not isinstance(spec, dict):
                raise parsing_error("[sort] malformed sort for field [%s]" % field)
            order = spec.get("order", "desc" if field == "_score" else "asc")
            if order not in ("asc", "desc"):
                raise EsError(400, "illegal_argument_exception", "Unknown SortOrder [%s]" % order)
            out.append((field, order, spec.get("missing", "_last"), spec.get("unmapped_type")))
        else:
            raise parsing_error("[sort] malformed sort: %s" % java_repr(item))
    return out


def check_sort_fields(sorts, mappings):
    """ES refuses sorting on text fields and on fields no target index maps."""
    for field, _, _, unmapped in sorts:
        if field in ("_score", "_doc", "_id", "_index"):
            continue
        specs = [lookup(m, field) for m in mappings.values()]
        specs = [s for s in specs if s is not None]
        for index, m in mappings.items():
            spec = lookup(m, field)
            if spec is not None and spec.get("type", "object") in ("text", "object", "nested"):
                inner = {"type": "illegal_argument_exception", "reason":
                         "Text fields are not optimised for operations that require per-document field "
                         "data like aggregations and sorting, so these operations are disabled by default. "
                         "Please use a keyword field instead. Alternatively, set fielddata=true on [%s] in "
                         "order to load field data by uninverting the inverted index. Note that this can "
                         "use significant memory." % field}
                raise shard_failure(inner, index)
        if not specs and not unmapped and mappings:
            index = sorted(mappings)[0]
            raise shard_failure({"type": "query_shard_exception",
                                 "reason": "No mapping found for [%s] in order to sort on" % field}, index)


def sort_docs(hits, sorts):
    """Sort [(doc, score)] in place by sorts; returns the sort values per hit."""
    def value(doc, score, field, order):
        if field == "_score":
            return score
        if field == "_doc":
            return doc.order
        vals = [v for v in _values(doc, field) if v is not None]
        if not vals:
            return None
        vals = [int(v) if isinstance(v, bool) else v for v in vals]
        return min(vals) if order == "asc" else max(vals)

    keyed = []
    for doc, score in hits:
        keyed.append((doc, score, [value(doc, score, f, o) for f, o, _, _ in sorts]))
    for pos in reversed(range(len(sorts))):
        field, order, missing, _ = sorts[pos]
        present = [k for k in keyed if k[2][pos] is not None]
        absent = [k for k in keyed if k[2][pos] is None]
        try:
            present.sort(key=lambda k: k[2][pos], reverse=(order == "desc"))
        except TypeError:
            raise EsError(400, "illegal_argument_exception", "Can't sort on field [%s]: the field has "
                          "different types in the target indices" % field)
        keyed = absent + present if missing == "_first" else present + absent
    return keyed


def filter_source(source, spec):
    """Apply a _source filter (false, a pattern list, or {includes, excludes})."""
    if spec is None or spec is True:
        return source
    if spec is False:
        return None
    if isinstance(spec, str):
        spec = [spec]
    includes, excludes = (spec, []) if isinstance(spec, list) else (
        spec.get("includes", spec.get("include", [])), spec.get("excludes", spec.get("exclude", [])))
    includes = [includes] if isinstance(includes, str) else includes
    excludes = [excludes] if isinstance(excludes, str) else excludes

    def walk(obj, prefix, included):
        out = {}
        for key, val in obj.items():
            path = prefix + key
            if any(fnmatch.fnmatchcase(path, p) for p in excludes):
                continue
            if included or not includes or any(fnmatch.fnmatchcase(path, p) for p in includes):
                out[key] = walk(val, path + ".", True) if isinstance(val, dict) else val
            elif isinstance(val, dict) and any(p.startswith(path + ".") or p.startswith("*")
                                               for p in includes):
                sub = walk(val, path + ".", False)
                if sub:
                    out[key] = sub
        return out
    return walk(source, "", False)


NUMERIC_TYPES = set(INT_RANGES) | set(FLOAT_MAX)
