"""The seed article through the real extractor into the real Elasticsearch: one article
document, one event document per extracted event, each fetchable by its fields, and the
aggregations Kibana's dashboard runs."""

from __future__ import annotations

from collections import Counter

import pytest

from newsmon.index.documents import event_doc_id
from newsmon.index.templates import install
from newsmon.models import EnrichedArticle
from tests.conftest import SEED_PUBLISHED_AT
from tests.index.helpers import index_articles

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def indexed(es, fresh_prefix, seed: EnrichedArticle):
    settings = fresh_prefix("seed")
    install(es, settings)
    result = index_articles(settings, [seed])
    assert result.indexed == [seed.id] and result.rejected == {}
    return settings


def hits(es, index, query, size=100):
    es.indices.refresh(index=index)
    return es.search(index=index, query=query, size=size)["hits"]["hits"]


def test_the_extractor_found_what_issue_3_expects(seed):
    assert seed.events, "the seed article must yield events"
    assert any(e.type == "CONSULT" and e.source and e.source.country == "RUS" for e in seed.events)


def test_one_article_document(es, indexed, seed):
    found = hits(es, indexed.articles_index, {"match_all": {}})
    assert [h["_id"] for h in found] == [seed.id]
    doc = found[0]["_source"]
    assert doc["title"] == seed.title
    assert doc["source"] == "reuters"
    assert doc["published_at"].startswith(SEED_PUBLISHED_AT)
    assert doc["@timestamp"] == doc["published_at"]
    assert doc["pipeline_version"] == seed.pipeline_version
    assert doc["story_id"] == seed.story_id
    assert doc["authors"] == seed.authors
    assert doc["event_types"] == list(dict.fromkeys(e.type for e in seed.events))
    assert doc["event_count"] == len(seed.events)
    assert doc["dateline"]["place"] == seed.dateline.place
    assert doc["dateline"]["point"] == {"lat": seed.dateline.lat, "lon": seed.dateline.lon}


def test_the_article_is_fetchable_by_each_field(es, indexed, seed):
    moscow = seed.dateline
    located_place = next(p for p in seed.places if p.lat is not None)
    actor = next(a for a in seed.actors if a.sector)
    topic = seed.topics[0]
    queries = {
        "actors.name": {"match_phrase": {"actors.name": "Vladimir Putin"}},
        "actors.name.keyword": {"term": {"actors.name.keyword": "Nursultan Nazarbayev"}},
        "actors.country": {"term": {"actors.country": "KAZ"}},
        "actors.type": {"term": {"actors.type": "person"}},
        "actors.sector": {"term": {"actors.sector": actor.sector}},
        "topics.id": {"term": {"topics.id": topic.id}},
        "topics.score": {"range": {"topics.score": {"gte": topic.score}}},
        "event_types": {"term": {"event_types": "CONSULT"}},
        "places.point": {"geo_distance": {"distance": "20km", "places.point": {"lat": located_place.lat, "lon": located_place.lon}}},
        "authors": {"term": {"authors": seed.authors[0]}},
        "dateline.place": {"term": {"dateline.place": moscow.place}},
        "dateline.point": {"geo_distance": {"distance": "5km", "dateline.point": {"lat": moscow.lat, "lon": moscow.lon}}},
        "pipeline_version": {"term": {"pipeline_version": seed.pipeline_version}},
        "processed_at": {"range": {"processed_at": {"gte": "now-1d"}}},
        "published_at": {"range": {"published_at": {"gte": SEED_PUBLISHED_AT, "lte": SEED_PUBLISHED_AT + "T23:59:59Z"}}},
        "source": {"term": {"source": "reuters"}},
        "url": {"term": {"url": seed.url}},
        "title": {"match": {"title": "Nazarbayev"}},
        "body": {"match_phrase": {"body": "de Mistura"}},
    }
    for field, query in queries.items():
        assert [h["_id"] for h in hits(es, indexed.articles_index, query)] == [seed.id], field
    if seed.story_id is None:
        assert hits(es, indexed.articles_index, {"exists": {"field": "story_id"}}) == []


def test_one_event_document_per_event(es, indexed, seed):
    found = {h["_id"]: h["_source"] for h in hits(es, indexed.events_index, {"match_all": {}})}
    assert set(found) == {event_doc_id(seed.id, e.id) for e in seed.events}
    for event in seed.events:
        doc = es.get(index=indexed.events_index, id=event_doc_id(seed.id, event.id))["_source"]
        assert doc["event_id"] == event.id
        assert doc["article"]["id"] == seed.id
        assert doc["article"]["title"] == seed.title
        assert doc["article"]["url"] == seed.url
        assert doc["article"]["source"] == "reuters"
        assert doc["article"]["published_at"].startswith(SEED_PUBLISHED_AT)
        assert (doc["type"], doc["cameo"], doc["modality"], doc["negated"]) == (event.type, event.cameo, event.modality, event.negated)
        assert doc["confidence"] == pytest.approx(event.confidence)
        assert doc["sentence"] == event.evidence[0].sentence
        assert doc["date"] == (event.date.isoformat() if event.date else None)
        assert doc["@timestamp"] == (event.date.isoformat() if event.date else doc["article"]["published_at"])
        for role in ("source", "target"):
            party = getattr(event, role)
            assert doc[role] == (party.model_dump(mode="json") if party else None)
        if event.location is not None:
            assert doc["location"]["name"] == event.location.name
            if event.location.lat is not None:
                assert doc["location"]["point"] == {"lat": event.location.lat, "lon": event.location.lon}
        assert doc["topics"] == [t.id for t in seed.topics]


def test_each_event_is_fetchable_by_its_fields(es, indexed, seed):
    for event in seed.events:
        doc_id = event_doc_id(seed.id, event.id)
        filters = [
            {"term": {"type": event.type}}, {"term": {"cameo": event.cameo}}, {"term": {"cameo_root": event.cameo[:2]}},
            {"term": {"modality": event.modality}}, {"term": {"negated": event.negated}},
            {"range": {"confidence": {"gte": event.confidence - 0.001, "lte": event.confidence + 0.001}}},
            {"term": {"article.id": seed.id}}, {"term": {"article.source": "reuters"}},
            {"match_phrase": {"article.title": "discuss Syria"}},
            {"match_phrase": {"sentence": event.trigger}},
        ]
        for role in ("source", "target"):
            party = getattr(event, role)
            if party is None:
                continue
            filters.append({"term": {f"{role}.name.keyword": party.name}})
            if party.country:
                filters.append({"term": {f"{role}.country": party.country}})
                filters.append({"term": {"countries": party.country}})
        if event.date:
            filters.append({"term": {"date": event.date.isoformat()}})
        if event.location and event.location.lat is not None:
            filters.append({"term": {"location.name": event.location.name}})
            filters.append({"geo_distance": {"distance": "10km", "location.point": {"lat": event.location.lat, "lon": event.location.lon}}})
        for clause in filters:
            found = [h["_id"] for h in hits(es, indexed.events_index, {"bool": {"filter": [clause, {"ids": {"values": [doc_id]}}]}})]
            assert found == [doc_id], clause
        everything = [h["_id"] for h in hits(es, indexed.events_index, {"bool": {"filter": filters}})]
        assert everything == [doc_id]


def test_aggregations_by_type_and_source_country(es, indexed, seed):
    es.indices.refresh(index=indexed.events_index)
    response = es.search(index=indexed.events_index, size=0, aggs={
        "types": {"terms": {"field": "type", "size": 50}},
        "source_countries": {"terms": {"field": "source.country", "size": 50}},
        "consult_by_source": {"filter": {"term": {"type": "CONSULT"}},
                              "aggs": {"countries": {"terms": {"field": "source.country"}}}},
        "pairs": {"terms": {"field": "source.country", "size": 50}, "aggs": {"targets": {"terms": {"field": "target.country"}}}},
    })
    aggs = response["aggregations"]
    types = {b["key"]: b["doc_count"] for b in aggs["types"]["buckets"]}
    sources = {b["key"]: b["doc_count"] for b in aggs["source_countries"]["buckets"]}
    assert types == dict(Counter(e.type for e in seed.events))
    assert sources == dict(Counter(e.source.country for e in seed.events if e.source and e.source.country))
    # Issue 3: a CONSULT event whose source is Russian.
    assert "CONSULT" in types and "RUS" in sources
    consult = {b["key"]: b["doc_count"] for b in aggs["consult_by_source"]["countries"]["buckets"]}
    assert consult.get("RUS", 0) >= 1
    pairs = {(b["key"], t["key"]): t["doc_count"] for b in aggs["pairs"]["buckets"] for t in b["targets"]["buckets"]}
    expected_pairs = Counter((e.source.country, e.target.country) for e in seed.events
                             if e.source and e.target and e.source.country and e.target.country)
    assert pairs == dict(expected_pairs)


def test_articles_aggregate_by_actor_and_topic(es, indexed, seed):
    es.indices.refresh(index=indexed.articles_index)
    aggs = es.search(index=indexed.articles_index, size=0, aggs={
        "actors": {"terms": {"field": "actors.name.keyword", "size": 100}},
        "countries": {"terms": {"field": "actors.country", "size": 100}},
        "topics": {"terms": {"field": "topics.id"}},
        "per_day": {"date_histogram": {"field": "@timestamp", "calendar_interval": "day"}},
    })["aggregations"]
    assert {b["key"] for b in aggs["actors"]["buckets"]} == {a.name for a in seed.actors}
    assert {"RUS", "KAZ", "SYR"} <= {b["key"] for b in aggs["countries"]["buckets"]}
    assert [b["key"] for b in aggs["topics"]["buckets"]] == [t.id for t in seed.topics]
    assert [b["key_as_string"][:10] for b in aggs["per_day"]["buckets"]] == [SEED_PUBLISHED_AT]


def test_events_map_from_their_geo_points(es, indexed, seed):
    located = [e for e in seed.events if e.location and e.location.lat is not None]
    es.indices.refresh(index=indexed.events_index)
    response = es.search(index=indexed.events_index, size=0, query={"exists": {"field": "location.point"}},
                         aggs={"where": {"geotile_grid": {"field": "location.point", "precision": 6}}})
    assert response["hits"]["total"]["value"] == len(located)
    assert sum(b["doc_count"] for b in response["aggregations"]["where"]["buckets"]) == len(located)
