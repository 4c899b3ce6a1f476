"""Fixtures of the feed tests: the local news site (tests/feeds/site.py) and settings that may reach it."""

from __future__ import annotations

import pytest
from feeds.site import FeedSite, feed_site  # noqa: F401  (the fixture, re-exported for this folder)

from newsmon.config import Settings


def site_settings(site: FeedSite, **overrides) -> Settings:
    """Settings that let newsmon reach ``site`` (NEWSMON_ALLOWED_HOSTS) with a short host delay for speed."""
    values = {"allowed_hosts": site.allowed_hosts, "feeds_host_delay_s": 0.05, "feeds_read_timeout_s": 5.0,
              "feeds_connect_timeout_s": 2.0}
    return Settings(**{**values, **overrides})


@pytest.fixture
def settings(feed_site: FeedSite) -> Settings:
    return site_settings(feed_site)
