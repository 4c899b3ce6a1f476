"""Moving an alias to backing indices of a new mapping version without losing a document.

``newsmon es setup --upgrade`` runs :func:`upgrade`. For every alias whose backing indices
are of an older mapping version than the code's:

1. create ``<alias>-v<new>-000001`` from the (already updated) template, without the alias;
2. block writes on the old backing indices, so nothing lands there unseen. A running
   worker's bulk requests fail with ``cluster_block_exception`` meanwhile, which the
   indexer treats as transient: it holds its batch and retries, offsets uncommitted;
3. copy every document across under the same ``_id`` with a point in time and
   ``search_after`` pages and bulk requests (not the reindex API, which the local test
   server lacks), passing each through the index's ``migrate`` hook (articles re-derive
   ``@timestamp``, ``event_types``...);
4. check the copy holds as many documents as there were distinct ids;
5. move the alias in one atomic ``_aliases`` call (remove from the old, add to the new as
   write index): readers and writers switch at once, the retried bulk lands in the new index;
6. delete the old backing indices (or keep them, write-blocked, with ``keep_old``).

Any failure before step 5 unblocks the old indices and deletes the partial copy: the alias
never moved, so nothing was lost, and the upgrade can simply be run again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from elasticsearch import ApiError, Elasticsearch

from newsmon.config import Settings

from . import lifecycle
from .documents import article_from_document, event_documents
from .features import ClusterFeatures, detect
from .scan import scan
from .templates import IndexSpec, alias_indices, index_specs, index_version, put_templates

Progress = Callable[[str, int, int], None]  # (alias, copied so far, total)


class UpgradeFailed(RuntimeError):
    """The copy did not complete; the alias was left where it was."""


@dataclass
class UpgradeResult:
    alias: str
    action: str  # "created", "current", "upgraded"
    from_indices: list[str]
    to_index: str | None
    documents: int = 0


def _ensure_alias(es: Elasticsearch, spec: IndexSpec) -> str | None:
    index = spec.backing_index()
    if es.indices.exists(index=index):
        es.indices.put_alias(index=index, name=spec.alias, is_write_index=True)
        return None
    es.indices.create(index=index, aliases={spec.alias: {"is_write_index": True}})
    return index


def _set_write_block(es: Elasticsearch, indices: list[str], blocked: bool) -> None:
    es.indices.put_settings(index=",".join(indices), settings={"index.blocks.write": True if blocked else None})


def copy_to_new_version(es: Elasticsearch, spec: IndexSpec, old: list[str], *, keep_old: bool = False,
                        progress: Progress | None = None, page_size: int = 500) -> UpgradeResult:
    """Steps 1 to 6 above for one alias whose backing indices are ``old``."""
    target = spec.backing_index()
    if target in old:
        raise UpgradeFailed(f"{spec.alias} already includes {target}; nothing to copy into")
    if es.indices.exists(index=target):
        es.indices.delete(index=target)  # the partial copy of an interrupted upgrade: never aliased
    es.indices.create(index=target)
    sources = ",".join(old)
    _set_write_block(es, old, True)
    try:
        es.indices.refresh(index=sources)
        total = es.count(index=sources)["count"]
        copied = 0
        ids: set[str] | None = set() if len(old) > 1 else None  # the same _id may sit in two old indices
        for page in scan(es, sources, size=page_size):
            operations: list[dict] = []
            for hit in page:
                source = spec.migrate(hit["_source"]) if spec.migrate else hit["_source"]
                operations.append({"index": {"_index": target, "_id": hit["_id"]}})
                operations.append(source)
                if ids is not None:
                    ids.add(hit["_id"])
            response = es.bulk(operations=operations)
            if response["errors"]:
                failed = next(i["index"] for i in response["items"] if i["index"].get("error"))
                raise UpgradeFailed(f"copying {failed['_id']} into {target} failed: {failed['error']}")
            copied += len(page)
            if progress:
                progress(spec.alias, copied, total)
        es.indices.refresh(index=target)
        expected = len(ids) if ids is not None else copied
        in_target = es.count(index=target)["count"]
        if copied != total or in_target != expected:
            raise UpgradeFailed(f"{target} holds {in_target} documents, expected {expected} (read {copied} of {total})")
        actions = [{"remove": {"index": index, "alias": spec.alias}} for index in old]
        actions.append({"add": {"index": target, "alias": spec.alias, "is_write_index": True}})
        es.indices.update_aliases(actions=actions)
    except BaseException:
        _set_write_block(es, old, False)
        es.options(ignore_status=404).indices.delete(index=target)
        raise
    if not keep_old:
        es.indices.delete(index=sources)
    return UpgradeResult(spec.alias, "upgraded", list(old), target, in_target)


def upgrade(es: Elasticsearch, settings: Settings, *, specs: list[IndexSpec] | None = None,
            features: ClusterFeatures | None = None, keep_old: bool = False,
            progress: Progress | None = None) -> list[UpgradeResult]:
    """Install templates and policies, then bring every alias to its spec's mapping version."""
    features = features or detect(es)
    specs = specs or index_specs(settings, features)
    if features.ilm:
        for spec in specs:
            es.ilm.put_lifecycle(name=lifecycle.policy_name(spec.alias), policy=lifecycle.policy(spec.kind))
    put_templates(es, settings, specs, features)
    results = []
    for spec in specs:
        indices = sorted(alias_indices(es, spec.alias))
        if not indices:
            created = _ensure_alias(es, spec)
            results.append(UpgradeResult(spec.alias, "created", [], created or spec.backing_index()))
            continue
        if all(index_version(es, index) >= spec.version for index in indices):
            results.append(UpgradeResult(spec.alias, "current", indices, None, es.count(index=spec.alias)["count"]))
            continue
        results.append(copy_to_new_version(es, spec, indices, keep_old=keep_old, progress=progress))
    return results


def backfill_events(es: Elasticsearch, settings: Settings, *, page_size: int = 200) -> int:
    """Write the event documents of stored articles into an empty ``news-events``.

    For installations that predate ``news-events``: their articles carry their events,
    the events index does not. Uses the events stored in each article (no re-extraction;
    ``newsmon reindex`` does that). Does nothing when ``news-events`` already has documents.
    Returns the number of event documents written.
    """
    try:
        if es.count(index=settings.events_index)["count"] > 0:
            return 0
        es.indices.refresh(index=settings.articles_index)
        if es.count(index=settings.articles_index, query={"exists": {"field": "events.id"}})["count"] == 0:
            return 0
    except ApiError as exc:
        if exc.meta.status == 404:
            return 0
        raise
    written = 0
    for page in scan(es, settings.articles_index, query={"exists": {"field": "events.id"}}, size=page_size):
        operations: list[dict] = []
        for hit in page:
            article = article_from_document(hit["_source"])
            for doc_id, doc in event_documents(article):
                operations.append({"index": {"_index": settings.events_index, "_id": doc_id, "require_alias": True}})
                operations.append(doc)
        if not operations:
            continue
        response = es.bulk(operations=operations)
        if response["errors"]:
            failed = next(i["index"] for i in response["items"] if i["index"].get("error"))
            raise UpgradeFailed(f"writing event {failed['_id']} failed: {failed['error']}")
        written += len(operations) // 2
    es.indices.refresh(index=settings.events_index)
    return written
