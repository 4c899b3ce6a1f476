"""When a feed is polled next: adaptive from its items' times, backing off while it fails."""

from datetime import datetime, timedelta, timezone

from newsmon.feeds import schedule
from newsmon.feeds.models import Feed

T0 = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)


def feed(interval_s: float = 600) -> Feed:
    return Feed(name="wire", url="https://news.example.org/rss", interval_s=interval_s)


def every(minutes: float, n: int = 10) -> list[datetime]:
    return [T0 - timedelta(minutes=minutes * i) for i in range(n)]


def test_a_feed_without_dated_items_keeps_its_interval():
    assert schedule.adaptive_interval(feed(), [], min_s=60, max_s=21600) == 600
    assert schedule.adaptive_interval(feed(), every(5, 2), min_s=60, max_s=21600) == 600


def test_polls_at_half_the_typical_gap_between_items():
    assert schedule.adaptive_interval(feed(), every(20), min_s=60, max_s=21600) == 600  # 20 min gaps -> 10 min
    assert schedule.adaptive_interval(feed(), every(30), min_s=60, max_s=21600) == 900


def test_stays_between_a_quarter_and_eight_times_the_configured_interval():
    assert schedule.adaptive_interval(feed(), every(1), min_s=60, max_s=21600) == 150  # not every 30 s
    assert schedule.adaptive_interval(feed(), every(24 * 60), min_s=60, max_s=21600) == 4800  # not twice a day
    assert schedule.adaptive_interval(feed(), every(1), min_s=300, max_s=21600) == 300  # the global floor wins


def test_failures_back_off_exponentially_and_honour_retry_after():
    assert schedule.failure_delay(600, 1, None, max_s=21600) == 1200
    assert schedule.failure_delay(600, 3, None, max_s=21600) == 4800
    assert schedule.failure_delay(600, 30, None, max_s=21600) == 21600
    assert schedule.failure_delay(600, 1, 7200, max_s=21600) == 7200


def test_recent_times_are_the_newest_distinct_ones():
    times = schedule.recent_times(every(10, 15), every(10, 30))
    assert len(times) == schedule.RECENT_ITEMS and times[0] == T0 and times == sorted(set(times), reverse=True)
