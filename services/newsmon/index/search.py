"""Searching articles and events: the requests behind ``newsmon search`` and ``newsmon events``.

The query itself comes from the one query language (:mod:`newsmon.index.dsl`); this module
adds what an analyst reads results with: sorting by relevance or date (with a unique
tiebreaker, so ``search_after`` can continue exactly where a page ended), pages, a cursor for
deep pages, one row per story (``collapse`` on ``story_id``, the other copies as
``inner_hits``) and highlighted snippets.

The cursor (``--after``) is the last hit's sort values, JSON then URL-safe base64: opaque
to the reader, stable across runs as long as the documents do not change.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from elasticsearch import Elasticsearch

ARTICLE_SOURCE = ["id", "title", "url", "source", "published_at", "story_id", "language", "actors.name", "actors.type",
                  "topics.id", "topics.score", "events.type", "event_types"]
COPY_SOURCE = ["id", "title", "url", "source", "published_at"]
SORTS = ("relevance", "date")
MAX_SIZE = 1000
MAX_WINDOW = 10_000  # Elasticsearch's index.max_result_window: deeper than this needs --after
HIGHLIGHT_TAGS = ("<mark>", "</mark>")
MAX_COPIES = 20  # copies of one story listed in full under it (the count is always exact)


class CursorError(ValueError):
    """An ``--after`` value that is not a cursor newsmon printed."""


def encode_cursor(sort_values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(sort_values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != 3:  # every sort here has three keys
        raise CursorError(f"--after {cursor!r} is not a cursor newsmon printed: copy the value shown after the last page")
    return values


def article_sort(sort: str) -> list[Any]:
    date = {"published_at": {"order": "desc", "missing": "_last"}}
    tiebreak = {"id": {"order": "asc"}}
    return ["_score", date, tiebreak] if sort == "relevance" else [date, "_score", tiebreak]


def event_sort(sort: str) -> list[Any]:
    date = {"@timestamp": {"order": "desc", "missing": "_last"}}
    tiebreak = {"id": {"order": "asc"}}
    return ["_score", date, tiebreak] if sort == "relevance" else [date, "_score", tiebreak]


def _reverse(sort: list[Any]) -> list[Any]:
    """The opposite order: ``search_after`` on it walks backwards from a cursor."""
    out: list[Any] = []
    for key in sort:
        if key == "_score":
            out.append({"_score": {"order": "asc"}})
            continue
        (name, spec), = key.items()
        spec = dict(spec)
        spec["order"] = "asc" if spec.get("order", "asc") == "desc" else "desc"
        if "missing" in spec:
            spec["missing"] = "_first" if spec["missing"] == "_last" else "_last"
        out.append({name: spec})
    return out


HIGHLIGHT = {"pre_tags": [HIGHLIGHT_TAGS[0]], "post_tags": [HIGHLIGHT_TAGS[1]], "require_field_match": False,
             "fields": {"title": {"number_of_fragments": 0},
                        "body": {"fragment_size": 160, "number_of_fragments": 1, "no_match_size": 160}}}


def search_articles(es: Elasticsearch, index: str, query: dict[str, Any], *, size: int = 10, page: int = 1,
                    sort: str = "relevance", after: list[Any] | None = None) -> dict[str, Any]:
    """Matching articles, every copy its own hit, with highlights: a page, or the hits after a cursor."""
    body: dict[str, Any] = {"query": query, "size": size, "sort": article_sort(sort), "track_total_hits": True,
                            "_source": {"includes": ARTICLE_SOURCE}, "highlight": HIGHLIGHT}
    if after is not None:
        body["search_after"] = after
    else:
        body["from"] = (page - 1) * size
    return es.search(index=index, body=body)


def story_key(hit: dict[str, Any]) -> str:
    """The story a hit belongs to: its ``story_id``, else itself (an article nobody grouped yet)."""
    src = hit["_source"]
    return src.get("story_id") or src.get("id") or hit["_id"]


def _has(query: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    return {"bool": {"must": [query], "filter": [{"terms": {"story_id": keys}}]}}


def stories_before(es: Elasticsearch, index: str, query: dict[str, Any], keys: list[str], sort: str,
                   cursor: list[Any]) -> set[str]:
    """Which of these stories have a matching copy sorted before ``cursor`` (shown on an earlier page)."""
    if not keys:
        return set()
    # The cursor's own article (its id is the sort's last value, the tiebreaker) was shown last.
    last = es.search(index=index, query={"term": {"id": cursor[-1]}}, size=1, source_includes=["id", "story_id"])
    found: set[str] = {story_key(h) for h in last["hits"]["hits"]}
    after = cursor
    while True:
        r = es.search(index=index, query=_has(query, keys), sort=_reverse(article_sort(sort)), size=MAX_SIZE,
                      search_after=after, source_includes=["id", "story_id"])
        hits = r["hits"]["hits"]
        found.update(story_key(h) for h in hits)
        if len(hits) < MAX_SIZE or found >= set(keys):
            return found
        after = hits[-1]["sort"]


def search_stories(es: Elasticsearch, index: str, query: dict[str, Any], *, size: int = 10, sort: str = "relevance",
                   after: list[Any] | None = None) -> tuple[list[dict[str, Any]], bool]:
    """One hit per story, the best copy (first in ``sort``) standing for it, starting after ``after``.

    Collapsed here rather than with Elasticsearch's ``collapse``: that cannot be combined with
    ``search_after`` on these sorts, and would lump every article without a ``story_id`` into
    one group. Returns (hits, more): ``more`` is True when hits beyond these may exist.
    """
    chosen: dict[str, dict[str, Any]] = {}
    batch = min(max(size * 3, 50), MAX_SIZE)
    cursor = after
    exhausted = left_over = False
    while len(chosen) < size and not exhausted:
        hits = search_articles(es, index, query, size=batch, sort=sort, after=cursor)["hits"]["hits"]
        exhausted = len(hits) < batch
        fresh: dict[str, dict[str, Any]] = {}
        for hit in hits:
            key = story_key(hit)
            if key not in chosen and key not in fresh:
                fresh[key] = hit
        if after is not None:
            for key in stories_before(es, index, query, list(fresh), sort, after):
                fresh.pop(key, None)
        for key, hit in fresh.items():
            if len(chosen) < size:
                chosen[key] = hit
            else:
                left_over = True
        if hits:
            cursor = hits[-1]["sort"]
    # Batches come in sort order and a story is taken at its first copy: chosen is in sort order.
    return list(chosen.values()), left_over or not exhausted


def story_copies(es: Elasticsearch, index: str, query: dict[str, Any], keys: list[str]) -> dict[str, dict[str, Any]]:
    """For each story: how many matching copies it has and their sources and ids (oldest first)."""
    keys = [k for k in keys if k]
    if not keys:
        return {}
    r = es.search(index=index, query=_has(query, keys), size=0, aggs={"stories": {
        "terms": {"field": "story_id", "size": len(keys)},
        "aggs": {"sources": {"terms": {"field": "source", "size": MAX_COPIES}},
                 "copies": {"top_hits": {"size": MAX_COPIES, "_source": {"includes": COPY_SOURCE},
                                         "sort": [{"published_at": {"order": "asc", "missing": "_last"}}, {"id": "asc"}]}}}}})
    out = {}
    for bucket in r["aggregations"]["stories"]["buckets"]:
        out[bucket["key"]] = {
            "count": bucket["doc_count"],
            "sources": [b["key"] for b in bucket["sources"]["buckets"]],
            "copies": [h["_source"] for h in bucket["copies"]["hits"]["hits"]],
        }
    return out


def count_stories(es: Elasticsearch, index: str, query: dict[str, Any]) -> tuple[int, int]:
    """(matching articles, distinct stories among them; an article without a story id is its own)."""
    r = es.search(index=index, query=query, size=0, track_total_hits=True,
                  aggs={"stories": {"cardinality": {"field": "story_id"}}, "alone": {"missing": {"field": "story_id"}}})
    return r["hits"]["total"]["value"], r["aggregations"]["stories"]["value"] + r["aggregations"]["alone"]["doc_count"]


def search_events(es: Elasticsearch, index: str, query: dict[str, Any], *, size: int = 20, page: int = 1,
                  sort: str = "date", after: list[Any] | None = None) -> dict[str, Any]:
    """Matching events, newest first by default (``sort="relevance"``: best match first)."""
    body: dict[str, Any] = {"query": query, "size": size, "sort": event_sort(sort), "track_total_hits": True,
                            "_source": {"excludes": ["evidence"]}}
    if after is not None:
        body["search_after"] = after
    else:
        body["from"] = (page - 1) * size
    return es.search(index=index, body=body)
