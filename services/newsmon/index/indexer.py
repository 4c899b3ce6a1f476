"""Bulk indexing of articles and their events, with the guarantees the stream relies on.

One bulk request per batch writes, for every article, its ``news-articles`` document and
one ``news-events`` document per event, and deletes the event documents the article no
longer has.

* **Idempotent.** ``_id`` is the article id for the article and ``<article id>:<event id>``
  for each event, so a redelivered article overwrites its documents. Before writing, the
  indexer looks the batch's article documents up (a real-time multi-get) and learns which
  events each had; event ids that are no longer produced are deleted in the same bulk.
  This needs neither delete-by-query nor a refresh, so it holds even for an article
  redelivered a millisecond after its first indexing.
* **Rollover-safe.** An alias may span several backing indices (ILM rollover, or an
  upgrade kept the old ones). A document that already exists is rewritten in the backing
  index that holds it, not added to the write index a second time; copies found in two
  indices are reduced to one.
* **Nothing is reported indexed until Elasticsearch said so** for the article document and
  every one of its event writes and deletions.
* **The newest version stays.** With ``versions`` (the Kafka message timestamp of each article, in
  milliseconds), every write carries ``version_type: external_gte``: Elasticsearch keeps a
  document only if its version is not older than the stored one. Two versions of one article
  published with different keys travel through different partitions and may be indexed in either
  order; the older one finds a newer document (seen in the multi-get, or refused with 409 in the
  bulk) and is reported ``superseded``, its event documents are not written, and event
  deletions carry the version too, so they cannot remove a newer version's events.
* **Failures are split in two.** *Transient* (Elasticsearch unreachable, overloaded, a shard
  unavailable, an index write-blocked during ``newsmon es setup --upgrade``, an alias
  missing) raise :class:`IndexUnavailable`: the caller retries the whole batch, which is
  safe, and must not commit offsets meanwhile. *Permanent* (Elasticsearch rejects a
  document itself, e.g. a mapping conflict) are returned per article so the caller can
  dead-letter it. When an article document is rejected, the event documents this bulk had
  just created for it are deleted again, so ``news-events`` never holds events of an
  article version that ``news-articles`` does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from elasticsearch import ApiError, AsyncElasticsearch
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch import ConnectionTimeout, TransportError

from newsmon.models import EnrichedArticle
from newsmon.peers import PeerUnavailable

from .documents import article_document, event_doc_id, event_documents

# Item statuses worth retrying: too many requests, and server-side trouble.
_TRANSIENT_STATUSES = {429, 500, 502, 503, 504}
# Errors that say "not now" whatever their status: an index write-blocked for an upgrade,
# or an index/alias that is momentarily missing (being moved or recreated).
_TRANSIENT_ERRORS = {"cluster_block_exception", "index_not_found_exception", "unavailable_shards_exception"}


class IndexUnavailable(PeerUnavailable):
    """Elasticsearch could not take the batch now; retry later, keep the offsets uncommitted."""

    peer = "Elasticsearch"


class BulkRejected(RuntimeError):
    """Elasticsearch refused a whole bulk request for what it holds (400, 413): some document in it is at fault.

    Not transient: the caller splits the batch to find the article at fault (newsmon.stream.processor).
    """


@dataclass
class BulkResult:
    indexed: list[str] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)  # article id -> reason
    superseded: list[str] = field(default_factory=list)  # a newer version of the article is already stored


def sibling_alias(articles_alias: str, kind: str) -> str:
    """``news-articles`` -> ``news-events``: the alias of another index of the same prefix."""
    base = articles_alias.removesuffix("-articles")
    return f"{base}-{kind}"


@dataclass
class _Located:
    """Where the documents of a batch already are: doc id -> backing indices holding it."""

    articles: dict[str, list[str]] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)  # article id -> highest stored _version
    previous_events: dict[str, set[str]] = field(default_factory=dict)  # article id -> event ids stored
    events: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class _Op:
    article_id: str
    kind: str  # "article", "event", "delete"
    doc_id: str


_CONFLICT = "version_conflict_engine_exception"


class ArticleIndexer:
    """Writes enriched articles to ``news-articles`` and their events to ``news-events``.

    ``events_alias`` defaults to the articles alias with ``-events`` for ``-articles``
    (``settings.events_index`` for the usual names); pass it explicitly when they differ.
    """

    def __init__(self, es: AsyncElasticsearch, articles_alias: str, events_alias: str | None = None):
        self.es = es
        self.articles_alias = articles_alias
        self.events_alias = events_alias or sibling_alias(articles_alias, "events")

    async def index(self, articles: Sequence[EnrichedArticle], *, refresh: bool = False,
                    versions: dict[str, int] | None = None) -> BulkResult:
        """Index a batch. Raises :class:`IndexUnavailable` if anything hit a transient failure.

        ``versions`` (article id -> version, e.g. the message timestamp in ms) turns on external
        versioning: an article older than the stored one is ``superseded``, not written.
        """
        if not articles:
            return BulkResult()
        versions = versions or {}
        latest: dict[str, EnrichedArticle] = {}
        for a in articles:  # the same article twice in a batch: the newest (else the last) one wins
            if a.id not in latest or versions.get(a.id, 0) >= versions.get(latest[a.id].id, 0):
                latest[a.id] = a
        try:
            located = await self._locate(list(latest.values()))
            superseded = [aid for aid in latest if aid in versions and located.versions.get(aid, -1) > versions[aid]]
            writing = [a for aid, a in latest.items() if aid not in superseded]
            if writing:
                operations, ops = self._operations(writing, located, versions)
                response = await self.es.bulk(operations=operations, refresh=refresh)
                result, created_events = self._interpret({a.id: a for a in writing}, ops, response)
            else:
                result, created_events = BulkResult(), {}
            forget = {**result.rejected, **{aid: "superseded" for aid in result.superseded}}
            if forget:
                await self._forget_events(forget, created_events, refresh)
            result.superseded = superseded + result.superseded
        except (ESConnectionError, ConnectionTimeout) as exc:
            raise IndexUnavailable(f"Elasticsearch unreachable: {exc}") from exc
        except ApiError as exc:
            if exc.meta.status in _TRANSIENT_STATUSES or exc.meta.status in (401, 403, 404, 408, 409):
                # overloaded, or not allowed / not there yet: a peer problem an operator fixes, not the input's
                raise IndexUnavailable(f"Elasticsearch refused the batch ({exc.meta.status} {exc.message})") from exc
            raise BulkRejected(f"Elasticsearch refused the request ({exc.meta.status} {exc.message})") from exc
        except TransportError as exc:
            raise IndexUnavailable(f"Elasticsearch error: {exc}") from exc
        # Every occurrence of an id in the batch shares the outcome of the one written.
        outcome = BulkResult(rejected=result.rejected, superseded=result.superseded)
        done = set(result.rejected) | set(result.superseded)
        outcome.indexed = [a.id for a in articles if a.id not in done]
        return outcome

    # --- before the bulk: where does everything already live? -------------------------------

    async def _backing(self, alias: str) -> list[str]:
        try:
            found = await self.es.indices.get_alias(name=alias)
        except ApiError as exc:
            if exc.meta.status == 404:
                raise IndexUnavailable(f"alias {alias!r} does not exist; run `newsmon es setup` (or start the worker) to create it") from exc
            raise
        return sorted(found)

    async def _locate(self, articles: list[EnrichedArticle]) -> _Located:
        located = _Located()
        article_indices = await self._backing(self.articles_alias)
        event_indices = await self._backing(self.events_alias)
        ids = [a.id for a in articles]
        docs = [{"_index": index, "_id": aid} for index in article_indices for aid in ids]
        response = await self.es.mget(docs=docs, source_includes=["events.id"], realtime=True)
        for doc in response["docs"]:
            if doc.get("found"):
                located.articles.setdefault(doc["_id"], []).append(doc["_index"])
                located.versions[doc["_id"]] = max(located.versions.get(doc["_id"], -1), int(doc.get("_version") or 0))
                stored = {e["id"] for e in (doc.get("_source") or {}).get("events", []) if e.get("id")}
                located.previous_events.setdefault(doc["_id"], set()).update(stored)
        if len(event_indices) == 1:
            # One backing index: the alias addresses it directly, no lookup needed.
            only = event_indices[0]
            for article in articles:
                for event in article.events:
                    located.events[event_doc_id(article.id, event.id)] = [only]
                for event_id in located.previous_events.get(article.id, ()):
                    located.events[event_doc_id(article.id, event_id)] = [only]
            return located
        candidates = {
            event_doc_id(a.id, e) for a in articles
            for e in {ev.id for ev in a.events} | located.previous_events.get(a.id, set())
        }
        if candidates:
            docs = [{"_index": index, "_id": doc_id} for index in event_indices for doc_id in sorted(candidates)]
            response = await self.es.mget(docs=docs, source=False, realtime=True)
            for doc in response["docs"]:
                if doc.get("found"):
                    located.events.setdefault(doc["_id"], []).append(doc["_index"])
        return located

    # --- the bulk body ------------------------------------------------------------------------

    @staticmethod
    def _versioned(action: dict[str, Any], version: int | None) -> dict[str, Any]:
        if version is not None:
            (body,) = action.values()
            body["version"] = version
            body["version_type"] = "external_gte"
        return action

    def _write(self, alias: str, doc_id: str, holders: list[str] | None,
               version: int | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The index action for ``doc_id`` and deletions of extra copies in other backing indices."""
        if not holders:
            return self._versioned({"index": {"_index": alias, "_id": doc_id, "require_alias": True}}, version), []
        keep, *extra = sorted(holders, reverse=True)  # the newest backing index keeps it
        return (self._versioned({"index": {"_index": keep, "_id": doc_id}}, version),
                [{"delete": {"_index": i, "_id": doc_id}} for i in extra])

    def _operations(self, articles: list[EnrichedArticle], located: _Located,
                    versions: dict[str, int] | None = None) -> tuple[list[dict[str, Any]], list[_Op]]:
        operations: list[dict[str, Any]] = []
        ops: list[_Op] = []
        indexed_at = datetime.now(timezone.utc)
        versions = versions or {}
        for article in articles:
            version = versions.get(article.id)
            action, extra = self._write(self.articles_alias, article.id, located.articles.get(article.id), version)
            operations += [action, article_document(article, indexed_at=indexed_at)]
            ops.append(_Op(article.id, "article", article.id))
            for delete in extra:
                operations.append(delete)
                ops.append(_Op(article.id, "delete", article.id))
            current = set()
            for doc_id, doc in event_documents(article, indexed_at=indexed_at):
                current.add(doc_id)
                action, extra = self._write(self.events_alias, doc_id, located.events.get(doc_id), version)
                operations += [action, doc]
                ops.append(_Op(article.id, "event", doc_id))
                for delete in extra:
                    operations.append(delete)
                    ops.append(_Op(article.id, "delete", doc_id))
            for event_id in sorted(located.previous_events.get(article.id, ())):
                doc_id = event_doc_id(article.id, event_id)
                if doc_id in current:
                    continue
                for index in located.events.get(doc_id, ()):
                    operations.append(self._versioned({"delete": {"_index": index, "_id": doc_id}}, version))
                    ops.append(_Op(article.id, "delete", doc_id))
        return operations, ops

    # --- after the bulk -----------------------------------------------------------------------

    @staticmethod
    def _interpret(latest: dict[str, EnrichedArticle], ops: list[_Op], response: dict[str, Any]) -> tuple[BulkResult, dict[str, list[tuple[str, str]]]]:
        result = BulkResult()
        transient: list[str] = []
        created_events: dict[str, list[tuple[str, str]]] = {}  # article id -> [(index, event doc id)] new in this bulk
        for op, item in zip(ops, response["items"]):
            (action, outcome), = item.items()
            status = outcome.get("status", 0)
            error = outcome.get("error") or {}
            if action == "delete" and status == 404:
                continue  # already gone: what we wanted
            if status == 409 and error.get("type") == _CONFLICT:
                # a newer version is stored: the article is superseded; its events and deletions belong to the newer one
                if op.kind == "article" and op.article_id not in result.superseded:
                    result.superseded.append(op.article_id)
                continue
            if 200 <= status < 300:
                if op.kind == "event" and outcome.get("result") == "created":
                    created_events.setdefault(op.article_id, []).append((outcome["_index"], op.doc_id))
                continue
            if status in _TRANSIENT_STATUSES or error.get("type") in _TRANSIENT_ERRORS:
                transient.append(f"{op.doc_id}: {status} {error.get('type')}")
                continue
            what = {"article": "the article document", "event": f"event document {op.doc_id}",
                    "delete": f"deleting {op.doc_id}"}[op.kind]
            reason = f"Elasticsearch rejected {what} ({status} {error.get('type')}: {error.get('reason')})"
            result.rejected.setdefault(op.article_id, reason)
        if transient:
            # Re-sending the whole batch is safe: every write is keyed by a deterministic id.
            raise IndexUnavailable(f"{len(transient)} writes not done yet: {', '.join(transient[:3])}")
        result.indexed = [aid for aid in latest if aid not in result.rejected and aid not in result.superseded]
        return result, created_events

    async def _forget_events(self, rejected: dict[str, str], created: dict[str, list[tuple[str, str]]], refresh: bool) -> None:
        """Delete event documents this bulk created for articles that were then rejected."""
        operations = [{"delete": {"_index": index, "_id": doc_id}}
                      for article_id in rejected for index, doc_id in created.get(article_id, [])]
        if not operations:
            return
        response = await self.es.bulk(operations=operations, refresh=refresh)
        failed = [i["delete"] for i in response["items"] if i["delete"].get("status", 0) >= 300 and i["delete"].get("status") != 404]
        if failed:
            raise IndexUnavailable(f"could not remove {len(failed)} event documents of rejected articles yet")
