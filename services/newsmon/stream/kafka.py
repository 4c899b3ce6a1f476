"""Kafka connection options and topic set-up, shared by the publisher, the CLI and the worker."""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

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


def kafka_python_options(settings: Settings, **overrides: Any) -> dict[str, Any]:
    """Connection options for kafka-python clients (producer, consumer, admin), ``overrides`` last.

    The first connection gives up after ``connect_timeout_s`` (kafka-python waits 30 s): a command
    run while Kafka is down says so in seconds. Only the bootstrap is bounded; requests keep their
    timeouts, and the worker retries its start-up on its own (``newsmon.cli.worker.wait_for_kafka``).
    """
    options = _common_options(settings)
    options["bootstrap_timeout_ms"] = int(settings.connect_timeout_s * 1000)
    if settings.kafka_ca_file:
        options["ssl_cafile"] = str(settings.kafka_ca_file)
    return {**options, **overrides}


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
    # Every topic takes messages up to max_message_bytes: articles that large get in (and are cut by
    # the worker, flagged) rather than refused, and nothing the worker produces from them is refused.
    size = {"max.message.bytes": str(settings.max_message_bytes)}
    return [
        NewTopic(settings.articles_topic, n, 1, topic_configs=size),
        NewTopic(settings.enriched_topic, n, 1, topic_configs=size),
        NewTopic(settings.dlq_topic, 1, 1, topic_configs=size),
        NewTopic(settings.dlq_replays_topic, 1, 1, topic_configs={"cleanup.policy": "compact"}),  # `newsmon dlq replay`
        NewTopic(settings.alerts_topic, 1, 1, topic_configs=size),
        NewTopic(settings.alert_rules_topic, 1, 1, topic_configs={"cleanup.policy": "compact", **size}),
        # Story signatures only matter while a copy can still arrive: keep a week.
        NewTopic(settings.stories_topic, 1, 1, topic_configs={"retention.ms": str(7 * 24 * 3600 * 1000), **size}),
        # The poller's memory (newsmon.feeds.store): the feed list and poll states for ever, the URLs
        # already published for as long as they are de-duplicated.
        NewTopic(settings.feeds_topic, 1, 1, topic_configs={"cleanup.policy": "compact", **size}),
        NewTopic(settings.feeds_state_topic, 1, 1, topic_configs={"cleanup.policy": "compact", **size}),
        NewTopic(settings.feeds_seen_topic, 1, 1, topic_configs={
            "cleanup.policy": "compact,delete", "retention.ms": str(int(settings.feeds_dedup_days * 24 * 3600 * 1000)), **size}),
    ]


def connect_admin(settings: Settings, **options: Any) -> KafkaAdminClient:
    """A kafka-python admin client; a broker that refuses us (credentials, TLS, protocol) is a
    :class:`~newsmon.stream.access.KafkaAccessError` naming the setting to fix, not a bootstrap timeout.

    With TLS or SASL configured, one connection is checked first (a refusal is then known in under a
    second instead of after kafka-python's bootstrap timeout); a plain-text client checks only after
    a failure (it is the local stack's case, and a plain-text client meets refusals only there)."""
    from .access import KafkaAccessError, refusal

    if settings.kafka_security_protocol.upper() != "PLAINTEXT":
        reason = refusal(settings)
        if reason is not None:
            raise KafkaAccessError(reason)
    try:
        return KafkaAdminClient(**kafka_python_options(settings, **options))
    except KafkaError as exc:
        # A broker that refuses us does so at once; one that is away already cost connect_timeout_s.
        reason = refusal(settings, min(2.0, settings.connect_timeout_s))
        if reason is not None:
            raise KafkaAccessError(reason) from None
        raise exc


def ensure_topics(settings: Settings, replication_factor: int | None = None) -> list[str]:
    """Create missing topics; returns the names created.

    Existing topics keep their settings, except that a ``max.message.bytes`` below
    ``max_message_bytes`` is raised to it: a topic created by an older newsmon (or by hand) with
    the broker's 1 MB default would otherwise refuse the enriched copy of a long article.
    """
    admin = connect_admin(settings, client_id="newsmon-admin", request_timeout_ms=30_000)
    try:
        existing = set(admin.list_topics())
        _raise_message_limits(admin, settings, [t.name for t in topic_specs(settings) if t.name in existing])
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


def _raise_message_limits(admin: KafkaAdminClient, settings: Settings, names: list[str]) -> None:
    if not names:
        return
    resources = [ConfigResource(ConfigResourceType.TOPIC, name, configs=None) for name in names]
    try:
        described = admin.describe_configs(config_resources=resources)
    except KafkaError:
        return  # no permission to read configs: leave the topics as they are
    too_small = []
    for name, configs in (described.get("topic") or {}).items():  # kafka-python 3: {"topic": {name: {key: {...}}}}
        # No entries at all: this user may not read the topic's configs (a worker under ACLs); leave it.
        value = (configs.get("max.message.bytes") or {}).get("value")
        if value is not None and int(value) < settings.max_message_bytes:
            too_small.append(name)
    if too_small:
        try:
            admin.alter_configs([
                ConfigResource(ConfigResourceType.TOPIC, name, configs={"max.message.bytes": str(settings.max_message_bytes)})
                for name in too_small
            ])
        except KafkaError:
            return  # no permission to change configs: the operator's setup job owns them


def kafka_is_unavailable(exc: BaseException) -> bool:
    """Whether a producer error is Kafka's (away, timed out, no leader, not allowed) rather than the message's.

    aiokafka marks retriable errors; timeouts, connection and authorisation failures are the
    broker's side too. A message too large, or a record Kafka calls invalid, is the message's.
    """
    from aiokafka import errors as ak

    if isinstance(exc, (ak.MessageSizeTooLargeError, ak.RecordTooLargeError, ak.InvalidMessageError,
                        ak.CorruptRecordException, ak.UnsupportedForMessageFormatError)):
        return False
    if isinstance(exc, (ak.KafkaTimeoutError, ak.KafkaConnectionError, ak.NodeNotReadyError, ak.TopicAuthorizationFailedError,
                        ak.ClusterAuthorizationFailedError, ak.ProducerClosed, asyncio.TimeoutError, ConnectionError)):
        return True
    return bool(getattr(exc, "retriable", False))
