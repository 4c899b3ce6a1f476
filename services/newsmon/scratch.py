"""Throwaway runs on a shared stack: topics, indices and a consumer group of their own.

The tests and ``newsmon bench`` run real workers against the same Kafka and Elasticsearch
a user's ``make run`` uses. A scratch run prefixes every name it touches, so it neither
sees nor disturbs anyone else's data, and :func:`drop_scratch` removes all of it.
"""

from __future__ import annotations

import socket
import uuid

from newsmon.config import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scratch_settings(settings: Settings, prefix: str = "scratch", **overrides) -> Settings:
    """Settings of a new scratch run. Its local webhook receivers are loopback, which the outbound
    policy refuses: pass ``allowed_hosts=receiver.allowed_host`` (that address and port only)."""
    run = f"{prefix}{uuid.uuid4().hex[:8]}"
    names = {
        "articles_topic": f"{run}.news.articles",
        "enriched_topic": f"{run}.news.enriched",
        "dlq_topic": f"{run}.news.articles.dlq",
        "dlq_replays_topic": f"{run}.news.articles.dlq.replays",
        "alerts_topic": f"{run}.news.alerts",
        "alert_topic_prefix": f"{run}.news.alerts.",
        "alert_rules_topic": f"{run}.news.alert-rules",
        "stories_topic": f"{run}.news.stories",
        "feeds_topic": f"{run}.news.feeds",
        "feeds_state_topic": f"{run}.news.feeds.state",
        "feeds_seen_topic": f"{run}.news.feeds.seen",
        "index_prefix": f"{run}-news",
        "worker_id": f"newsmon-{run}",
        "web_port": free_port(),
    }
    # Validated (not model_copy) so overrides get their proper types, e.g. secrets as SecretStr.
    return type(settings).model_validate({**settings.model_dump(), **names, **overrides})


def scratch_run(settings: Settings) -> str:
    """The run prefix of scratch settings."""
    return settings.index_prefix.removesuffix("-news")


def drop_scratch(settings: Settings) -> None:
    """Delete every topic and index of a scratch run (and its Faust internal topics)."""
    from kafka import KafkaAdminClient

    from newsmon.index.client import make_client
    from newsmon.stream.kafka import kafka_python_options

    run = scratch_run(settings)
    es = make_client(settings)
    es.options(ignore_status=404).indices.delete(index=f"{run}-*", expand_wildcards="all")
    es.options(ignore_status=404).indices.delete_index_template(name=f"{run}-*")
    admin = KafkaAdminClient(**kafka_python_options(settings))
    try:
        ours = [t for t in admin.list_topics() if t.startswith(run) or t.startswith(f"newsmon-{run}")]
        if ours:
            admin.delete_topics(ours)
    finally:
        admin.close()
