"""parse_feed over the local site's feeds and sitemaps (the bytes it serves, parsed offline) and documents that are no feed."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timezone

import pytest
from feeds.site import render

from newsmon.feeds.parse import FeedParseError, parse_feed, parse_date, plain_text
from newsmon.feeds.urls import canonical

BASE = "http://news.example.test"


def parsed(relative: str, content_type: str | None = None):
    return parse_feed(render(relative, BASE), url=f"{BASE}/{relative}", content_type=content_type)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_rss_2_0():
    feed = parsed("feeds/rss.xml", "application/rss+xml")
    assert (feed.kind, feed.title, feed.language) == ("rss", "Newsmon Test Wire: Top stories", "en-gb")
    assert [i.url for i in feed.items] == [f"{BASE}/articles/{p}" for p in (
        "harbour-quay.html", "rail-strike.html", "bridge-vote.html")] + [f"{BASE}/docs/annual-report.pdf"]
    first = feed.items[0]
    assert first.title == "Port Vellin reopens north quay after storm repairs"
    assert first.summary == "The harbour authority of Port Vellin reopened its north quay on Tuesday."  # HTML gone
    assert first.published == utc(2026, 12, 1, 7, 40) and first.author == "Mara Okonjo"
    assert first.guid == "wire-2026-12-01-harbour-quay" and first.language == "en-gb"
    assert feed.items[2].author is None and feed.sitemaps == []


def test_atom_with_relative_links_zones_and_two_authors():
    feed = parsed("feeds/atom.xml")
    assert (feed.kind, feed.language) == ("atom", "en")
    solar, harbour = feed.items
    assert solar.url == f"{BASE}/articles/solar-farm.html"  # href="/articles/..." against the feed URL
    assert harbour.url == f"{BASE}/articles/harbour-quay.html"  # href="../articles/..."
    assert harbour.published == utc(2026, 12, 1, 7, 40)  # 08:40+01:00
    assert harbour.author == "Mara Okonjo; Tomas Weller"
    assert solar.summary == "Caldora's energy minister opened the country's largest solar farm."
    assert solar.guid == "tag:newsmon.test,2026:solar-farm"


def test_rss_1_0_rdf():
    feed = parsed("feeds/rdf.xml")
    assert (feed.kind, feed.language) == ("rdf", "en")
    assert [(i.url, i.published, i.author) for i in feed.items] == [
        (f"{BASE}/articles/rail-strike.html", utc(2026, 12, 1, 9, 15), "Tomas Weller"),
        (f"{BASE}/articles/bridge-vote.html", utc(2026, 11, 30, 18, 5), "Anika Sorel"),
    ]


def test_json_feed_1_1():
    feed = parsed("feeds/feed.json", "application/feed+json")
    assert (feed.kind, feed.title, feed.language) == ("json", "Newsmon Test Wire: Culture (JSON Feed)", "en")
    museum, solar = feed.items  # the item without a url is left out
    assert museum.url == f"{BASE}/articles/cluttered.html" and museum.author == "Lena Hart"
    assert museum.summary == "The city museum of Tarrow returned 300 medieval manuscripts."
    assert museum.published == utc(2026, 12, 1, 8, 45) and museum.guid == "wire-2026-12-01-cluttered"
    assert solar.url == f"{BASE}/articles/solar-farm.html"  # relative, resolved
    assert solar.published == utc(2026, 12, 1, 11, 30) and solar.author == "Newsmon Test Wire"  # the feed's author


def test_json_feed_1_0_author_and_content_text():
    doc = {"version": "https://jsonfeed.org/version/1", "title": "Old style", "author": {"name": "Desk"},
           "items": [{"id": 7, "url": "https://x.test/a", "content_text": "  Plain   text. "}]}
    [item] = parse_feed(json.dumps(doc).encode(), url="https://x.test/feed.json").items
    assert (item.author, item.summary, item.guid, item.published) == ("Desk", "Plain text.", "7", None)


def test_sitemap_index_lists_its_children_absolute():
    index = parsed("sitemaps/index.xml")
    assert index.kind == "sitemapindex" and index.items == []
    assert index.sitemaps == [f"{BASE}/sitemaps/pages.xml", f"{BASE}/sitemaps/news.xml"]


def test_news_sitemap_gives_title_date_and_language():
    sitemap = parsed("sitemaps/news.xml")
    assert (sitemap.kind, sitemap.language) == ("sitemap", "en")
    rail, ferry = sitemap.items
    assert rail.title == "Kestrel Valley train drivers end strike after pay deal"
    assert rail.published == utc(2026, 12, 1, 9, 15) and rail.language == "en"
    assert ferry.published == utc(2026, 12, 1, 6, 20)  # news:publication_date wins over lastmod


def test_plain_sitemap_uses_lastmod_and_a_date_alone_is_utc_midnight():
    sitemap = parsed("sitemaps/pages.xml")
    assert [(i.url, i.published, i.title) for i in sitemap.items] == [
        (f"{BASE}/articles/harbour-quay.html", utc(2026, 12, 1), None),
        (f"{BASE}/articles/bridge-vote.html", utc(2026, 11, 30, 18, 5), None),
    ]


def test_a_gzipped_sitemap_is_unpacked():
    packed = gzip.compress(render("sitemaps/news.xml", BASE))
    assert len(parse_feed(packed, url=f"{BASE}/sitemap.xml.gz", content_type="application/x-gzip").items) == 2


@pytest.mark.parametrize("doctype", [
    b'<!DOCTYPE urlset [<!ENTITY e SYSTEM "file:///etc/hostname">]>',  # an external entity (XXE)
    b'<!DOCTYPE urlset [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY e "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',  # the start of a "billion laughs"
])
def test_sitemap_entities_are_never_expanded(doctype):
    xml = b'<?xml version="1.0"?>' + doctype + (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.test/&e;</loc></url></urlset>')
    assert [item.url for item in parse_feed(xml, url="https://x.test/sitemap.xml").items] == ["https://x.test/"]


def test_a_bozo_feed_that_still_has_entries_is_accepted():
    feed = parsed("feeds/bozo.xml")
    assert feed.kind == "rss" and [i.url for i in feed.items] == [f"{BASE}/articles/harbour-quay.html"]


def test_the_two_tracking_feeds_carry_one_canonical_story():
    a, b = parsed("feeds/tracking-a.xml").items, parsed("feeds/tracking-b.xml").items
    assert a[0].url != b[0].url
    assert canonical(a[0].url) == canonical(b[0].url) == "http://news.example.test/articles/shared-story.html"


@pytest.mark.parametrize(("content", "content_type", "says"), [
    (render("articles/harbour-quay.html", BASE), "text/html", "is not an RSS, Atom or JSON feed nor a sitemap"),
    (b'{"title": "no version", "items": []}', "application/json", "is JSON but not a JSON Feed"),
    (b'{"version": "https://jsonfeed.org/version/1.1", ', "application/json", "is not valid JSON"),
    (b"  \n", None, "is empty"),
    (b"\x1f\x8b\x08garbage", None, "is gzip data that does not unpack"),
    (b'<?xml version="1.0"?><urlset><url><loc>https://x.test/a</loc></url>', None, "not well-formed XML"),
])
def test_what_is_no_feed_is_one_sentence_naming_it(content, content_type, says):
    with pytest.raises(FeedParseError) as caught:
        parse_feed(content, url="https://feeds.example.test/x?token=abc", content_type=content_type)
    message = str(caught.value)
    assert says in message and message.startswith("https://feeds.example.test/x?token=***")
    assert "\n" not in message


def test_dates_and_summaries():
    assert parse_date("2026-12-01T08:00:00+01:00") == utc(2026, 12, 1, 7)
    assert parse_date("Tue, 01 Dec 2026 07:40:00 GMT") == utc(2026, 12, 1, 7, 40)
    assert parse_date("someday") is None and parse_date(None) is None
    assert plain_text("<p>One &amp; <b>two</b></p>\n<p>three</p>") == "One & two three"
    assert plain_text("   ") is None
