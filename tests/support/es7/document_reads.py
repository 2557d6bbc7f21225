"""Document reads of the ES 7 test server: GET of one document, _search / _count
execution (matching, sorting, paging, hit rendering) and the test-control dump.

DocumentReader is a mixin of store.Cluster (it uses the cluster's lock, indices,
resolve and get_index); query parsing and evaluation live in search.py.
"""
import copy
import time

from . import search as sr
from .errors import EsError


class DocumentReader:
    """Reads of store.Cluster (mixin; state lives in the Cluster)."""

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
