"""The pieces of the CLI's one error path: connection deadlines applied, peer sentences, what `status` counts as down."""

from __future__ import annotations

import pytest
from elasticsearch import ConnectionError as EsConnectionError
from elasticsearch import ConnectionTimeout
from kafka.errors import KafkaTimeoutError

from newsmon.cli.errors import elasticsearch_down, kafka_down, peer_problem
from newsmon.cli.status import what_is_down
from newsmon.config import load_settings
from newsmon.index.client import make_client
from newsmon.ops.status import Component, LagPart, SmtpPart, StackPart, WorkerPart
from newsmon.scratch import free_port
from newsmon.stream.kafka import kafka_python_options


def test_kafka_clients_bootstrap_within_the_connect_timeout_and_callers_may_override_it():
    settings = load_settings({"NEWSMON_CONNECT_TIMEOUT_S": "1.5"})
    assert kafka_python_options(settings)["bootstrap_timeout_ms"] == 1500
    assert kafka_python_options(load_settings({}))["bootstrap_timeout_ms"] == 5000  # the default, NEWSMON_CONNECT_TIMEOUT_S=5
    overridden = kafka_python_options(settings, bootstrap_timeout_ms=3000, client_id="x")
    assert overridden["bootstrap_timeout_ms"] == 3000 and overridden["client_id"] == "x"


def test_the_elasticsearch_client_bounds_the_connection_not_the_request():
    es = make_client(load_settings({"NEWSMON_CONNECT_TIMEOUT_S": "1.5"}))
    node = es.transport.node_pool.all()[0]
    assert node.connect_timeout_s == 1.5  # connecting only: a slow search keeps the request's 30 s


def test_peer_failures_are_sentences_that_say_what_to_check():
    settings = load_settings({"NEWSMON_KAFKA_BOOTSTRAP": "127.0.0.1:1"})
    kafka = kafka_down(settings, KafkaTimeoutError("Unable to bootstrap from ['127.0.0.1:1']"))
    assert kafka.startswith("Kafka at 127.0.0.1:1 did not answer within 5 s: check that it runs and NEWSMON_KAFKA_BOOTSTRAP")
    closed = load_settings({"NEWSMON_ES_URL": f"http://user:pw@127.0.0.1:{free_port()}"})
    with pytest.raises(EsConnectionError) as raised:  # the client's own error, from a port nothing listens on
        make_client(closed).options(max_retries=0).info()
    refused = elasticsearch_down(closed, raised.value)
    assert "refused the connection (nothing listens on that port)" in refused and "NEWSMON_ES_URL" in refused
    assert "pw" not in refused  # the URL is shown without its credentials
    timed_out = elasticsearch_down(settings, ConnectionTimeout("Connection timed out during request"))
    assert "did not take the connection within 5 s" in timed_out and "NEWSMON_CONNECT_TIMEOUT_S" in timed_out
    assert peer_problem(KafkaTimeoutError("Unable to bootstrap"), settings) == kafka
    assert peer_problem(ValueError("a bug"), settings) is None  # anything else keeps its traceback


def _component(name: str, healthy: bool) -> Component:
    return Component(name=name, where="local stack", address="127.0.0.1:1", running=healthy, healthy=healthy,
                     detail="" if healthy else "port not open yet")


def test_status_counts_the_stack_the_worker_kafka_and_smtp_as_down_and_nothing_else():
    up = StackPart(components=[_component("kafka", True), _component("elasticsearch", True)])
    worker_ok = WorkerPart(url="http://127.0.0.1:6066", reachable=True, status="ok")
    lag_ok = LagPart(group="g", topic="t")

    class Report:  # what_is_down reads only these four parts
        def __init__(self, stack, worker, lag, smtp=None):
            self.stack, self.worker, self.lag, self.smtp = stack, worker, lag, smtp or SmtpPart()

    assert what_is_down(Report(up, worker_ok, lag_ok)) == []
    kafka_down_stack = StackPart(components=[_component("kafka", False), _component("elasticsearch", True)])
    no_worker = WorkerPart(url="http://127.0.0.1:6066", reachable=False, error="no worker answers")
    down = what_is_down(Report(kafka_down_stack, no_worker, LagPart(group="g", topic="t", error="Kafka unreachable")))
    assert down == ["kafka is not running (port not open yet)", "no worker answers"]  # Kafka named once
    degraded = WorkerPart(url="u", reachable=True, status="degraded", degraded_reason="Elasticsearch held back")
    assert what_is_down(Report(up, degraded, lag_ok)) == ["the worker is degraded (Elasticsearch held back)"]
    mute = SmtpPart(server="127.0.0.1:2525", email_rules=["desk"], reachable=False, detail="connection refused")
    assert what_is_down(Report(up, worker_ok, lag_ok, mute)) == [
        "the SMTP server 127.0.0.1:2525 does not answer (connection refused)"]
    unchecked = SmtpPart(server="127.0.0.1:2525")  # no email rule: not checked, not down
    assert what_is_down(Report(up, worker_ok, lag_ok, unchecked)) == []
