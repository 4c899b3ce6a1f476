"""Field mappings of newsmon's indices, typed on purpose.

Rules of thumb: ``keyword`` for codes and names people filter and aggregate on; ``text``
with a ``keyword`` sub-field where people both search and aggregate; ``date`` and
``geo_point`` for Kibana's time picker and maps; ``enabled: false`` for evidence that is
stored for reading but never searched. Every mapping is ``dynamic: strict`` so an
unexpected field is an error at index time, not a silent mapping surprise.

Bump ``MAPPING_VERSION`` whenever a mapping changes; ``newsmon es setup --upgrade``
moves the aliases to new backing indices of the new version.
"""

from __future__ import annotations

from typing import Any

MAPPING_VERSION = 1

KEYWORD = {"type": "keyword", "ignore_above": 1024}
TEXT_WITH_KEYWORD = {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 1024}}}
DATE = {"type": "date"}
STORED_ONLY = {"type": "object", "enabled": False}


def _obj(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


PARTY = _obj(name=TEXT_WITH_KEYWORD, country=KEYWORD, actor_id=KEYWORD)

ARTICLE_PROPERTIES: dict[str, Any] = {
    "id": KEYWORD,
    "title": TEXT_WITH_KEYWORD,
    "body": {"type": "text"},
    "url": KEYWORD,
    "source": KEYWORD,
    "published_at": DATE,
    "language": KEYWORD,
    "metadata": STORED_ONLY,
    "actors": _obj(
        id=KEYWORD, name=TEXT_WITH_KEYWORD, type=KEYWORD, country=KEYWORD, role=TEXT_WITH_KEYWORD,
        sector=KEYWORD, aliases=KEYWORD, mentions=STORED_ONLY,
    ),
    "entities": STORED_ONLY,
    "events": _obj(
        id=KEYWORD, type=KEYWORD, cameo=KEYWORD, source=PARTY, target=PARTY, date=DATE,
        location=_obj(name=KEYWORD, lat={"type": "float"}, lon={"type": "float"}, point={"type": "geo_point"}),
        modality=KEYWORD, negated={"type": "boolean"}, trigger=KEYWORD, evidence=STORED_ONLY,
        confidence={"type": "float"},
    ),
    "topics": _obj(id=KEYWORD, name=KEYWORD, score={"type": "float"}, evidence=STORED_ONLY),
    "places": _obj(
        name=KEYWORD, country=KEYWORD, lat={"type": "float"}, lon={"type": "float"},
        actor_id=KEYWORD, point={"type": "geo_point"},
    ),
    "story_id": KEYWORD,
    "authors": KEYWORD,
    "editors": KEYWORD,
    "dateline": _obj(place=KEYWORD, agency=KEYWORD, lat={"type": "float"}, lon={"type": "float"}, point={"type": "geo_point"}),
    "content_hash": KEYWORD,
    "truncated": {"type": "boolean"},
    "warnings": KEYWORD,
    "pipeline_version": KEYWORD,
    "processed_at": DATE,
    "indexed_at": DATE,
}

ARTICLES_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "_meta": {"mapping_version": MAPPING_VERSION},
    "properties": ARTICLE_PROPERTIES,
}
