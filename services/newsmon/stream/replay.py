"""Re-running stored articles through the worker after a pipeline upgrade (``newsmon reprocess``).

Stored articles are published again to ``news.articles``, keyed by id, so the running
workers process them with the current pipeline, exactly as new arrivals: documents are
overwritten under the same ids (with the new ``pipeline_version``), and the alert ledger's
once-per-rule-and-story guard keeps stories that were already alerted from alerting again.

The articles come from Kafka while the topic still holds them (from the offsets at the
given time on), else from Elasticsearch (documents processed since then), which keeps
every article's original fields.

An article that came without ``published_at`` was dated with the time it was received; it is
sent again with that date and ``metadata.published_at_source: "received"``, so the re-run keeps
the first receipt time (not the replay's) and the flag (see :mod:`newsmon.articles.prepare`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

from kafka import KafkaConsumer, TopicPartition

from newsmon.articles import InvalidArticle, parse_article
from newsmon.config import Settings
from newsmon.models import Article

from .kafka import kafka_python_options

STORED_FIELDS = ("id", "title", "body", "url", "source", "published_at", "language", "metadata")


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def kafka_covers(settings: Settings, since: datetime) -> bool:
    """True when ``news.articles`` still holds everything published since ``since``.

    It does unless retention already deleted records from after that time: i.e. when some
    partition's oldest retained record is newer than ``since`` and older ones existed.
    """
    consumer = KafkaConsumer(enable_auto_commit=False, **kafka_python_options(settings))
    try:
        partitions = [TopicPartition(settings.articles_topic, p) for p in consumer.partitions_for_topic(settings.articles_topic) or []]
        if not partitions:
            return False
        beginnings = consumer.beginning_offsets(partitions)
        for tp in partitions:
            if beginnings[tp] == 0:
                continue  # nothing was ever deleted here
            consumer.assign([tp])
            consumer.seek(tp, beginnings[tp])
            first = next(iter(consumer.poll(timeout_ms=5000).get(tp, [])), None)
            if first is not None and first.timestamp > _ms(since):
                return False
        return True
    finally:
        consumer.close()


def from_kafka(settings: Settings, since: datetime) -> Iterator[Article]:
    """Valid articles published to ``news.articles`` since ``since``, up to the current end; the last version of each id."""
    consumer = KafkaConsumer(enable_auto_commit=False, consumer_timeout_ms=5000, **kafka_python_options(settings))
    latest: dict[str, Article] = {}
    try:
        partitions = [TopicPartition(settings.articles_topic, p) for p in consumer.partitions_for_topic(settings.articles_topic) or []]
        consumer.assign(partitions)
        ends = consumer.end_offsets(partitions)
        starts = consumer.offsets_for_times({tp: _ms(since) for tp in partitions})
        remaining = set()
        for tp in partitions:
            found = starts.get(tp)
            if found is not None and found.offset < ends[tp]:
                consumer.seek(tp, found.offset)
                remaining.add(tp)
        while remaining:
            batch = consumer.poll(timeout_ms=1000)
            if not batch:
                break
            for tp, records in batch.items():
                for record in records:
                    if record.offset >= ends[tp]:
                        remaining.discard(tp)
                        break
                    try:
                        key = record.key.decode("utf-8") if record.key else None
                        article = parse_article(record.value or b"", key=key)
                    except (InvalidArticle, UnicodeDecodeError):
                        continue  # it was dead-lettered the first time; it would be again
                    if article.published_at is None and record.timestamp and record.timestamp > 0:
                        article = as_received(article, datetime.fromtimestamp(record.timestamp / 1000, tz=timezone.utc))
                    latest[article.id] = article
                if consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        consumer.close()
    yield from latest.values()


def from_elasticsearch(settings: Settings, since: datetime) -> Iterator[Article]:
    """Articles whose documents were processed since ``since``, rebuilt from their stored fields."""
    from newsmon.index.client import make_client
    from newsmon.index.scan import scan

    es = make_client(settings)
    query = {"range": {"processed_at": {"gte": since.isoformat()}}}
    for page in scan(es, settings.articles_index, query=query, source=[*STORED_FIELDS, "published_at_source"]):
        for hit in page:
            source = hit["_source"]
            article = Article.model_validate({k: source.get(k) for k in STORED_FIELDS if source.get(k) is not None})
            if source.get("published_at_source") == "received" and article.published_at is not None:
                article = as_received(article, article.published_at)
            yield article


def as_received(article: Article, received: datetime) -> Article:
    """The article dated with the time it was first received, and flagged so."""
    metadata = {**article.metadata, "published_at_source": "received"}
    return article.model_copy(update={"published_at": received, "metadata": metadata})
