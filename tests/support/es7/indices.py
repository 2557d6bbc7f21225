"""Indices of the ES 7 test server: index and document records, index names and settings.

Index / DocRec hold one index's state (mapping, settings, documents, sequence
numbers); validate_index_name applies ES's index name rules; flatten_settings /
validate_settings / nest_settings handle index settings; simple_match is ES's
'*'-only wildcard match used for index expressions and template patterns.
"""
import base64
import os
import re
import time

from .errors import EsError, illegal_argument, text_of

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
