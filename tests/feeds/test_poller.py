"""The poller against the local test site (a real HTTP server): what one poll publishes, skips and remembers.

Kafka is not in these tests: the store is the in-memory one and the sink a list (the same contracts
the Kafka ones keep; tests/e2e/test_feeds.py runs the whole thing on the real stack).
"""

from __future__ import annotations

import asyncio

import pytest
from feeds.conftest import site_settings

from newsmon.feeds.fetch import Fetcher
from newsmon.feeds.models import Feed
from newsmon.feeds.poller import Poller
from newsmon.feeds.store import MemoryStore


class ListSink:
    def __init__(self) -> None:
        self.articles = []
        self.flushes = 0

    def publish(self, article) -> None:
        self.articles.append(article)

    def flush(self) -> None:
        self.flushes += 1


def poll_all(settings, store, sink, *feeds_to_poll):
    async def go():
        fetcher = Fetcher(settings)
        try:
            poller = Poller(settings, store, sink, fetcher, ident="test")
            return await poller.run_once([f.name for f in feeds_to_poll] or None)
        finally:
            await fetcher.aclose()
    return {r.feed: r for r in asyncio.run(go())}


def feed(site, name, path, **fields) -> Feed:
    return Feed(name=name, url=site.url(path), **fields)


def by_path(sink, path):
    return next(a for a in sink.articles if a.url.endswith(path))


def test_rss_items_become_articles_with_the_page_text_and_the_feed_date(feed_site, settings):
    store, sink = MemoryStore([feed(feed_site, "wire", "/feeds/rss.xml")]), ListSink()
    result = poll_all(settings, store, sink)["wire"]
    assert (result.status, result.seen, result.new, result.skipped, result.failed) == ("ok", 4, 3, 1, 0)
    quay = by_path(sink, "/articles/harbour-quay.html")
    assert quay.title == "Port Vellin reopens north quay after storm repairs"
    assert quay.body.startswith("PORT VELLIN, Dec 1 (Newsmon Wire) - The harbour authority")
    assert quay.published_at.isoformat() == "2026-12-01T07:40:00+00:00"
    assert quay.language and quay.language.lower().startswith("en")
    assert quay.metadata["feed"]["name"] == "wire" and quay.metadata["feed"]["date_source"] == "feed"
    assert quay.metadata["extraction"]["extractor"] == "trafilatura"
    state = store.state("wire")
    assert (state.status, state.items_new, state.items_skipped, state.etag is not None) == ("ok", 3, 1, True)
    assert "annual-report.pdf" not in " ".join(a.url for a in sink.articles)


def test_a_second_poll_is_a_conditional_get_and_publishes_nothing(feed_site, settings):
    store, sink = MemoryStore([feed(feed_site, "wire", "/feeds/rss.xml")]), ListSink()
    poll_all(settings, store, sink)
    feed_site.reset()
    again = poll_all(settings, store, sink)["wire"]
    assert again.status == "not_modified" and again.new == 0 and len(sink.articles) == 3
    feed_requests = feed_site.requests("/feeds/rss.xml")
    assert feed_requests and "if-none-match" in feed_requests[0].headers
    assert not feed_site.requests("/articles/"), "no page fetched again"


def test_a_restarted_poller_with_the_same_store_publishes_nothing_again(feed_site, settings):
    store, sink = MemoryStore([feed(feed_site, "wire", "/feeds/rss.xml")]), ListSink()
    poll_all(settings, store, sink)
    store.save_state(store.state("wire").model_copy(update={"etag": None, "last_modified": None}))  # no 304 shortcut
    again = poll_all(settings, store, ListSink())["wire"]
    # The PDF, recorded as skipped, is not fetched again either: all four are known.
    assert again.status == "ok" and again.new == 0 and again.duplicate == 4 and again.skipped == 0


def test_one_story_under_two_sets_of_tracking_parameters_is_one_article(feed_site, settings):
    store = MemoryStore([feed(feed_site, "a", "/feeds/tracking-a.xml"), feed(feed_site, "b", "/feeds/tracking-b.xml")])
    sink = ListSink()
    results = poll_all(settings, store, sink)
    shared = [a for a in sink.articles if "shared-story" in a.url]
    assert len(shared) == 1 and "utm_" not in shared[0].url and "#" not in shared[0].url
    assert results["a"].duplicate + results["b"].duplicate >= 1


@pytest.mark.parametrize("path, expected", [
    ("/feeds/atom.xml", {"/articles/solar-farm.html", "/articles/harbour-quay.html"}),
    ("/feeds/rdf.xml", {"/articles/rail-strike.html", "/articles/bridge-vote.html"}),
    ("/feeds/feed.json", {"/articles/cluttered.html", "/articles/solar-farm.html"}),
    ("/sitemaps/index.xml", {"/articles/harbour-quay.html", "/articles/bridge-vote.html", "/articles/rail-strike.html",
                             "/articles/shared-story.html"}),
])
def test_every_kind_of_feed_gives_its_pages(feed_site, settings, path, expected):
    store, sink = MemoryStore([feed(feed_site, "f", path)]), ListSink()
    result = poll_all(settings, store, sink)["f"]
    assert result.status == "ok", result.error
    assert {"/" + a.url.split("/", 3)[3] for a in sink.articles} == expected


def test_only_the_article_of_a_cluttered_page_arrives(feed_site, settings):
    store, sink = MemoryStore([feed(feed_site, "json", "/feeds/feed.json")]), ListSink()
    poll_all(settings, store, sink)
    museum = by_path(sink, "/articles/cluttered.html")
    assert museum.body.startswith("TARROW, Dec 1 (Newsmon Wire)")
    for furniture in ("cookies", "ReaderOne", "OldMonk42", "All rights reserved"):
        assert furniture not in museum.body


def test_a_failing_feed_is_marked_backs_off_and_does_not_stop_the_others(feed_site, settings):
    store = MemoryStore([feed(feed_site, "gone", "/feeds/no-such-feed.xml"), feed(feed_site, "wire", "/feeds/rss.xml")])
    sink = ListSink()
    for _ in range(3):
        results = poll_all(settings, store, sink)
    assert results["gone"].status == "failed" and "404" in results["gone"].error
    gone = store.state("gone")
    assert gone.status == "failing" and gone.consecutive_failures == 3 and "404" in gone.last_error
    assert (gone.next_poll_at - gone.last_poll_at).total_seconds() >= 8 * 600 * 0.99  # 600 s doubled three times
    assert store.state("wire").status in ("ok", "not_modified") and len(sink.articles) == 3


def test_a_hanging_feed_times_out_as_a_failure(feed_site):
    settings = site_settings(feed_site, feeds_read_timeout_s=1.0)
    store, sink = MemoryStore([feed(feed_site, "hang", "/hang")]), ListSink()
    result = poll_all(settings, store, sink)["hang"]
    assert result.status == "failed" and result.error and not sink.articles


def test_a_feed_at_loopback_is_refused_without_allowed_hosts(feed_site):
    settings = site_settings(feed_site, allowed_hosts=None)
    feed_site.reset()
    store, sink = MemoryStore([feed(feed_site, "local", "/feeds/rss.xml")]), ListSink()
    result = poll_all(settings, store, sink)["local"]
    assert result.status == "failed" and "NEWSMON_ALLOWED_HOSTS" in result.error and not feed_site.requests("/feeds/")


def test_items_per_feed_and_per_host_reach_the_metrics(feed_site, settings):
    from prometheus_client import generate_latest

    from newsmon.feeds.poller import PollerMetrics

    metrics = PollerMetrics()
    store, sink = MemoryStore([feed(feed_site, "wire", "/feeds/rss.xml")]), ListSink()

    async def go():
        async with Fetcher(settings) as fetcher:
            await Poller(settings, store, sink, fetcher, metrics=metrics).run_once()

    asyncio.run(go())
    text = generate_latest(metrics.registry).decode()
    assert 'newsmon_feed_items_total{feed="wire",result="new"} 3.0' in text
    assert 'newsmon_feed_items_total{feed="wire",result="skipped"} 1.0' in text
    assert 'newsmon_feed_host_items_total{host="127.0.0.1",result="new"} 3.0' in text
    assert 'newsmon_feed_polls_total{feed="wire",status="ok"} 1.0' in text


def test_a_page_robots_txt_forbids_is_published_from_the_feed_item_and_a_missing_one_is_retried(feed_site, settings):
    store, sink = MemoryStore([feed(feed_site, "desk", "/feeds/mixed.xml")]), ListSink()
    result = poll_all(settings, store, sink)["desk"]
    assert (result.new, result.failed) == (1, 1) and "404" in result.error
    assert not feed_site.requests("/private/"), "robots.txt disallows /private/"
    draft = sink.articles[0]
    assert draft.body.startswith("Budget talks in the Westmark regional assembly stalled")
    assert draft.metadata["extraction"]["extractor"] == "feed" and draft.title.startswith("Draft: Westmark")
    assert store.state("desk").last_items_failed == 1
    feed_site.reset()
    again = poll_all(settings, store, sink)["desk"]
    assert again.failed == 1 and again.duplicate == 1  # the missing page is tried again, the draft is known
    assert "if-none-match" not in feed_site.requests("/feeds/mixed.xml")[0].headers  # the whole feed, not "if modified"


def test_the_running_poller_polls_due_feeds_and_feeds_added_while_it_runs(feed_site, settings):
    store, sink = MemoryStore([feed(feed_site, "wire", "/feeds/rss.xml")]), ListSink()

    async def go():
        async with Fetcher(settings) as fetcher:
            poller = Poller(settings, store, sink, fetcher, ident="loop")
            stop = asyncio.Event()
            task = asyncio.create_task(poller.run(stop))
            for _ in range(100):
                await asyncio.sleep(0.1)
                if store.state("wire").status == "ok":
                    break
            store.apply_feed(b"json", feed(feed_site, "json", "/feeds/feed.json").model_dump_json().encode())
            for _ in range(100):
                await asyncio.sleep(0.1)
                if store.state("json").status == "ok":
                    break
            stop.set()
            await task

    asyncio.run(go())
    assert store.state("wire").items_new == 3 and store.state("json").items_new == 2
    assert store.state("wire").next_poll_at > store.state("wire").last_poll_at  # scheduled, not polled in a loop
    assert store.beats["loop"].stopped
