"""The worker's full path on the secure local stack, and what the security refuses.

The secure stack is the deployment's shape on one machine: Kafka with SASL_SSL (SCRAM-SHA-512, a CA
file, ACLs that give the worker's user only its own topics and group) and Elasticsearch with TLS on
HTTP and a password. The worker, ``newsmon publish`` and ``newsmon search`` run with the settings
deploy/docker-compose.yml gives the worker (NEWSMON_KAFKA_SECURITY_PROTOCOL=SASL_SSL, ...).
"""

from __future__ import annotations

import json
import ssl
import uuid
from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr
from kafka import KafkaAdminClient, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAuthorizationFailedError
from support import RunningWorker, dead_letters, run_newsmon, wait_for

from newsmon.config import Settings
from newsmon.index.client import make_client
from newsmon.scratch import scratch_run
from newsmon.stack import secure
from newsmon.stream.kafka import ensure_topics, kafka_python_options

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def secure_worker(secure_settings: Settings, tmp_path_factory) -> Iterator[RunningWorker]:
    running = RunningWorker.start(secure_settings, tmp_path_factory.mktemp("secure-worker") / "worker.log")
    yield running
    running.stop()


def test_worker_enriches_indexes_and_dead_letters_on_the_secure_stack(secure_worker: RunningWorker):
    settings = secure_worker.settings
    marker = uuid.uuid4().hex[:10]
    article = {"id": f"sec-{marker}", "title": f"Harbour reopens {marker}", "source": "reuters",
               "body": "Vladimir Putin met Nursultan Nazarbayev in Moscow on Monday to discuss Syria."}
    published = run_newsmon(settings, "publish", "-", stdin=json.dumps(article) + "\n")
    assert published.returncode == 0, published.stderr
    assert "sent 1 article" in published.stderr

    # Not JSON: the worker dead-letters it (written as the worker's user, which may write its topics).
    producer = KafkaProducer(**kafka_python_options(settings))
    producer.send(settings.articles_topic, key=f"broken-{marker}".encode(), value=b'{"title": "half')
    producer.flush()
    producer.close()

    es = make_client(settings)

    def indexed():
        found = es.options(ignore_status=404).get(index=settings.articles_index, id=article["id"])
        return found["_source"] if found.get("found") else None

    doc = wait_for(indexed, timeout=120, what="the article in the secure Elasticsearch")
    assert {"Vladimir Putin", "Nursultan Nazarbayev"} <= {a["name"] for a in doc["actors"]}

    def searched():
        result = run_newsmon(settings, "search", marker, "--json")
        assert result.returncode == 0, result.stderr
        hits = json.loads(result.stdout)
        return hits if hits else None

    hits = wait_for(searched, timeout=60, what="`newsmon search` to find the article")
    assert [h["id"] for h in hits] == [article["id"]]

    letters = wait_for(lambda: [d for d in dead_letters(settings) if d["key"] == f"broken-{marker}"],
                       timeout=60, what="the dead letter on the DLQ")
    assert letters[0]["reason"].startswith("invalid JSON")
    assert secure_worker.alive()
    log = secure_worker.log()
    for secret in (settings.kafka_password, settings.es_password):
        assert secret.get_secret_value() not in log


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith("newsmon worker:")]
    assert "Traceback" not in stderr and len(lines) == 1, stderr
    return lines[0]


def test_a_wrong_kafka_password_is_one_sentence_for_publish_and_the_worker(secure_settings: Settings):
    wrong = secure_settings.model_copy(update={"kafka_password": SecretStr("wrong-password")})
    for command in (["publish", "-"], ["worker"]):
        result = run_newsmon(wrong, *command, stdin=json.dumps({"title": "x", "body": "y"}) + "\n", timeout=180)
        assert result.returncode != 0
        assert one_line(result.stderr) == (
            "error: Kafka at 127.0.0.1:19092 refused the credentials of user 'newsmon' (SCRAM-SHA-512 authentication "
            "failed): check NEWSMON_KAFKA_USERNAME and NEWSMON_KAFKA_PASSWORD."
        )


def test_a_client_without_tls_or_the_ca_is_told_which_setting_to_fix(secure_settings: Settings):
    plain = secure_settings.model_copy(update={"kafka_security_protocol": "SASL_PLAINTEXT"})
    result = run_newsmon(plain, "publish", "-", stdin=json.dumps({"title": "x", "body": "y"}) + "\n", timeout=180)
    assert result.returncode != 0 and "check NEWSMON_KAFKA_SECURITY_PROTOCOL" in one_line(result.stderr)
    untrusted = secure_settings.model_copy(update={"kafka_ca_file": None})
    result = run_newsmon(untrusted, "publish", "-", stdin=json.dumps({"title": "x", "body": "y"}) + "\n", timeout=180)
    assert result.returncode != 0 and "set NEWSMON_KAFKA_CA_FILE" in one_line(result.stderr)


def test_a_wrong_elasticsearch_password_is_one_sentence(secure_settings: Settings):
    wrong = secure_settings.model_copy(update={"es_password": SecretStr("wrong-password")})
    result = run_newsmon(wrong, "search", "anything", timeout=120)
    assert result.returncode != 0
    assert "401" in one_line(result.stderr) and "wrong-password" not in result.stderr


def test_clients_without_tls_are_refused(secure_stack: secure.SecureStack, secure_settings: Settings):
    # Kafka: the same SCRAM credentials over a plain connection never get in.
    options = kafka_python_options(secure_settings, security_protocol="SASL_PLAINTEXT",
                                   request_timeout_ms=3000, bootstrap_timeout_ms=3000)
    options.pop("ssl_cafile", None)
    with pytest.raises(KafkaError):
        KafkaAdminClient(**options)
    # Elasticsearch: plain HTTP on its port gets no answer, and TLS without a password is a 401.
    with pytest.raises(httpx.HTTPError):
        httpx.get(secure_stack.es_url.replace("https://", "http://") + "/_cluster/health", timeout=5)
    context = ssl.create_default_context(cafile=str(secure_stack.ca_file))
    assert httpx.get(secure_stack.es_url + "/_cluster/health", verify=context, timeout=5).status_code == 401
    # And a client that does not trust the stack's CA does not connect at all.
    with pytest.raises(httpx.ConnectError):
        httpx.get(secure_stack.es_url + "/_cluster/health", timeout=5)


def test_the_worker_user_cannot_write_outside_its_acls(secure_stack: secure.SecureStack, secure_settings: Settings):
    outside = f"other-{scratch_run(secure_settings)}.news.articles"
    admin = secure_stack.admin_settings(secure_settings, articles_topic=outside)
    ensure_topics(admin)  # the admin may create any topic; the worker's user may not even write to this one
    producer = KafkaProducer(max_block_ms=10_000, **kafka_python_options(secure_settings))
    worker_admin = KafkaAdminClient(**kafka_python_options(secure_settings))
    try:
        with pytest.raises(TopicAuthorizationFailedError):
            producer.send(outside, value=b"{}").get(timeout=15)
        # Nor create a topic, even under its own prefix: the admin creates newsmon's topics.
        with pytest.raises(TopicAuthorizationFailedError):
            worker_admin.create_topics([NewTopic(f"{scratch_run(secure_settings)}.news.extra", 1, 1)])
    finally:
        worker_admin.close()
        producer.close()
        client = KafkaAdminClient(**kafka_python_options(admin))
        client.delete_topics([outside])
        client.close()
