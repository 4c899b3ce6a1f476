"""Fixtures of the feed tests: the local news site (tests/feeds/site.py) and settings that may reach it."""

from __future__ import annotations

import pytest
from feeds.site import FeedSite, feed_site, site_settings  # noqa: F401  (feed_site: the fixture, for this folder)

from newsmon.config import Settings


@pytest.fixture
def settings(feed_site: FeedSite) -> Settings:
    """Settings that reach the session's site, with a short host delay (0.05 s)."""
    return site_settings(feed_site)
