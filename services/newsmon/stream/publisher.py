"""Publishing articles to ``news.articles`` with kafka-python, keyed by article id.

Keying by id sends every version of an article to the same partition, so they are
processed in order and the last one published is the one that stays indexed.
"""

from __future__ import annotations

import json
from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError, KafkaTimeoutError

from newsmon.config import Settings
from newsmon.models import Article

from .kafka import kafka_python_options


class PublishError(RuntimeError):
    """Kafka did not take the articles; the message says what to check."""


def encode(article: Article) -> bytes:
    """The message value of an article: UTF-8 JSON, without the fields it does not set."""
    return json.dumps(article.model_dump(mode="json", exclude_none=True), ensure_ascii=False).encode("utf-8")


def too_large(article: Article, settings: Settings) -> str | None:
    """Why the input topic would refuse the article, or None: Kafka's limit is on the message in bytes."""
    size = len(encode(article))
    if size > settings.max_message_bytes:
        return (f"the article is {size:,} bytes as JSON; {settings.articles_topic} takes messages up to "
                f"{settings.max_message_bytes:,} bytes (NEWSMON_MAX_MESSAGE_BYTES)")
    return None


class ArticlePublisher:
    """A thin, durable producer: ``acks=all``, retries, and a flush that reports failures."""

    def __init__(self, settings: Settings, topic: str | None = None):
        self.topic = topic or settings.articles_topic
        self._failures: list[str] = []
        try:
            self._producer = KafkaProducer(
                client_id="newsmon-publish",
                acks="all",
                retries=10,
                linger_ms=10,
                max_request_size=settings.producer_max_request_bytes,
                compression_type="gzip",
                **kafka_python_options(settings),
            )
        except KafkaTimeoutError:
            raise PublishError(
                f"no Kafka broker answers at {settings.kafka_bootstrap}: start the local stack with "
                "`newsmon stack up`, or set NEWSMON_KAFKA_BOOTSTRAP to your broker"
            ) from None

    def publish(self, article: Article) -> None:
        assert article.id is not None
        self._send(article.id, encode(article))

    def publish_raw(self, key: str, value: Any) -> None:
        self._send(key, json.dumps(value, ensure_ascii=False).encode("utf-8"))

    def _send(self, key: str, encoded: bytes) -> None:
        future = self._producer.send(self.topic, key=key.encode("utf-8"), value=encoded)
        future.add_errback(lambda exc, key=key: self._failures.append(f"{key}: {exc}"))

    def flush(self, timeout: float = 60) -> None:
        """Wait until every article sent so far is acknowledged; raise if any was not."""
        try:
            self._producer.flush(timeout=timeout)
        except KafkaError as exc:
            raise PublishError(f"Kafka did not acknowledge in {timeout}s: {exc}") from exc
        if self._failures:
            failures, self._failures = self._failures, []
            raise PublishError(f"{len(failures)} articles were not accepted by Kafka, e.g. {failures[0]}")

    def close(self) -> None:
        self._producer.close(timeout=10)

    def __enter__(self) -> "ArticlePublisher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
