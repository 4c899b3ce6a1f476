"""When to poll a feed next: adaptively from how often it publishes, and less often while it fails.

Pure functions of a feed, its state and the time, so the poller's timing is tested without clocks.

- A feed that publishes every 20 minutes is polled about every 10 (half its typical gap between
  items, the median of its newest publication times), one that publishes twice a day about every
  6 hours; always between a quarter and eight times the interval it was added with, and within
  ``feeds_min_interval_s`` and ``feeds_max_interval_s``. With fewer than three dated items, the
  feed's own interval.
- A failure doubles the interval per failure in a row (at most 64 times), up to
  ``feeds_max_interval_s``; a ``Retry-After`` longer than that wait is honoured. Three failures in a
  row mark the feed ``failing`` (``feeds list`` shows it and the last error).
"""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta

from .models import Feed

RECENT_ITEMS = 20  # publication times kept per feed
FAILING_AFTER = 3  # failures in a row that mark a feed failing
MAX_BACKOFF_DOUBLINGS = 6


def recent_times(previous: list[datetime], new: list[datetime]) -> list[datetime]:
    """The newest :data:`RECENT_ITEMS` distinct publication times, newest first."""
    return sorted(set(previous) | set(new), reverse=True)[:RECENT_ITEMS]


def adaptive_interval(feed: Feed, times: list[datetime], *, min_s: float, max_s: float) -> float:
    """Seconds between polls of a healthy feed, from its items' publication times."""
    low = max(min_s, feed.interval_s / 4)
    high = max(low, min(max_s, feed.interval_s * 8))
    ordered = sorted(times)
    gaps = [(b - a).total_seconds() for a, b in zip(ordered, ordered[1:]) if b > a]
    if len(gaps) < 2:
        return min(max(feed.interval_s, min_s), max(max_s, min_s))
    return min(max(statistics.median(gaps) / 2, low), high)


def failure_delay(interval_s: float, failures: int, retry_after_s: float | None, *, max_s: float) -> float:
    """Seconds to wait after the ``failures``-th failure in a row."""
    delay = min(interval_s * 2 ** min(max(failures, 1), MAX_BACKOFF_DOUBLINGS), max(max_s, interval_s))
    return max(delay, retry_after_s or 0.0)


def next_poll(now: datetime, delay_s: float) -> datetime:
    return now + timedelta(seconds=delay_s)
