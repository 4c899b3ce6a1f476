"""The alert stage of the stream, and delivery.

:meth:`AlertDispatcher.match` runs on every batch right after it was indexed: each active
rule's query is evaluated against each article (the article is indexed for rules once),
and every match is *claimed* in the ledger (one record per channel, keyed by rule and
story). Only claiming is awaited by the batch, so a slow or failing channel never holds
up articles; delivery runs in the background with retries and backoff, and its outcome
(``sent``, or ``failed`` with the last error) is written back to the ledger. A worker that
dies between claiming and delivering finds the ``pending`` records when it starts again
(:meth:`AlertDispatcher.recover`) and delivers them.

Digest rules collect their alerts (``queued``) and send one message per window; throttled
rules send at most N messages an hour, record the rest as ``held`` and say in the next
message how many were held back.

**Each target is on its own.** Deliveries go through one queue per channel target (a webhook
URL, a Slack hook, an email address, a Kafka topic), with its own workers
(``alert_target_concurrency``), per-attempt timeout and retry budget, and a circuit that opens
after repeated failures: a target that hangs or is down delays only its own alerts, never
another rule's. A retry never follows an acknowledgement (a 2xx, a Kafka ack, an SMTP 250);
an attempt that timed out after the request went out has an unknown outcome and is tried at
most :data:`TIMEOUT_ATTEMPTS` times, under the same ``X-Newsmon-Alert-Id`` so receivers can
drop the copy. After a crash, alerts claimed but not recorded as sent are delivered again
(at-least-once) and counted in ``newsmon_alerts_redelivered``.

**Matching is bounded.** Wildcards match in bounded time (:mod:`newsmon.rules.glob`), and the
rules of one article get at most ``alert_match_budget_ms``: past it, the remaining rules are
skipped for that article, which is logged and counted (``newsmon_alert_match_over_budget``),
so no rule can hang the stream.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from newsmon.config import Settings
from newsmon.stream import faults
from newsmon.models import Alert, AlertArticle, EnrichedArticle
from newsmon.rules import ArticleIndex, QueryMatch

from .channels import DeliveryError, Sender
from .ledger import FAILED, HELD, PENDING, QUEUED, SENT, AlertLedger, AlertRecord, alert_id, find_channel
from .rulebook import RuleBook
from .rules import AlertRule, Channel, RuleError

log = logging.getLogger(__name__)

SNIPPET_CHARS = 240
DIGEST_CHECK_S = 1.0
TIMEOUT_ATTEMPTS = 2  # attempts that time out after sending: the outcome is unknown, so few
OPEN_AFTER = 3  # failed deliveries in a row that open a target's circuit
MAX_OPEN_S = 300.0
MAX_QUEUED = 10_000  # deliveries waiting for one target
IDLE_S = 60.0  # a target's workers stop after this long without work


def snippet(article: EnrichedArticle) -> str:
    text = " ".join(article.body.split())
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text.rfind(" ", 0, SNIPPET_CHARS)
    return text[: cut if cut > 0 else SNIPPET_CHARS] + " …"


def alert_article(article: EnrichedArticle) -> AlertArticle:
    return AlertArticle(
        id=article.id, story_id=article.story_id, title=article.title, url=article.url,
        source=article.source, published_at=article.published_at, snippet=snippet(article),
    )


def make_alert(rule: AlertRule, article: EnrichedArticle, match: QueryMatch) -> Alert:
    return Alert(
        id=alert_id(rule, article.story_id or article.id),
        rule=rule.name,
        query=rule.query,
        fired_at=datetime.now(timezone.utc),
        articles=[alert_article(article)],
        matched=list(match.matched),
        topics=[t.id for t in article.topics],
    )


@dataclass
class MatchReport:
    """What :func:`match_rules` found, and which articles ran out of time."""

    found: list[tuple[AlertRule, EnrichedArticle, QueryMatch]] = field(default_factory=list)
    over_budget: list[tuple[str, int]] = field(default_factory=list)  # (article id, rules not evaluated)


def match_rules(book: RuleBook, articles: Sequence[EnrichedArticle], budget_s: float | None = None) -> MatchReport:
    """Every (rule, article) pair whose query matches. Pure: no I/O.

    With ``budget_s``, an article's rules stop being evaluated once that much time went to them.
    """
    active = book.active()
    report = MatchReport()
    for article in articles:
        index = ArticleIndex.build(article)
        started = time.perf_counter()
        for n, entry in enumerate(active):
            match = entry.query.evaluate(index)
            if match is not None:
                report.found.append((entry.rule, article, match))
            if budget_s is not None and time.perf_counter() - started > budget_s and n + 1 < len(active):
                report.over_budget.append((article.id, len(active) - n - 1))
                break
    return report


class TargetQueue:
    """The deliveries to one target: a queue, its own workers, and a circuit breaker.

    Workers start when work arrives and stop after :data:`IDLE_S` without any. After
    :data:`OPEN_AFTER` failed deliveries in a row the circuit opens: the next delivery waits
    (doubling up to :data:`MAX_OPEN_S`), so a dead target costs a probe now and then instead of a
    stream of timeouts. A full queue (:data:`MAX_QUEUED`) refuses new deliveries, which are
    recorded as failed.
    """

    def __init__(self, name: str, concurrency: int):
        self.name = name
        self.concurrency = concurrency
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=MAX_QUEUED)
        self.workers: set[asyncio.Task] = set()
        self.failures = 0  # consecutive failed deliveries
        self.open_until = 0.0
        self.open_for = 1.0

    def submit(self, job: Callable[[], Awaitable[bool]]) -> bool:
        try:
            self.queue.put_nowait(job)
        except asyncio.QueueFull:
            return False
        if len(self.workers) < self.concurrency and self.queue.qsize() > 0:
            task = asyncio.create_task(self._work())
            self.workers.add(task)
            task.add_done_callback(self.workers.discard)
        return True

    async def _work(self) -> None:
        while True:
            try:
                job = await asyncio.wait_for(self.queue.get(), timeout=IDLE_S)
            except asyncio.TimeoutError:
                return
            wait = self.open_until - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                delivered = await job()
            except Exception:  # noqa: BLE001 - a job records its own outcome; this only keeps the worker alive
                log.exception("alert delivery to %s failed unexpectedly", self.name)
                delivered = False
            finally:
                self.queue.task_done()
            if delivered:
                self.failures, self.open_for = 0, 1.0
            else:
                self.failures += 1
                if self.failures >= OPEN_AFTER:
                    self.open_until = time.monotonic() + self.open_for
                    self.open_for = min(self.open_for * 2, MAX_OPEN_S)

    @property
    def idle(self) -> bool:
        return not self.workers and self.queue.empty()


class AlertDispatcher:
    def __init__(self, settings: Settings, book: RuleBook, ledger: AlertLedger, senders: dict[str, Sender], metrics=None):
        self.settings = settings
        self.book = book
        self.ledger = ledger
        self.senders = senders
        self.metrics = metrics
        self._targets: dict[str, TargetQueue] = {}
        self._faults = faults.enabled(settings.faults)
        self._in_flight: set[asyncio.Task] = set()
        self._sent_times: dict[str, deque[float]] = defaultdict(deque)  # rule -> when its messages went out
        self._held: dict[str, int] = defaultdict(int)  # rule -> messages held back since its last one
        self._digests: dict[str, list[AlertRecord]] = defaultdict(list)  # rule -> queued records
        self._digest_task: asyncio.Task | None = None

    # --- the stage -------------------------------------------------------------------------

    async def match(self, articles: Sequence[EnrichedArticle]) -> int:
        """Match and claim; start deliveries. Returns how many alerts were claimed."""
        records = []
        if any(faults.wants(self._faults, a.metadata, "alert") for a in articles):
            raise faults.InjectedFault("alert matching failed (injected)")
        report = match_rules(self.book, articles, self.settings.alert_match_budget_ms / 1000)
        for article_id, skipped in report.over_budget:
            log.warning("alert matching for article %s took over %d ms; %d rules were not evaluated for it",
                        article_id, self.settings.alert_match_budget_ms, skipped, extra={"rate_limited": True})
            if self.metrics is not None:
                self.metrics.alert_match_over_budget.inc()
        for rule, article, match in report.found:
            alert = make_alert(rule, article, match)
            status = QUEUED if rule.digest_s else PENDING
            records.extend(AlertRecord(alert, rule, channel, status) for channel in rule.channels)
        claimed = await self.ledger.claim(records)
        by_alert: dict[str, list[AlertRecord]] = defaultdict(list)
        for record in claimed:
            by_alert[record.alert.id].append(record)
        for group in by_alert.values():
            rule = group[0].rule
            if rule.digest_s:
                self._digests[rule.name].extend(group)
            elif self._over_throttle(rule):
                self._held[rule.name] += 1
                for record in group:
                    record.status = HELD
                    await self.ledger.save(record)
            else:
                self._note_sent(rule)
                held = self._held.pop(rule.name, 0)
                for record in group:
                    record.alert.held_back = held
                    self._start(record)
        return len(by_alert)

    # --- throttle --------------------------------------------------------------------------

    def _over_throttle(self, rule: AlertRule) -> bool:
        if rule.throttle_per_hour is None:
            return False
        times = self._sent_times[rule.name]
        while times and time.time() - times[0] > 3600:
            times.popleft()
        return len(times) >= rule.throttle_per_hour

    def _note_sent(self, rule: AlertRule) -> None:
        if rule.throttle_per_hour is not None:
            self._sent_times[rule.name].append(time.time())

    # --- delivery --------------------------------------------------------------------------

    def _start(self, record: AlertRecord) -> None:
        self._enqueue([record], record.alert, record.channel)

    def _enqueue(self, records: list[AlertRecord], alert: Alert, channel: Channel) -> None:
        """Hand a delivery to its target's queue; a full queue records the delivery as failed."""
        target = self._targets.get(channel.name)
        if target is None:
            for name in [n for n, t in self._targets.items() if t.idle]:
                del self._targets[name]  # forget targets with nothing to do
            target = self._targets[channel.name] = TargetQueue(channel.display, self.settings.alert_target_concurrency)
        done = asyncio.get_running_loop().create_future()

        async def job() -> bool:
            try:
                return await self._deliver_and_record(records, alert, channel)
            finally:
                if not done.done():
                    done.set_result(None)

        if not target.submit(job):
            done.set_result(None)
            task = asyncio.create_task(self._record(records, 0, f"too many alerts waiting for this target (over {MAX_QUEUED})"))
        else:
            task = asyncio.ensure_future(done)
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def _deliver_and_record(self, records: list[AlertRecord], alert: Alert, channel: Channel) -> bool:
        error, attempts = await self._deliver(alert, records[0].rule, channel)
        await self._record(records, attempts, error)
        return error is None

    async def _record(self, records: list[AlertRecord], attempts: int, error: str | None) -> None:
        for record in records:
            record.attempts = attempts
            record.status = FAILED if error else SENT
            record.error = error
            record.delivered_at = None if error else datetime.now(timezone.utc)
            try:
                await self.ledger.save(record)
            except Exception as exc:  # noqa: BLE001 - the delivery happened; the record stays pending
                log.warning("could not record alert %s as %s: %s", record.doc_id, record.status, exc)

    async def _deliver(self, alert: Alert, rule: AlertRule, channel: Channel) -> tuple[str | None, int]:
        """Try up to ``alert_attempts`` times with exponential backoff (at most TIMEOUT_ATTEMPTS when the
        target does not answer in time). Returns (last error or None, attempts)."""
        sender = self.senders[channel.type]
        delay = 0.5
        error = None
        timeouts = 0
        for attempt in range(1, self.settings.alert_attempts + 1):
            try:
                await asyncio.wait_for(sender.send(alert, rule, channel), timeout=self.settings.alert_timeout_s)
                self._count("sent", channel)
                return None, attempt
            except (DeliveryError, asyncio.TimeoutError) as exc:
                timed_out = isinstance(exc, asyncio.TimeoutError) or getattr(exc, "timed_out", False)
                timeouts += timed_out
                error = (f"no answer within {self.settings.alert_timeout_s:g}s" if isinstance(exc, asyncio.TimeoutError)
                         else str(exc))
                log.warning("alert %s to %s failed (attempt %d/%d): %s", alert.id, channel.type, attempt,
                            self.settings.alert_attempts, error)
                if isinstance(exc, DeliveryError) and not exc.retryable:
                    break
                if timeouts >= TIMEOUT_ATTEMPTS:
                    break  # the target may have it already: do not pile up copies
            if attempt < self.settings.alert_attempts:
                await asyncio.sleep(delay)
                delay *= 2
        self._count("failed", channel)
        return error, attempt

    def _count(self, outcome: str, channel: Channel) -> None:
        if self.metrics is not None:
            counter = self.metrics.alerts_sent if outcome == "sent" else self.metrics.alerts_failed
            counter.labels(channel.type).inc()

    async def drain(self, timeout: float = 30) -> None:
        """Wait for deliveries in flight (tests and shutdown)."""
        if self._in_flight:
            await asyncio.wait(set(self._in_flight), timeout=timeout)

    # --- digests ---------------------------------------------------------------------------

    async def run_digests(self) -> None:
        """Forever: send each digest rule's queued alerts once its window has passed."""
        while True:
            await asyncio.sleep(DIGEST_CHECK_S)
            for rule_name in list(self._digests):
                await self._flush_digest_if_due(rule_name)

    async def _flush_digest_if_due(self, rule_name: str) -> None:
        records = self._digests.get(rule_name) or []
        rule = self.book.get(rule_name)
        if not records:
            return
        if rule is None or not rule.enabled:
            self._digests.pop(rule_name, None)
            for record in records:
                record.status, record.error = FAILED, "rule removed or disabled before its digest was sent"
                await self.ledger.save(record)
            return
        oldest = min(r.alert.fired_at for r in records)
        if (datetime.now(timezone.utc) - oldest).total_seconds() < (rule.digest_s or 0):
            return
        self._digests.pop(rule_name, None)
        by_channel: dict[str, list[AlertRecord]] = defaultdict(list)
        for record in records:
            by_channel[record.channel.name].append(record)
        alerts = {r.alert.id: r.alert for r in records}
        digest = Alert(
            id=hashlib.sha256("\x00".join(sorted(alerts)).encode()).hexdigest()[:24],
            rule=rule.name, query=rule.query, fired_at=datetime.now(timezone.utc), digest=True,
            articles=[a.articles[0] for a in sorted(alerts.values(), key=lambda a: a.fired_at)],
            matched=sorted({m for a in alerts.values() for m in a.matched}),
            topics=sorted({t for a in alerts.values() for t in a.topics}),
        )
        for channel_records in by_channel.values():
            self._enqueue(channel_records, digest, channel_records[0].channel)

    # --- after a restart -------------------------------------------------------------------

    async def recover(self) -> int:
        """Deliver what a previous run claimed but did not finish; re-queue digest entries."""
        moved = await self.ledger.migrate(self.book.rules())
        if moved:
            log.info("moved %d alert records written before channels were stored without secrets", moved)
        count = 0
        for status in (PENDING, QUEUED):
            for doc in await self.ledger.find(status):
                rule = self.book.get(doc["rule"])
                if rule is None:
                    continue
                alert = Alert(
                    id=doc["alert_id"], rule=doc["rule"], query=doc["query"], fired_at=doc["fired_at"],
                    articles=[AlertArticle(id=i, story_id=(doc["story_ids"] or [None])[0],
                                           title=(doc["titles"] or [None])[0], url=(doc["urls"] or [None])[0],
                                           source=(doc["sources"] or [None])[0]) for i in doc["article_ids"]],
                    matched=doc["matched"], topics=doc["topics"], held_back=doc.get("held_back") or 0,
                )
                channel = find_channel(rule, doc["channel"])
                if channel is None:
                    continue  # the rule no longer has this channel
                record = AlertRecord(alert, rule, channel, status, attempts=doc.get("attempts") or 0)
                if status == QUEUED:
                    self._digests[rule.name].append(record)
                else:
                    self._start(record)
                    if self.metrics is not None:  # it may have reached its target before the crash
                        self.metrics.alerts_redelivered.labels(record.channel.type).inc()
                count += 1
        return count
