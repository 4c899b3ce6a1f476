"""The pydantic models and the JSON Schemas in schemas/ describe the same documents."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from pydantic import BaseModel, ValidationError

from newsmon import PIPELINE_VERSION
from newsmon.models import (
    Actor, Alert, AlertArticle, Article, Counts, Dateline, EnrichedArticle, Entity, Event, EventParty, Evidence,
    Mention, Place, TopicEvidence, TopicHit,
)

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

SCHEMAS = REPO_ROOT / "schemas"


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


ARTICLE = validator("article.schema.json")
ENRICHED = validator("enriched-article.schema.json")
ALERT = validator("alert.schema.json")


def enriched_sample() -> dict:
    return {
        "id": "a1", "title": "Envoys meet in Geneva", "body": "The envoys met in Geneva on Friday.",
        "url": "https://example.org/a1", "source": "example", "published_at": "2026-11-20T09:30:00Z",
        "published_at_source": "article", "language": "en", "metadata": {"feed": "demo"}, "language_detected": "en", "language_confidence": 0.98,
        "actors": [{"id": "geneva", "name": "Geneva", "type": "location", "country": "CHE", "role": None,
                    "sector": None, "aliases": [], "mentions": [{"field": "body", "start": 19, "end": 25, "text": "Geneva"}], "mention_count": 1}],
        "entities": [{"field": "body", "start": 19, "end": 25, "text": "Geneva", "label": "GPE", "actor_id": "geneva"}],
        "events": [{"id": "e1", "type": "CONSULT", "cameo": "043", "source": {"name": "envoys", "country": None, "actor_id": None},
                    "target": None, "parties": [], "date": "2026-11-20", "location": {"name": "Geneva", "lat": 46.2, "lon": 6.14},
                    "modality": "reported", "negated": False, "dead": None, "injured": None, "trigger": "met",
                    "evidence": [{"field": "body", "start": 0, "end": 34, "sentence": "The envoys met in Geneva on Friday."}],
                    "evidence_count": 1, "confidence": 0.8}],
        "topics": [{"id": "t", "name": "T", "score": 2.5, "evidence": [
            {"rule": "talks", "term": "met", "field": "body", "start": 11, "end": 14, "sentence": "The envoys met in Geneva on Friday."}]}],
        "places": [{"name": "Geneva", "country": "CHE", "lat": 46.2, "lon": 6.14, "actor_id": "geneva"}],
        "story_id": "s1", "authors": ["A. Writer"], "editors": [],
        "dateline": {"place": "Geneva", "agency": "Example", "lat": 46.2, "lon": 6.14},
        "content_hash": "0" * 64, "truncated": False, "reduced": False,
        "counts": {"actors": 1, "entities": 1, "events": 1, "places": 1}, "warnings": [],
        "pipeline_version": PIPELINE_VERSION, "processed_at": "2026-11-20T09:31:00Z",
    }


def alert_sample() -> dict:
    return {
        "id": "al1", "rule": "syria", "query": "ceasefire AND country:SYR", "fired_at": "2026-11-20T09:31:01Z",
        "articles": [{"id": "a1", "story_id": "s1", "title": "Envoys meet", "url": None, "source": "example",
                      "published_at": "2026-11-20T09:30:00Z", "snippet": "The envoys met"}],
        "matched": ['"ceasefire" in body'], "topics": ["syria-ceasefire-talks"], "digest": False, "held_back": 0,
    }


def both_accept(model: type[BaseModel], schema: Draft202012Validator, doc: dict) -> tuple[bool, bool]:
    try:
        model.model_validate(doc)
        model_ok = True
    except ValidationError:
        model_ok = False
    return model_ok, schema.is_valid(doc)


# --- the same documents are valid for both ------------------------------------------

@pytest.mark.parametrize("doc", [
    {"body": "text"},
    {"id": "x", "title": None, "body": "text", "url": "https://e.org/1", "source": "s",
     "published_at": "2017-03-18T00:00:00Z", "language": "en", "metadata": {"any": ["thing"]}},
    {"body": "text", "language": "pt-BR"},
])
def test_valid_articles_are_valid_for_both(doc):
    assert both_accept(Article, ARTICLE, doc) == (True, True)


@pytest.mark.parametrize("doc", [
    {},
    {"title": "no body"},
    {"body": ""},
    {"body": "   "},
    {"body": 3},
    {"body": "x", "extra": 1},
    {"body": "x", "language": "English"},
    {"body": "x", "metadata": []},
    {"body": "x", "id": ""},
])
def test_invalid_articles_are_invalid_for_both(doc):
    assert both_accept(Article, ARTICLE, doc) == (False, False)


def test_enriched_sample_is_valid_for_both_and_round_trips():
    doc = enriched_sample()
    assert both_accept(EnrichedArticle, ENRICHED, doc) == (True, True)
    dumped = EnrichedArticle.model_validate(doc).model_dump(mode="json")
    assert ENRICHED.is_valid(dumped), list(ENRICHED.iter_errors(dumped))[:3]


@pytest.mark.parametrize("mutate", [
    lambda d: d["actors"][0].update(type="planet"),
    lambda d: d["actors"][0].update(country="Russia"),
    lambda d: d["events"][0].update(type="DISCUSS"),
    lambda d: d["events"][0].update(cameo="4"),
    lambda d: d["events"][0].update(evidence=[]),
    lambda d: d["events"][0].update(confidence=1.5),
    lambda d: d["events"][0].update(modality="maybe"),
    lambda d: d["entities"][0].update(field="headline"),
    lambda d: d["places"][0].update(lat=123.0),
    lambda d: d.pop("topics"),
    lambda d: d.update(unexpected=True),
    lambda d: d.update(published_at_source="guessed"),
])
def test_broken_enriched_documents_are_invalid_for_both(mutate):
    doc = copy.deepcopy(enriched_sample())
    mutate(doc)
    model_ok, schema_ok = both_accept(EnrichedArticle, ENRICHED, doc)
    if "topics" not in doc:  # the model defaults a missing list; the schema says every key is present
        assert not schema_ok and model_ok
    else:
        assert (model_ok, schema_ok) == (False, False)


def test_alert_sample_is_valid_for_both_and_broken_ones_are_not():
    assert both_accept(Alert, ALERT, alert_sample()) == (True, True)
    for mutate in (lambda d: d.update(articles=[]), lambda d: d.update(held_back=-1), lambda d: d.pop("rule")):
        doc = alert_sample()
        mutate(doc)
        assert both_accept(Alert, ALERT, doc) == (False, False)


def test_every_model_dump_has_every_key_the_schema_requires():
    """'Fields a stage cannot fill yet are empty or null, never missing.'"""
    minimal = EnrichedArticle(
        id="a", body="b", content_hash="h", pipeline_version=PIPELINE_VERSION, processed_at=datetime.now(timezone.utc)
    ).model_dump(mode="json")
    assert ENRICHED.is_valid(minimal), [e.message for e in ENRICHED.iter_errors(minimal)]
    assert set(ENRICHED.schema["required"]) == set(minimal)


# --- the same fields, all the way down ----------------------------------------------

@pytest.mark.parametrize(("schema", "path", "model"), [
    (ARTICLE, [], Article),
    (ENRICHED, [], EnrichedArticle),
    (ENRICHED, ["actors"], Actor),
    (ENRICHED, ["actors", "mentions"], Mention),
    (ENRICHED, ["entities"], Entity),
    (ENRICHED, ["places"], Place),
    (ENRICHED, ["events"], Event),
    (ENRICHED, ["events", "source"], EventParty),
    (ENRICHED, ["events", "evidence"], Evidence),
    (ENRICHED, ["topics"], TopicHit),
    (ENRICHED, ["topics", "evidence"], TopicEvidence),
    (ENRICHED, ["dateline"], Dateline),
    (ENRICHED, ["counts"], Counts),
    (ALERT, [], Alert),
    (ALERT, ["articles"], AlertArticle),
])
def test_schema_and_model_name_the_same_fields(schema, path, model):
    node = schema.schema
    for key in path:
        node = _resolve(schema.schema, node["properties"][key])
    assert set(node.get("properties", {})) == set(model.model_fields)


def _resolve(root: dict, node: dict) -> dict:
    if "$ref" in node:
        return _resolve(root, root["$defs"][node["$ref"].split("/")[-1]])
    for option in node.get("anyOf", []):
        if option.get("type") != "null":
            return _resolve(root, option)
    if node.get("type") == "array":
        return _resolve(root, node["items"])
    return node
