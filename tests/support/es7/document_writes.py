"""Document writes of the ES 7 test server: executing bulk items (index, create, update,
delete) with ES's per-item results, versioning and optimistic concurrency control.

DocumentWriter is a mixin of store.Cluster (it uses the cluster's lock, indices
and create_index for auto-creation). Failures of single items become failed
bulk items, never whole-request errors.
"""
import base64
import copy
import os

from . import mapping as mp
from .bulk_items import MAX_ID_BYTES
from .errors import EsError, JsonError, illegal_argument, index_not_found, loads, text_of
from .indices import DocRec, validate_index_name


def auto_id():
    """A 20 character id in the style of ES's time-based auto ids."""
    return base64.urlsafe_b64encode(os.urandom(15)).decode()


class DocumentWriter:
    """Bulk item execution of store.Cluster (mixin; state lives in the Cluster)."""

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


def _merge_doc(base, update):
    out = copy.deepcopy(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge_doc(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out
