"""Fetching feeds and pages politely, through the outbound policy.

Every request goes through :func:`newsmon.net.client.outbound_client`, so a feed or page URL, and
every hop of its redirects, that resolves to loopback, private, link-local or metadata addresses is
refused unless NEWSMON_ALLOWED_HOSTS lists it. Redirects are followed here, by hand, so each hop is
also checked against robots.txt, counted (``feeds_max_redirects``) and a loop is told from a chain.

Politeness, per host (:func:`newsmon.feeds.urls.host_of`): robots.txt first (:mod:`.robots`), at
most ``feeds_host_concurrency`` requests in flight and ``feeds_host_delay_s`` (or the site's
Crawl-delay, if longer) between two request starts; ``feeds_concurrency`` in flight in all. A 429 or
5xx with a Retry-After of at most :data:`RETRY_IN_CALL_S` is retried in the call (at most
:data:`MAX_RETRIES` more tries) and pushes that host's next start back; a longer one is raised with
``retry_after_s`` for the poller to reschedule.

Bodies are streamed and cut at the size cap (``truncated``), after the content type has been checked
from the header, so a PDF or a 30 MB page costs no more than the bytes we keep. Every failure is a
:class:`FetchError` whose ``reason`` is one sentence naming the URL (through ``display_url``).
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import dataclasses
import email.utils
import re
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal

import httpx

from newsmon.config import Settings
from newsmon.net.client import outbound_client
from newsmon.net.policy import OutboundPolicy, OutboundRefused
from newsmon.ops.redact import display_url

from .robots import MAX_ROBOTS_BYTES, RobotsCache
from .urls import host_of

Kind = Literal["feed", "page"]

RETRY_IN_CALL_S = 10.0  # a Retry-After up to this is waited for in the call
MAX_RETRIES = 2  # more tries after the first, for 429 and 5xx
BACKOFF_S = 1.0  # the wait before a retry when the answer gave no Retry-After (doubled each time)
MAX_CRAWL_DELAY_S = 60.0  # a site's Crawl-delay is honoured up to this
REDIRECTS = frozenset({301, 302, 303, 307, 308})

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "application/json",
    "application/feed+json", "application/x-gzip", "application/gzip",  # sitemap.xml.gz is often served so
})

_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)


def overall_deadline_s(settings: Settings) -> float:
    """The most one exchange (connect, headers, the whole body) may take: the connect timeout plus twice the
    read timeout. The read timeout alone bounds the wait for each chunk, not a server that trickles forever."""
    return settings.feeds_connect_timeout_s + 2 * settings.feeds_read_timeout_s


class FetchError(Exception):
    """A request that gave no usable answer. ``reason`` is one sentence for ``feeds list`` and the logs.

    ``kind``: "policy", "robots", "timeout", "connect", "http", "redirects", "content_type", "invalid_url",
    or "backoff" (not even sent: the host's Retry-After of more than RETRY_IN_CALL_S is still running).
    ``retryable`` (timeouts, connection failures, 429, 5xx) tells the poller to try again later;
    ``retry_after_s`` is what the server asked for (Retry-After) when it said.
    """

    def __init__(self, kind: str, reason: str, *, status: int | None = None, retry_after_s: float | None = None,
                 retryable: bool = False):
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.status = status
        self.retry_after_s = retry_after_s
        self.retryable = retryable


def _known_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


@dataclass(frozen=True)
class FetchResult:
    """What a request answered: the body (decompressed, cut at the cap) and what the poller keeps for next time."""

    url: str  # the URL finally answered (after redirects)
    status: int  # 200, or 304 when not_modified
    content: bytes
    content_type: str  # media type only, lower-case ("text/html"); "" if the server sent none
    charset: str | None  # from the Content-Type header
    etag: str | None
    last_modified: str | None
    truncated: bool  # the body was cut at the size cap
    redirects: int
    elapsed_s: float

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def declared_charset(self) -> str | None:
        """The header's charset, else a BOM, else the XML declaration's or ``<meta charset>``'s, if Python knows it."""
        if codec := _known_codec(self.charset):
            return codec
        head = self.content[:4096]
        for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
            if head.startswith(bom):
                return name
        match = _XML_DECLARATION.match(head) or _META_CHARSET.search(head)
        return _known_codec(match.group(1).decode("ascii")) if match else None

    def text(self) -> str:
        """The body decoded: the declared charset (see :meth:`declared_charset`), else charset-normalizer's guess."""
        codec = self.declared_charset()
        if codec is None:
            from charset_normalizer import from_bytes

            best = from_bytes(self.content).best()
            codec = best.encoding if best is not None else "utf-8"
        return self.content.decode(codec, errors="replace")


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110 10.2.3); None if absent or unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def media_type(header: str | None) -> tuple[str, str | None]:
    """``text/html; charset=ISO-8859-1`` -> ("text/html", "ISO-8859-1")."""
    if not header:
        return "", None
    kind, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return kind.strip().lower(), charset


def acceptable(kind: Kind, content_type: str) -> bool:
    """A page must be HTML or XHTML; a feed XML, RSS, Atom, JSON, gzip (a sitemap) or text. No type: let the parser judge."""
    if not content_type:
        return True
    if kind == "page":
        return content_type in PAGE_TYPES
    return content_type in FEED_TYPES or content_type.startswith("text/") or content_type.endswith(("+xml", "+json"))


@dataclass
class _Host:
    """One host's share of the politeness: requests in flight and the earliest time the next may start."""

    slots: asyncio.Semaphore
    next_start: float = 0.0
    delay_s: float = 0.0
    lock: asyncio.Lock | None = None


@dataclass(frozen=True)
class _Answer:
    status: int
    url: str
    location: str | None = None
    retry_after_s: float | None = None
    reason_phrase: str = ""
    result: FetchResult | None = None


class Fetcher:
    """HTTP for the poller: one client, robots.txt, per-host and global limits, and the statistics /metrics shows."""

    def __init__(self, settings: Settings, *, policy: OutboundPolicy | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.settings = settings
        self.policy = policy or OutboundPolicy.from_settings(settings)
        self._clock = clock
        timeout = httpx.Timeout(connect=settings.feeds_connect_timeout_s, read=settings.feeds_read_timeout_s,
                                write=settings.feeds_read_timeout_s, pool=None)
        limits = httpx.Limits(max_connections=settings.feeds_concurrency,
                              max_keepalive_connections=settings.feeds_concurrency)
        self._client = outbound_client(self.policy, timeout=timeout, limits=limits)  # type: ignore[arg-type]
        self._headers = {"User-Agent": settings.feeds_user_agent, "Accept-Encoding": "gzip, deflate"}
        self._all = asyncio.Semaphore(settings.feeds_concurrency)
        self._hosts: dict[str, _Host] = {}
        self.robots = RobotsCache(self._load_robots, settings.feeds_user_agent, clock=clock)
        self.stats: dict[str, dict[str, int]] = defaultdict(lambda: {"requests": 0, "errors": 0, "bytes": 0})

    # --- politeness ------------------------------------------------------------------------

    def _host(self, host: str) -> _Host:
        if host not in self._hosts:
            self._hosts[host] = _Host(asyncio.Semaphore(self.settings.feeds_host_concurrency),
                                      delay_s=self.settings.feeds_host_delay_s, lock=asyncio.Lock())
        return self._hosts[host]

    def push_back(self, host: str, seconds: float) -> None:
        """No request to ``host`` starts for ``seconds`` (a Retry-After it sent)."""
        state = self._host(host)
        state.next_start = max(state.next_start, self._clock() + seconds)

    @contextlib.asynccontextmanager
    async def _slot(self, url: str) -> AsyncIterator[None]:
        """Hold one of the host's slots and one global slot, starting no sooner than the host's delay allows."""
        state = self._host(host_of(url))
        async with state.slots, self._all:
            assert state.lock is not None
            async with state.lock:
                wait = state.next_start - self._clock()
                if wait > RETRY_IN_CALL_S:
                    raise FetchError("backoff", f"{self._shown(url)} was not requested: its host asked newsmon to wait "
                                                f"(Retry-After) {wait:.0f} s more", retry_after_s=wait, retryable=True)
                if wait > 0:
                    await asyncio.sleep(wait)
                state.next_start = self._clock() + state.delay_s
            yield

    async def _load_robots(self, robots: str) -> tuple[int, bytes] | str:
        """robots.txt through the same client and limits, redirects followed (RFC 9309: at least five)."""
        try:
            answer = await self._follow(robots, kind="feed", cap=MAX_ROBOTS_BYTES, conditional={},
                                        check_robots=False, retry=False)
        except FetchError as exc:
            if exc.kind == "backoff":
                raise  # not asked at all (the host's Retry-After runs): nothing to remember for an hour
            if exc.status is not None:
                return exc.status, b""
            if exc.kind == "content_type":
                return 200, b""  # answered, but not with rules: nothing is disallowed
            return exc.reason
        return answer.status, answer.content

    # --- requests --------------------------------------------------------------------------

    def _shown(self, url: str) -> str:
        return display_url(url)

    def _check_url(self, url: str, first: str) -> None:
        """The checks made before any request to ``url`` (a hop of ``first``'s redirects, or ``first`` itself)."""
        what = self._shown(url) if url == first else f"the redirect of {self._shown(first)} to {self._shown(url)}"
        try:
            httpx.URL(url)
        except (httpx.InvalidURL, TypeError) as exc:
            raise FetchError("invalid_url", f"{what} is not a valid URL ({exc})") from None
        try:
            self.policy.check_url(url)
        except OutboundRefused as exc:
            raise FetchError("policy" if exc.listable else "invalid_url", exc.sentence(what)) from None

    async def get(self, url: str, *, kind: Kind, etag: str | None = None,
                  last_modified: str | None = None) -> FetchResult:
        """Fetch ``url`` as a feed (or sitemap) or as a page; 304 when ``etag``/``last_modified`` still hold."""
        conditional = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        cap = self.settings.feeds_max_feed_bytes if kind == "feed" else self.settings.feeds_max_page_bytes
        return await self._follow(url, kind=kind, cap=cap, conditional=conditional, check_robots=True, retry=True)

    async def _follow(self, url: str, *, kind: Kind, cap: int, conditional: dict[str, str], check_robots: bool,
                      retry: bool) -> FetchResult:
        started = self._clock()
        seen = [url]
        current = url
        while True:
            self._check_url(current, url)
            if check_robots:
                await self._check_robots(current)
            answer = await self._with_retries(current, kind=kind, cap=cap, conditional=conditional, retry=retry)
            if answer.result is not None:
                return dataclasses.replace(answer.result, redirects=len(seen) - 1, elapsed_s=self._clock() - started)
            try:
                target = str(httpx.URL(current).join(answer.location or ""))
            except httpx.InvalidURL:
                raise FetchError("redirects", f"{self._shown(current)} redirects to {answer.location!r}, "
                                              "which is not a URL") from None
            if target in seen:
                raise FetchError("redirects", f"{self._shown(url)} redirects in a loop (back to {self._shown(target)}); "
                                              "check the URL in a browser and use the page it ends on")
            seen.append(target)
            if len(seen) - 1 > self.settings.feeds_max_redirects:
                raise FetchError("redirects", f"{self._shown(url)} redirects more than "
                                              f"{self.settings.feeds_max_redirects} times; use the URL it ends on")
            current = target

    async def _check_robots(self, url: str) -> None:
        rules = await self.robots.rules_for(url)
        if not rules.allows(url, self.robots.token):
            if rules.why == "rules":
                raise FetchError("robots", f"{self._shown(url)} is disallowed by its site's robots.txt for "
                                           f"{self.robots.token}")
            raise FetchError("robots", f"{self._shown(url)} is not fetched: its site's robots.txt {rules.why}, "
                                       "which counts as disallowing everything for an hour (RFC 9309)", retryable=True)
        crawl_delay = rules.crawl_delay(self.robots.token)
        if crawl_delay:
            state = self._host(host_of(url))
            state.delay_s = max(self.settings.feeds_host_delay_s, min(crawl_delay, MAX_CRAWL_DELAY_S))

    async def _with_retries(self, url: str, *, kind: Kind, cap: int, conditional: dict[str, str],
                            retry: bool) -> _Answer:
        host = host_of(url)
        for attempt in range(MAX_RETRIES + 1):
            answer = await self._exchange(url, kind=kind, cap=cap, conditional=conditional)
            if answer.status != 429 and answer.status < 500:
                return answer
            wait = answer.retry_after_s
            if wait is not None:
                self.push_back(host, wait)
            last = not retry or attempt == MAX_RETRIES or (wait is not None and wait > RETRY_IN_CALL_S)
            if last:
                after = f"; it asks to retry after {wait:.0f} s" if wait is not None else ""
                raise FetchError("http", f"{self._shown(url)} answered {answer.status} {answer.reason_phrase}{after}",
                                 status=answer.status, retry_after_s=wait, retryable=True)
            if wait is None:
                self.push_back(host, BACKOFF_S * 2 ** attempt)
        raise AssertionError("unreachable")  # the loop returns or raises

    async def _exchange(self, url: str, *, kind: Kind, cap: int, conditional: dict[str, str]) -> _Answer:
        """One request and its answer, in one of the host's slots, under the overall deadline."""
        host = host_of(url)
        stats = self.stats[host]
        deadline = overall_deadline_s(self.settings)
        async with self._slot(url):
            stats["requests"] += 1
            try:
                async with asyncio.timeout(deadline):
                    answer = await self._send(url, kind=kind, cap=cap, conditional=conditional)
            except FetchError:
                stats["errors"] += 1
                raise
            except OutboundRefused as exc:
                stats["errors"] += 1
                raise FetchError("policy", exc.sentence(self._shown(url))) from None
            except (httpx.TimeoutException, TimeoutError):
                stats["errors"] += 1
                raise FetchError("timeout", f"{self._shown(url)} did not answer in time (connect timeout "
                                            f"{self.settings.feeds_connect_timeout_s:g} s, read timeout "
                                            f"{self.settings.feeds_read_timeout_s:g} s, {deadline:g} s in all)",
                                 retryable=True) from None
            except httpx.DecodingError:
                stats["errors"] += 1
                raise FetchError("http", f"{self._shown(url)} sent a body that could not be decompressed") from None
            except httpx.TransportError as exc:
                stats["errors"] += 1
                raise FetchError("connect", f"could not connect to {self._shown(url)} "
                                            f"({str(exc) or type(exc).__name__})", retryable=True) from None
        if answer.result is not None:
            stats["bytes"] += len(answer.result.content)
        elif answer.status not in REDIRECTS:
            stats["errors"] += 1
        return answer

    async def _send(self, url: str, *, kind: Kind, cap: int, conditional: dict[str, str]) -> _Answer:
        request = self._client.build_request("GET", url, headers={**self._headers, **conditional})
        response = await self._client.send(request, stream=True)
        try:
            status = response.status_code
            if status in REDIRECTS and response.headers.get("location"):
                return _Answer(status, url, location=response.headers["location"])
            if status == 429 or status >= 500:
                return _Answer(status, url, retry_after_s=parse_retry_after(response.headers.get("retry-after")),
                               reason_phrase=response.reason_phrase)
            content_type, charset = media_type(response.headers.get("content-type"))
            etag, modified = response.headers.get("etag"), response.headers.get("last-modified")
            if status == 304:
                return _Answer(status, url, result=FetchResult(url, 304, b"", content_type, charset, etag or None,
                                                               modified, False, 0, 0.0))
            if not 200 <= status < 300:
                raise FetchError("http", f"{self._shown(url)} answered {status} {response.reason_phrase}".rstrip(),
                                 status=status)
            if not acceptable(kind, content_type):
                what = "web page (HTML)" if kind == "page" else "feed or sitemap"
                raise FetchError("content_type", f"{self._shown(url)} is {content_type}, not a {what}; skipped")
            body, truncated = await _read_capped(response, cap)
            return _Answer(status, url, result=FetchResult(url, status, body, content_type, charset, etag, modified,
                                                           truncated, 0, 0.0))
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> "Fetcher":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()


async def _read_capped(response: httpx.Response, cap: int) -> tuple[bytes, bool]:
    """The decoded body up to ``cap`` bytes, and whether there was more (the rest is never read)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        if size + len(chunk) > cap:
            chunks.append(chunk[:cap - size])
            return b"".join(chunks), True
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), False
