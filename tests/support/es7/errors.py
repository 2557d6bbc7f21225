"""Elasticsearch-shaped errors and a JSON reader as strict as the one ES uses.

ES (Jackson) rejects duplicate keys, NaN/Infinity and raw control characters;
json.loads is told to do the same. Floats keep their original text (JFloat)
so that values like 1.50 are seen the way ES sees them.
"""
import json


class EsError(Exception):
    """An error that becomes an ES error response or a failed bulk item."""

    def __init__(self, status, etype, reason, caused_by=None, root_cause=None, **extra):
        super().__init__(reason)
        self.status = status
        self.etype = etype
        self.reason = reason
        self.caused_by = caused_by
        self.root_cause = root_cause
        self.extra = extra

    def error_object(self):
        obj = {"type": self.etype, "reason": self.reason}
        obj.update(self.extra)
        if self.caused_by:
            obj["caused_by"] = self.caused_by
        return obj

    def body(self):
        obj = self.error_object()
        if self.root_cause is not None:
            roots = self.root_cause
        else:
            root = dict(obj)
            root.pop("caused_by", None)
            roots = [root]
        return {"error": dict({"root_cause": roots}, **obj), "status": self.status}


class PlainError(Exception):
    """Errors that ES reports as {"error": "<text>", "status": N} (406, 405, 400 no handler)."""

    def __init__(self, status, message, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}

    def body(self):
        return {"error": self.message, "status": self.status}


def index_not_found(index, status=404):
    return EsError(status, "index_not_found_exception", "no such index [%s]" % index,
                   **{"resource.type": "index_or_alias", "resource.id": index,
                      "index_uuid": "_na_", "index": index})


def illegal_argument(reason, status=400, **extra):
    return EsError(status, "illegal_argument_exception", reason, **extra)


def validation_failed(messages):
    text = "Validation Failed: " + "".join(
        "%d: %s;" % (i + 1, m) for i, m in enumerate(messages))
    return EsError(400, "action_request_validation_exception", text)


# ---------------------------------------------------------------- JSON reading

class JsonError(ValueError):
    """A JSON text ES would not accept; str() is a Jackson-like message."""


class JFloat(float):
    """A float that remembers how it was written in the request."""

    def __new__(cls, text):
        obj = super().__new__(cls, text)
        obj.text = text
        return obj


def _pairs(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise JsonError("Duplicate field '%s'" % key)
        out[key] = value
    return out


def _no_constants(name):
    raise JsonError("Non-standard token '%s': enable JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS "
                    "to allow" % name)


def loads(data):
    """Parse JSON text (str or UTF-8 bytes) the way ES would; raises JsonError."""
    if isinstance(data, (bytes, bytearray)):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonError("Invalid UTF-8 start byte 0x%02x" % data[exc.start])
    try:
        return json.loads(data, object_pairs_hook=_pairs, parse_float=JFloat,
                          parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise JsonError("%s at [line: %d, column: %d]" % (exc.msg, exc.lineno, exc.colno))
    except RecursionError:
        raise JsonError("Document nesting depth exceeds the allowed maximum")


def first_token(text):
    """Name of the first JSON token of text, as Jackson would report it (None if blank)."""
    s = text.lstrip(" \t\r\n")
    if not s:
        return None
    c = s[0]
    if c == "{":
        return "START_OBJECT"
    if c == "[":
        return "START_ARRAY"
    if c == '"':
        return "VALUE_STRING"
    if c == "-" or c.isdigit():
        return "VALUE_NUMBER_INT"
    if s.startswith("true"):
        return "VALUE_TRUE"
    if s.startswith("false"):
        return "VALUE_FALSE"
    if s.startswith("null"):
        return "VALUE_NULL"
    return "INVALID"


def token_of(value):
    """Jackson token name for a parsed JSON value."""
    if isinstance(value, dict):
        return "START_OBJECT"
    if isinstance(value, list):
        return "START_ARRAY"
    if isinstance(value, str):
        return "VALUE_STRING"
    if isinstance(value, bool):
        return "VALUE_TRUE" if value else "VALUE_FALSE"
    if value is None:
        return "VALUE_NULL"
    if isinstance(value, float):
        return "VALUE_NUMBER_FLOAT"
    return "VALUE_NUMBER_INT"


def text_of(value):
    """The text ES reads for a scalar JSON value (parser.text())."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, JFloat):
        return value.text
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return java_repr(value)
    return str(value)


def java_repr(value):
    """How Java's Map/List toString would show a parsed value (for error previews)."""
    if isinstance(value, dict):
        return "{" + ", ".join("%s=%s" % (k, java_repr(v)) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(java_repr(v) for v in value) + "]"
    return text_of(value)


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
