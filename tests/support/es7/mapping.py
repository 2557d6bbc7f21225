"""Mappings as Elasticsearch 7 applies them: validation, dynamic mapping, per-document parsing.

A mapping is kept in its JSON form (what GET _mapping returns). DocumentParser
walks a source document against it, adds dynamic fields the way ES 7 does
(strings: date detection, else text + .keyword; integers: long; floats: float;
booleans: boolean; objects: object; nulls and empty arrays: nothing), honours
dynamic_templates, "dynamic": false/strict, coerce and ignore_malformed, and
returns the values to index (dates as epoch millis, text as lowercase tokens).
"""
import copy
import decimal
import fnmatch
import ipaddress
import re

from . import dates
from .errors import EsError, java_repr, text_of, token_of

INT_RANGES = {"long": (-2 ** 63, 2 ** 63 - 1), "integer": (-2 ** 31, 2 ** 31 - 1),
              "short": (-2 ** 15, 2 ** 15 - 1), "byte": (-128, 127)}
FLOAT_MAX = {"double": 1.7976931348623157e308, "float": 3.4028234663852886e38,
             "half_float": 65504.0, "scaled_float": 1.7976931348623157e308}
OBJECT_TYPES = {"object", "nested"}
SCALAR_TYPES = set(INT_RANGES) | set(FLOAT_MAX) | {"keyword", "text", "boolean", "date", "ip"}
# Real ES 7 types this server does not model: mappings using them are refused loudly
# rather than accepted without checking values.
UNSUPPORTED_TYPES = {"binary", "geo_point", "geo_shape", "point", "shape", "alias", "flattened",
                     "dense_vector", "sparse_vector", "date_nanos", "unsigned_long", "wildcard",
                     "constant_keyword", "match_only_text", "search_as_you_type", "token_count",
                     "integer_range", "long_range", "float_range", "double_range", "date_range",
                     "ip_range", "percolator", "join", "rank_feature", "rank_features",
                     "histogram", "version", "completion", "aggregate_metric_double",
                     "annotated_text", "murmur3", "icu_collation_keyword"}

_STORE = {"type", "meta", "index", "store", "doc_values", "boost", "copy_to", "fields"}
FIELD_PARAMS = {
    "text": _STORE | {"analyzer", "search_analyzer", "search_quote_analyzer", "norms",
                      "index_options", "index_phrases", "index_prefixes", "fielddata",
                      "fielddata_frequency_filter", "position_increment_gap", "similarity",
                      "term_vector", "eager_global_ordinals"},
    "keyword": _STORE | {"ignore_above", "null_value", "normalizer", "norms", "index_options",
                         "similarity", "split_queries_on_whitespace", "eager_global_ordinals"},
    "number": _STORE | {"coerce", "ignore_malformed", "null_value"},
    "boolean": _STORE | {"null_value"},
    "date": _STORE | {"format", "locale", "ignore_malformed", "null_value"},
    "ip": _STORE | {"ignore_malformed", "null_value"},
}
OBJECT_PARAMS = {"type", "properties", "dynamic", "enabled", "include_in_parent", "include_in_root"}
ROOT_PARAMS = {"properties", "dynamic", "date_detection", "numeric_detection",
               "dynamic_date_formats", "dynamic_templates", "_source", "_routing", "_meta",
               "_field_names", "enabled", "runtime"}
METADATA_FIELDS = {"_id", "_index", "_routing", "_source", "_type", "_version", "_seq_no",
                   "_primary_term", "_field_names", "_ignored", "_size", "_doc_count",
                   "_data_stream_timestamp", "_tier", "_feature", "_nested_path"}
MATCH_TYPES = {"object", "string", "long", "double", "boolean", "date", "binary", "*"}
DEFAULT_TYPE_FOR = {"string": "text", "long": "long", "double": "float", "boolean": "boolean",
                    "date": "date", "object": "object", "binary": "binary"}
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_JAVA_LONG = re.compile(r"[+-]?\d+")
_JAVA_DOUBLE = re.compile(r"\s*[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)\s*")


def _param_group(ftype):
    if ftype in INT_RANGES or ftype in FLOAT_MAX:
        return "number"
    return ftype


def mapping_error(reason):
    """A mapping definition error as ES reports it when an index/template is created."""
    return EsError(400, "mapper_parsing_exception", "Failed to parse mapping [_doc]: " + reason,
                   caused_by={"type": "mapper_parsing_exception", "reason": reason})


# ------------------------------------------------------------------ validation

def validate_field(name, spec, multi=False):
    if not isinstance(spec, dict):
        raise mapping_error("Expected map for property [%s] but got a class %s"
                            % (name, "java.lang.String" if isinstance(spec, str) else "java.util.ArrayList"))
    ftype = spec.get("type", "object" if not multi else None)
    if ftype is None:
        raise mapping_error("No type specified for field [%s]" % name)
    if not isinstance(ftype, str):
        raise mapping_error("No handler for type [%s] declared on field [%s]" % (java_repr(ftype), name))
    if ftype in OBJECT_TYPES:
        if multi:
            raise mapping_error("Type [%s] cannot be used in multi field" % ftype)
        extra = sorted(set(spec) - OBJECT_PARAMS)
        if extra:
            raise mapping_error("Mapping definition for [%s] has unsupported parameters:  %s" % (
                name, " ".join("[%s : %s]" % (k, java_repr(spec[k])) for k in extra)))
        _validate_dynamic(spec.get("dynamic"))
        props = spec.get("properties", {})
        if not isinstance(props, dict):
            raise mapping_error("Expected map for property [properties] on field [%s]" % name)
        for child, cspec in props.items():
            validate_field(child, cspec)
        return
    if ftype in UNSUPPORTED_TYPES:
        raise mapping_error("field type [%s] of field [%s] is a real Elasticsearch type that the "
                            "es7_server test server does not support" % (ftype, name))
    if ftype not in SCALAR_TYPES:
        raise mapping_error("No handler for type [%s] declared on field [%s]" % (ftype, name))
    allowed = FIELD_PARAMS[_param_group(ftype)] | ({"scaling_factor"} if ftype == "scaled_float" else set())
    for key in spec:
        if key not in allowed:
            raise mapping_error("unknown parameter [%s] on mapper [%s] of type [%s]" % (key, name, ftype))
    if ftype == "scaled_float" and "scaling_factor" not in spec:
        raise mapping_error("Field [scaling_factor] is required")
    if ftype == "date":
        try:
            dates.formatter(spec.get("format", dates.DEFAULT_FORMAT))
        except dates.DateFormatError as exc:
            raise mapping_error("Error parsing [format] on field [%s]: %s" % (name, exc))
    if "ignore_above" in spec and (not isinstance(spec["ignore_above"], int) or isinstance(spec["ignore_above"], bool)):
        raise mapping_error("Failed to parse value [%s] as only integers are allowed for [ignore_above]"
                            % text_of(spec["ignore_above"]))
    fields = spec.get("fields", {})
    if not isinstance(fields, dict):
        raise mapping_error("Expected map for property [fields] on field [%s]" % name)
    for sub, sspec in fields.items():
        validate_field(sub, sspec, multi=True)


def _validate_dynamic(value):
    if value is not None and value not in (True, False, "true", "false", "strict", "runtime"):
        raise mapping_error("Could not convert [dynamic] to boolean")


def validate_mapping(root):
    """Check a typeless mapping as ES 7 would when creating an index or template."""
    if root is None:
        return {}
    if not isinstance(root, dict):
        raise mapping_error("Expected map for mappings")
    extra = [k for k in root if k not in ROOT_PARAMS]
    if extra:
        raise mapping_error("Root mapping definition has unsupported parameters:  %s" % " ".join(
            "[%s : %s]" % (k, java_repr(root[k])) for k in extra))
    _validate_dynamic(root.get("dynamic"))
    for key in ("date_detection", "numeric_detection"):
        if key in root and root[key] not in (True, False, "true", "false"):
            raise mapping_error("Could not convert [%s] to boolean" % key)
    formats = root.get("dynamic_date_formats")
    if formats is not None:
        if isinstance(formats, str):
            formats = [formats]
        for spec in formats:
            try:
                dates.formatter(spec)
            except (dates.DateFormatError, TypeError) as exc:
                raise mapping_error(str(exc))
    for entry in root.get("dynamic_templates") or []:
        if not isinstance(entry, dict) or len(entry) != 1:
            raise mapping_error("A dynamic template must be defined with a name")
        (tname, tspec), = entry.items()
        if not isinstance(tspec, dict) or not isinstance(tspec.get("mapping"), dict):
            raise mapping_error("template [%s] must have a [mapping] object" % tname)
        mmt = tspec.get("match_mapping_type")
        if mmt is not None and mmt not in MATCH_TYPES:
            raise mapping_error("No field type matched on [%s], possible values are "
                                "[object, string, long, double, boolean, date, binary]" % mmt)
    props = root.get("properties", {})
    if not isinstance(props, dict):
        raise mapping_error("Expected map for property [properties]")
    for name, spec in props.items():
        validate_field(name, spec)
    return root


def merge(base, overlay):
    """Deep merge overlay onto base (overlay wins); dynamic_templates merge by name."""
    out = copy.deepcopy(base)
    for key, value in (overlay or {}).items():
        if key == "dynamic_templates" and isinstance(out.get(key), list) and isinstance(value, list):
            names = {next(iter(t)): i for i, t in enumerate(out[key]) if isinstance(t, dict) and t}
            for tmpl in value:
                name = next(iter(tmpl)) if isinstance(tmpl, dict) and tmpl else None
                if name in names:
                    out[key][names[name]] = copy.deepcopy(tmpl)
                else:
                    out[key].append(copy.deepcopy(tmpl))
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def check_update(current, update, path=""):
    """Refuse mapping updates that change the type of an existing field."""
    for name, spec in (update.get("properties") or {}).items():
        old = (current.get("properties") or {}).get(name)
        full = path + name
        if old is None or not isinstance(spec, dict):
            continue
        old_type, new_type = old.get("type", "object"), spec.get("type", "object")
        if old_type != new_type:
            raise EsError(400, "illegal_argument_exception", "mapper [%s] cannot be changed from type "
                          "[%s] to [%s]" % (full, old_type, new_type))
        if new_type in OBJECT_TYPES:
            check_update(old, spec, full + ".")


def count_fields(node):
    total = 0
    for spec in (node.get("properties") or {}).values():
        total += 1 + len(spec.get("fields") or {}) + count_fields(spec)
    return total


def lookup(root, path):
    """The mapping of a dotted field path (multi-fields included), or None."""
    node, parts = root, path.split(".")
    for i, part in enumerate(parts):
        props = node.get("properties") or {}
        if part in props:
            node = props[part]
            continue
        if i == len(parts) - 1 and part in (node.get("fields") or {}):
            return node["fields"][part]
        return None
    return node if node is not root else None


# ------------------------------------------------------------------ value coercion

class _Bad(Exception):
    def __init__(self, caused_by):
        super().__init__(caused_by.get("reason"))
        self.caused_by = caused_by


def _cause(etype, reason, **extra):
    return dict({"type": etype, "reason": reason}, **extra)


def _not_numeric(value):
    return _Bad(_cause("json_parse_exception", "Current token (%s) not numeric, can not use numeric "
                       "value accessors" % token_of(value)))


def coerce_value(spec, value, index_settings=None):
    """The value to index for a scalar under field spec; raises _Bad (caused_by) if ES would fail."""
    settings = index_settings or {}
    ftype = spec.get("type")
    coerce = _truthy(spec.get("coerce", settings.get("index.mapping.coerce", True)))
    if (ftype in INT_RANGES or ftype in FLOAT_MAX) and value == "" and coerce:
        return None  # ES treats an empty string in a coercing numeric field as null
    if ftype in INT_RANGES:
        if isinstance(value, bool):
            raise _not_numeric(value)
        if isinstance(value, int):
            text = str(value)
            number = decimal.Decimal(value)
        elif isinstance(value, float):
            text = text_of(value)
            number = decimal.Decimal(text)
        else:
            text = value
            if not _DECIMAL.fullmatch(text):
                raise _Bad(_cause("number_format_exception", 'For input string: "%s"' % text))
            if not coerce:
                raise _Bad(_cause("illegal_argument_exception",
                                  "[%s] cannot be coerced: coerce is disabled on this field" % text))
            number = decimal.Decimal(text)
        if number != number.to_integral_value(rounding=decimal.ROUND_DOWN) and not coerce:
            raise _Bad(_cause("illegal_argument_exception", "Value [%s] has a decimal part" % text))
        result = int(number.to_integral_value(rounding=decimal.ROUND_DOWN))
        low, high = INT_RANGES[ftype]
        if not low <= result <= high:
            article = "an" if ftype == "integer" else "a"
            raise _Bad(_cause("illegal_argument_exception",
                              "Value [%s] is out of range for %s %s" % (text, article, ftype)))
        return result
    if ftype in FLOAT_MAX:
        if isinstance(value, bool):
            raise _not_numeric(value)
        if isinstance(value, str):
            if not _JAVA_DOUBLE.fullmatch(value):
                raise _Bad(_cause("number_format_exception", 'For input string: "%s"' % value))
            if not coerce:
                raise _Bad(_cause("illegal_argument_exception",
                                  "[%s] cannot be coerced: coerce is disabled on this field" % value))
            result = float(value.strip().rstrip("fFdD"))
        else:
            try:
                result = float(value)
            except OverflowError:
                result = float("inf")
        if result != result or abs(result) > FLOAT_MAX[ftype]:
            shown = "NaN" if result != result else ("Infinity" if result > 0 else "-Infinity")
            raise _Bad(_cause("illegal_argument_exception",
                              "[%s] supports only finite values, but got [%s]" % (ftype, shown)))
        if ftype == "scaled_float":
            return round(result * float(spec["scaling_factor"])) / float(spec["scaling_factor"])
        return result
    if ftype in ("keyword", "text"):
        text = text_of(value)
        if ftype == "text":
            return tokens(text)
        limit = spec.get("ignore_above")
        if isinstance(limit, int) and len(text) > limit:
            return None
        return text
    if ftype == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            if value in ("true", "false"):
                return value == "true"
            if value == "":
                return None
            raise _Bad(_cause("illegal_argument_exception", "Failed to parse value [%s] as only [true] "
                              "or [false] are allowed." % value))
        raise _Bad(_cause("json_parse_exception", "Current token (%s) not of boolean type" % token_of(value)))
    if ftype == "date":
        fmt = spec.get("format", dates.DEFAULT_FORMAT)
        text = text_of(value)
        try:
            return dates.formatter(fmt).parse(text)
        except dates.DateParseError:
            raise _Bad(_cause("illegal_argument_exception",
                              "failed to parse date field [%s] with format [%s]" % (text, fmt),
                              caused_by=_cause("date_time_parse_exception",
                                               "Failed to parse with all enclosed parsers")))
    if ftype == "ip":
        text = text_of(value)
        try:
            if not isinstance(value, str):
                raise ValueError
            return str(ipaddress.ip_address(text))
        except ValueError:
            raise _Bad(_cause("illegal_argument_exception", "'%s' is not an IP string literal." % text))
    raise _Bad(_cause("illegal_argument_exception", "cannot index values of type [%s]" % ftype))


def tokens(text):
    """A rough stand-in for the standard analyzer: lowercase word tokens."""
    return re.findall(r"\w+", text.lower())


def _truthy(value):
    return value is True or value == "true"


def _dynamic_of(value, inherited):
    if value is None:
        return inherited
    if value in (True, "true"):
        return "true"
    if value in (False, "false"):
        return "false"
    return value


def _wildcard(pattern, text, regex=False):
    if regex:
        return re.fullmatch(pattern, text) is not None
    return fnmatch.fnmatchcase(text, pattern.replace("[", "[[]"))


def _substitute(value, name, dynamic_type):
    if isinstance(value, str):
        return value.replace("{name}", name).replace("{dynamic_type}", dynamic_type) \
            .replace("{dynamicType}", dynamic_type)
    if isinstance(value, dict):
        return {k: _substitute(v, name, dynamic_type) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, name, dynamic_type) for v in value]
    return value


# ------------------------------------------------------------------ documents

class DocumentParser:
    """Parse one source document against a mapping (ES 7 DocumentParser semantics).

    parse() returns (mapping_or_None, fields): the updated mapping when dynamic
    fields were added (None if unchanged) and {path: [indexed values]}.
    Raises EsError (mapper_parsing_exception & co.) when ES would reject the doc.
    """

    def __init__(self, mapping, doc_id, index_settings=None):
        self.root = copy.deepcopy(mapping or {})
        self.doc_id = doc_id
        self.settings = index_settings or {}
        self.changed = False
        self.fields = {}
        self.ignored = []
        self.templates = self.root.get("dynamic_templates") or []
        formats = self.root.get("dynamic_date_formats", dates.DEFAULT_DYNAMIC_FORMATS)
        self.date_formats = [formats] if isinstance(formats, str) else formats
        self.date_detection = self.root.get("date_detection", True) not in (False, "false")
        self.numeric_detection = _truthy(self.root.get("numeric_detection", False))

    def parse(self, source):
        if not isinstance(source, dict):
            raise EsError(400, "mapper_parsing_exception", "Malformed content, must start with an object")
        self._object(self.root, _dynamic_of(self.root.get("dynamic"), "true"), source, "")
        if self.changed:
            limit = int(self.settings.get("index.mapping.total_fields.limit", 1000))
            if count_fields(self.root) > limit:
                raise EsError(400, "illegal_argument_exception",
                              "Limit of total fields [%d] has been exceeded" % limit)
        return (self.root if self.changed else None), self.fields

    def _object(self, node, dynamic, obj, prefix):
        props = node.setdefault("properties", {})
        for key, value in obj.items():
            if not prefix and key in METADATA_FIELDS:
                raise EsError(400, "mapper_parsing_exception", "Field [%s] is a metadata field and cannot be "
                              "added inside a document. Use the index API request parameters." % key)
            if key.strip() == "" or any(p.strip() == "" for p in key.split(".")):
                raise EsError(400, "mapper_parsing_exception",
                              "field name cannot be an empty string" if key == "" else
                              "object field cannot contain only whitespace: ['%s%s']" % (prefix, key))
            head, _, rest = key.partition(".")
            if rest:
                value = {rest: value}
            self._field(props, dynamic, head, value, prefix + head, prefix[:-1] or "_doc")

    def _field(self, props, dynamic, name, value, path, parent):
        if value is None:
            spec = props.get(name)
            if spec and "null_value" in spec and spec.get("type") not in OBJECT_TYPES:
                self._scalar(spec, spec["null_value"], path)
            return
        if isinstance(value, list):
            for item in value:
                self._field(props, dynamic, name, item, path, parent)
            return
        spec = props.get(name)
        if isinstance(value, dict):
            created_default = False
            if spec is None:
                if dynamic == "strict":
                    raise self._strict(name, parent)
                if dynamic != "true":
                    return
                spec = self._dynamic_spec(name, path, "object", None)
                if spec is None:  # ES shows a dynamic object as {"type":"object"} until it has fields
                    spec = {"type": "object"}
                    created_default = True
                props[name] = spec
                self.changed = True
            if spec.get("type", "object") not in OBJECT_TYPES:
                raise self._field_error(path, spec.get("type"), value, _cause(
                    "illegal_state_exception", "Can't get text on a START_OBJECT at 1:1"))
            if spec.get("enabled", True) in (False, "false"):
                return
            self._object(spec, _dynamic_of(spec.get("dynamic"), dynamic), value, path + ".")
            if created_default and spec["properties"]:
                del spec["type"]
            elif not spec["properties"] and "type" in spec:
                del spec["properties"]
            return
        if spec is None:
            if dynamic == "strict":
                raise self._strict(name, parent)
            if dynamic != "true":
                return
            spec = self._new_scalar_spec(name, path, value)
            props[name] = spec
            self.changed = True
        if spec.get("type", "object") in OBJECT_TYPES:
            raise EsError(400, "mapper_parsing_exception", "object mapping for [%s] tried to parse field "
                          "[%s] as object, but found a concrete value" % (path, name))
        self._scalar(spec, value, path)

    def _scalar(self, spec, value, path):
        ftype = spec.get("type")
        try:
            indexed = coerce_value(spec, value, self.settings)
        except _Bad as bad:
            malformed = spec.get("ignore_malformed", self.settings.get("index.mapping.ignore_malformed", False))
            if _truthy(malformed) and ftype not in ("keyword", "text", "boolean"):
                self.ignored.append(path)
                return
            raise self._field_error(path, ftype, value, bad.caused_by)
        if indexed is not None:
            if isinstance(indexed, list):
                self.fields.setdefault(path, []).extend(indexed)
            else:
                self.fields.setdefault(path, []).append(indexed)
        for sub, sspec in (spec.get("fields") or {}).items():
            self._scalar(sspec, value, path + "." + sub)

    def _field_error(self, path, ftype, value, caused_by):
        preview = java_repr(value) if isinstance(value, (dict, list)) else text_of(value)
        return EsError(400, "mapper_parsing_exception",
                       "failed to parse field [%s] of type [%s] in document with id '%s'. "
                       "Preview of field's value: '%s'" % (path, ftype, self.doc_id, preview),
                       caused_by=caused_by)

    @staticmethod
    def _strict(name, parent):
        return EsError(400, "strict_dynamic_mapping_exception", "mapping set to strict, dynamic "
                       "introduction of [%s] within [%s] is not allowed" % (name, parent))

    def _dynamic_spec(self, name, path, match_type, default, date_format=None):
        for entry in self.templates:
            (_, tspec), = entry.items()
            mmt = tspec.get("match_mapping_type")
            if mmt not in (None, "*", match_type):
                continue
            regex = tspec.get("match_pattern") == "regex"
            if "match" in tspec and not _wildcard(tspec["match"], name, regex):
                continue
            if "unmatch" in tspec and _wildcard(tspec["unmatch"], name, regex):
                continue
            if "path_match" in tspec and not _wildcard(tspec["path_match"], path, regex):
                continue
            if "path_unmatch" in tspec and _wildcard(tspec["path_unmatch"], path, regex):
                continue
            dynamic_type = DEFAULT_TYPE_FOR[match_type]
            spec = _substitute(copy.deepcopy(tspec["mapping"]), name, dynamic_type)
            spec.setdefault("type", dynamic_type)
            if spec.get("type") == "date" and "format" not in spec and date_format \
                    and date_format != dates.DEFAULT_FORMAT:
                spec["format"] = date_format
            try:
                validate_field(name, spec)
            except EsError as exc:
                raise EsError(400, "mapper_parsing_exception", exc.caused_by["reason"])
            return spec
        return default

    def _new_scalar_spec(self, name, path, value):
        if isinstance(value, bool):
            return self._dynamic_spec(name, path, "boolean", {"type": "boolean"})
        if isinstance(value, int):
            return self._dynamic_spec(name, path, "long", {"type": "long"})
        if isinstance(value, float):
            return self._dynamic_spec(name, path, "double", {"type": "float"})
        as_long = _JAVA_LONG.fullmatch(value) is not None
        as_double = _JAVA_DOUBLE.fullmatch(value) is not None
        if as_long and self.numeric_detection:
            return self._dynamic_spec(name, path, "long", {"type": "long"})
        if as_double and self.numeric_detection:
            return self._dynamic_spec(name, path, "double", {"type": "float"})
        if not as_long and not as_double and self.date_detection:
            for fmt in self.date_formats:
                try:
                    dates.formatter(fmt).parse(value)
                except dates.DateParseError:
                    continue
                default = {"type": "date"}
                if fmt != dates.DEFAULT_FORMAT:
                    default["format"] = fmt
                return self._dynamic_spec(name, path, "date", default, fmt)
        return self._dynamic_spec(name, path, "string", {
            "type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}})
