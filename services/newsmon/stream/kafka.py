"""Kafka connection options and topic set-up, shared by the publisher, the CLI and the worker."""

from __future__ import annotations

import ssl
from typing import Any

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from newsmon.config import Settings


def _common_options(settings: Settings) -> dict[str, Any]:
    """Bootstrap servers and SASL: named the same in kafka-python and aiokafka."""
    options: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap.split(","),
        "security_protocol": settings.kafka_security_protocol,
    }
    if settings.kafka_sasl_mechanism:
        options["sasl_mechanism"] = settings.kafka_sasl_mechanism
        options["sasl_plain_username"] = settings.kafka_username
        options["sasl_plain_password"] = settings.kafka_password.get_secret_value() if settings.kafka_password else None
    return options


def kafka_python_options(settings: Settings) -> dict[str, Any]:
    """Connection options for kafka-python clients (producer, consumer, admin)."""
    options = _common_options(settings)
    if settings.kafka_ca_file:
        options["ssl_cafile"] = str(settings.kafka_ca_file)
    return options


def aiokafka_options(settings: Settings) -> dict[str, Any]:
    """Connection options for aiokafka clients (which Faust itself runs on): TLS goes in an SSLContext."""
    options = _common_options(settings)
    context = ssl_context(settings)
    if context is not None:
        options["ssl_context"] = context
    return options


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    if "SSL" not in settings.kafka_security_protocol:
        return None
    return ssl.create_default_context(cafile=str(settings.kafka_ca_file) if settings.kafka_ca_file else None)


def topic_specs(settings: Settings) -> list[NewTopic]:
    """The topics newsmon uses. Rules are a compacted topic: the latest version of each rule lives for ever."""
    n = settings.topic_partitions
    # Articles up to 32 MB get in (and are truncated by the worker, flagged) rather than refused.
    large = {"max.message.bytes": str(32 * 1024 * 1024)}
    return [
        NewTopic(settings.articles_topic, n, 1, topic_configs=large),
        NewTopic(settings.enriched_topic, n, 1),
        NewTopic(settings.dlq_topic, 1, 1),
        NewTopic(settings.alerts_topic, 1, 1),
        NewTopic(settings.alert_rules_topic, 1, 1, topic_configs={"cleanup.policy": "compact"}),
        # Story signatures only matter while a copy can still arrive: keep a week.
        NewTopic(settings.stories_topic, 1, 1, topic_configs={"retention.ms": str(7 * 24 * 3600 * 1000)}),
    ]


def ensure_topics(settings: Settings, replication_factor: int | None = None) -> list[str]:
    """Create missing topics; returns the names created. Existing topics are left as they are."""
    admin = KafkaAdminClient(client_id="newsmon-admin", request_timeout_ms=30_000, **kafka_python_options(settings))
    try:
        existing = set(admin.list_topics())
        wanted = [t for t in topic_specs(settings) if t.name not in existing]
        if replication_factor:
            for t in wanted:
                t.replication_factor = replication_factor
        created = []
        for topic in wanted:  # one at a time: a racing creator only costs us that topic
            try:
                admin.create_topics([topic])
                created.append(topic.name)
            except TopicAlreadyExistsError:
                pass
        return created
    finally:
        admin.close()
