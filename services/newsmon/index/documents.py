"""From an enriched article to the Elasticsearch documents that represent it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from newsmon.models import EnrichedArticle


def _point(lat: float | None, lon: float | None) -> dict[str, float] | None:
    return {"lat": lat, "lon": lon} if lat is not None and lon is not None else None


def article_document(article: EnrichedArticle, *, indexed_at: datetime | None = None) -> dict[str, Any]:
    """The ``news-articles`` document: the enriched article plus ``geo_point`` fields for Kibana maps."""
    doc = article.model_dump(mode="json")
    for place in doc["places"]:
        place["point"] = _point(place["lat"], place["lon"])
    for event in doc["events"]:
        if event["location"] is not None:
            event["location"]["point"] = _point(event["location"]["lat"], event["location"]["lon"])
    if doc["dateline"] is not None:
        doc["dateline"]["point"] = _point(doc["dateline"]["lat"], doc["dateline"]["lon"])
    doc["indexed_at"] = (indexed_at or datetime.now(timezone.utc)).isoformat()
    return doc
