"""What a feed is, and what the poller knows about it, as stored on the feed topics.

A :class:`Feed` is what a user configures (``newsmon feeds add``): it lives on the compacted
topic ``news.feeds``, keyed by name, like the alert rules. A :class:`FeedState` is what the
poller learned the last time it polled (ETag, counts, the last error, when to poll next): it
lives on ``news.feeds.state``, keyed by ``feed:<name>``, so a restarted poller, or another one,
goes on from there and ``feeds list`` can show it without asking the poller.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from newsmon.models.article import LANGUAGE_PATTERN

FEED_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
FeedStatus = Literal["new", "ok", "not_modified", "failing", "disabled"]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Feed(BaseModel):
    """One feed or sitemap to poll."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=FEED_NAME_PATTERN)
    url: str = Field(min_length=8, max_length=4096)
    interval_s: float = Field(default=600.0, ge=10, le=7 * 24 * 3600)
    language: str | None = Field(default=None, pattern=LANGUAGE_PATTERN)  # the articles' language, when known
    source: str | None = Field(default=None, max_length=256)  # the ``source`` of its articles (default: the site)
    enabled: bool = True
    added_at: datetime = Field(default_factory=utcnow)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        import httpx

        try:
            url = httpx.URL(value.strip())
        except (httpx.InvalidURL, TypeError, ValueError):
            raise ValueError(f"{value!r} is not a URL") from None
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(f"{value!r} is not an http(s) URL: a feed is fetched over HTTP")
        return str(url)


class FeedState(BaseModel):
    """What the poller knows about one feed. Counts are totals since the feed was added."""

    model_config = ConfigDict(extra="ignore")

    name: str
    status: FeedStatus = "new"
    last_poll_at: datetime | None = None
    last_success_at: datetime | None = None
    next_poll_at: datetime | None = None
    interval_s: float | None = None  # the interval adaptive polling chose (None: the feed's own)
    consecutive_failures: int = 0
    last_error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    items_seen: int = 0  # items the feed listed, over all polls
    items_new: int = 0  # of those, published as articles
    items_duplicate: int = 0  # already published (this feed or another)
    items_failed: int = 0  # pages that could not be fetched or had no text
    items_skipped: int = 0  # links that are no article (a PDF, a video), recorded and not fetched again
    last_items_seen: int = 0  # in the last poll
    last_items_new: int = 0
    last_items_failed: int = 0  # pages that failed in the last poll: the next poll skips the conditional GET for them
    recent_item_times: list[datetime] = Field(default_factory=list)  # newest publication times, for adaptive polling
    poller: str | None = None  # which poller polled it last


class PollerBeat(BaseModel):
    """A poller's heartbeat on the state topic (key ``poller:<id>``): ``newsmon status`` shows it."""

    model_config = ConfigDict(extra="ignore")

    id: str
    host: str
    pid: int
    started_at: datetime
    beat_at: datetime
    feeds: int = 0
    items_new: int = 0  # since it started
    stopped: bool = False
