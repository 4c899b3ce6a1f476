"""Documents agree with the strict mappings; the alert delivery document has the agreed shape."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from newsmon.index.documents import (
    alert_delivery_document, article_document, article_from_document, event_documents,
)
from newsmon.index.mappings import (
    ALERT_PROPERTIES, ALERTS_MAPPINGS, ARTICLES_MAPPINGS, EVENTS_MAPPINGS, field_types,
)
from newsmon.models import Alert, AlertArticle

ALERT_FIELDS = [
    "alert_id", "rule", "query", "channel", "channel_type", "status", "error", "attempts", "article_ids", "story_ids",
    "titles", "urls", "sources", "matched", "topics", "digest", "held_back", "fired_at", "delivered_at",
]


def leaf_paths(doc, prefix=""):
    """Field paths of a document, the way a mapping names them (arrays flattened)."""
    paths = set()
    items = doc if isinstance(doc, list) else [doc]
    for item in items:
        for key, value in item.items():
            path = f"{prefix}{key}"
            paths.add(path)
            if isinstance(value, dict) and key not in ("metadata",):
                paths |= leaf_paths(value, f"{path}.")
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                paths |= leaf_paths(value, f"{path}.")
    return paths


def covered(paths: set[str], mappings) -> set[str]:
    """Paths not defined by the mapping, ignoring what lies inside a leaf (geo_point's lat/lon)
    or a disabled, stored-only object."""
    types = field_types(mappings)
    leaves = {p for p, t in types.items() if not any(q.startswith(p + ".") for q in types)}
    return {p for p in paths if p not in types and not any(p.startswith(leaf + ".") for leaf in leaves)}


def test_documents_only_use_mapped_fields(seed):
    assert covered(leaf_paths(article_document(seed)), ARTICLES_MAPPINGS) == set()
    for _, doc in event_documents(seed):
        assert covered(leaf_paths(doc), EVENTS_MAPPINGS) == set()


def test_an_article_document_gives_back_its_article(seed):
    assert article_from_document(article_document(seed)) == seed


def test_a_document_stored_before_dates_had_a_source_reads_as_the_producers_date_or_none(seed):
    doc = article_document(seed)
    assert doc["published_at_source"] == seed.published_at_source
    del doc["published_at_source"]
    assert article_from_document(doc).published_at_source == ("article" if seed.published_at else None)
    undated = {**doc, "published_at": None}
    assert article_from_document(undated).published_at_source is None


def test_alert_delivery_document():
    alert = Alert(
        id="al-1", rule="syria-talks", query="syria AND ceasefire", fired_at=datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc),
        articles=[AlertArticle(id="a", story_id="s1", title="One", url="https://example.invalid/a", source="reuters"),
                  AlertArticle(id="b", story_id="s1", title=None, url=None, source="reuters")],
        matched=["syria", "ceasefire"], topics=["syria-ceasefire-talks"], digest=True, held_back=3,
    )
    doc_id, doc = alert_delivery_document(alert, channel="ops-slack", channel_type="slack", status="failed",
                                          error="HTTP 500", attempts=2)
    assert doc_id == "al-1:ops-slack"
    assert list(doc) == ALERT_FIELDS == list(ALERT_PROPERTIES)
    assert doc["article_ids"] == ["a", "b"] and doc["story_ids"] == ["s1"] and doc["titles"] == ["One"]
    assert doc["sources"] == ["reuters"] and doc["digest"] is True and doc["held_back"] == 3
    assert doc["fired_at"] == "2026-01-02T03:04:00+00:00" and doc["delivered_at"] is None
    assert covered(leaf_paths(doc), ALERTS_MAPPINGS) == set()
    with pytest.raises(ValueError, match="channel_type"):
        alert_delivery_document(alert, channel="x", channel_type="pager", status="sent")
    with pytest.raises(ValueError, match="status"):
        alert_delivery_document(alert, channel="x", channel_type="email", status="lost")
