"""Searching articles and events: the queries behind ``newsmon search`` and ``newsmon events``.

Text goes through ``simple_query_string`` (all words must match, "phrases", ``|`` for OR,
``-`` to exclude). Where the index has English stemmed sub-fields (``title.english``...,
added by setup only on clusters with the English analyzer), :func:`text_fields` adds
them, so "talk" also finds "talks"; elsewhere the standard-analysed fields alone are used.
Filters are exact (``keyword`` fields) and do not affect scores.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import ApiError, Elasticsearch

SEARCH_FIELDS = ["title^3", "body", "actors.name^2", "actors.aliases", "topics.name"]
ENGLISH_SEARCH_FIELDS = ["title.english^2", "body.english^0.8"]
EVENT_SEARCH_FIELDS = ["sentence", "article.title^2", "source.name^2", "target.name^2", "trigger"]
ENGLISH_EVENT_SEARCH_FIELDS = ["sentence.english^0.8", "article.title.english^1.5"]


def has_english_fields(es: Elasticsearch, index: str, fields: list[str]) -> bool:
    """True when ``index`` maps the given ``.english`` sub-fields (setup found the analyzer)."""
    names = [f.split("^")[0] for f in fields]
    try:
        found = es.indices.get_field_mapping(index=index, fields=names)
    except ApiError:
        return False
    return any(info.get("mappings") for info in found.values())


def text_fields(es: Elasticsearch, index: str) -> list[str]:
    """The fields article text queries should use on this index."""
    return SEARCH_FIELDS + ENGLISH_SEARCH_FIELDS if has_english_fields(es, index, ENGLISH_SEARCH_FIELDS) else list(SEARCH_FIELDS)


def event_text_fields(es: Elasticsearch, index: str) -> list[str]:
    """The fields event text queries should use on this index."""
    if has_english_fields(es, index, ENGLISH_EVENT_SEARCH_FIELDS):
        return EVENT_SEARCH_FIELDS + ENGLISH_EVENT_SEARCH_FIELDS
    return list(EVENT_SEARCH_FIELDS)


def _any_of(*clauses: dict[str, Any]) -> dict[str, Any]:
    return {"bool": {"should": list(clauses), "minimum_should_match": 1}}


def _date_range(field: str, since: str | None, until: str | None) -> dict[str, Any] | None:
    bounds = {k: v for k, v in (("gte", since), ("lte", until)) if v}
    return {"range": {field: bounds}} if bounds else None


def build_query(
    text: str | None,
    *,
    topic: str | None = None,
    actor: str | None = None,
    since: str | None = None,
    until: str | None = None,
    country: str | None = None,
    event_type: str | None = None,
    source: str | None = None,
    fields: list[str] | None = None,
) -> dict[str, Any]:
    """A bool query over ``news-articles``: the text plus exact filters.

    ``actor``: canonical name (phrase), alias or actor id. ``country``: ISO 3166 alpha-3
    (or IGO) of an actor or a place the article names. ``event_type``: a PLOVER type the
    article reports. ``source``: the publisher. ``since``/``until``: publication date
    bounds (ISO 8601 or date math such as ``now-7d``), inclusive.
    """
    must: list[dict[str, Any]] = []
    filters: list[dict[str, Any]] = []
    if text and text.strip() not in ("", "*"):
        must.append({"simple_query_string": {"query": text, "fields": fields or SEARCH_FIELDS, "default_operator": "and"}})
    if topic:
        filters.append({"term": {"topics.id": topic}})
    if actor:
        filters.append(_any_of(
            {"match_phrase": {"actors.name": actor}},
            {"term": {"actors.aliases": actor}},
            {"term": {"actors.id": actor}},
        ))
    if country:
        code = country.upper()
        filters.append(_any_of({"term": {"actors.country": code}}, {"term": {"places.country": code}}))
    if event_type:
        filters.append({"term": {"event_types": event_type.upper()}})
    if source:
        filters.append({"term": {"source": source}})
    dates = _date_range("published_at", since, until)
    if dates:
        filters.append(dates)
    if not must:
        must.append({"match_all": {}})
    return {"bool": {"must": must, "filter": filters}}


def search_articles(es: Elasticsearch, index: str, query: dict[str, Any], size: int = 10) -> dict[str, Any]:
    return es.search(
        index=index,
        query=query,
        size=size,
        sort=["_score", {"published_at": {"order": "desc", "missing": "_last"}}],
        source_includes=["id", "title", "url", "source", "published_at", "actors.name", "actors.type", "topics.id",
                         "topics.score", "events.type", "event_types"],
        highlight={"fields": {"body": {"fragment_size": 160, "number_of_fragments": 1}}},
    )


def build_event_query(
    text: str | None = None,
    *,
    actor: str | None = None,
    country: str | None = None,
    event_type: str | None = None,
    topic: str | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    fields: list[str] | None = None,
) -> dict[str, Any]:
    """A bool query over ``news-events`` with the same filters as :func:`build_query`.

    ``actor`` matches the event's source or target (name phrase or actor id); ``country``
    either party's country; ``topic`` a topic of the event's article; ``source`` the
    article's publisher; ``since``/``until`` bound ``@timestamp`` (the event's date, else
    its article's publication date).
    """
    must: list[dict[str, Any]] = []
    filters: list[dict[str, Any]] = []
    if text and text.strip() not in ("", "*"):
        must.append({"simple_query_string": {"query": text, "fields": fields or EVENT_SEARCH_FIELDS, "default_operator": "and"}})
    if actor:
        filters.append(_any_of(
            {"match_phrase": {"source.name": actor}}, {"match_phrase": {"target.name": actor}},
            {"term": {"source.actor_id": actor}}, {"term": {"target.actor_id": actor}},
        ))
    if country:
        filters.append({"term": {"countries": country.upper()}})
    if event_type:
        filters.append({"term": {"type": event_type.upper()}})
    if topic:
        filters.append({"term": {"topics": topic}})
    if source:
        filters.append({"term": {"article.source": source}})
    dates = _date_range("@timestamp", since, until)
    if dates:
        filters.append(dates)
    if not must:
        must.append({"match_all": {}})
    return {"bool": {"must": must, "filter": filters}}


def search_events(es: Elasticsearch, index: str, query: dict[str, Any], size: int = 20) -> dict[str, Any]:
    """Matching events, newest first (score breaks ties when there is text)."""
    return es.search(
        index=index,
        query=query,
        size=size,
        sort=[{"@timestamp": {"order": "desc", "missing": "_last"}}, "_score"],
        source_excludes=["evidence"],
    )
