"""From enriched articles and alerts to the Elasticsearch documents that represent them.

Pure functions: no I/O. Document ids are deterministic, so writing the same thing twice
overwrites instead of duplicating:

* ``news-articles``: ``_id`` = article id;
* ``news-events``: ``_id`` = ``<article id>:<event id>`` (event ids are themselves derived
  from the article id and what the event is, so re-extraction finds the same ids);
* ``news-alerts``: ``_id`` = ``<alert id>:<channel>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from newsmon.models import Alert, EnrichedArticle

# Fields a news-articles document has beyond the enriched article itself.
ARTICLE_DERIVED_FIELDS = ("@timestamp", "event_types", "event_count", "indexed_at")

CHANNEL_TYPES = ("webhook", "email", "slack", "kafka", "elasticsearch")
# pending: to deliver now; queued: waiting for its digest; held: over its rule's throttle (see newsmon.alerts.ledger)
DELIVERY_STATUSES = ("pending", "queued", "held", "sent", "failed")


def _point(lat: float | None, lon: float | None) -> dict[str, float] | None:
    return {"lat": lat, "lon": lon} if lat is not None and lon is not None else None


def _now(at: datetime | None) -> str:
    return (at or datetime.now(timezone.utc)).isoformat()


def article_document(article: EnrichedArticle, *, indexed_at: datetime | None = None) -> dict[str, Any]:
    """The ``news-articles`` document: the enriched article plus fields derived for Kibana.

    ``point`` (geo_point) beside every lat/lon; ``event_types`` (distinct PLOVER types, in
    order of first mention) and ``event_count``; ``@timestamp`` (published_at, else
    processed_at); ``indexed_at``.
    """
    doc = article.model_dump(mode="json")
    for place in doc["places"]:
        place["point"] = _point(place["lat"], place["lon"])
    for event in doc["events"]:
        if event["location"] is not None:
            event["location"]["point"] = _point(event["location"]["lat"], event["location"]["lon"])
    if doc["dateline"] is not None:
        doc["dateline"]["point"] = _point(doc["dateline"]["lat"], doc["dateline"]["lon"])
    doc["event_types"] = list(dict.fromkeys(e.type for e in article.events))
    doc["event_count"] = len(article.events)
    doc["@timestamp"] = doc["published_at"] or doc["processed_at"]
    doc["indexed_at"] = _now(indexed_at)
    return doc


def article_from_document(source: Mapping[str, Any]) -> EnrichedArticle:
    """The enriched article a ``news-articles`` document holds (any mapping version).

    Drops what :func:`article_document` derived (``point``, ``@timestamp``, ...) and
    validates the rest, so a stored document can be re-derived or re-indexed.
    """
    data = {k: v for k, v in source.items() if k not in ARTICLE_DERIVED_FIELDS}
    data["places"] = [_without_point(p) for p in data.get("places", [])]
    if data.get("dateline"):
        data["dateline"] = _without_point(data["dateline"])
    events = []
    for event in data.get("events", []):
        event = dict(event)
        if event.get("location"):
            event["location"] = _without_point(event["location"])
        events.append(event)
    data["events"] = events
    if "published_at_source" not in data:  # stored before mapping version 5: a date then was always the producer's
        data["published_at_source"] = "article" if data.get("published_at") else None
    return EnrichedArticle.model_validate(data)


def _without_point(obj: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k != "point"}


def event_doc_id(article_id: str, event_id: str) -> str:
    return f"{article_id}:{event_id}"


def event_documents(article: EnrichedArticle, *, indexed_at: datetime | None = None) -> list[tuple[str, dict[str, Any]]]:
    """``(_id, document)`` of each of the article's events for ``news-events``.

    Each event is denormalised with the article's id, title, url, source, publication
    date and story id (under ``article.*``) and its topics, so Kibana can count, filter
    and map events without a join.
    """
    stamp = _now(indexed_at)
    published = article.published_at.isoformat() if article.published_at else None
    article_part = {
        "id": article.id, "title": article.title, "url": article.url, "source": article.source,
        "published_at": published, "story_id": article.story_id, "language": article.language,
    }
    topics = list(dict.fromkeys(t.id for t in article.topics))
    docs = []
    for event in article.events:
        source = event.source.model_dump(mode="json") if event.source else None
        target = event.target.model_dump(mode="json") if event.target else None
        location = None
        if event.location is not None:
            location = {"name": event.location.name, "point": _point(event.location.lat, event.location.lon)}
        date = event.date.isoformat() if event.date else None
        doc_id = event_doc_id(article.id, event.id)
        docs.append((doc_id, {
            "id": doc_id,
            "event_id": event.id,
            "article": article_part,
            "type": event.type,
            "cameo": event.cameo,
            "cameo_root": event.cameo[:2],
            "source": source,
            "target": target,
            "parties": [party.model_dump(mode="json") for party in event.parties],
            "countries": list(dict.fromkeys(c for c in ((source or {}).get("country"), (target or {}).get("country"),
                                                        *(party.country for party in event.parties)) if c)),
            "date": date,
            "location": location,
            "modality": event.modality,
            "negated": event.negated,
            "dead": event.dead,
            "injured": event.injured,
            "confidence": event.confidence,
            "trigger": event.trigger,
            "sentence": event.evidence[0].sentence if event.evidence else None,
            "evidence": [e.model_dump(mode="json") for e in event.evidence],
            "topics": topics,
            "pipeline_version": article.pipeline_version,
            "processed_at": article.processed_at.isoformat(),
            "indexed_at": stamp,
            "@timestamp": date or published or article.processed_at.isoformat(),
        }))
    return docs


def alert_delivery_id(alert_id: str, channel: str) -> str:
    return f"{alert_id}:{channel}"


def alert_delivery_document(
    alert: Alert,
    *,
    channel: str,
    channel_type: str,
    status: str,
    error: str | None = None,
    attempts: int = 1,
    delivered_at: datetime | None = None,
) -> tuple[str, dict[str, Any]]:
    """``(_id, document)`` of one alert's delivery on one channel, for ``news-alerts``.

    ``channel`` names the configured channel (e.g. ``ops-slack``), ``channel_type`` is one
    of :data:`CHANNEL_TYPES`, ``status`` one of :data:`DELIVERY_STATUSES`. Index it with
    ``op_type=index`` under the returned id: a retry then updates the same document.
    """
    if channel_type not in CHANNEL_TYPES:
        raise ValueError(f"channel_type must be one of {', '.join(CHANNEL_TYPES)}, not {channel_type!r}")
    if status not in DELIVERY_STATUSES:
        raise ValueError(f"status must be one of {', '.join(DELIVERY_STATUSES)}, not {status!r}")

    def present(values: Iterable[str | None]) -> list[str]:
        return [v for v in values if v]

    doc = {
        "alert_id": alert.id,
        "rule": alert.rule,
        "query": alert.query,
        "channel": channel,
        "channel_type": channel_type,
        "status": status,
        "error": error,
        "attempts": attempts,
        "article_ids": [a.id for a in alert.articles],
        "story_ids": list(dict.fromkeys(present(a.story_id for a in alert.articles))),
        "titles": present(a.title for a in alert.articles),
        "urls": present(a.url for a in alert.articles),
        "sources": list(dict.fromkeys(present(a.source for a in alert.articles))),
        "matched": list(alert.matched),
        "topics": list(alert.topics),
        "digest": alert.digest,
        "held_back": alert.held_back,
        "fired_at": alert.fired_at.isoformat(),
        "delivered_at": delivered_at.isoformat() if delivered_at else None,
    }
    return alert_delivery_id(alert.id, channel), doc
