"""The poller: which feeds are due, what is new in them, and the articles that go to ``news.articles``.

Contract of one poll (:meth:`Poller.poll`), whatever the feed does:

1. The feed is fetched with its ETag and Last-Modified; a 304 ends the poll (``not_modified``).
2. It is parsed (RSS, Atom, RDF, JSON Feed, sitemap; a sitemap index's children are fetched too).
3. Each item's canonical URL gives the article id (:func:`newsmon.articles.ids.assign_id`); an id
   already published within ``feeds_dedup_days`` (by this feed or any other) is a duplicate and is
   not fetched again.
4. The page is fetched (robots.txt, per-host limits and the outbound policy are the fetcher's) and
   its main text, title, author, date and language extracted by :mod:`newsmon.articles.html`,
   falling back to the feed item's own fields. A link that is no web page (a PDF) is recorded as
   skipped and not fetched again; a page that fails is counted and tried again at the next poll.
5. The articles are published and acknowledged by Kafka *before* their URLs are recorded as seen:
   a poller killed in between publishes them again after a restart, which the worker absorbs (same
   id, same document); the other order could lose them.
6. The feed's state (counts, last error, ETag, next poll) is saved on the state topic.

A failure of one feed or one page is that feed's or that page's: it is recorded, and nothing else
stops. The poller never raises out of :meth:`poll` for anything a feed or a web server does.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections import Counter as Tally
from collections.abc import Iterable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Protocol

from newsmon.articles.html import PageText, extract_page
from newsmon.articles.ids import assign_id
from newsmon.config import Settings
from newsmon.models import Article
from newsmon.ops.redact import display_url
from newsmon.stream.publisher import PublishError

from . import schedule
from .fetch import FetchError, Fetcher
from .models import Feed, FeedState, PollerBeat, utcnow
from .parse import FeedItem, FeedParseError, ParsedFeed, parse_feed
from .store import MemoryStore
from .urls import canonical, host_of

log = logging.getLogger(__name__)

MAX_CHILD_SITEMAPS = 50  # children of one sitemap index fetched per poll
MAX_PAGES_PER_POLL = 500  # new pages fetched per poll of one feed; the rest wait for the next poll
HEARTBEAT_S = 10.0


class ArticleSink(Protocol):
    """Where articles go: ``news.articles`` (:class:`newsmon.stream.publisher.ArticlePublisher`) or a bench's counter."""

    def publish(self, article: Article) -> None: ...

    def flush(self) -> None: ...


@dataclass
class PollResult:
    """What one poll of one feed did (also what ``feeds run --once`` prints)."""

    feed: str
    status: str  # ok, not_modified, failed
    seen: int = 0
    new: int = 0
    duplicate: int = 0
    failed: int = 0
    skipped: int = 0
    error: str | None = None
    hosts: Tally = field(default_factory=Tally)  # (host, outcome) -> items


@dataclass(frozen=True)
class _Outcome:
    item: FeedItem
    article: Article | None = None
    kind: str = "new"  # new, duplicate, failed, skipped
    reason: str | None = None
    extra_ids: tuple[str, ...] = ()  # the page's own id when a redirect led elsewhere


class PollerMetrics:
    """Items per feed and per host, polls per feed, on the poller's ``/metrics``."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge

        self.registry = CollectorRegistry()
        r = self.registry
        self.items = Counter("newsmon_feed_items", "Feed items by outcome (seen, new, duplicate, failed, skipped)",
                             ["feed", "result"], registry=r)
        self.host_items = Counter("newsmon_feed_host_items", "Feed items by the host of their page and outcome",
                                  ["host", "result"], registry=r)
        self.polls = Counter("newsmon_feed_polls", "Polls by feed and status (ok, not_modified, failed)",
                             ["feed", "status"], registry=r)
        self.feeds = Gauge("newsmon_feeds", "Feeds by status", ["status"], registry=r)

    def record(self, result: PollResult) -> None:
        self.polls.labels(result.feed, result.status).inc()
        for name in ("seen", "new", "duplicate", "failed", "skipped"):
            count = getattr(result, name)
            if count:
                self.items.labels(result.feed, name).inc(count)
        for (host, outcome), count in result.hosts.items():
            self.host_items.labels(host, outcome).inc(count)


def poller_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class Poller:
    """Polls feeds from a store, publishes new articles to a sink."""

    def __init__(self, settings: Settings, store: MemoryStore, sink: ArticleSink, fetcher: Fetcher, *,
                 metrics: PollerMetrics | None = None, ident: str | None = None, pool: Executor | None = None) -> None:
        self.settings = settings
        self.store = store
        self.sink = sink
        self.fetcher = fetcher
        self.metrics = metrics
        self.id = ident or poller_id()
        self.started_at = utcnow()
        self.items_new = 0
        self._running: dict[str, asyncio.Task] = {}
        # Ids a poll is fetching right now: another feed listing the same story meanwhile counts it as a
        # duplicate instead of fetching and publishing it a second time.
        self._claimed: set[str] = set()
        self.pool = pool  # where page text is read (extraction_pool); None: a thread of this process

    # --- one feed ---------------------------------------------------------------------------

    async def poll(self, feed: Feed) -> PollResult:
        """Poll ``feed`` once (the contract is the module's docstring). Never raises for the feed's faults."""
        state = self.store.state(feed.name)
        try:
            result = await self._poll(feed, state)
        except asyncio.CancelledError:
            raise
        except PublishError as exc:  # Kafka did not take the articles: none is recorded as seen, all come again
            log.warning("feed %s: %s", feed.name, exc)
            result = PollResult(feed.name, "failed", error=str(exc))
            self._save_failure(feed, state, result.error, None)
        except Exception as exc:  # a bug of ours must not stop the other feeds: say so, and go on
            log.exception("polling feed %s failed unexpectedly", feed.name)
            result = PollResult(feed.name, "failed", error=f"internal error: {type(exc).__name__}: {exc}")
            self._save_failure(feed, state, result.error, None)
        await asyncio.to_thread(self.store.flush)  # the state and seen records, off the event loop
        if self.metrics:
            self.metrics.record(result)
        return result

    async def _poll(self, feed: Feed, state: FeedState) -> PollResult:
        now = utcnow()
        try:
            # Pages that failed last time are only listed in the feed: ask for it whole again, not "if modified".
            retry = state.last_items_failed > 0
            fetched = await self.fetcher.get(feed.url, kind="feed", etag=None if retry else state.etag,
                                             last_modified=None if retry else state.last_modified)
        except FetchError as exc:
            self._save_failure(feed, state, exc.reason, exc.retry_after_s)
            return PollResult(feed.name, "failed", error=exc.reason)
        if fetched.not_modified:
            self._save_success(feed, state, now, "not_modified", PollResult(feed.name, "not_modified"), [], fetched)
            return PollResult(feed.name, "not_modified")
        try:
            parsed = parse_feed(fetched.content, url=fetched.url, content_type=fetched.content_type)
            items = await self._with_children(parsed)
        except FeedParseError as exc:
            reason = f"{display_url(feed.url)} is not a feed or sitemap newsmon can read: {exc}"
            self._save_failure(feed, state, reason, None)
            return PollResult(feed.name, "failed", error=reason)
        result = PollResult(feed.name, "ok", seen=len(items))
        fresh, duplicates = self._fresh(items)
        claimed = {article_id for article_id, _ in fresh}
        self._claimed |= claimed  # until recorded as seen: see __init__
        try:
            outcomes = await asyncio.gather(*(self._page(feed, parsed, article_id, item) for article_id, item in fresh))
            published = [o for o in outcomes if o.article is not None]
            for outcome in published:
                self.sink.publish(outcome.article)
            if published:
                await asyncio.to_thread(self.sink.flush)  # acknowledged before they count as seen (module docstring, 5)
            for outcome in outcomes:
                result.hosts[(host_of(outcome.item.url), outcome.kind)] += 1
                if outcome.kind != "failed":  # published, skipped, or a duplicate reached through a redirect
                    ids = (outcome.article.id,) if outcome.article else (assign_id(canonical(outcome.item.url), None, ""),)
                    what = {"new": "published", "skipped": f"skipped: {outcome.reason}"}.get(outcome.kind, outcome.kind)
                    for article_id in {*ids, *outcome.extra_ids}:
                        self.store.mark_seen(article_id, canonical(outcome.item.url), feed.name, what)
        finally:
            self._claimed -= claimed
        result.new = sum(o.kind == "new" for o in outcomes)
        result.failed = sum(o.kind == "failed" for o in outcomes)
        result.skipped = sum(o.kind == "skipped" for o in outcomes)
        result.duplicate = duplicates + sum(o.kind == "duplicate" for o in outcomes)
        failures = [o.reason for o in outcomes if o.kind == "failed" and o.reason]
        if failures:
            result.error = f"{len(failures)} page(s) failed, e.g. {failures[0]}"
        self.items_new += result.new
        times = [i.published for i in items if i.published is not None]
        self._save_success(feed, state, now, "ok", result, times, fetched)
        return result

    async def _with_children(self, parsed: ParsedFeed) -> list[FeedItem]:
        """The items of a feed, and of the child sitemaps of a sitemap index (one level)."""
        items = list(parsed.items)
        if parsed.sitemaps:
            async def child(url: str) -> list[FeedItem]:
                try:
                    fetched = await self.fetcher.get(url, kind="feed")
                    return list(parse_feed(fetched.content, url=fetched.url, content_type=fetched.content_type).items)
                except (FetchError, FeedParseError) as exc:
                    log.info("child sitemap %s skipped: %s", display_url(url), exc)
                    return []
            for found in await asyncio.gather(*(child(u) for u in parsed.sitemaps[:MAX_CHILD_SITEMAPS])):
                items.extend(found)
        return items

    def _fresh(self, items: list[FeedItem]) -> tuple[list[tuple[str, FeedItem]], int]:
        """The items to fetch (newest first, by article id), and how many were already published or listed twice."""
        fresh: dict[str, FeedItem] = {}
        duplicates = 0
        for item in items:
            article_id = assign_id(canonical(item.url), None, "")
            if article_id in fresh or article_id in self._claimed or self.store.seen(article_id):
                duplicates += 1
            else:
                fresh[article_id] = item
        oldest = datetime.min.replace(tzinfo=timezone.utc)
        return sorted(fresh.items(), key=lambda kv: kv[1].published or oldest, reverse=True)[:MAX_PAGES_PER_POLL], duplicates

    async def _page(self, feed: Feed, parsed: ParsedFeed, article_id: str, item: FeedItem) -> _Outcome:
        try:
            page = await self.fetcher.get(item.url, kind="page")
        except FetchError as exc:
            if exc.kind == "content_type":
                return _Outcome(item, kind="skipped", reason=exc.reason)
            if exc.kind == "robots" and item.summary:
                return _Outcome(item, self._article(feed, parsed, article_id, item.url, item, None,
                                                    {"extractor": "feed", "fallback": "robots.txt disallows the page"}))
            return _Outcome(item, kind="failed", reason=exc.reason)
        final_url = canonical(page.url)
        final_id = assign_id(final_url, None, "")
        if final_id != article_id and (self.store.seen(final_id) or final_id in self._claimed):
            return _Outcome(item, kind="duplicate")  # another link to the same page, through a redirect
        text = await asyncio.get_running_loop().run_in_executor(self.pool, _read_page, page.content, page.url)
        extraction = dict(text.extraction)
        if page.truncated:
            extraction["page_truncated"] = f"cut at {self.settings.feeds_max_page_bytes} bytes"
        if not text.text.strip():
            if not item.summary:
                return _Outcome(item, kind="failed", reason=f"{display_url(page.url)} has no article text")
            extraction["fallback"] = "feed item summary (no text found on the page)"
        article = self._article(feed, parsed, final_id, final_url, item, text, extraction)
        return _Outcome(item, article, extra_ids=(article_id,) if final_id != article_id else ())

    def _article(self, feed: Feed, parsed: ParsedFeed, article_id: str, url: str, item: FeedItem,
                 page: PageText | None, extraction: dict) -> Article:
        """The article of one item: the page's text and metadata, the feed item's where the page has none."""
        body = (page.text if page and page.text.strip() else None) or item.summary or ""
        if len(body) > self.settings.max_body_chars:
            body = body[: self.settings.max_body_chars]
            extraction["text_truncated"] = f"cut at {self.settings.max_body_chars} characters"
        published, date_source = item.published, "feed"
        if published is None and page is not None and page.published is not None:
            published, date_source = page.published, "page"
        language = feed.language or (page.language if page else None) or item.language or parsed.language
        meta_feed = {"name": feed.name, "url": feed.url, "item_url": item.url, "guid": item.guid,
                     "date_source": date_source if published else None,
                     "author": (page.author if page else None) or item.author}
        return Article(
            id=article_id,
            title=(page.title if page else None) or item.title,
            body=body,
            url=url,
            source=feed.source or (page.sitename if page else None) or parsed.title or host_of(url),
            published_at=published,
            language=_language(language),
            metadata={"feed": {k: v for k, v in meta_feed.items() if v is not None}, "extraction": extraction},
        )

    # --- state ------------------------------------------------------------------------------

    def _save_success(self, feed: Feed, state: FeedState, now: datetime, status: str, result: PollResult,
                      times: list[datetime], fetched) -> None:
        recent = schedule.recent_times(state.recent_item_times, times)
        interval = schedule.adaptive_interval(feed, recent, min_s=self.settings.feeds_min_interval_s,
                                              max_s=self.settings.feeds_max_interval_s)
        self.store.save_state(state.model_copy(update={
            "status": status, "last_poll_at": now, "last_success_at": now, "consecutive_failures": 0,
            "last_error": result.error, "etag": fetched.etag or (state.etag if status == "not_modified" else None),
            "last_modified": fetched.last_modified or (state.last_modified if status == "not_modified" else None),
            "items_seen": state.items_seen + result.seen, "items_new": state.items_new + result.new,
            "items_duplicate": state.items_duplicate + result.duplicate, "items_failed": state.items_failed + result.failed,
            "items_skipped": state.items_skipped + result.skipped, "last_items_seen": result.seen,
            "last_items_new": result.new, "last_items_failed": result.failed, "recent_item_times": recent, "interval_s": interval,
            "next_poll_at": schedule.next_poll(now, interval), "poller": self.id,
        }))

    def _save_failure(self, feed: Feed, state: FeedState, reason: str | None, retry_after_s: float | None) -> None:
        now = utcnow()
        failures = state.consecutive_failures + 1
        delay = schedule.failure_delay(state.interval_s or feed.interval_s, failures, retry_after_s,
                                       max_s=self.settings.feeds_max_interval_s)
        log.info("feed %s failed (%d in a row): %s", feed.name, failures, reason)
        self.store.save_state(state.model_copy(update={
            "status": "failing" if failures >= schedule.FAILING_AFTER else state.status,
            "last_poll_at": now, "consecutive_failures": failures, "last_error": reason,
            "next_poll_at": schedule.next_poll(now, delay), "poller": self.id, "last_items_seen": 0, "last_items_new": 0,
        }))

    # --- all feeds --------------------------------------------------------------------------

    def due(self, now: datetime | None = None) -> list[Feed]:
        now = now or utcnow()
        due = []
        for feed in self.store.feeds():
            if not feed.enabled or feed.name in self._running:
                continue
            when = self.store.state(feed.name).next_poll_at
            if when is None or when <= now:
                due.append(feed)
        return due

    async def run_once(self, names: Iterable[str] | None = None) -> list[PollResult]:
        """Poll every enabled feed (or those named) once, now, whatever their schedule."""
        wanted = set(names) if names else None
        feeds = [f for f in self.store.feeds() if f.enabled and (wanted is None or f.name in wanted)]
        results = list(await asyncio.gather(*(self.poll(f) for f in feeds)))
        await self.beat(stopped=True)  # done: `newsmon status` must not count it as a running poller
        return results

    async def run(self, stop: asyncio.Event) -> None:
        """Poll feeds as they fall due until ``stop`` is set; changes to the feed list apply on the fly."""
        last_beat = 0.0
        loop = asyncio.get_running_loop()
        try:
            while not stop.is_set():
                await asyncio.to_thread(self.store.refresh)
                for feed in self.due():
                    task = asyncio.create_task(self.poll(feed), name=f"poll {feed.name}")
                    self._running[feed.name] = task
                    task.add_done_callback(lambda _t, name=feed.name: self._running.pop(name, None))
                if loop.time() - last_beat >= HEARTBEAT_S:
                    await self.beat()
                    last_beat = loop.time()
                try:
                    await asyncio.wait_for(stop.wait(), timeout=1.0)
                except asyncio.TimeoutError:
                    pass
        finally:
            for task in list(self._running.values()):
                task.cancel()
            await asyncio.gather(*self._running.values(), return_exceptions=True)
            await self.beat(stopped=True)

    async def beat(self, stopped: bool = False) -> None:
        """This poller's heartbeat on the state topic, for ``newsmon status``."""
        self.store.beat(PollerBeat(id=self.id, host=socket.gethostname(), pid=os.getpid(), started_at=self.started_at,
                                   beat_at=utcnow(), feeds=len(self.store.feeds()), items_new=self.items_new,
                                   stopped=stopped))
        await asyncio.to_thread(self.store.flush)


def _read_page(content: bytes, url: str) -> PageText:
    return extract_page(content, url=url)


def extraction_pool(settings: Settings) -> ProcessPoolExecutor:
    """Processes that read page text. Reading a page costs about as much CPU as fetching it, so on
    more than one core it runs beside the event loop instead of in it (docs/feeds.md, "Speed")."""
    import multiprocessing

    processes = settings.feeds_extract_processes or os.cpu_count() or 1
    return ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"), initializer=_warm)


def _warm() -> None:
    import newsmon.articles.html  # noqa: F401 - import trafilatura once per process, not at the first page


def _language(value: str | None) -> str | None:
    """A language code the article model takes (``en``, ``pt-BR``), or None for anything else a page claims."""
    import re

    from newsmon.models.article import LANGUAGE_PATTERN

    if not value:
        return None
    code = value.strip().replace("_", "-")
    code = code[:2].lower() + code[2:] if len(code) >= 2 else code
    return code if re.match(LANGUAGE_PATTERN, code) else None
