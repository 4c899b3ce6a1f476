"""The whole pipeline on the real local stack: publish -> worker -> Elasticsearch, and the dead-letter path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from support import wait_for

from newsmon.index.client import make_client
from newsmon.stream.kafka import kafka_python_options

pytestmark = pytest.mark.integration

SEED_PUBLISHED_AT = "2017-03-18"


def newsmon(settings, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **settings.as_env()}
    return subprocess.run([sys.executable, "-m", "newsmon.cli.main", *args], env=env, capture_output=True, text=True, timeout=300)


def seed_document(es, settings):
    es.indices.refresh(index=settings.articles_index)
    hits = es.search(index=settings.articles_index, query={"match_phrase": {"title": "discuss Syria"}}, size=10)["hits"]["hits"]
    return hits


def dead_letters(settings) -> list[dict]:
    consumer = KafkaConsumer(
        auto_offset_reset="earliest", enable_auto_commit=False, consumer_timeout_ms=3000, **kafka_python_options(settings)
    )
    partition = TopicPartition(settings.dlq_topic, 0)
    consumer.assign([partition])
    consumer.seek_to_beginning(partition)
    letters = [json.loads(record.value) for record in consumer]
    consumer.close()
    return letters


def test_seed_article_flows_end_to_end_and_bad_input_is_dead_lettered(worker, seed_article_path):
    settings = worker.settings
    es = make_client(settings)

    published = newsmon(settings, "publish", str(seed_article_path), "--published-at", SEED_PUBLISHED_AT, "--source", "reuters")
    assert published.returncode == 0, published.stderr
    assert "sent 1 article" in published.stderr

    # A careless upstream producer: not JSON at all, then JSON without a body.
    producer = KafkaProducer(**kafka_python_options(settings))
    marker = uuid.uuid4().hex
    producer.send(settings.articles_topic, key=b"broken-1", value=b'{"title": "half a message ' + marker.encode())
    producer.send(settings.articles_topic, key=b"broken-2", value=json.dumps({"title": "no body", "marker": marker}).encode())
    producer.flush()

    hits = wait_for(lambda: seed_document(es, settings), timeout=120, what="the seed article in Elasticsearch")
    assert len(hits) == 1
    doc = hits[0]["_source"]
    names = {actor["name"] for actor in doc["actors"]}
    assert {"Vladimir Putin", "Nursultan Nazarbayev"} <= names, names
    assert doc["published_at"].startswith(SEED_PUBLISHED_AT)
    assert doc["source"] == "reuters"
    assert doc["pipeline_version"] and doc["processed_at"]
    assert "syria-ceasefire-talks" in {t["id"] for t in doc["topics"]}
    assert doc["story_id"]
    first_indexed_at = doc["indexed_at"]

    letters = wait_for(
        lambda: [d for d in dead_letters(settings) if marker in d["value"]], timeout=60, what="two dead letters"
    )
    by_key = {d["key"]: d for d in letters}
    assert set(by_key) == {"broken-1", "broken-2"}, letters
    assert by_key["broken-1"]["reason"].startswith("invalid JSON")
    assert by_key["broken-2"]["reason"] == "'body' is required; unknown field 'marker' (put extra data under 'metadata')"
    assert by_key["broken-1"]["source"]["topic"] == settings.articles_topic
    assert by_key["broken-1"]["stage"] == "decode"

    # The worker kept consuming after the bad messages: a later article is indexed too. It has no
    # published_at: it is dated with the time Kafka received it, flagged, and found by a --since search.
    after = newsmon(settings, "publish", "-")  # stdin is empty: nothing to send is a user error (exit 1), said once
    assert after.returncode == 1 and "no articles found in standard input" in after.stderr
    assert "Traceback" not in after.stderr
    later = {"id": f"after-{marker}", "title": "Harbour reopens after storm", "body": "The harbour reopened on Monday after repairs."}
    sent_at = datetime.now(timezone.utc)
    producer.send(settings.articles_topic, key=later["id"].encode(), value=json.dumps(later).encode())
    producer.flush()
    producer.close()
    stored = wait_for(lambda: es.options(ignore_status=404).get(index=settings.articles_index, id=later["id"]).get("_source"),
                      timeout=60, what="an article published after the bad ones")
    assert worker.alive()
    assert stored["published_at_source"] == "received"
    assert abs(datetime.fromisoformat(stored["published_at"]) - sent_at) < timedelta(minutes=5)
    found = newsmon(settings, "search", "harbour", "--since", (sent_at - timedelta(hours=1)).isoformat(), "--json")
    assert found.returncode == 0, found.stderr
    assert later["id"] in {hit["id"] for hit in json.loads(found.stdout)}

    # Publishing the seed article again updates its document instead of adding one.
    again = newsmon(settings, "publish", str(seed_article_path), "--published-at", SEED_PUBLISHED_AT, "--source", "reuters")
    assert again.returncode == 0, again.stderr

    def reindexed():
        found = seed_document(es, settings)
        return found if found and found[0]["_source"]["indexed_at"] != first_indexed_at else None

    hits = wait_for(reindexed, timeout=60, what="the re-published seed article to be processed")
    assert len(hits) == 1
    assert hits[0]["_id"] == doc["id"]
    assert es.count(index=settings.articles_index, query={"term": {"id": doc["id"]}})["count"] == 1


def test_publish_reports_invalid_records_with_origin_and_exits_non_zero(isolated, tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"title": "Bridge opens", "body": "A new bridge opened to traffic."}))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"body": "fine"}\n{"title": "no body"}\nnot json\n')
    result = newsmon(isolated, "publish", str(good), str(bad))
    assert result.returncode == 1
    assert "sent 2 articles" in result.stderr
    assert f"{bad}:2: 'body' is required" in result.stderr
    assert f"{bad}:3: invalid JSON" in result.stderr
