"""Field mappings of newsmon's three indices, every field typed on purpose.

Rules of thumb, so Kibana can count, filter and map without surprises:

* ``keyword`` for codes and names people filter and aggregate on (countries, PLOVER and
  CAMEO codes, ids, sources, authors);
* ``text`` with a ``keyword`` sub-field (``title`` / ``title.keyword``) where people both
  search and aggregate;
* ``date`` for every timestamp and ``geo_point`` for every location, so the time picker
  and the maps app work on them directly;
* ``object`` (never ``nested``): Kibana aggregates and filters flat fields well and nested
  ones poorly. Where a correlation inside an array matters (an event's source *and*
  target country), the event is its own document in ``news-events`` instead;
* ``enabled: false`` for evidence that is kept in ``_source`` for reading but never
  searched (offsets, evidence sentences of topics, free metadata).

Every mapping is ``dynamic: strict``: an unexpected field is an indexing error, not a
silently invented mapping. English stemmed sub-fields (``title.english``...) are added
by :func:`with_english` only where the cluster has the ``english`` analyzer (detected by
:mod:`newsmon.index.features`); everything works with the standard analyzer alone.

Versions: each index has its own mapping version (:data:`MAPPING_VERSIONS`), recorded in
the backing index name (``news-articles-v2-000001``) and in ``_meta.mapping_version``.
Bump an index's version whenever its mapping changes; ``newsmon es setup --upgrade``
then copies its documents into new backing indices and moves the alias (docs/index.md).
"""

from __future__ import annotations

import json
from typing import Any

ARTICLES = "articles"
EVENTS = "events"
ALERTS = "alerts"

#: Mapping version per logical index. History:
#: articles 1: the first mapping; 2: ``@timestamp``, ``event_types``, ``event_count``
#: (additive, so a v1 index can take them in place until it is upgraded); 3: the size budget's
#: ``reduced``, ``counts``, ``actors.mention_count``, ``events.evidence_count``, ``language_detected`` and
#: ``language_confidence`` (additive); 4: ``events.parties`` (additive); 5: ``published_at_source``
#: (additive: "article", or "received" for an undated article dated with the time it was received).
#: 6: ``events.dead`` and ``events.injured`` (additive: casualty counts).
#: events 1: first mapping; 2: ``parties`` (additive); 3: ``dead`` and ``injured`` (additive).
#: alerts 1: first mapping.
MAPPING_VERSIONS: dict[str, int] = {ARTICLES: 6, EVENTS: 3, ALERTS: 1}

#: The articles mapping version (kept under its historical name).
MAPPING_VERSION = MAPPING_VERSIONS[ARTICLES]

KEYWORD = {"type": "keyword", "ignore_above": 1024}
TEXT = {"type": "text"}
TEXT_WITH_KEYWORD = {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 1024}}}
DATE = {"type": "date"}
FLOAT = {"type": "float"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
GEO_POINT = {"type": "geo_point"}
STORED_ONLY = {"type": "object", "enabled": False}


def _obj(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


def _mappings(kind: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"dynamic": "strict", "_meta": {"mapping_version": MAPPING_VERSIONS[kind], "managed_by": "newsmon"},
            "properties": properties}


# --- news-articles: one document per article --------------------------------------------
#
# The document is the enriched article (schemas/enriched-article.schema.json) as it is, so
# any reader can rebuild the article from ``_source``, plus derived fields for Kibana:
# ``@timestamp`` (published_at, else processed_at: since undated articles are dated with the
# time they were received, ``published_at_source: received``, only documents stored before that lack one), ``event_types`` and ``event_count`` (which PLOVER types the article reports,
# flat, without opening news-events), ``point`` next to every lat/lon, and ``indexed_at``.

PARTY = _obj(name=TEXT_WITH_KEYWORD, country=KEYWORD, actor_id=KEYWORD)

ARTICLE_PROPERTIES: dict[str, Any] = {
    "id": KEYWORD,
    "title": TEXT_WITH_KEYWORD,
    "body": TEXT,
    "url": KEYWORD,
    "source": KEYWORD,
    "published_at": DATE,
    "published_at_source": KEYWORD,
    "language": KEYWORD,
    "language_detected": KEYWORD,
    "language_confidence": FLOAT,
    "metadata": STORED_ONLY,
    # Flat on purpose: actors.name.keyword, actors.country, actors.type, actors.sector
    # are what "top actors" and "articles naming Syrian actors" aggregate on.
    "actors": _obj(
        id=KEYWORD, name=TEXT_WITH_KEYWORD, type=KEYWORD, country=KEYWORD, role=TEXT_WITH_KEYWORD,
        sector=KEYWORD, aliases=KEYWORD, mentions=STORED_ONLY, mention_count=INTEGER,
    ),
    "entities": STORED_ONLY,
    # Kept for reading and filtering; aggregations over events belong to news-events, where
    # each event's source and target stay paired.
    "events": _obj(
        id=KEYWORD, type=KEYWORD, cameo=KEYWORD, source=PARTY, target=PARTY, parties=PARTY, date=DATE,
        location=_obj(name=KEYWORD, lat=FLOAT, lon=FLOAT, point=GEO_POINT),
        modality=KEYWORD, negated=BOOLEAN, dead=INTEGER, injured=INTEGER, trigger=KEYWORD, evidence=STORED_ONLY,
        evidence_count=INTEGER, confidence=FLOAT,
    ),
    "event_types": KEYWORD,
    "event_count": INTEGER,
    "topics": _obj(id=KEYWORD, name=KEYWORD, score=FLOAT, evidence=STORED_ONLY),
    "places": _obj(name=KEYWORD, country=KEYWORD, lat=FLOAT, lon=FLOAT, actor_id=KEYWORD, point=GEO_POINT),
    "story_id": KEYWORD,
    "authors": KEYWORD,
    "editors": KEYWORD,
    "dateline": _obj(place=KEYWORD, agency=KEYWORD, lat=FLOAT, lon=FLOAT, point=GEO_POINT),
    "content_hash": KEYWORD,
    "truncated": BOOLEAN,
    "reduced": BOOLEAN,
    "counts": _obj(actors=INTEGER, entities=INTEGER, events=INTEGER, places=INTEGER),
    "warnings": KEYWORD,
    "pipeline_version": KEYWORD,
    "processed_at": DATE,
    "indexed_at": DATE,
    "@timestamp": DATE,
}

ARTICLES_MAPPINGS: dict[str, Any] = _mappings(ARTICLES, ARTICLE_PROPERTIES)

# --- news-events: one document per event -------------------------------------------------
#
# ``_id`` is ``<article id>:<event id>``. The article's identity is copied under
# ``article.*`` (not at the top level: ``source`` here is the event's source actor, as in
# the enriched article's events). ``countries`` is source and target country together, so
# "events involving Syria" is one term filter. ``@timestamp`` is the event's own date when
# the text gives one, else the article's publication date, else its processing time.

EVENT_PROPERTIES: dict[str, Any] = {
    "id": KEYWORD,
    "event_id": KEYWORD,
    "article": _obj(
        id=KEYWORD, title=TEXT_WITH_KEYWORD, url=KEYWORD, source=KEYWORD, published_at=DATE,
        story_id=KEYWORD, language=KEYWORD,
    ),
    "type": KEYWORD,
    "cameo": KEYWORD,
    "cameo_root": KEYWORD,
    "source": PARTY,
    "target": PARTY,
    "parties": PARTY,
    "countries": KEYWORD,
    "date": DATE,
    "location": _obj(name=KEYWORD, point=GEO_POINT),
    "modality": KEYWORD,
    "negated": BOOLEAN,
    "dead": INTEGER,
    "injured": INTEGER,
    "confidence": FLOAT,
    "trigger": KEYWORD,
    "sentence": TEXT,
    "evidence": STORED_ONLY,
    "topics": KEYWORD,
    "pipeline_version": KEYWORD,
    "processed_at": DATE,
    "indexed_at": DATE,
    "@timestamp": DATE,
}

EVENTS_MAPPINGS: dict[str, Any] = _mappings(EVENTS, EVENT_PROPERTIES)

# --- news-alerts: one document per alert and channel -------------------------------------
#
# ``_id`` is ``<alert id>:<channel>``, so a retried delivery updates its document
# (``attempts``, ``status``) instead of adding one. The alert's articles are flattened into
# parallel keyword arrays (ids, story ids, urls, sources) and a searchable ``titles``.

ALERT_PROPERTIES: dict[str, Any] = {
    "alert_id": KEYWORD,
    "rule": KEYWORD,
    "query": TEXT_WITH_KEYWORD,
    "channel": KEYWORD,
    "channel_type": KEYWORD,
    "status": KEYWORD,
    "error": TEXT_WITH_KEYWORD,
    "attempts": INTEGER,
    "article_ids": KEYWORD,
    "story_ids": KEYWORD,
    "titles": TEXT_WITH_KEYWORD,
    "urls": KEYWORD,
    "sources": KEYWORD,
    "matched": KEYWORD,
    "topics": KEYWORD,
    "digest": BOOLEAN,
    "held_back": INTEGER,
    "fired_at": DATE,
    "delivered_at": DATE,
}

ALERTS_MAPPINGS: dict[str, Any] = _mappings(ALERTS, ALERT_PROPERTIES)

BASE_MAPPINGS: dict[str, dict[str, Any]] = {ARTICLES: ARTICLES_MAPPINGS, EVENTS: EVENTS_MAPPINGS, ALERTS: ALERTS_MAPPINGS}

# Full-text fields that gain an English stemmed sub-field where the cluster can analyse English.
ENGLISH_FIELDS: dict[str, tuple[str, ...]] = {
    ARTICLES: ("title", "body"),
    EVENTS: ("article.title", "sentence"),
    ALERTS: ("titles",),
}

# Time field of each index: Kibana's data views use these.
TIME_FIELDS: dict[str, str] = {ARTICLES: "@timestamp", EVENTS: "@timestamp", ALERTS: "fired_at"}


def with_english(kind: str, mappings: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``mappings`` with an ``english`` sub-field on each of the kind's full-text fields."""
    result = _detached(mappings)
    for dotted in ENGLISH_FIELDS[kind]:
        node = result
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node["properties"][part]
        field = node["properties"][leaf]
        field.setdefault("fields", {})["english"] = {"type": "text", "analyzer": "english"}
    return result


def mappings_for(kind: str, *, english: bool) -> dict[str, Any]:
    """The mappings of one index kind for a cluster with or without the English analyzer."""
    return with_english(kind, BASE_MAPPINGS[kind]) if english else _detached(BASE_MAPPINGS[kind])


def _detached(mappings: dict[str, Any]) -> dict[str, Any]:
    # A copy sharing nothing: the constants above reuse one dict for many fields, and
    # deepcopy would keep that sharing (changing title would change actors.name too).
    return json.loads(json.dumps(mappings))


def field_types(mappings: dict[str, Any]) -> dict[str, str]:
    """Every field path a mapping defines (sub-fields included) and its type.

    ``{"title": "text", "title.keyword": "keyword", "actors.country": "keyword", ...}``;
    objects with ``enabled: false`` appear with type ``"object"`` and nothing below them.
    """
    found: dict[str, str] = {}

    def walk(properties: dict[str, Any], prefix: str) -> None:
        for name, spec in properties.items():
            path = f"{prefix}{name}"
            if "properties" in spec:
                found[path] = "object"
                walk(spec["properties"], f"{path}.")
                continue
            found[path] = spec.get("type", "object")
            for sub, sub_spec in spec.get("fields", {}).items():
                found[f"{path}.{sub}"] = sub_spec["type"]

    walk(mappings["properties"], "")
    return found


#: Field types Elasticsearch can aggregate and sort on (doc values).
AGGREGATABLE_TYPES = frozenset({"keyword", "date", "integer", "long", "float", "double", "boolean", "geo_point"})
