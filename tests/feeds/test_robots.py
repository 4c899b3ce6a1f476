"""robots.txt: RFC 9309's reading of each answer, the hour-long cache, and the local site's rules."""

from __future__ import annotations

import pytest
from feeds.site import FeedSite, site_settings

from newsmon.feeds.fetch import FetchError, Fetcher
from newsmon.feeds.robots import RobotsCache, product_token, robots_url, rules_from

RULES = b"""User-agent: newsmon
Disallow: /drafts/
Crawl-delay: 2

User-agent: *
Disallow: /
"""


def test_our_product_token_is_the_user_agent_name():
    assert product_token("newsmon/0.1 (news monitor; +https://github.com/newsmon/newsmon)") == "newsmon"
    assert product_token("AcmeMonitor") == "AcmeMonitor"


def test_robots_url_is_per_scheme_host_and_port():
    assert robots_url("https://user:pw@News.example.org:8443/a/b?c=1") == "https://News.example.org:8443/robots.txt"


def test_rules_are_matched_with_our_product_token_not_the_wildcard_group():
    rules = rules_from((200, RULES), now=0.0)
    assert rules.allows("https://example.org/world/story.html", "newsmon")
    assert not rules.allows("https://example.org/drafts/story.html", "newsmon")
    assert not rules.allows("https://example.org/world/story.html", "otherbot")
    assert rules.crawl_delay("newsmon") == 2.0


@pytest.mark.parametrize(("answer", "allowed", "why"), [
    ((404, b""), True, "answered 404"),
    ((403, b""), True, "answered 403"),
    ((429, b""), False, "answered 429"),
    ((503, b""), False, "answered 503"),
    ("could not connect to http://a.example/robots.txt", False,
     "could not be fetched (could not connect to http://a.example/robots.txt)"),
])
def test_4xx_allows_everything_and_5xx_or_no_answer_allows_nothing(answer, allowed, why):
    rules = rules_from(answer, now=0.0)
    assert rules.allows("https://example.org/any", "newsmon") is allowed
    assert rules.why == why


async def test_the_cache_keeps_a_host_for_an_hour_then_asks_again():
    now = [0.0]
    loaded = []

    async def load(url: str):
        loaded.append(url)
        return 200, b"User-agent: *\nDisallow: /private/\n"

    cache = RobotsCache(load, "newsmon/0.1", clock=lambda: now[0])
    assert await cache.allowed("http://a.example/news/1")
    assert not await cache.allowed("http://a.example/private/1")
    assert await cache.allowed("http://b.example/private/1") is False
    assert loaded == ["http://a.example/robots.txt", "http://b.example/robots.txt"]
    now[0] = 3599.0
    await cache.allowed("http://a.example/news/2")
    assert len(loaded) == 2
    now[0] = 3600.0
    await cache.allowed("http://a.example/news/2")
    assert loaded[-1] == "http://a.example/robots.txt" and len(loaded) == 3


async def test_a_site_whose_robots_txt_fails_with_503_is_not_crawled():
    with FeedSite(robots="503") as site:
        async with Fetcher(site_settings(site)) as fetcher:
            for path in ("/feeds/rss.xml", "/articles/bridge-vote.html"):
                with pytest.raises(FetchError) as caught:
                    await fetcher.get(site.url(path), kind="feed")
                assert caught.value.kind == "robots" and "robots.txt answered 503" in caught.value.reason
                assert caught.value.retryable
        assert [r.path for r in site.log] == ["/robots.txt"]  # once, not retried, nothing else requested


async def test_a_site_without_robots_txt_may_be_crawled_everywhere():
    with FeedSite(robots="404") as site:
        async with Fetcher(site_settings(site)) as fetcher:
            result = await fetcher.get(site.url("/private/draft.html"), kind="page")
        assert result.status == 200
        assert [r.path for r in site.log] == ["/robots.txt", "/private/draft.html"]


async def test_a_site_that_does_not_answer_at_all_is_not_crawled(feed_site: FeedSite):
    from newsmon.scratch import free_port

    port = free_port()  # nothing listens there
    settings = site_settings(feed_site, allowed_hosts=f"127.0.0.1:{port}")
    async with Fetcher(settings) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(f"http://127.0.0.1:{port}/feed.xml", kind="feed")
    assert caught.value.kind == "robots" and caught.value.retryable
    assert f"robots.txt could not be fetched (could not connect to http://127.0.0.1:{port}/robots.txt" \
        in caught.value.reason
