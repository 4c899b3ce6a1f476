"""One batch of ``news.articles`` messages, through every stage, with the delivery guarantees written down.

Stages, in order:

1. **decode**: bytes to a valid :class:`~newsmon.models.Article` with an id; every limit a later
   stage would trip over (nesting, surrogates, id bytes) is checked here
   (:mod:`newsmon.articles.limits`).
2. **prepare**: HTML to text, cap the body, hash the content, and date an article that has no
   ``published_at`` with its message's timestamp (``published_at_source: "received"``; pure, in-process).
3. **enrich**: the extractor, in worker processes (:class:`~newsmon.stream.enrichment.EnrichmentPool`),
   and the size budget (:mod:`newsmon.nlp.budget`); an enriched article still larger than
   ``max_message_bytes`` is refused here, before anything is written.
4. **story**: near-duplicates of recent articles get their ``story_id`` (``news.stories``, awaited).
5. **index**: bulk requests to Elasticsearch of at most :data:`MAX_BULK_BYTES`, keyed by article
   id and versioned by message timestamp (the newest version of an article stays, whichever
   partition it came through; see :mod:`newsmon.index.indexer`).
6. **publish**: enriched articles to ``news.enriched``, awaited until Kafka acknowledged them.
7. **alert**: alert rules are matched and alerts claimed (see :mod:`newsmon.alerts`).
8. **dead letters**: written to ``news.articles.dlq``, awaited.

**A message's failure is that message's.** Any failure that belongs to one message, at any
stage, makes it a dead letter with its stage and reason, and the rest of its batch goes on.
Only a *peer's* failure (:class:`~newsmon.peers.PeerUnavailable`: Kafka or Elasticsearch away
or overloaded) holds the batch: it is retried with capped backoff, without end, the consumer
stops pulling (back-pressure) and health says degraded, naming the stage and the first
message of the batch. Any other exception from a step that covers several messages (a bulk
request Elasticsearch refuses as a whole, a bug, a message nobody foresaw) splits the
messages in two and runs the step again on each half, down to the one message at fault,
which is dead-lettered: nothing is retried for ever, nothing crashes the worker.
Steps are safe to repeat on any subset: documents are keyed by id, alert claims by rule and
story, and ``news.enriched`` is at-least-once.

Commit rule: :meth:`BatchProcessor.complete` returns only when every message of the batch
is indexed (and published), superseded by a newer version, or dead-lettered; only then does
the caller acknowledge the messages so their offsets may be committed. Stages 1 to 3
(:meth:`BatchProcessor.enrich`) have no effect outside the worker, so the caller may run them
for the next batch while the previous one completes; completing is strictly in order. If the
process dies before that, the batch is redelivered and re-indexed under the same ids:
at-least-once delivery, exactly-once documents.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TypeVar

from newsmon.articles import InvalidArticle, PreparedArticle, parse_article, prepare
from newsmon.config import Settings
from newsmon.index.indexer import ArticleIndexer
from newsmon.models import EnrichedArticle
from newsmon.peers import PeerUnavailable

from . import faults
from .deadletter import DeadLetter, SourceMessage
from .enrichment import EnrichmentPool
from .health import Health
from .metrics import Metrics

log = logging.getLogger(__name__)

# (key, value) pairs to produce; returns once Kafka acknowledged all of them, or raises
# PeerUnavailable (Kafka away: retry them all) or another exception (something about a message).
Producer = Callable[[list[tuple[bytes | None, bytes]]], Awaitable[None]]
AlertStage = Callable[[list[EnrichedArticle]], Awaitable[object]]
# Sets story_id on each article from its signature (see newsmon.alerts.stories) and records it durably.
StoryStage = Callable[[list[tuple[EnrichedArticle, list[int]]]], Awaitable[None]]

MAX_BACKOFF_S = 10.0
MAX_BULK_BYTES = 16 * 1024 * 1024  # one bulk request; Elasticsearch refuses bodies over 100 MB by default
T = TypeVar("T")


def describe(exc: BaseException) -> str:
    """An exception as one line for a dead letter or a log: its type and what it says."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:500]}" if text else type(exc).__name__


@dataclass
class BatchOutcome:
    indexed: list[str] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)
    dead_letters: list[DeadLetter] = field(default_factory=list)


@dataclass
class EnrichedBatch:
    """A batch after stages 1 to 3: what the later stages need, and the dead letters so far."""

    size: int = 0  # messages in the batch, whatever became of them
    enriched: list[EnrichedArticle] = field(default_factory=list)
    signatures: dict[str, list[int]] = field(default_factory=dict)
    source_of: dict[str, SourceMessage] = field(default_factory=dict)
    payloads: dict[str, bytes] = field(default_factory=dict)  # article id -> its JSON, serialised once
    dead_letters: list[DeadLetter] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)  # ids that came twice; the older copy is not indexed
    first: SourceMessage | None = None


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
        self.faults = faults.enabled(settings.faults)

    def _faulty(self, article: EnrichedArticle) -> EnrichedArticle:
        if faults.wants(self.faults, article.metadata, "index"):
            return faults.rejected_copy(article)
        if faults.wants(self.faults, article.metadata, "bulk"):
            return faults.refused_bulk_copy(article)
        return article

    def _timed(self, stage: str):
        return self.metrics.stage_seconds.labels(stage).time()

    async def process(self, messages: Sequence[SourceMessage]) -> BatchOutcome:
        """All stages of one batch, in order."""
        return await self.complete(await self.enrich(messages))

    # --- stages 1-3 -----------------------------------------------------------------------

    async def enrich(self, messages: Sequence[SourceMessage]) -> EnrichedBatch:
        """Stages 1 to 3 (decode, prepare, enrich). No side effects outside this process, so the
        next batch may be enriched while the previous one is still being completed."""
        batch = EnrichedBatch(size=len(messages), first=messages[0] if messages else None)
        self.metrics.articles_in.inc(len(messages))
        self.metrics.batch_size.observe(len(messages))

        prepared: list[tuple[SourceMessage, PreparedArticle]] = []
        with self._timed("decode"):
            for message in messages:
                stage = "decode"
                try:
                    key = message.key.decode("utf-8") if message.key else None
                    article = parse_article(message.value or b"", key=key)
                    stage = "prepare"
                    prepared.append((message, prepare(article, max_body_chars=self.settings.max_body_chars,
                                                      received_at=received_at(message))))
                except InvalidArticle as exc:
                    batch.dead_letters.append(DeadLetter(message, stage, exc.reason))
                except UnicodeDecodeError as exc:
                    batch.dead_letters.append(DeadLetter(message, stage, f"message key is not UTF-8: {exc}"))
                except Exception as exc:  # noqa: BLE001 - whatever a message does to us, it is that message's
                    batch.dead_letters.append(DeadLetter(message, stage, describe(exc)))

        with self._timed("enrich"):
            results = await self.pool.enrich([p for _, p in prepared])
        limit = self.settings.max_message_bytes
        for (message, _), result in zip(prepared, results):
            if result.enriched is None:
                batch.dead_letters.append(DeadLetter(message, "enrich", result.error or "extraction failed"))
                continue
            article = result.enriched
            try:
                payload = article.model_dump_json().encode("utf-8")
            except Exception as exc:  # noqa: BLE001 - see above
                batch.dead_letters.append(DeadLetter(message, "enrich", f"the enriched article cannot be serialised: {describe(exc)}"))
                continue
            if len(payload) > limit:
                batch.dead_letters.append(DeadLetter(
                    message, "enrich",
                    f"the enriched article is {len(payload):,} bytes, over the {limit:,}-byte message limit "
                    "(NEWSMON_MAX_MESSAGE_BYTES) even after the size budget",
                ))
                continue
            earlier = batch.source_of.get(article.id)
            if earlier is not None and _newer(earlier, message):
                batch.superseded.append(article.id)  # the same article twice in one batch: the newer one is kept
                continue
            if earlier is not None:
                batch.superseded.append(article.id)
                batch.enriched = [a for a in batch.enriched if a.id != article.id]
            batch.source_of[article.id] = message
            batch.payloads[article.id] = payload
            batch.enriched.append(article)
            batch.signatures[article.id] = result.signature or []
        self.metrics.enriched.inc(len(batch.enriched))
        return batch

    # --- stages 4-8 -----------------------------------------------------------------------

    async def complete(self, batch: EnrichedBatch) -> BatchOutcome:
        """Stages 4 to 8. Batches must be completed in the order they were read."""
        outcome = BatchOutcome(dead_letters=list(batch.dead_letters))
        letters = outcome.dead_letters
        source = lambda a: batch.source_of[a.id]  # noqa: E731 - the message an article came in

        articles = batch.enriched
        if self.story_stage is not None and articles:
            with self._timed("story"):
                articles = await self._isolated(
                    "story", articles, lambda part: self.story_stage([(a, batch.signatures[a.id]) for a in part]),
                    source, letters, batch.first,
                )

        # A refresh makes the batch searchable at once. Worth it when the stream is quiet (a small batch:
        # latency is what users feel); under load (a full batch) the periodic refresh comes soon
        # enough, and refreshing every batch would spend the CPU the extraction needs.
        refresh = self.settings.refresh_each_batch and batch.size < self.settings.batch_size
        versions = {a.id: batch.source_of[a.id].timestamp for a in articles if batch.source_of[a.id].timestamp is not None}
        rejected: dict[str, str] = {}
        superseded: set[str] = set()

        async def index(part: list[EnrichedArticle]) -> None:
            if self.faults:
                part = [self._faulty(a) for a in part]
            result = await self.indexer.index(part, refresh=refresh, versions={a.id: versions[a.id] for a in part if a.id in versions})
            rejected.update(result.rejected)
            superseded.update(result.superseded)

        with self._timed("index"):
            written: list[EnrichedArticle] = []
            for chunk in _by_size(articles, batch.payloads, MAX_BULK_BYTES):
                written += await self._isolated("index", chunk, index, source, letters, batch.first)
        for article_id, reason in rejected.items():
            letters.append(DeadLetter(batch.source_of[article_id], "index", reason))
        indexed = [a for a in written if a.id not in rejected and a.id not in superseded]
        outcome.superseded = sorted(superseded | set(batch.superseded))
        self.metrics.indexed.inc(len(indexed))

        with self._timed("publish"):
            indexed = await self._isolated(
                "publish", indexed, lambda part: self.send_enriched([(a.id.encode(), batch.payloads[a.id]) for a in part]),
                source, letters, batch.first,
            )
        outcome.indexed = [a.id for a in indexed]

        if self.alert_stage is not None and indexed:
            with self._timed("alert"):
                await self._isolated("alert", indexed, self.alert_stage, source, letters, batch.first)

        if letters:
            for letter in letters:
                log.warning("dead letter (%s) at %s: %s", letter.stage, letter.message.where(), letter.reason)
                self.metrics.dead_lettered.labels(letter.stage).inc()
                self.health.dead_letter(letter.stage, letter.message.describe(), letter.reason)
            await self._until_peers_return(
                "dead letters", lambda: self.send_dead_letters([(d.message.key, d.to_json()) for d in letters]), batch.first,
            )

        self.health.last_batch_at = time.time()
        return outcome

    # --- failure handling -----------------------------------------------------------------

    async def _isolated(self, stage: str, items: list[T], step: Callable[[list[T]], Awaitable[object]],
                        source: Callable[[T], SourceMessage], letters: list[DeadLetter],
                        first: SourceMessage | None) -> list[T]:
        """Run ``step`` on ``items``; return the items it succeeded for.

        Peer failures are waited out (the whole step is repeated). Any other failure splits the
        items in two, down to the one at fault, which becomes a dead letter of ``stage``.
        """
        if not items:
            return []
        try:
            await self._until_peers_return(stage, lambda: step(items), source(items[0]) if items else first)
            return items
        except Exception as exc:  # noqa: BLE001 - isolated below; never retried for ever
            if len(items) == 1:
                message = source(items[0])
                log.warning("%s failed for %s: %s", stage, message.where(), describe(exc))
                letters.append(DeadLetter(message, stage, describe(exc)))
                return []
            self.metrics.batch_splits.labels(stage).inc()
            log.info("%s failed for a group of %d (%s); splitting it to find the message at fault", stage, len(items), describe(exc))
            middle = len(items) // 2
            left = await self._isolated(stage, items[:middle], step, source, letters, first)
            right = await self._isolated(stage, items[middle:], step, source, letters, first)
            return left + right

    async def _until_peers_return(self, stage: str, step: Callable[[], Awaitable[T]], message: SourceMessage | None) -> T:
        """Run a step, retrying while a peer is unavailable (capped exponential backoff, health degraded
        meanwhile, naming the stage and the message it is stuck on). Safe because every step is
        idempotent: documents are keyed by id, alert claims by rule and story."""
        delay = 0.5
        while True:
            try:
                result = await step()
            except PeerUnavailable as exc:
                where = message.describe() if message is not None else None
                self.health.degraded(f"{stage}: {exc}", stage=stage, message=where)
                self.metrics.index_retries.inc()
                log.warning("held back at %s, retrying in %.1fs: %s", stage, delay, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF_S)
                continue
            if self.health.degraded_reason:
                log.info("%s is possible again; the batch goes on", stage)
            self.health.recovered()
            return result


def received_at(message: SourceMessage, *, now: datetime | None = None) -> datetime:
    """When the message reached ``news.articles``: its Kafka timestamp, or now when it has none (or an absurd one).

    A redelivered message has the same timestamp, so an undated article gets the same date every
    time it is processed. A timestamp more than a day ahead of this clock is a producer's clock
    error, not a receipt time.
    """
    now = now or datetime.now(timezone.utc)
    if message.timestamp is None or message.timestamp <= 0:
        return now
    stamped = datetime.fromtimestamp(message.timestamp / 1000, tz=timezone.utc)
    return stamped if stamped <= now + timedelta(days=1) else now


def _newer(a: SourceMessage, b: SourceMessage) -> bool:
    """Whether ``a`` is a newer version than ``b`` (timestamps; the later offset when they tie or are missing)."""
    if a.timestamp is not None and b.timestamp is not None and a.timestamp != b.timestamp:
        return a.timestamp > b.timestamp
    return (a.partition, a.offset) > (b.partition, b.offset) if a.partition == b.partition else False


def _by_size(articles: list[EnrichedArticle], payloads: dict[str, bytes], limit: int) -> list[list[EnrichedArticle]]:
    """Consecutive groups whose JSON adds up to at most ``limit`` bytes (an article larger than that goes alone)."""
    groups: list[list[EnrichedArticle]] = []
    current: list[EnrichedArticle] = []
    size = 0
    for article in articles:
        n = len(payloads.get(article.id, b""))
        if current and size + n > limit:
            groups.append(current)
            current, size = [], 0
        current.append(article)
        size += n
    if current:
        groups.append(current)
    return groups
