"""The real local stack: brought up (idempotently) and talked to like newsmon will talk to it.

Nothing is mocked and nothing is skipped: if Kafka or Elasticsearch cannot be reached, these fail.
The stack is left running for the rest of the test session and for development.
"""

from __future__ import annotations

import time
import uuid

import pytest
from elasticsearch import Elasticsearch
from kafka import KafkaAdminClient, KafkaProducer

from newsmon.config import get_settings
from newsmon.stack import StackStatus, status, up

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def started() -> StackStatus:
    lines: list[str] = []
    result = up(get_settings(), echo=lines.append)
    print("\n".join(lines))
    return result


def test_up_reports_both_running_and_healthy(started: StackStatus) -> None:
    settings = get_settings()
    assert started.healthy, started.as_dict()
    assert started.kafka.running and started.kafka.pid
    assert started.elasticsearch.running and started.elasticsearch.pid
    assert started.kafka.version == settings.kafka_version
    assert started.elasticsearch.version == settings.es_version
    assert started.kafka.log.name == "server.log"


def test_a_second_up_is_quick_and_changes_nothing(started: StackStatus) -> None:
    lines: list[str] = []
    began = time.monotonic()
    again = up(get_settings(), echo=lines.append)
    assert time.monotonic() - began < 10
    assert (again.kafka.pid, again.elasticsearch.pid) == (started.kafka.pid, started.elasticsearch.pid)
    assert all("already running" in line for line in lines), lines


def test_status_agrees(started: StackStatus) -> None:
    now = status(get_settings())
    assert now.healthy, now.as_dict()
    assert now.kafka.pid == started.kafka.pid
    assert now.elasticsearch.pid == started.elasticsearch.pid


def test_kafka_answers_a_metadata_call_and_auto_creates_topics(started: StackStatus) -> None:
    settings = get_settings()
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, request_timeout_ms=10_000)
    try:
        cluster = admin.describe_cluster()
        assert len(cluster["brokers"]) == 1
        topic = f"newsmon-stack-test-{uuid.uuid4().hex[:8]}"
        producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, request_timeout_ms=10_000)
        try:
            producer.send(topic, b"hello").get(timeout=30)
            assert len(producer.partitions_for(topic)) == settings.topic_partitions
        finally:
            producer.close()
        admin.delete_topics([topic])
    finally:
        admin.close()


def test_elasticsearch_answers_cluster_health(started: StackStatus) -> None:
    es = Elasticsearch(get_settings().es_url, request_timeout=10)
    try:
        health = es.cluster.health(wait_for_status="yellow", timeout="30s")
        assert health["status"] in ("yellow", "green")
        assert health["number_of_nodes"] == 1
    finally:
        es.close()
