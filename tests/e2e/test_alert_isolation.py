"""One rule cannot freeze the worker, one slow target cannot delay anyone else's alerts. On the real stack."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from kafka import KafkaProducer
from support import publish_article as publish
from support import run_newsmon as newsmon
from support import wait_for

from newsmon.index.client import make_client
from newsmon.stream.kafka import kafka_python_options
from newsmon.stream.launcher import probe

pytestmark = pytest.mark.integration


def indexed(es, settings, article_id: str):
    found = es.options(ignore_status=404).get(index=settings.articles_index, id=article_id)
    return found["_source"] if found.get("found") else None


def test_a_pathological_wildcard_is_refused_at_alerts_add(worker):
    result = newsmon(worker.settings, "alerts", "add", "--name", f"slow-{uuid.uuid4().hex[:6]}",
                     "--query", "a*a*a*a*a*a*a*b", "--channel", "kafka")
    assert result.returncode == 1
    assert "at most 6 are allowed" in result.stderr and "Traceback" not in result.stderr


def test_rules_injected_into_the_rules_topic_cannot_hang_the_worker(worker):
    """Straight onto the topic, past every check of `alerts add`: one rule too complex to compile, and the
    heaviest one that compiles, against an article made of one 300-letter word."""
    settings = worker.settings
    es = make_client(settings)
    marker = uuid.uuid4().hex[:8]
    producer = KafkaProducer(**kafka_python_options(settings))
    for name, query in ((f"injected-7-{marker}", "a*a*a*a*a*a*a*b"), (f"injected-6-{marker}", "a*a*a*a*a*b OR *a*a*a*a*a")):
        record = {"name": name, "query": query, "channels": ["kafka"], "enabled": True, "secret": "x" * 24,
                  "created_at": "2026-11-30T00:00:00Z", "updated_at": "2026-11-30T00:00:00Z"}
        producer.send(settings.alert_rules_topic, key=name.encode(), value=json.dumps(record).encode())
    producer.flush()
    producer.close()
    time.sleep(2)  # the worker follows the rules topic
    word = "a" * 300
    heavy = {"id": f"heavy-{marker}", "title": word, "body": f"{word} {word}c {word}b"}
    after = {"id": f"after-heavy-{marker}", "title": "Ferry resumes", "body": "The ferry resumed on Tuesday."}
    started = time.monotonic()
    publish(settings, heavy)
    publish(settings, after)
    while not indexed(es, settings, after["id"]):
        answer = probe(settings, "/healthz", timeout=2)
        assert answer is not None and answer[0] == 200, "the worker's event loop stopped answering"
        assert time.monotonic() - started < 60, "the article after the heavy one was not indexed within 60 s"
        time.sleep(0.2)
    assert indexed(es, settings, heavy["id"]) is not None and worker.alive()
    assert f"ignoring unreadable alert rule 'injected-7-{marker}'" in worker.log()


def test_a_hanging_webhook_delays_only_its_own_alerts(worker, http_peer):
    settings = worker.settings
    marker = uuid.uuid4().hex[:8]
    hanging, healthy = f"/hang/{marker}", f"/fast/{marker}"
    http_peer.hang_paths[hanging] = 30.0
    for name, path in ((f"hangs-{marker}", hanging), (f"healthy-{marker}", healthy)):
        added = newsmon(settings, "alerts", "add", "--name", name, "--query", f"lighthouse{marker}",
                        "--channel", "webhook:" + http_peer.url_for(path))
        assert added.returncode == 0, added.stderr
    sent: dict[str, float] = {}
    for n in range(12):
        article_id = f"lh-{n}-{marker}"
        sent[article_id] = time.time()
        publish(settings, {"id": article_id, "title": f"Lighthouse keeper {n} retires",
                           "body": f"The keeper of lighthouse{marker} number {n} of a different coast retired after {20 + n} years, "
                                   f"the {['northern', 'southern', 'eastern', 'western'][n % 4]} port office said in statement {n}."})
        time.sleep(0.3)

    received = wait_for(lambda: http_peer.received(healthy) if len(http_peer.received(healthy)) >= 12 else None,
                        timeout=60, what="the healthy rule's twelve alerts")
    latencies = sorted(r.at - sent[json.loads(r.body)["articles"][0]["id"]] for r in received)
    p99 = latencies[-1]
    print(f"healthy rule's alert latency with a hanging target beside it: median {latencies[len(latencies) // 2]:.2f}s, max {p99:.2f}s")
    assert p99 < 2.0, latencies
    # The hanging target had at most its own concurrency in flight, and never a third copy of one alert.
    copies: dict[str, int] = {}
    for r in http_peer.received(hanging):
        alert_id = json.loads(r.body)["id"]
        copies[alert_id] = copies.get(alert_id, 0) + 1
    assert copies and max(copies.values()) <= 2, copies
    http_peer.hang_paths.pop(hanging)
