"""Searching enriched articles: the query behind ``newsmon search``."""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch

SEARCH_FIELDS = ["title^3", "body", "actors.name^2", "actors.aliases", "topics.name"]


def build_query(
    text: str | None,
    *,
    topic: str | None = None,
    actor: str | None = None,
    since: str | None = None,
) -> dict[str, Any]:
    """A bool query: the text (AND by default, "phrases", OR, -exclusions) plus exact filters."""
    must: list[dict[str, Any]] = []
    filters: list[dict[str, Any]] = []
    if text and text.strip() not in ("", "*"):
        must.append({"simple_query_string": {"query": text, "fields": SEARCH_FIELDS, "default_operator": "and"}})
    if topic:
        filters.append({"term": {"topics.id": topic}})
    if actor:
        filters.append({"bool": {"should": [
            {"match_phrase": {"actors.name": actor}},
            {"term": {"actors.aliases": actor}},
            {"term": {"actors.id": actor}},
        ], "minimum_should_match": 1}})
    if since:
        filters.append({"range": {"published_at": {"gte": since}}})
    if not must:
        must.append({"match_all": {}})
    return {"bool": {"must": must, "filter": filters}}


def search_articles(es: Elasticsearch, index: str, query: dict[str, Any], size: int = 10) -> dict[str, Any]:
    return es.search(
        index=index,
        query=query,
        size=size,
        sort=["_score", {"published_at": {"order": "desc", "missing": "_last"}}],
        source_includes=["id", "title", "url", "source", "published_at", "actors.name", "actors.type", "topics.id", "topics.score", "events.type"],
        highlight={"fields": {"body": {"fragment_size": 160, "number_of_fragments": 1}}},
    )
