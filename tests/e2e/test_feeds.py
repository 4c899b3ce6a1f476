"""Feeds end to end on the real stack: `feeds add`, `feeds run --once`, the worker, Elasticsearch.

The news site is the local test site (tests/feeds/site.py: made-up stories, a real HTTP server on
127.0.0.1), which the outbound policy refuses until NEWSMON_ALLOWED_HOSTS lists it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from feeds.site import FeedSite
from support import wait_for

from newsmon.index.client import make_client

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def site():
    with FeedSite() as running:
        yield running


def newsmon(settings, *args: str, allowed: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **settings.as_env(), "NEWSMON_FEEDS_HOST_DELAY_S": "0.05", "NEWSMON_FEEDS_METRICS_PORT": "0",
           "NEWSMON_FEEDS_EXTRACT_PROCESSES": "1"}
    if allowed is not None:
        env["NEWSMON_ALLOWED_HOSTS"] = allowed
    return subprocess.run([sys.executable, "-m", "newsmon.cli.main", *args], env=env, capture_output=True, text=True,
                          timeout=300)


def documents(es, settings, site) -> list[dict]:
    """The site's articles in the index (``metadata`` is stored, not indexed: found by URL)."""
    es.indices.refresh(index=settings.articles_index)
    query = {"prefix": {"url": site.url("/")}}
    return [h["_source"] for h in es.search(index=settings.articles_index, query=query, size=100)["hits"]["hits"]]


def test_a_feed_on_loopback_is_refused_unless_allowed(worker, site):
    refused = newsmon(worker.settings, "feeds", "add", site.url("/feeds/rss.xml"), "--name", "refused",
                      allowed=worker.settings.allowed_hosts or "")
    assert refused.returncode == 1
    assert "refused" in refused.stderr and "NEWSMON_ALLOWED_HOSTS" in refused.stderr
    assert "Traceback" not in refused.stderr + refused.stdout


def test_feeds_become_searchable_articles_once(worker, site):
    settings = worker.settings
    allowed = f"{settings.allowed_hosts},{site.allowed_hosts}" if settings.allowed_hosts else site.allowed_hosts
    for name, path in (("wire", "/feeds/rss.xml"), ("islands-a", "/feeds/tracking-a.xml"),
                       ("islands-b", "/feeds/tracking-b.xml"), ("clutter", "/feeds/feed.json")):
        added = newsmon(settings, "feeds", "add", site.url(path), "--name", name, "--interval", "5m", allowed=allowed)
        assert added.returncode == 0, added.stderr

    first = newsmon(settings, "feeds", "run", "--once", "--json", allowed=allowed)
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    polls = {r["feed"]: r for r in map(json.loads, first.stdout.splitlines())}
    assert set(polls) == {"wire", "islands-a", "islands-b", "clutter"}
    assert all(p["status"] == "ok" for p in polls.values()), polls
    assert polls["wire"]["new"] == 3 and polls["wire"]["skipped"] == 1  # three pages, and the PDF recorded
    # One story, two feeds, two sets of tracking parameters: published once.
    assert polls["islands-a"]["new"] + polls["islands-b"]["new"] == 1
    assert polls["islands-a"]["duplicate"] + polls["islands-b"]["duplicate"] >= 1
    published = sum(p["new"] for p in polls.values())

    es = make_client(settings)
    docs = wait_for(lambda: (found := documents(es, settings, site)) and len(found) >= published and found, timeout=120,
                    what=f"{published} feed articles searchable")
    assert len(docs) == published  # nothing twice
    quay = next(d for d in docs if d["url"].endswith("/articles/harbour-quay.html"))
    assert quay["title"] == "Port Vellin reopens north quay after storm repairs"
    assert quay["published_at"].startswith("2026-12-01T07:40")
    assert quay["body"].startswith("PORT VELLIN, Dec 1 (Newsmon Wire) - The harbour authority")
    assert quay["metadata"]["feed"]["name"] == "wire" and quay["metadata"]["extraction"]["extractor"] == "trafilatura"
    assert {"Port Vellin", "Ilse Draven"} & {a["name"] for a in quay["actors"]}, quay["actors"]
    museum = next(d for d in docs if d["url"].endswith("/articles/cluttered.html"))
    assert museum["body"].startswith("TARROW, Dec 1 (Newsmon Wire) - The city museum of Tarrow")
    for furniture in ("cookies", "ReaderOne", "OldMonk42", "All rights reserved"):
        assert furniture not in museum["body"]
    shared = [d for d in docs if "/articles/shared-story.html" in d["url"]]
    assert len(shared) == 1 and "utm_" not in shared[0]["url"] and "fbclid" not in shared[0]["url"]

    # The poller's state survives it: a second run finds nothing new and publishes nothing.
    second = newsmon(settings, "feeds", "run", "--once", "--json", allowed=allowed)
    assert second.returncode == 0, second.stderr
    again = [json.loads(line) for line in second.stdout.splitlines()]
    assert sum(r["new"] for r in again) == 0, again
    listed = newsmon(settings, "feeds", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    states = {f["name"]: f["state"] for f in json.loads(listed.stdout)}
    assert states["wire"]["items_new"] == 3 and states["wire"]["status"] in ("ok", "not_modified")
    assert len(documents(es, settings, site)) == published

    status = newsmon(settings, "status", "--json")
    feeds_part = json.loads(status.stdout)["feeds"]
    assert feeds_part["feeds"] == 4 and feeds_part["items_new"] == published and feeds_part["error"] is None
    assert feeds_part["pollers"] and not any(p["alive"] for p in feeds_part["pollers"])  # --once runs are over
