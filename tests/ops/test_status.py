"""``newsmon status`` on the real local stack, and when nothing can be reached."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from kafka import KafkaProducer
from support import wait_for

from newsmon.articles import validate_article
from newsmon.config import Settings
from newsmon.index.client import make_client
from newsmon.ops.status import (
    StatusReport,
    elasticsearch_is_local,
    elasticsearch_reachability,
    gather_status,
    kafka_is_local,
    kafka_reachability,
    scrub,
)
from newsmon.scratch import free_port
from newsmon.stream.kafka import ensure_topics, kafka_python_options
from newsmon.stream.publisher import ArticlePublisher

FERRY = (
    "The harbour master of the fictional port of Lindqvist suspended the evening ferry on Thursday after a "
    "storm damaged the landing stage, officials said. Passengers were offered seats on the morning boat, and "
    "the council promised repairs within a week. Fishermen said the swell was the worst they had seen this year."
)


def newsmon(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **settings.as_env(), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "newsmon.cli.main", *args], env=env, capture_output=True, text=True, timeout=120)


def status_command(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    """``newsmon status`` itself."""
    return newsmon(settings, "status", *args)


def all_indexed(settings: Settings, ids: list[str]) -> bool:
    found = make_client(settings).options(ignore_status=404).mget(index=settings.articles_index, ids=ids)
    return all(doc.get("found") for doc in found.get("docs", []))


@pytest.mark.integration
def test_status_shows_a_caught_up_worker_its_throughput_and_its_last_errors(worker, http_peer):
    settings = worker.settings
    marker = uuid.uuid4().hex[:8]

    # A rule whose webhook always fails, so a failed alert shows up among the last errors.
    path = f"/status-broken/{marker}"
    http_peer.fail_paths[path] = -1
    rule = f"status-{marker}"
    added = newsmon(settings, "alerts", "add", "--name", rule, "--query", f"ferry{marker}", "--channel",
                    "webhook:" + http_peer.url_for(path))
    assert added.returncode == 0, added.stderr

    articles = [
        validate_article({"id": f"status-{marker}-{n}", "title": f"Ferry suspended ({n})", "source": "lindqvist-post",
                          "body": FERRY + (f" The ferry{marker} line is the only link to the islands." if n == 0 else "")})
        for n in range(3)
    ]
    with ArticlePublisher(settings) as publisher:
        for article in articles:
            publisher.publish(article)
        publisher.flush()
    broken_key = f"status-broken-{marker}"
    producer = KafkaProducer(**kafka_python_options(settings))
    producer.send(settings.articles_topic, key=broken_key.encode(), value=b'{"title": "half a message ' + marker.encode())
    producer.flush()
    producer.close()

    wait_for(lambda: all_indexed(settings, [a.id for a in articles]), timeout=120, what="the articles to be indexed")

    def settled() -> StatusReport | None:
        report = gather_status(settings)
        done = (
            report.lag.total == 0
            and (report.throughput.articles_indexed or 0) >= len(articles)
            and any(d.key == broken_key for d in report.errors.dead_letters)
            and any(a.rule == rule for a in report.errors.failed_alerts)
            # Counted by a separate query a moment earlier: the record can turn failed in between.
            and (report.throughput.alerts_failed or 0) >= 1
        )
        return report if done else None

    # The worker commits every second, and a failing webhook is retried before it is recorded as failed.
    report = wait_for(settled, timeout=60, interval=1, what="a report with lag 0, the articles, the dead letter and the failed alert")

    assert report.stack.healthy, report.stack
    assert {c.name: c.where for c in report.stack.components} == {"kafka": "local stack", "elasticsearch": "local stack"}
    assert all(c.pid and c.version for c in report.stack.components)

    assert report.worker.reachable and report.worker.status == "ok", report.worker
    assert report.worker.error is None

    lag = report.lag
    assert (lag.group, lag.topic, lag.error) == (settings.worker_id, settings.articles_topic, None)
    assert len(lag.partitions) == settings.topic_partitions
    assert lag.has_commits and lag.note is None
    assert sum(p.end for p in lag.partitions) >= len(articles) + 1
    assert lag.group_state == "Stable" and lag.members == 1

    throughput = report.throughput
    assert throughput.articles_indexed >= len(articles)
    assert throughput.dead_letters >= 1
    assert throughput.alerts_failed >= 1 and throughput.alerts_sent is not None
    assert throughput.problems == []

    (letter,) = [d for d in report.errors.dead_letters if d.key == broken_key]
    assert letter.reason.startswith("invalid JSON"), letter
    assert letter.stage == "decode"
    assert letter.source.startswith(f"{settings.articles_topic}[") and letter.failed_at
    (failed,) = [a for a in report.errors.failed_alerts if a.rule == rule]
    assert failed.channel and "500" in failed.error
    assert report.errors.problems == []

    as_json = json.loads(json.dumps(report.as_dict()))
    assert as_json["lag"]["total"] == 0 and as_json["worker"]["status"] == "ok"

    # The command: the same report as JSON, and as tables naming every part.
    printed = status_command(settings, "--json")
    assert printed.returncode == 0, printed.stderr
    shown = json.loads(printed.stdout)
    assert shown["config"]["worker_id"] == settings.worker_id
    assert any(d["key"] == broken_key for d in shown["errors"]["dead_letters"])
    tables = status_command(settings)
    assert tables.returncode == 0, tables.stderr
    for heading in ("stack", "consumer lag of group " + settings.worker_id, "throughput, last 60 s", "last errors"):
        assert heading in tables.stdout, tables.stdout
    assert "invalid JSON" in tables.stdout


@pytest.mark.integration
def test_a_group_that_never_committed_is_called_out(worker):
    settings = worker.settings.model_copy(update={"worker_id": f"nobody-{uuid.uuid4().hex[:8]}"})
    with ArticlePublisher(settings) as publisher:
        publisher.publish(validate_article({"title": "Unread", "body": FERRY, "id": f"unread-{uuid.uuid4().hex[:8]}"}))
        publisher.flush()

    lag = gather_status(settings).lag

    assert lag.error is None
    assert not lag.has_commits
    assert all(p.committed is None for p in lag.partitions)
    assert lag.total >= 1
    assert f"{settings.worker_id} has no committed offsets" in lag.note
    assert lag.group_state == "unknown group"


@pytest.mark.integration
def test_reachability_checks_for_an_external_cluster_answer_on_the_real_stack(stack):
    kafka_ok, kafka_detail = kafka_reachability(stack)
    es_ok, es_detail = elasticsearch_reachability(stack)
    assert kafka_ok, kafka_detail
    assert es_ok, es_detail
    assert "broker" in kafka_detail and "health" in es_detail


def test_unreachable_services_are_explained_within_a_few_seconds(tmp_path: Path):
    secret = "s3cr3t-api-key-" + uuid.uuid4().hex
    settings = Settings(
        state_dir=tmp_path,
        kafka_bootstrap=f"127.0.0.1:{free_port()}",
        es_url=f"http://127.0.0.1:{free_port()}",
        es_api_key=secret,
        web_port=free_port(),
    )

    started = time.monotonic()
    report = gather_status(settings, timeout_s=2.0)
    took = time.monotonic() - started

    assert took < 6, f"status took {took:.1f}s with everything down"
    assert not report.stack.healthy
    assert {(c.name, c.where, c.running) for c in report.stack.components} == {
        ("kafka", "local stack", False), ("elasticsearch", "local stack", False)}
    assert all("stopped" in c.detail for c in report.stack.components)
    assert not report.worker.reachable
    assert report.worker.error.startswith(f"no worker answers at http://127.0.0.1:{settings.web_port}")
    assert report.lag.error.startswith(f"Kafka unreachable at {settings.kafka_bootstrap}")
    assert report.lag.total is None
    throughput = report.throughput
    assert (throughput.articles_indexed, throughput.dead_letters, throughput.alerts_sent, throughput.alerts_failed) == (None,) * 4
    assert any(p.startswith(f"Elasticsearch unreachable at {settings.es_url}") for p in throughput.problems)
    assert any("Kafka unreachable" in p for p in throughput.problems)
    assert any("Kafka unreachable" in p for p in report.errors.problems)
    assert any("Elasticsearch unreachable" in p for p in report.errors.problems)
    printed = json.dumps(report.as_dict())
    assert secret not in printed


def test_unreachable_external_services_are_reported_as_external(tmp_path: Path):
    settings = Settings(
        state_dir=tmp_path,
        kafka_bootstrap="kafka.invalid:9093",
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_username="newsmon",
        kafka_password="kafka-" + uuid.uuid4().hex,
        es_url="https://elastic:es-password@es.invalid:9200",
        web_port=free_port(),
    )

    report = gather_status(settings, timeout_s=2.0)

    components = {c.name: c for c in report.stack.components}
    assert components["kafka"].where == components["elasticsearch"].where == "external"
    assert components["kafka"].detail.startswith("Kafka unreachable at kafka.invalid:9093")
    assert components["elasticsearch"].detail.startswith("Elasticsearch unreachable at https://es.invalid:9200")
    printed = json.dumps(report.as_dict())
    assert settings.kafka_password.get_secret_value() not in printed
    assert "es-password" not in printed


def test_what_counts_as_the_local_stack():
    assert kafka_is_local(Settings())
    assert kafka_is_local(Settings(kafka_bootstrap="localhost:19092"))
    assert not kafka_is_local(Settings(kafka_bootstrap="kafka-1.internal:9093"))
    assert not kafka_is_local(Settings(kafka_bootstrap="127.0.0.1:9092,127.0.0.1:9093"))
    assert not kafka_is_local(Settings(kafka_security_protocol="SASL_PLAINTEXT"))
    assert elasticsearch_is_local(Settings())
    assert not elasticsearch_is_local(Settings(es_url="https://127.0.0.1:9200"))
    assert not elasticsearch_is_local(Settings(es_url="http://es.internal:9200"))


def test_messages_lose_secrets_and_url_credentials():
    settings = Settings(es_password="hunter2", smtp_password="mailpass")
    text = "auth failed for hunter2 at https://user:hunter2@es:9200 and smtp mailpass"
    assert scrub(text, settings) == "auth failed for *** at https://es:9200 and smtp ***"


@pytest.mark.integration
def test_local_kafka_beside_an_external_elasticsearch(isolated):
    ensure_topics(isolated)  # the session's topics exist whatever ran before
    settings = isolated.model_copy(update={"es_url": f"https://127.0.0.2:{free_port()}"})

    report = gather_status(settings, timeout_s=2.0)

    components = {c.name: c for c in report.stack.components}
    assert report.stack.error is None
    assert components["kafka"].where == "local stack" and components["kafka"].healthy
    assert components["elasticsearch"].where == "external" and not components["elasticsearch"].healthy
    assert components["elasticsearch"].detail.startswith("Elasticsearch unreachable at https://127.0.0.2:")
    assert report.lag.error is None


@pytest.mark.integration
def test_a_worker_that_stopped_on_a_fatal_error_says_why_in_status(isolated, tmp_path: Path):
    from newsmon.stream.launcher import start_worker

    bad = tmp_path / "topics.yaml"
    bad.write_text("topics: [\n")
    settings = isolated.model_copy(update={"topics_file": bad, "web_port": free_port(), "state_dir": tmp_path / "state"})
    process = start_worker(settings, tmp_path / "worker.log")
    assert process.wait(120) == 1
    log = (tmp_path / "worker.log").read_text()
    assert "the topics file has errors" in log and "Traceback" not in log
    result = status_command(settings, "--json")
    report = json.loads(result.stdout)
    assert "the topics file has errors" in report["worker"]["last_exit"]["reason"]
    shown = status_command(settings)
    assert "last fatal error" in shown.stdout and "topics.yaml:2:1" in shown.stdout
