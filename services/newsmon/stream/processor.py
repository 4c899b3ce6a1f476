"""One batch of ``news.articles`` messages, through every stage, with the delivery guarantees written down.

Stages, in order:

1. **decode**: bytes to a valid :class:`~newsmon.models.Article` with an id; invalid input
   becomes a dead letter with the reason.
2. **prepare**: strip HTML, cap the body, hash the content (pure, in-process).
3. **enrich**: the extractor, in worker processes (:class:`~newsmon.stream.enrichment.EnrichmentPool`);
   an article the extractor fails on becomes a dead letter, the rest go on.
   **story**: near-duplicates of recent articles get their ``story_id`` (``news.stories``, awaited).
4. **index**: one bulk request to Elasticsearch, keyed by article id. Transient failures
   (Elasticsearch away or overloaded) are retried with backoff *without end*: the batch
   holds, the consumer stops pulling (back-pressure), health says degraded. Documents
   Elasticsearch rejects for what they are become dead letters.
5. **publish**: enriched articles to ``news.enriched``, awaited until Kafka acknowledged them.
6. **alert**: alert rules are matched and alerts delivered (see :mod:`newsmon.alerts`).
7. **dead letters**: written to ``news.articles.dlq``, awaited.

Commit rule: :meth:`BatchProcessor.complete` returns only when every message of the batch
is either indexed (and published) or dead-lettered; only then does the caller acknowledge
the messages so their offsets may be committed. :meth:`BatchProcessor.enrich` (stages 1-3)
has no effect outside the worker, so the caller may run it for the next batch while the
previous one completes; completing is strictly in order. If the process dies before that, the batch
is redelivered and re-indexed under the same ids: at-least-once delivery, exactly-once
documents.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from newsmon.articles import InvalidArticle, PreparedArticle, parse_article, prepare
from newsmon.config import Settings
from newsmon.index.indexer import ArticleIndexer, IndexUnavailable
from newsmon.models import EnrichedArticle

from .deadletter import DeadLetter, SourceMessage
from .enrichment import EnrichmentPool
from .health import Health
from .metrics import Metrics

log = logging.getLogger(__name__)

# (key, value) pairs to produce; the callable returns once Kafka acknowledged all of them.
Producer = Callable[[list[tuple[bytes | None, bytes]]], Awaitable[None]]
AlertStage = Callable[[list[EnrichedArticle]], Awaitable[object]]
# Sets story_id on each article from its signature (see newsmon.alerts.stories) and records it durably.
StoryStage = Callable[[list[tuple[EnrichedArticle, list[int]]]], Awaitable[None]]

MAX_BACKOFF_S = 10.0
T = TypeVar("T")


@dataclass
class BatchOutcome:
    indexed: list[str] = field(default_factory=list)
    dead_letters: list[DeadLetter] = field(default_factory=list)


@dataclass
class EnrichedBatch:
    """A batch after stages 1 to 3: what the later stages need, and the dead letters so far."""

    size: int = 0  # messages in the batch, whatever became of them
    enriched: list[EnrichedArticle] = field(default_factory=list)
    signatures: list[list[int]] = field(default_factory=list)
    source_of: dict[str, SourceMessage] = field(default_factory=dict)
    dead_letters: list[DeadLetter] = field(default_factory=list)


class BatchProcessor:
    """Takes a batch of source messages through the stages above. Never raises for bad input."""

    def __init__(
        self,
        settings: Settings,
        pool: EnrichmentPool,
        indexer: ArticleIndexer,
        send_enriched: Producer,
        send_dead_letters: Producer,
        *,
        health: Health | None = None,
        metrics: Metrics | None = None,
        alert_stage: AlertStage | None = None,
        story_stage: StoryStage | None = None,
    ):
        self.settings = settings
        self.pool = pool
        self.indexer = indexer
        self.send_enriched = send_enriched
        self.send_dead_letters = send_dead_letters
        self.health = health or Health()
        self.metrics = metrics or Metrics()
        self.alert_stage = alert_stage
        self.story_stage = story_stage

    def _timed(self, stage: str):
        return self.metrics.stage_seconds.labels(stage).time()

    async def process(self, messages: Sequence[SourceMessage]) -> BatchOutcome:
        """All stages of one batch, in order."""
        return await self.complete(await self.enrich(messages))

    async def enrich(self, messages: Sequence[SourceMessage]) -> EnrichedBatch:
        """Stages 1 to 3 (decode, prepare, enrich). No side effects outside this process, so the
        next batch may be enriched while the previous one is still being completed."""
        batch = EnrichedBatch(size=len(messages))
        self.metrics.articles_in.inc(len(messages))
        self.metrics.batch_size.observe(len(messages))

        with self._timed("decode"):
            prepared: list[tuple[SourceMessage, PreparedArticle]] = []
            for message in messages:
                try:
                    key = message.key.decode("utf-8") if message.key else None
                    article = parse_article(message.value or b"", key=key)
                    prepared.append((message, prepare(article, max_body_chars=self.settings.max_body_chars)))
                except InvalidArticle as exc:
                    batch.dead_letters.append(DeadLetter(message, "decode", exc.reason))
                except UnicodeDecodeError as exc:
                    batch.dead_letters.append(DeadLetter(message, "decode", f"message key is not UTF-8: {exc}"))

        with self._timed("enrich"):
            results = await self.pool.enrich([p for _, p in prepared])
        for (message, _), result in zip(prepared, results):
            batch.source_of[result.article_id] = message
            if result.enriched is None:
                batch.dead_letters.append(DeadLetter(message, "enrich", result.error or "extraction failed"))
            else:
                batch.enriched.append(result.enriched)
                batch.signatures.append(result.signature or [])
        self.metrics.enriched.inc(len(batch.enriched))
        return batch

    async def complete(self, batch: EnrichedBatch) -> BatchOutcome:
        """Stages 4 to 7 (story, index, publish, alert, dead letters). Batches must be completed in
        the order they were read, so the last version of an article is the one that stays."""
        outcome = BatchOutcome(dead_letters=list(batch.dead_letters))
        enriched = batch.enriched
        if self.story_stage is not None and enriched:
            with self._timed("story"):
                await self.story_stage(list(zip(enriched, batch.signatures)))

        # A refresh makes the batch searchable at once. Worth it when the stream is quiet (a small batch:
        # latency is what users feel); under load (a full batch) the periodic refresh comes soon
        # enough, and refreshing every batch would spend the CPU the extraction needs.
        refresh = self.settings.refresh_each_batch and batch.size < self.settings.batch_size
        with self._timed("index"):
            result = await self._until_elasticsearch_takes(lambda: self.indexer.index(enriched, refresh=refresh))
        rejected = result.rejected
        for article_id, reason in rejected.items():
            outcome.dead_letters.append(DeadLetter(batch.source_of[article_id], "index", reason))
        indexed = [a for a in enriched if a.id not in rejected]
        outcome.indexed = [a.id for a in indexed]
        self.metrics.indexed.inc(len(indexed))

        with self._timed("publish"):
            await self.send_enriched([(a.id.encode(), a.model_dump_json().encode()) for a in indexed])

        if self.alert_stage is not None and indexed:
            with self._timed("alert"):
                await self._until_elasticsearch_takes(lambda: self.alert_stage(indexed))

        if outcome.dead_letters:
            for letter in outcome.dead_letters:
                log.warning("dead letter (%s) at %s:%s: %s", letter.stage, letter.message.partition, letter.message.offset, letter.reason)
                self.metrics.dead_lettered.labels(letter.stage).inc()
            await self.send_dead_letters([(d.message.key, d.to_json()) for d in outcome.dead_letters])

        self.health.last_batch_at = time.time()
        return outcome

    async def _until_elasticsearch_takes(self, step: Callable[[], Awaitable[T]]) -> T:
        """Run a step that writes to Elasticsearch, retrying while it is unavailable (capped exponential
        backoff, health degraded meanwhile). Safe because both such steps are idempotent: documents are
        keyed by id, and alert claims by rule and story."""
        delay = 0.5
        while True:
            try:
                result = await step()
            except IndexUnavailable as exc:
                self.health.degraded(str(exc))
                self.metrics.index_retries.inc()
                log.warning("held back, retrying in %.1fs: %s", delay, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF_S)
                continue
            if self.health.degraded_reason:
                log.info("Elasticsearch is back; indexing resumed")
            self.health.recovered()
            return result
