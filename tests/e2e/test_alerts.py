"""Alerts on the real local stack: rules added while the worker runs, every channel against a real peer,
once per story, and a failing webhook that is retried, recorded as failed, and holds nothing up."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import uuid

import httpx
import pytest
from jsonschema import Draft202012Validator
from kafka import KafkaConsumer, TopicPartition
from support import wait_for

from newsmon.index.client import make_client
from newsmon.stream.kafka import kafka_python_options
from newsmon.stream.launcher import worker_url

pytestmark = pytest.mark.integration

ALERT_SCHEMA = Draft202012Validator(json.loads(
    (__import__("pathlib").Path(__file__).resolve().parents[2] / "schemas" / "alert.schema.json").read_text()))

STORY = (
    "Port authorities in the fictional city of Valdora imposed a blockade on the northern harbour on Monday, "
    "halting grain shipments for the third day, officials said. Dock workers said the {token} terminal was "
    "closed and trucks were queuing for miles along the coastal road. The transport minister said talks with "
    "shipping companies would continue on Tuesday and promised that the harbour would reopen within a week. "
    "Traders warned that bread prices could rise if the blockade lasted longer than the weekend, and farmers "
    "said their silos were already full after a strong harvest in the river valley."
)


def newsmon(settings, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **settings.as_env(), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "newsmon.cli.main", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=300)


def publish(settings, article: dict) -> None:
    result = newsmon(settings, "publish", "-", stdin=json.dumps(article) + "\n")
    assert result.returncode == 0, result.stderr


def indexed(es, settings, article_id: str):
    found = es.options(ignore_status=404).get(index=settings.articles_index, id=article_id)
    return found["_source"] if found.get("found") else None


def ledger(es, settings, rule: str) -> list[dict]:
    es.options(ignore_status=404).indices.refresh(index=settings.alerts_index)
    result = es.options(ignore_status=404).search(index=settings.alerts_index, query={"term": {"rule": rule}}, size=50)
    return [h["_source"] for h in result.get("hits", {}).get("hits", [])]


def kafka_alerts(settings, rule: str) -> list[dict]:
    consumer = KafkaConsumer(enable_auto_commit=False, consumer_timeout_ms=2000, **kafka_python_options(settings))
    partitions = [TopicPartition(settings.alerts_topic, p) for p in consumer.partitions_for_topic(settings.alerts_topic) or []]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    found = [json.loads(r.value) for r in consumer if json.loads(r.value)["rule"] == rule]
    consumer.close()
    return found


def test_rule_added_while_the_worker_runs_fires_once_on_every_channel(worker, http_peer, smtp_peer):
    settings = worker.settings
    es = make_client(settings)
    marker = uuid.uuid4().hex[:8]
    token = f"quayside{marker}"
    rule = f"harbour-{marker}"
    added = newsmon(settings, "alerts", "add", "--name", rule, "--query", f"blockade AND {token}",
                    "--channel", "webhook:" + http_peer.url_for(f"/hook/{marker}"),
                    "--channel", "slack:" + http_peer.url_for(f"/slack/{marker}"),
                    "--channel", "email:desk@example.org", "--channel", "kafka")
    assert added.returncode == 0, added.stderr
    secret = added.stdout.split("X-Newsmon-Signature): ")[1].split()[0]

    article = {"id": f"a-{marker}", "title": f"Blockade halts grain at Valdora harbour ({marker})",
               "body": STORY.format(token=token), "source": "newsmon-test", "url": f"https://test.newsmon.dev/{marker}",
               "published_at": "2026-11-20T08:00:00Z"}
    publish(settings, article)

    (hook,) = wait_for(lambda: http_peer.received(f"/hook/{marker}"), timeout=90, what="the webhook alert")
    expected = "sha256=" + hmac.new(secret.encode(), hook.body, hashlib.sha256).hexdigest()
    assert hook.headers["X-Newsmon-Signature"] == expected
    alert = json.loads(hook.body)
    ALERT_SCHEMA.validate(alert)
    assert alert["rule"] == rule and alert["articles"][0]["id"] == article["id"]
    assert any(token in m for m in alert["matched"]), alert["matched"]
    assert hook.headers["X-Newsmon-Alert-Id"] == alert["id"]

    (slack,) = wait_for(lambda: http_peer.received(f"/slack/{marker}"), timeout=30, what="the Slack alert")
    assert article["title"] in json.loads(slack.body)["text"]
    mail = wait_for(lambda: [m for m in smtp_peer.messages if marker in m["Subject"]], timeout=30, what="the email alert")
    assert len(mail) == 1 and mail[0]["To"] == "desk@example.org"
    (on_kafka,) = wait_for(lambda: kafka_alerts(settings, rule), timeout=30, what="the alert on the alerts topic")
    assert on_kafka["id"] == alert["id"]
    records = wait_for(lambda: [r for r in ledger(es, settings, rule) if r["status"] == "sent"] if len(
        [r for r in ledger(es, settings, rule) if r["status"] == "sent"]) == 4 else None, timeout=30, what="4 sent records")
    assert {r["channel_type"] for r in records} == {"webhook", "slack", "email", "kafka"}

    # The same article again, and a syndicated copy with small edits on another site: one story, no new alert.
    first = indexed(es, settings, article["id"])
    publish(settings, article)
    copy = {**article, "id": f"b-{marker}", "url": f"https://other.example.org/wire/{marker}", "source": "other-site",
            "body": article["body"].replace("on Monday", "on Monday morning") + " (Additional reporting by the desk.)"}
    publish(settings, copy)
    copied = wait_for(lambda: indexed(es, settings, copy["id"]), timeout=60, what="the syndicated copy to be indexed")
    assert copied["story_id"] == first["story_id"]
    wait_for(lambda: indexed(es, settings, article["id"])["indexed_at"] != first["indexed_at"], timeout=60,
             what="the re-published article to be processed")
    wait_for(lambda: ledger(es, settings, rule) and all(r["status"] == "sent" for r in ledger(es, settings, rule)), timeout=10)
    assert len(http_peer.received(f"/hook/{marker}")) == 1
    assert len(http_peer.received(f"/slack/{marker}")) == 1
    assert len([m for m in smtp_peer.messages if marker in m["Subject"]]) == 1
    assert len(kafka_alerts(settings, rule)) == 1
    assert len(ledger(es, settings, rule)) == 4


def test_failing_webhook_is_retried_then_recorded_failed_while_articles_keep_flowing(worker, http_peer):
    settings = worker.settings
    es = make_client(settings)
    marker = uuid.uuid4().hex[:8]
    path = f"/broken/{marker}"
    http_peer.fail_paths[path] = -1
    rule = f"broken-{marker}"
    added = newsmon(settings, "alerts", "add", "--name", rule, "--query", f"ferry{marker}", "--channel", "webhook:" + http_peer.url_for(path))
    assert added.returncode == 0, added.stderr

    publish(settings, {"id": f"f-{marker}", "title": "Ferry service suspended", "body": f"The ferry{marker} service was suspended after a storm."})
    publish(settings, {"id": f"g-{marker}", "title": "Library reopens", "body": "The city library reopened after repairs."})

    attempts = wait_for(lambda: http_peer.received(path) if len(http_peer.received(path)) >= 3 else None, timeout=90,
                        what="three delivery attempts")
    (record,) = wait_for(lambda: [r for r in ledger(es, settings, rule) if r["status"] == "failed"], timeout=30,
                         what="the alert recorded as failed")
    assert record["attempts"] == 3 and "500" in record["error"]
    assert [a.status for a in attempts] == [500, 500, 500]
    assert attempts[1].at - attempts[0].at >= 0.4  # backoff between attempts
    assert wait_for(lambda: indexed(es, settings, f"g-{marker}"), timeout=60, what="the next article to be indexed")
    assert worker.alive()


def test_rules_over_the_worker_http_api(worker):
    base = worker_url(worker.settings)
    marker = uuid.uuid4().hex[:8]
    name = f"api-{marker}"
    created = httpx.post(f"{base}/alerts/rules", json={"name": name, "query": "ceasefire AND talks", "channels": ["kafka"], "throttle": "5/h"})
    assert created.status_code == 201, created.text
    assert created.json()["secret"] != "********" and created.json()["throttle_per_hour"] == 5
    assert name in [r["name"] for r in httpx.get(f"{base}/alerts/rules").json()]
    assert httpx.get(f"{base}/alerts/rules/{name}").json()["secret"] == "********"

    bad = httpx.post(f"{base}/alerts/rules", json={"name": "x", "query": "(ceasefire", "channels": ["kafka"]})
    assert bad.status_code == 400 and "expected ')'" in bad.json()["error"]

    article = {"title": "Truce talks resume", "body": "Negotiators said ceasefire talks would resume in Geneva next week."}
    tested = httpx.post(f"{base}/alerts/rules/{name}/test", json=article, timeout=60)
    assert tested.status_code == 200 and tested.json()["matched"] is True
    miss = httpx.post(f"{base}/alerts/rules/{name}/test", json={"body": "The bakery sold out of bread."}, timeout=60)
    assert miss.json()["matched"] is False

    assert httpx.post(f"{base}/alerts/rules/{name}/disable").json()["enabled"] is False
    assert httpx.delete(f"{base}/alerts/rules/{name}").status_code == 200
    assert httpx.get(f"{base}/alerts/rules/{name}").status_code == 404


def distinct_articles(marker: str, word: str, count: int) -> list[dict]:
    """Articles that match ``word`` but are different stories (no shared shingles beyond the word)."""
    places = ["Aldmere", "Brackenford", "Caldwick", "Dunmarsh", "Eastholm"]
    things = ["bridge repairs", "a school opening", "flood defences", "a new hospital wing", "bus routes"]
    return [{"id": f"{word}-{marker}-{n}", "title": f"{places[n]} council debates {things[n]}",
             "body": f"Councillors in {places[n]} met on {['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'][n]} "
                     f"to discuss {things[n]} and the {word} that residents raised at the last meeting. "
                     f"The vote was postponed until {['spring', 'summer', 'autumn', 'winter', 'next year'][n]}."}
            for n in range(count)]


def test_digest_groups_alerts_and_throttle_holds_back(worker, http_peer):
    settings = worker.settings
    es = make_client(settings)
    marker = uuid.uuid4().hex[:8]
    digest_word, throttle_word = f"digestword{marker}", f"throttleword{marker}"
    assert newsmon(settings, "alerts", "add", "--name", f"digest-{marker}", "--query", digest_word, "--digest", "4s",
                   "--channel", "webhook:" + http_peer.url_for(f"/digest/{marker}")).returncode == 0
    assert newsmon(settings, "alerts", "add", "--name", f"throttle-{marker}", "--query", throttle_word, "--throttle", "2/h",
                   "--channel", "webhook:" + http_peer.url_for(f"/throttle/{marker}")).returncode == 0
    for article in distinct_articles(marker, digest_word, 3) + distinct_articles(marker, throttle_word, 4):
        publish(settings, article)

    (digest,) = wait_for(lambda: http_peer.received(f"/digest/{marker}"), timeout=90, what="one digest message")
    body = json.loads(digest.body)
    ALERT_SCHEMA.validate(body)
    assert body["digest"] is True and len(body["articles"]) == 3
    records = wait_for(lambda: (r := ledger(es, settings, f"digest-{marker}")) and all(x["status"] == "sent" for x in r) and r,
                       timeout=30, what="the digest's records marked sent")
    assert len(records) == 3

    def throttled():
        records = ledger(es, settings, f"throttle-{marker}")
        return records if len(records) == 4 and not any(r["status"] == "pending" for r in records) else None

    statuses = sorted(r["status"] for r in wait_for(throttled, timeout=90, what="four throttle records"))
    assert statuses == ["held", "held", "sent", "sent"]
    assert len(http_peer.received(f"/throttle/{marker}")) == 2
