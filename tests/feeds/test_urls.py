"""canonical(url): the one normaliser, shared by the poller's de-duplication and the article id."""

from __future__ import annotations

import pytest

from newsmon.articles import assign_id, canonical_url
from newsmon.feeds.urls import canonical, host_of


@pytest.mark.parametrize("variant", [
    "https://news.example.org/world/ferry.html?utm_source=feed-a&utm_medium=rss&utm_campaign=x",
    "https://news.example.org/world/ferry.html?fbclid=IwAR0&gclid=Cj0K&mc_cid=5f1e&mc_eid=9a#comments",
    "HTTPS://WWW.News.Example.org:443/world/ferry.html/?_ga=2.1&igshid=abc&ocid=share",
    "http://news.example.org/world/ferry.html",
])
def test_tracking_parameters_fragment_scheme_www_and_port_do_not_change_the_story(variant):
    assert canonical(variant) == "http://news.example.org/world/ferry.html"


def test_parameters_that_pick_the_article_are_kept_and_sorted():
    assert canonical("https://x.test/story?id=2&page=1&utm_source=a") == "http://x.test/story?id=2&page=1"
    assert canonical("https://x.test/story?page=1&id=2") == canonical("https://x.test/story?id=2&page=1")
    assert canonical("https://x.test/story?id=1") != canonical("https://x.test/story?id=2")


def test_userinfo_is_dropped_and_other_ports_kept():
    assert canonical("https://user:secret@x.test:8443/a") == "http://x.test:8443/a"


def test_a_malformed_url_still_gives_a_key():
    assert canonical("http://x.test:notaport/a") == "http://x.test/a"


def test_the_article_id_is_hashed_from_the_same_value():
    a = "https://news.example.org/world/ferry.html?utm_source=feed-a"
    b = "https://news.example.org/world/ferry.html?fbclid=IwAR0#top"
    assert canonical_url(a) == canonical(a)
    assert assign_id(a, "One title", "body") == assign_id(b, "Another title", "other body")


def test_host_of():
    assert host_of("https://News.Example.org.:8443/a") == "news.example.org"
    assert host_of("not a url") == ""
