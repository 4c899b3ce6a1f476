"""Fetcher against the local news site (tests/feeds/site.py): real sockets, real HTTP, no mocks of httpx."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from feeds.site import FeedSite, site_settings

from newsmon.config import Settings
from newsmon.feeds.fetch import FetchError, Fetcher, FetchResult, parse_retry_after


def unique(prefix: str) -> str:
    return f"{prefix}/{uuid.uuid4().hex[:12]}"


async def fetch(settings: Settings, url: str, **kw) -> FetchResult:
    async with Fetcher(settings) as fetcher:
        return await fetcher.get(url, **kw)


async def failure(settings: Settings, url: str, **kw) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await fetch(settings, url, **kw)
    return caught.value


# --- the outbound policy -------------------------------------------------------------------------

async def test_the_site_on_127_0_0_1_is_refused_by_default_and_nothing_is_sent(feed_site: FeedSite):
    path = f"/feeds/rss.xml?probe={uuid.uuid4().hex}"
    error = await failure(Settings(), feed_site.url(path), kind="feed")
    assert error.kind == "policy"
    assert "127.0.0.1 is a loopback address" in error.reason and "NEWSMON_ALLOWED_HOSTS" in error.reason
    assert not error.retryable
    assert feed_site.requests(path) == []


async def test_listed_in_allowed_hosts_the_site_is_reachable_with_our_user_agent(feed_site: FeedSite, settings):
    path = f"/feeds/rss.xml?probe={uuid.uuid4().hex}"
    result = await fetch(settings, feed_site.url(path), kind="feed")
    assert (result.status, result.content_type, result.charset) == (200, "application/rss+xml", "utf-8")
    assert result.content == feed_site.render("feeds/rss.xml")
    assert result.etag and result.last_modified and not result.truncated and result.redirects == 0
    [request] = feed_site.requests(path)
    assert request.headers["user-agent"] == settings.feeds_user_agent
    assert "gzip" in request.headers["accept-encoding"]


async def test_a_redirect_hop_to_a_refused_address_is_refused(feed_site: FeedSite, settings):
    error = await failure(settings, feed_site.url("/away?to=http://10.1.2.3/feed.xml"), kind="feed")
    assert error.kind == "policy"
    assert error.reason == (f"the redirect of {feed_site.url('/away?to=***')} to http://10.1.2.3/feed.xml is refused: "
                            "10.1.2.3 is a private address; add it to NEWSMON_ALLOWED_HOSTS if this is intended")


async def test_a_redirect_to_a_file_url_is_refused_before_anything_is_read(feed_site: FeedSite, settings):
    error = await failure(settings, feed_site.url("/away?to=file:///etc/passwd"), kind="feed")
    assert error.kind == "invalid_url" and "only http and https URLs can be contacted" in error.reason


async def test_a_url_that_is_no_http_url_is_one_sentence(settings):
    error = await failure(settings, "ftp://example.org/feed.xml", kind="feed")
    assert error.kind == "invalid_url" and "only http and https" in error.reason


# --- conditional GET, gzip -------------------------------------------------------------------------

async def test_etag_and_last_modified_give_304_with_an_empty_body(feed_site: FeedSite, settings):
    url = feed_site.url("/feeds/atom.xml")
    async with Fetcher(settings) as fetcher:
        first = await fetcher.get(url, kind="feed")
        again = await fetcher.get(url, kind="feed", etag=first.etag)
        by_date = await fetcher.get(url, kind="feed", last_modified=first.last_modified)
        stale = await fetcher.get(url, kind="feed", etag='"something-else"')
    assert first.status == 200 and not first.not_modified and first.content
    assert (again.status, again.content, again.not_modified) == (304, b"", True)
    assert by_date.not_modified and by_date.content == b""
    assert stale.status == 200 and stale.content == first.content
    sent = [r.headers.get("if-none-match") for r in feed_site.requests("/feeds/atom.xml")[-4:]]
    assert sent == [None, first.etag, None, '"something-else"']


@pytest.mark.parametrize("path", ["feeds/rss.xml", "articles/harbour-quay.html"])
async def test_a_gzip_encoded_feed_and_page_arrive_decoded(feed_site: FeedSite, settings, path):
    result = await fetch(settings, feed_site.url(f"/gz/{path}"), kind="feed" if path.startswith("feeds") else "page")
    assert result.content == feed_site.render(path)
    assert "Port Vellin" in result.text()


# --- redirects ---------------------------------------------------------------------------------------

async def test_a_chain_of_three_redirects_is_followed_and_counted(feed_site: FeedSite, settings):
    result = await fetch(settings, feed_site.url("/redirect/3"), kind="page")
    assert result.url == feed_site.url("/articles/harbour-quay.html")
    assert result.redirects == 3 and result.status == 200
    assert b"Port Vellin reopens north quay" in result.content


async def test_more_redirects_than_allowed_is_an_error(feed_site: FeedSite):
    error = await failure(site_settings(feed_site, feeds_max_redirects=2), feed_site.url("/redirect/3"), kind="page")
    assert error.kind == "redirects" and "more than 2 times" in error.reason


async def test_a_redirect_loop_is_an_error_not_a_hang(feed_site: FeedSite, settings):
    error = await failure(settings, feed_site.url("/loop/a"), kind="page")
    assert error.kind == "redirects" and "in a loop" in error.reason
    assert not error.retryable


# --- errors, retries, backoff ------------------------------------------------------------------------

async def test_404_is_an_http_error_that_is_not_retried(feed_site: FeedSite, settings):
    path = f"/missing-{uuid.uuid4().hex}.html"
    error = await failure(settings, feed_site.url(path), kind="page")
    assert (error.kind, error.status, error.retryable) == ("http", 404, False)
    assert error.reason == f"{feed_site.url(path)} answered 404 Not Found"
    assert len(feed_site.requests(path)) == 1


async def test_503_with_retry_after_1_is_retried_after_that_second_and_succeeds(feed_site: FeedSite, settings):
    path = "/" + unique("flaky")
    result = await fetch(settings, feed_site.url(path), kind="page")
    assert result.status == 200 and b"Kestrel Valley" in result.content
    first, second = feed_site.requests(path)
    assert first.status == 503 and second.status == 200
    assert second.started - first.started >= 1.0 - 0.05  # Retry-After: 1 (less the client-to-server jitter)


async def test_429_with_a_long_retry_after_is_raised_for_the_poller_and_holds_the_host_back(feed_site: FeedSite):
    # A site of its own: the 120 s push-back must not slow the other tests' host.
    with FeedSite() as site:
        settings = site_settings(site)
        async with Fetcher(settings) as fetcher:
            with pytest.raises(FetchError) as busy:
                await fetcher.get(site.url("/busy/now"), kind="feed")
            with pytest.raises(FetchError) as held:
                await fetcher.get(site.url("/feeds/rss.xml"), kind="feed")
        assert (busy.value.kind, busy.value.status, busy.value.retry_after_s) == ("http", 429, 120.0)
        assert busy.value.retryable and "retry after 120 s" in busy.value.reason
        assert len(site.requests("/busy/")) == 1  # not retried in the call: 120 s is too long to wait
        assert held.value.kind == "backoff" and held.value.retryable and 100 < held.value.retry_after_s <= 120
        assert site.requests("/feeds/") == []


async def test_a_host_held_back_before_its_robots_txt_is_read_is_not_disallowed_for_an_hour():
    now = [1000.0]
    with FeedSite() as site:
        async with Fetcher(site_settings(site, feeds_host_delay_s=0.0), clock=lambda: now[0]) as fetcher:
            fetcher.push_back("127.0.0.1", 60)  # as a 429 with Retry-After: 60 from a feed on the host would
            with pytest.raises(FetchError) as held:
                await fetcher.get(site.url("/feeds/rss.xml"), kind="feed")
            assert held.value.kind == "backoff" and held.value.retry_after_s == 60
            now[0] += 61  # the minute is over: robots.txt is asked for now, not an hour later
            assert (await fetcher.get(site.url("/feeds/rss.xml"), kind="feed")).status == 200
        assert [r.path for r in site.log] == ["/robots.txt", "/feeds/rss.xml"]


def test_retry_after_is_read_as_seconds_or_as_an_http_date():
    now = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now=now) == 90.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=5), usegmt=True), now=now) == 0.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None


async def test_a_server_that_never_answers_is_a_timeout(feed_site: FeedSite):
    error = await failure(site_settings(feed_site, feeds_read_timeout_s=0.5), feed_site.url("/hang"), kind="page")
    assert error.kind == "timeout" and error.retryable and "did not answer in time" in error.reason


async def test_a_server_that_trickles_forever_hits_the_overall_deadline(feed_site: FeedSite):
    settings = site_settings(feed_site, feeds_connect_timeout_s=0.5, feeds_read_timeout_s=0.5)
    error = await failure(settings, feed_site.url("/trickle"), kind="page")
    assert error.kind == "timeout" and "1.5 s in all" in error.reason


# --- size and type ---------------------------------------------------------------------------------

async def test_a_30_mb_page_is_cut_at_the_cap_and_marked_truncated(feed_site: FeedSite):
    cap = 1024 * 1024
    result = await fetch(site_settings(feed_site, feeds_max_page_bytes=cap), feed_site.url("/huge.html"), kind="page")
    assert result.truncated and len(result.content) == cap
    assert result.content.startswith(b"<!DOCTYPE html>")


async def test_a_page_under_the_cap_is_not_truncated(feed_site: FeedSite):
    result = await fetch(site_settings(feed_site, feeds_max_page_bytes=1024 * 1024),
                         feed_site.url("/articles/cluttered.html"), kind="page")
    assert not result.truncated and result.content == feed_site.render("articles/cluttered.html")


@pytest.mark.parametrize("kind", ["page", "feed"])
async def test_a_pdf_is_a_content_type_error_before_its_body_is_read(feed_site: FeedSite, settings, kind):
    error = await failure(settings, feed_site.url("/docs/annual-report.pdf"), kind=kind)
    assert error.kind == "content_type" and "application/pdf" in error.reason and not error.retryable


async def test_a_page_served_as_a_feed_is_accepted_as_text_but_a_feed_is_no_page(feed_site: FeedSite, settings):
    assert (await fetch(settings, feed_site.url("/articles/rail-strike.html"), kind="feed")).status == 200
    error = await failure(settings, feed_site.url("/feeds/rss.xml"), kind="page")
    assert error.kind == "content_type" and "application/rss+xml" in error.reason


# --- robots.txt --------------------------------------------------------------------------------------

async def test_a_path_robots_txt_disallows_is_never_requested(feed_site: FeedSite, settings):
    error = await failure(settings, feed_site.url("/private/draft.html"), kind="page")
    assert error.kind == "robots" and "robots.txt" in error.reason and not error.retryable
    assert feed_site.requests("/private/") == []


async def test_robots_txt_is_fetched_once_per_fetcher_and_host(settings):
    with FeedSite() as site:
        settings = site_settings(site)
        async with Fetcher(settings) as fetcher:
            for path in ("/feeds/rss.xml", "/feeds/atom.xml", "/articles/solar-farm.html"):
                await fetcher.get(site.url(path), kind="page" if path.endswith("html") else "feed")
        assert [r.path for r in site.log] == ["/robots.txt", "/feeds/rss.xml", "/feeds/atom.xml",
                                              "/articles/solar-farm.html"]
        assert site.log[0].headers["user-agent"] == settings.feeds_user_agent


# --- politeness: per host concurrency and delay -----------------------------------------------------

async def test_at_most_two_requests_are_in_flight_to_one_host():
    with FeedSite() as site:
        settings = site_settings(site, feeds_host_concurrency=2, feeds_host_delay_s=0.01)
        async with Fetcher(settings) as fetcher:
            await fetcher.get(site.url("/robots.txt"), kind="feed")  # robots.txt first, alone
            site.reset()
            results = await asyncio.gather(*(fetcher.get(site.url(f"/slow/slow-story.html?n={n}"), kind="page")
                                             for n in range(8)))
        assert [r.status for r in results] == [200] * 8
        assert len(site.requests("/slow/")) == 8
        assert site.max_in_flight == 2  # each request takes SLOW_S, so two did overlap; never three
        assert fetcher.stats["127.0.0.1"]["requests"] == 10 and fetcher.stats["127.0.0.1"]["errors"] == 0


async def test_request_starts_to_one_host_are_at_least_the_delay_apart():
    delay = 0.3
    with FeedSite() as site:
        settings = site_settings(site, feeds_host_concurrency=2, feeds_host_delay_s=delay)
        async with Fetcher(settings) as fetcher:
            await asyncio.gather(*(fetcher.get(site.url(f"/articles/bridge-vote.html?n={n}"), kind="page")
                                   for n in range(4)))
        starts = sorted(r.started for r in site.log)  # robots.txt, then the four pages
        assert len(starts) == 5
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        assert min(gaps) >= delay - 0.03, gaps  # the delay, less the jitter between client start and server read


async def test_stats_count_requests_errors_and_bytes_per_host(feed_site: FeedSite, settings):
    async with Fetcher(settings) as fetcher:
        page = await fetcher.get(feed_site.url("/articles/shared-story.html"), kind="page")
        with pytest.raises(FetchError):
            await fetcher.get(feed_site.url("/nothing-here.html"), kind="page")
        stats = fetcher.stats["127.0.0.1"]
    robots = len(feed_site.render("robots.txt"))
    assert stats == {"requests": 3, "errors": 1, "bytes": robots + len(page.content)}


# --- charset ---------------------------------------------------------------------------------------

FRENCH = ("Le port de Port Vellin a rouvert son quai nord mardi, six semaines après une tempête qui a arraché "
          "une partie de la digue. Les pêcheurs, qui s'étaient déplacés vers le bassin sud, reviendront la "
          "semaine prochaine. Coût des réparations : douze millions de couronnes, payés par la région.")


def result(content: bytes, charset: str | None = None, content_type: str = "text/html") -> FetchResult:
    return FetchResult("http://example.org/a", 200, content, content_type, charset, None, None, False, 0, 0.0)


def test_text_uses_the_header_charset_first():
    assert result(FRENCH.encode("latin-1"), "ISO-8859-1").text() == FRENCH
    assert result(FRENCH.encode("latin-1"), "no-such-charset").declared_charset() is None


def test_text_reads_meta_charset_and_the_xml_declaration_without_a_header():
    html = f'<html><head><meta charset="windows-1252"></head><body><p>{FRENCH}</p></body></html>'
    assert FRENCH in result(html.encode("cp1252")).text()
    xml = f'<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><title>{FRENCH}</title></channel></rss>'
    assert FRENCH in result(xml.encode("latin-1"), content_type="application/rss+xml").text()


def test_text_falls_back_to_charset_normalizer():
    body = f"<html><body><p>{FRENCH}</p></body></html>".encode("cp1252")
    assert result(body).declared_charset() is None
    assert FRENCH in result(body).text()


# --- the generated feeds and pages of benchmarks --------------------------------------------------

async def test_generated_feeds_and_stories_are_distinct_and_parse():
    from newsmon.feeds.parse import parse_feed
    from newsmon.feeds.urls import canonical

    with FeedSite(host="127.0.0.2") as site:
        settings = site_settings(site)
        async with Fetcher(settings) as fetcher:
            feeds = [await fetcher.get(site.url(f"/generated/feed-{n}.xml?items=5"), kind="feed") for n in (1, 2)]
            items = [item for f in feeds for item in parse_feed(f.content, url=f.url).items]
            page = await fetcher.get(items[0].url, kind="page")
    assert len({canonical(item.url) for item in items}) == 10
    assert canonical(items[0].url) == f"http://127.0.0.2:{site.port}/generated/story-1-0.html"
    assert page.content_type == "text/html" and b"plan 1-0" in page.content
