"""The feed poller's part of ``newsmon status``: which pollers are alive, and which feeds fail.

Read from the feed topics (newsmon.feeds.store), not from a poller: a poller that died still
shows, with the age of its last heartbeat, and a feed that fails shows its last error.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from newsmon.config import Settings

ALIVE_WITHIN_S = 35.0  # three heartbeats (newsmon.feeds.poller.HEARTBEAT_S) and a margin


@dataclass(frozen=True)
class PollerSummary:
    id: str
    host: str
    beat_at: str
    age_s: float
    alive: bool
    feeds: int
    items_new: int


@dataclass(frozen=True)
class FailingFeed:
    name: str
    failures: int
    last_error: str | None
    last_poll_at: str | None


@dataclass(frozen=True)
class FeedsPart:
    feeds: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    items_new: int = 0
    pollers: list[PollerSummary] = field(default_factory=list)
    failing: list[FailingFeed] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def feeds_status(settings: Settings, timeout_s: float = 5.0, now: datetime | None = None) -> FeedsPart:
    """The feeds part of the report; what cannot be read is the part's ``error`` (never raised)."""
    from newsmon.feeds.store import read_feeds

    now = now or datetime.now(timezone.utc)
    try:
        store = read_feeds(settings, timeout_s)
    except Exception as exc:  # noqa: BLE001 - status never raises: it reports
        return FeedsPart(error=f"cannot read the feed topics from Kafka at {settings.kafka_bootstrap}: {type(exc).__name__}: {exc}")
    feeds = store.feeds()
    by_status: dict[str, int] = {}
    failing = []
    items_new = 0
    for feed in feeds:
        state = store.state(feed.name)
        status = state.status if feed.enabled else "disabled"
        by_status[status] = by_status.get(status, 0) + 1
        items_new += state.items_new
        if feed.enabled and state.consecutive_failures:
            failing.append(FailingFeed(feed.name, state.consecutive_failures, state.last_error,
                                       state.last_poll_at.isoformat() if state.last_poll_at else None))
    pollers = []
    for beat in sorted(store.beats.values(), key=lambda b: b.beat_at, reverse=True):
        age = (now - beat.beat_at).total_seconds()
        if beat.stopped and age > 3600:
            continue  # a poller stopped more than an hour ago is history
        pollers.append(PollerSummary(beat.id, beat.host, beat.beat_at.isoformat(), round(age, 1),
                                     not beat.stopped and age <= ALIVE_WITHIN_S, beat.feeds, beat.items_new))
    failing.sort(key=lambda f: -f.failures)
    return FeedsPart(len(feeds), by_status, items_new, pollers, failing[:10])
