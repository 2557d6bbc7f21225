"""In-memory cluster state of the ES 7 test server: the Cluster object.

Cluster holds the indices and templates, resolves index expressions and creates,
deletes and maps indices; its other duties come from mixins:
  templates.TemplateRegistry      -- legacy, composable and component templates
  document_writes.DocumentWriter  -- bulk item execution (index/create/update/delete)
  document_reads.DocumentReader   -- GET document, _search / _count, dump
Bulk body parsing is in bulk_items.py, index records and settings in indices.py;
their public names are re-exported here for existing users of es7.store.

Everything here runs under Cluster.lock. Writes are visible at once (refresh is
trivially honoured). Errors are raised as EsError and turned into HTTP
responses (or failed bulk items) by the caller.
"""
import threading

from . import mapping as mp
from .bulk_items import (ACTION_PARAMS, BULK_ACTIONS, MAX_ID_BYTES, UPDATE_FIELDS,  # noqa: F401
                         BulkItem, parse_bulk, parse_update_body, validate_items)
from .document_reads import DocumentReader
from .document_writes import DocumentWriter, auto_id  # noqa: F401
from .errors import EsError, index_not_found
from .indices import (INDEX_SETTING_PREFIXES, INDEX_SETTINGS, WRITE_SHARDS_OK, DocRec,  # noqa: F401
                      Index, flatten_settings, nest_settings, new_uuid, simple_match, validate_index_name,
                      validate_settings)
from .templates import TemplateRegistry


class Cluster(TemplateRegistry, DocumentWriter, DocumentReader):
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
