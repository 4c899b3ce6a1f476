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
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import defaultdict, deque
from collections.abc import Sequence
from datetime import datetime, timezone

from newsmon.config import Settings
from newsmon.models import Alert, AlertArticle, EnrichedArticle
from newsmon.rules import ArticleIndex, QueryMatch

from .channels import DeliveryError, Sender
from .ledger import FAILED, HELD, PENDING, QUEUED, SENT, AlertLedger, AlertRecord, alert_id
from .rulebook import RuleBook
from .rules import AlertRule, Channel

log = logging.getLogger(__name__)

SNIPPET_CHARS = 240
DIGEST_CHECK_S = 1.0


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


def match_rules(book: RuleBook, articles: Sequence[EnrichedArticle]) -> list[tuple[AlertRule, EnrichedArticle, QueryMatch]]:
    """Every (rule, article) pair whose query matches. Pure: no I/O."""
    active = book.active()
    found = []
    for article in articles:
        index = ArticleIndex.build(article)
        for entry in active:
            match = entry.query.evaluate(index)
            if match is not None:
                found.append((entry.rule, article, match))
    return found


class AlertDispatcher:
    def __init__(self, settings: Settings, book: RuleBook, ledger: AlertLedger, senders: dict[str, Sender], metrics=None):
        self.settings = settings
        self.book = book
        self.ledger = ledger
        self.senders = senders
        self.metrics = metrics
        self._slots = asyncio.Semaphore(settings.alert_concurrency)
        self._in_flight: set[asyncio.Task] = set()
        self._sent_times: dict[str, deque[float]] = defaultdict(deque)  # rule -> when its messages went out
        self._held: dict[str, int] = defaultdict(int)  # rule -> messages held back since its last one
        self._digests: dict[str, list[AlertRecord]] = defaultdict(list)  # rule -> queued records
        self._digest_task: asyncio.Task | None = None

    # --- the stage -------------------------------------------------------------------------

    async def match(self, articles: Sequence[EnrichedArticle]) -> int:
        """Match and claim; start deliveries. Returns how many alerts were claimed."""
        records = []
        for rule, article, match in match_rules(self.book, articles):
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
        task = asyncio.create_task(self._deliver_and_record([record], record.alert, record.channel))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def _deliver_and_record(self, records: list[AlertRecord], alert: Alert, channel: Channel) -> None:
        async with self._slots:
            error, attempts = await self._deliver(alert, records[0].rule, channel)
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
        """Try up to ``alert_attempts`` times with exponential backoff. Returns (last error or None, attempts)."""
        sender = self.senders[channel.type]
        delay = 0.5
        error = None
        for attempt in range(1, self.settings.alert_attempts + 1):
            try:
                await asyncio.wait_for(sender.send(alert, rule, channel), timeout=self.settings.alert_timeout_s)
                self._count("sent", channel)
                return None, attempt
            except (DeliveryError, asyncio.TimeoutError) as exc:
                error = str(exc) or f"timed out after {self.settings.alert_timeout_s}s"
                log.warning("alert %s to %s failed (attempt %d/%d): %s", alert.id, channel.type, attempt,
                            self.settings.alert_attempts, error)
                if isinstance(exc, DeliveryError) and not exc.retryable:
                    break
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
            task = asyncio.create_task(self._deliver_and_record(channel_records, digest, channel_records[0].channel))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    # --- after a restart -------------------------------------------------------------------

    async def recover(self) -> int:
        """Deliver what a previous run claimed but did not finish; re-queue digest entries."""
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
                record = AlertRecord(alert, rule, Channel.parse(doc["channel"]), status, attempts=doc.get("attempts") or 0)
                if status == QUEUED:
                    self._digests[rule.name].append(record)
                else:
                    self._start(record)
                count += 1
        return count
