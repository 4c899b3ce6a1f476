"""robots.txt, honoured before every feed or page request (RFC 9309), parsed by protego.

One file per scheme, host and port, fetched through the same policy client and per-host limits as
everything else (the :class:`~newsmon.feeds.fetch.Fetcher` hands in how to load it) and kept for an
hour. What an answer means follows RFC 9309 section 2.3.1: a 2xx file is the rules; 4xx ("unavailable")
allows everything; 5xx, and no answer at all ("unreachable"), disallow everything for that hour, since
a site that cannot serve its robots.txt may be one that is struggling. 429 counts as a server error
(as Google treats it): a site asking us to slow down is not telling us its rules are gone. Rules are
matched against the product token of our User-Agent ("newsmon" in ``newsmon/0.1 (...)``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

# RFC 9309 2.5: a crawler must parse at least the first 500 KiB.
MAX_ROBOTS_BYTES = 512 * 1024
CACHE_S = 3600.0

# (status, body) of robots.txt after redirects; or, when the host did not answer at all, why (one phrase).
Loader = Callable[[str], Awaitable[tuple[int, bytes] | str]]


def product_token(user_agent: str) -> str:
    """``newsmon/0.1 (news monitor; +https://...)`` -> ``newsmon``: what robots.txt groups are matched on."""
    return (user_agent.split() or [""])[0].split("/")[0] or user_agent


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/robots.txt"


@dataclass(frozen=True)
class RobotsRules:
    """What one robots.txt allows; ``rules`` None means everything (``allow_all``) or nothing is allowed."""

    rules: Protego | None
    allow_all: bool
    fetched_at: float
    why: str  # "rules", or what the robots.txt request did: "answered 404", "could not be fetched (...)"

    def allows(self, url: str, token: str) -> bool:
        if self.rules is None:
            return self.allow_all
        return self.rules.can_fetch(url, token)

    def crawl_delay(self, token: str) -> float | None:
        if self.rules is None:
            return None
        delay = self.rules.crawl_delay(token)
        return float(delay) if delay is not None else None


def rules_from(answer: tuple[int, bytes] | str, now: float) -> RobotsRules:
    """RFC 9309's reading of one robots.txt answer (a string: no answer, and why)."""
    if isinstance(answer, str):
        return RobotsRules(None, False, now, f"could not be fetched ({answer})")
    status, body = answer
    if 200 <= status < 300:
        text = body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
        return RobotsRules(Protego.parse(text), True, now, "rules")
    if 400 <= status < 500 and status != 429:
        return RobotsRules(None, True, now, f"answered {status}")
    return RobotsRules(None, False, now, f"answered {status}")


class RobotsCache:
    """robots.txt per scheme+host+port, loaded once per hour however many requests wait for it."""

    def __init__(self, load: Loader, user_agent: str, *, ttl_s: float = CACHE_S,
                 clock: Callable[[], float] = time.monotonic):
        self._load = load
        self.token = product_token(user_agent)
        self._ttl = ttl_s
        self._clock = clock
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules_for(self, url: str) -> RobotsRules:
        key = robots_url(url)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            cached = self._rules.get(key)
            if cached is None or self._clock() - cached.fetched_at >= self._ttl:
                cached = rules_from(await self._load(key), self._clock())
                self._rules[key] = cached
            return cached

    async def allowed(self, url: str) -> bool:
        return (await self.rules_for(url)).allows(url, self.token)
