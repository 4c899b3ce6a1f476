"""A news site on localhost for ``newsmon bench --feeds``: feeds of RSS items linking to web pages.

The pages look like the ones the poller meets: an article of 300 to 1,200 words from the bench
corpus (newsmon.bench.corpus, written for newsmon) wrapped in a site's furniture (a head with
scripts and styles, a navigation menu, a cookie banner, a sidebar, related links, a comment
section, a footer), about 40 to 80 KB of HTML each. It runs in a process of its own so the
poller's CPU time is measured without the server's.
"""

from __future__ import annotations

import html
import multiprocessing
import socket
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

from .corpus import generate

_NAV = "".join(f'<li><a href="/section/{s}">{s.title()}</a></li>' for s in
               ("world", "politics", "business", "science", "sport", "culture", "opinion", "video", "podcasts"))
_STYLE = "body{font-family:serif}" + "".join(f".c{i}{{margin:{i}px;padding:{i % 7}px}}" for i in range(400))
_SCRIPT = "var cfg={" + ",".join(f'"k{i}":"{"v" * 12}{i}"' for i in range(500)) + "};"


def page_html(title: str, paragraphs: list[str], published: datetime, n: int) -> str:
    related = "".join(f'<li><a href="/related/{n}/{i}">Related story number {i} about another subject</a></li>'
                      for i in range(30))
    comments = "".join(f'<div class="comment"><p class="author">reader{i}</p><p>I think this is comment {i}, '
                       f"and I disagree with the previous one.</p></div>" for i in range(25))
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | Bench News</title>'
            f'<meta property="article:published_time" content="{published.isoformat()}">'
            f"<style>{_STYLE}</style><script>{_SCRIPT}</script></head><body>"
            f'<header><div class="logo">Bench News</div><nav><ul>{_NAV}</ul></nav></header>'
            '<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your experience. '
            "Accept all cookies or manage your preferences.</p><button>Accept</button></div>"
            f'<main><article><h1>{html.escape(title)}</h1><p class="byline">By Bench Reporter</p>{body}</article>'
            f'<aside><h2>Most read</h2><ul>{related}</ul></aside></main>'
            f'<section class="comments"><h2>Comments</h2>{comments}</section>'
            f"<footer><p>Copyright Bench News. All rights reserved.</p><ul>{_NAV}</ul></footer>"
            f"<script>{_SCRIPT}</script></body></html>")


def feed_xml(base: str, feed: int, items: int, start: datetime) -> str:
    entries = []
    for j in range(items):
        when = start - timedelta(minutes=37 * j + feed)
        entries.append(f"<item><title>Story {feed}-{j}</title><link>{base}/article/{feed}/{j}.html?utm_source=rss</link>"
                       f"<guid>{base}/article/{feed}/{j}.html</guid><pubDate>{format_datetime(when)}</pubDate>"
                       f"<description>Summary of story {feed}-{j}.</description></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench feed {feed}</title>'
            f"<link>{base}/</link><description>Bench</description>{''.join(entries)}</channel></rss>")


def _serve(sock: socket.socket, feeds: int, items: int, seed: int) -> None:
    from aiohttp import web

    port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    corpus = generate(max(50, min(feeds * items, 400)), seed=seed)
    start = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
    cache: dict[int, bytes] = {}

    async def feed(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        return web.Response(body=feed_xml(base, n, items, start).encode(), content_type="application/rss+xml")

    async def article(request: web.Request) -> web.Response:
        n, j = int(request.match_info["n"]), int(request.match_info["j"])
        k = (n * items + j) % len(corpus)
        if k not in cache:
            a = corpus[k]
            cache[k] = page_html(a.title, [p for p in a.body.split("\n\n") if p.strip()], start, k).encode()
        return web.Response(body=cache[k], content_type="text/html", charset="utf-8")

    async def robots(request: web.Request) -> web.Response:
        return web.Response(text="User-agent: *\nDisallow: /private/\n")

    app = web.Application()
    app.router.add_get("/feed/{n}.xml", feed)
    app.router.add_get("/article/{n}/{j}.html", article)
    app.router.add_get("/robots.txt", robots)
    web.run_app(app, sock=sock, print=None, handle_signals=True, access_log=None)


class BenchSite:
    """The site in a child process; ``feed_urls`` lists its feeds."""

    def __init__(self, feeds: int = 200, items: int = 20, seed: int = 7) -> None:
        self.feeds, self.items = feeds, items
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(512)
        self.port = self._sock.getsockname()[1]
        context = multiprocessing.get_context("fork")
        self._process = context.Process(target=_serve, args=(self._sock, feeds, items, seed), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def feed_urls(self) -> list[str]:
        return [f"{self.base_url}/feed/{i}.xml" for i in range(self.feeds)]

    def __enter__(self) -> "BenchSite":
        self._process.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        self._process.join(10)
        self._sock.close()
