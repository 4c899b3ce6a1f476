"""Alert targets cannot be turned inward, on the real stack: the API and `alerts add` refuse with the sentence,
the worker skips a refused rule put straight on the rules topic, and refuses at delivery what resolves inward.

The session's worker allows only its HTTP peer's address and port (tests/conftest.py ``isolated``).
"""

from __future__ import annotations

import json
import time
import uuid

import httpx
import pytest
from kafka import KafkaProducer
from support import publish_article, run_newsmon, wait_for

from newsmon.alerts.receiver import WebhookReceiver
from newsmon.index.client import make_client
from newsmon.stream.kafka import kafka_python_options
from newsmon.stream.launcher import worker_url

pytestmark = pytest.mark.integration

HINT = "add it to NEWSMON_ALLOWED_HOSTS if this is intended"


def ledger(es, settings, rule: str) -> list[dict]:
    es.options(ignore_status=404).indices.refresh(index=settings.alerts_index)
    result = es.options(ignore_status=404).search(index=settings.alerts_index, query={"term": {"rule": rule}}, size=10)
    return [h["_source"] for h in result.get("hits", {}).get("hits", [])]


def refused_by_api(base: str, channel, **extra) -> str:
    name = f"refused-{uuid.uuid4().hex[:8]}"
    answer = httpx.post(f"{base}/alerts/rules", json={"name": name, "query": "harbour", "channels": [channel], **extra})
    assert answer.status_code == 400, answer.text
    assert httpx.get(f"{base}/alerts/rules/{name}").status_code == 404  # nothing was written
    return answer.json()["error"]


def test_the_api_refuses_inward_targets_reserved_topics_and_bad_addresses_with_400(worker, http_peer):
    settings, base = worker.settings, worker_url(worker.settings)
    es_url = "http://127.0.0.1:9200/news-articles/_doc"
    assert refused_by_api(base, f"webhook:{es_url}") == (
        f"channels.0: webhook target {es_url} is refused: 127.0.0.1 is a loopback address; {HINT}")
    own_api = f"http://[::1]:{settings.web_port}/alerts/rules/other/disable"
    assert refused_by_api(base, {"type": "webhook", "target": own_api}) == (
        f"channels.0: webhook target {own_api} is refused: ::1 is a loopback address; {HINT}")
    assert "169.254.169.254 is a cloud metadata address" in refused_by_api(base, "slack:http://169.254.169.254/latest/")
    assert "needs an http(s) URL" in refused_by_api(base, {"type": "webhook", "target": "file:///etc/passwd"})
    assert "contains a line break" in refused_by_api(base, {"type": "email", "target": "a@example.org\r\nBcc: b@example.org"})
    for topic in (settings.articles_topic, settings.alert_rules_topic, "__consumer_offsets"):
        assert f"kafka topic {topic!r} is" in refused_by_api(base, f"kafka:{topic}")
    assert "the HMAC secret has 5 bytes" in refused_by_api(base, "kafka", secret="short")
    # The session's own receiver is listed, so a rule for it is accepted.
    name = f"allowed-{uuid.uuid4().hex[:8]}"
    created = httpx.post(f"{base}/alerts/rules", json={"name": name, "query": "harbour",
                                                       "channels": [{"type": "webhook", "target": http_peer.url_for("/ok")}]})
    assert created.status_code == 201, created.text
    assert httpx.delete(f"{base}/alerts/rules/{name}").status_code == 200


@pytest.mark.parametrize(("channel", "sentence"), [
    ("webhook:http://127.0.0.1:9200/x",
     f"webhook target http://127.0.0.1:9200/x is refused: 127.0.0.1 is a loopback address; {HINT}"),
    ("webhook:http://0.0.0.0:6066/alerts/rules", "0.0.0.0 is an unspecified address"),
    ("slack:http://10.0.0.1/hook", "10.0.0.1 is a private address"),
    ("webhook:http://localhost:9200/", "is refused: localhost resolves to "),  # 127.0.0.1 or ::1, whichever comes first
    ("webhook:http://metadata.google.internal/computeMetadata/v1/", "is the name of a cloud metadata service"),
    ("webhook:file:///etc/passwd", "needs an http(s) URL"),
    ("kafka:__consumer_offsets", "is internal to Kafka"),
])
def test_alerts_add_refuses_with_exit_code_and_sentence(worker, channel, sentence):
    result = run_newsmon(worker.settings, "alerts", "add", "--name", f"no-{uuid.uuid4().hex[:6]}", "--query", "harbour",
                         "--channel", channel)
    assert result.returncode == 1, result.stdout
    assert sentence in result.stderr and "Traceback" not in result.stderr


def test_alerts_add_refuses_the_sessions_own_topics(worker):
    settings = worker.settings
    for topic in (settings.articles_topic, settings.enriched_topic, settings.dlq_topic, settings.alert_rules_topic,
                  settings.stories_topic):
        result = run_newsmon(settings, "alerts", "add", "--name", f"loop-{uuid.uuid4().hex[:6]}", "--query", "harbour",
                             "--channel", f"kafka:{topic}")
        assert result.returncode == 1 and f"kafka topic {topic!r} is newsmon's own topic" in result.stderr, result.stderr


def test_a_refused_rule_put_straight_on_the_rules_topic_is_skipped_with_one_line(worker):
    settings = worker.settings
    name = f"injected-inward-{uuid.uuid4().hex[:8]}"
    record = {"name": name, "query": "harbour", "channels": ["webhook:http://127.0.0.1:9200/news-articles/_doc"],
              "enabled": True, "secret": "x" * 24, "created_at": "2026-12-01T00:00:00Z", "updated_at": "2026-12-01T00:00:00Z"}
    producer = KafkaProducer(**kafka_python_options(settings))
    producer.send(settings.alert_rules_topic, key=name.encode(), value=json.dumps(record).encode()).get(timeout=30)
    producer.close()
    line = (f"ignoring unreadable alert rule {name!r}: channels.0: webhook target http://127.0.0.1:9200/news-articles/_doc "
            f"is refused: 127.0.0.1 is a loopback address; {HINT}")
    wait_for(lambda: line in worker.log(), timeout=30, what="the worker's line about the injected rule")
    assert httpx.get(f"{worker_url(settings)}/alerts/rules/{name}").status_code == 404
    assert worker.log().count(line) == 1


def test_a_name_that_resolves_inward_at_delivery_is_failed_with_a_generic_reason(worker, http_peer):
    """`alerts add` run with a wider allow-list than the worker's ("localhost" by name) writes a rule whose host
    the worker's policy only sees when it connects: localhost resolves to 127.0.0.1, and only the peer's port is
    listed there. The delivery is refused, recorded failed once, and says nothing about the target."""
    settings = worker.settings
    es = make_client(settings)
    other = WebhookReceiver()
    try:
        marker = uuid.uuid4().hex[:8]
        rule = f"inward-{marker}"
        wider = settings.model_copy(update={"allowed_hosts": f"{settings.allowed_hosts},localhost"})
        added = run_newsmon(wider, "alerts", "add", "--name", rule, "--query", f"pier{marker}",
                            "--channel", f"webhook:http://localhost:{other.port}/inward/{marker}")
        assert added.returncode == 0, added.stderr
        time.sleep(1)  # the worker follows the rules topic
        publish_article(settings, {"id": f"p-{marker}", "title": "Pier reopens", "body": f"The pier{marker} reopened today."})
        (record,) = wait_for(lambda: [r for r in ledger(es, settings, rule) if r["status"] == "failed"], timeout=90,
                             what="the refused delivery recorded as failed")
        assert record["error"] == "the target is not allowed by the outbound policy"
        assert record["attempts"] == 1  # a refusal is not retried
        assert other.received() == []
        assert "is refused by the outbound policy: localhost resolves to " in worker.log()
    finally:
        other.close()
