"""The local news site the feed tests fetch from: a real HTTP server on 127.0.0.1, never the internet.

It serves the files in tests/fixtures/feeds/ (made-up wire stories and the feeds and sitemaps that
link to them; ``{{base}}`` in a file becomes the server's base URL), each with an ETag and a
Last-Modified so conditional GET answers 304, and the misbehaviours a poller must survive:

==========================  ========================================================================
``/robots.txt``             disallows ``/private/`` (or answers 404 / 503: ``FeedSite(robots=...)``)
``/gz/<path>``              the file at <path>, gzip-encoded (Content-Encoding: gzip)
``/redirect/<n>``           a chain of n redirects ending on /articles/harbour-quay.html
``/loop/a``, ``/loop/b``    redirect to each other
``/away?to=<url>``          redirects to <url> (anywhere: each hop must pass the outbound policy)
``/flaky/<key>``            503 with Retry-After: 1 the first time for each key, then a page
``/busy/<key>``             429 with Retry-After: 120, always
``/hang``                   accepts the request and never answers (until the server closes)
``/huge.html``              a 30 MB HTML page (``HUGE_BYTES``)
``/trickle``                a page sent one byte every 0.2 s (each read is quick, the whole never ends)
``/slow/<name>``            /articles/<name> after :data:`SLOW_S` (so requests overlap)
``/docs/annual-report.pdf`` a PDF, linked from feeds/rss.xml
``/generated/feed-<n>.xml`` an RSS feed of ``?items=`` (20) made-up stories ``/generated/story-<n>-<i>.html``,
                            for benchmarks: any number of distinct feeds and pages, none stored
anything else               404
==========================  ========================================================================

Every request is logged (:class:`Request`: path, headers, start and end times, requests in flight when
it started), so tests can check per-host concurrency and the delay between starts. Use it as a
context manager, or through the ``feed_site`` fixture (tests/feeds/conftest.py; other folders can
import :func:`feed_site` from here into their conftest).
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from newsmon.config import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
HUGE_BYTES = 30 * 1024 * 1024
SLOW_S = 0.3
LAST_MODIFIED = "Tue, 01 Dec 2026 12:00:00 GMT"
TYPES = {
    ".xml": "application/xml; charset=utf-8", ".json": "application/feed+json; charset=utf-8",
    ".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".pdf": "application/pdf",
}
# Files served under another type than their extension's, as real sites do.
TYPE_OVERRIDES = {
    "feeds/rss.xml": "application/rss+xml; charset=utf-8", "feeds/atom.xml": "application/atom+xml; charset=utf-8",
    "feeds/rdf.xml": "application/rdf+xml", "feeds/tracking-b.xml": "text/xml",
}


def render(relative: str, base: str) -> bytes:
    """A fixture file as the site serves it (``{{base}}`` replaced); tests parse the same bytes offline."""
    data = (FIXTURES / relative).read_bytes()
    return data.replace(b"{{base}}", base.rstrip("/").encode()) if relative.endswith((".xml", ".json", ".html")) else data


@dataclass
class Request:
    path: str  # with the query
    headers: dict[str, str]  # names lower-cased
    started: float  # time.monotonic() when the request line was read
    in_flight: int  # requests being answered at that moment, this one included
    finished: float | None = None
    status: int | None = None


@dataclass
class _State:
    log: list[Request] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    flaky_seen: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)


PLACES = ("Port Vellin", "Lunebury", "Breck", "Tarrow", "Aldmouth", "Ashford Cross", "Skerra", "Westmark")
OFFICES = ("harbour authority", "town council", "energy ministry", "rail operator", "port union", "culture office")


def generated_feed(n: int, items: int, base: str) -> bytes:
    """RSS 2.0 with ``items`` made-up stories of feed ``n`` (benchmarks: distinct feeds without fixture files)."""
    entries = "".join(
        f"<item><title>{PLACES[(n + i) % len(PLACES)]} {OFFICES[i % len(OFFICES)]} announces plan {n}-{i}</title>"
        f"<link>{base}/generated/story-{n}-{i}.html?utm_source=feed-{n}</link><guid isPermaLink=\"false\">g-{n}-{i}</guid>"
        f"<pubDate>Tue, 01 Dec 2026 {i % 24:02d}:{n % 60:02d}:00 GMT</pubDate>"
        f"<description>Plan {n}-{i} of the {OFFICES[i % len(OFFICES)]}.</description></item>"
        for i in range(items))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Generated feed {n}</title>'
            f"<link>{base}/</link><description>Made-up stories for benchmarks.</description>{entries}"
            "</channel></rss>").encode()


def generated_story(n: int, i: int) -> bytes:
    """A made-up wire story page (with a nav and a footer around it), different for each (n, i)."""
    place, office, other = PLACES[(n + i) % len(PLACES)], OFFICES[i % len(OFFICES)], PLACES[(n + 3 * i + 1) % len(PLACES)]
    paragraphs = [
        f"{place.upper()}, Dec 1 (Newsmon Wire) - The {office} of {place} announced plan {n}-{i} on Tuesday, "
        f"a programme of {10 + (n * 7 + i) % 90} million crowns to be spent over {2 + i % 5} years.",
        f"Officials said the plan would be debated with the council of {other} next month, and that a first "
        f"contract could be signed by the spring if both councils agree.",
        f"Critics in {other} said the {office} had not explained how the money would be found, and asked for the "
        "figures to be published before any vote.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{place} {office} announces plan '
            f'{n}-{i}</title><meta property="article:published_time" content="2026-12-01T{i % 24:02d}:00:00Z"></head>'
            f'<body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>{place} {office} '
            f"announces plan {n}-{i}</h1>{body}</article><footer>Copyright 2026 Newsmon Test Wire</footer>"
            "</body></html>").encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: without this, each answer waits ~40 ms for an ACK
    server: "_Server"

    def log_message(self, *args) -> None:  # quiet: the request log is the record
        pass

    def do_GET(self) -> None:
        state = self.server.state
        with state.lock:
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
            record = Request(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic(),
                             state.in_flight)
            state.log.append(record)
        try:
            self._route(record)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading (a size cap, a timeout): expected
        finally:
            with state.lock:
                state.in_flight -= 1
                record.finished = time.monotonic()

    # --- answers -----------------------------------------------------------------------------

    def _send(self, record: Request, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        record.status = status
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, record: Request, location: str) -> None:
        self._send(record, 302, b"", {"Location": location})

    def _file(self, record: Request, relative: str, *, gzipped: bool = False) -> None:
        path = (FIXTURES / relative).resolve()
        if not relative or FIXTURES not in path.parents or not path.is_file():
            self._send(record, 404, b"<html><body><h1>Not found</h1></body></html>", {"Content-Type": "text/html"})
            return
        body = render(relative, self.server.base_url)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + ('-gz"' if gzipped else '"')
        headers = {"Content-Type": TYPE_OVERRIDES.get(relative, TYPES.get(path.suffix, "application/octet-stream")),
                   "ETag": etag, "Last-Modified": LAST_MODIFIED}
        match = self.headers.get("If-None-Match")
        if (match and etag in [m.strip() for m in match.split(",")]) or \
                (not match and self.headers.get("If-Modified-Since") == LAST_MODIFIED):
            self._send(record, 304, b"", {"ETag": etag, "Last-Modified": LAST_MODIFIED})
            return
        if gzipped:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        self._send(record, 200, body, headers)

    def _huge(self, record: Request) -> None:
        head = b"<!DOCTYPE html><html lang='en'><head><title>A very long page</title></head><body><article>"
        filler = b"<p>" + b"Filler text of a page far larger than any article. " * 20 + b"</p>\n"
        record.status = 200
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(HUGE_BYTES))
        self.end_headers()
        self.wfile.write(head)
        sent = len(head)
        while sent < HUGE_BYTES and not self.server.state.stop.is_set():
            chunk = filler[:HUGE_BYTES - sent]
            self.wfile.write(chunk)
            sent += len(chunk)

    def _trickle(self, record: Request) -> None:
        record.status = 200
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        for _ in range(100000):
            if self.server.state.stop.wait(0.2):
                return
            self.wfile.write(b" ")
            self.wfile.flush()

    def _generated(self, record: Request, name: str) -> None:
        numbers = name.split(".")[0].split("-")[1:]
        if not all(number.isdigit() for number in numbers):
            self._send(record, 404, b"not found", {"Content-Type": "text/plain"})
        elif name.startswith("feed-") and len(numbers) == 1:
            items = parse_qs(urlsplit(self.path).query).get("items", ["20"])[0]
            body = generated_feed(int(numbers[0]), int(items) if items.isdigit() else 20, self.server.base_url)
            self._send(record, 200, body, {"Content-Type": "application/rss+xml; charset=utf-8"})
        elif name.startswith("story-") and len(numbers) == 2:
            body = generated_story(int(numbers[0]), int(numbers[1]))
            self._send(record, 200, body, {"Content-Type": "text/html; charset=utf-8"})
        else:
            self._send(record, 404, b"not found", {"Content-Type": "text/plain"})

    def _route(self, record: Request) -> None:
        path = urlsplit(self.path).path
        parts = path.strip("/").split("/")
        state = self.server.state
        if path == "/robots.txt" and self.server.robots != "file":
            status = int(self.server.robots)
            self._send(record, status, b"no robots here", {"Content-Type": "text/plain"})
        elif parts[0] == "gz" and len(parts) > 1:
            self._file(record, "/".join(parts[1:]), gzipped=True)
        elif parts[0] == "redirect" and len(parts) == 2 and parts[1].isdigit():
            hops = int(parts[1])
            self._redirect(record, f"/redirect/{hops - 1}" if hops > 1 else "/articles/harbour-quay.html")
        elif path == "/away":
            self._redirect(record, parse_qs(urlsplit(self.path).query).get("to", ["/"])[0])
        elif parts[0] == "loop" and len(parts) == 2:
            self._redirect(record, "/loop/b" if parts[1] == "a" else "/loop/a")
        elif parts[0] == "flaky" and len(parts) == 2:
            with state.lock:
                first = parts[1] not in state.flaky_seen
                state.flaky_seen.add(parts[1])
            if first:
                self._send(record, 503, b"busy", {"Retry-After": "1", "Content-Type": "text/plain"})
            else:
                self._file(record, "articles/rail-strike.html")
        elif parts[0] == "busy":
            self._send(record, 429, b"slow down", {"Retry-After": "120", "Content-Type": "text/plain"})
        elif path == "/hang":
            state.stop.wait(120)  # answers nothing; the client's timeout ends it
        elif path == "/trickle":
            self._trickle(record)
        elif path == "/huge.html":
            self._huge(record)
        elif parts[0] == "generated" and len(parts) == 2 and (name := parts[1]).startswith(("feed-", "story-")):
            self._generated(record, name)
        elif parts[0] == "slow" and len(parts) == 2:
            time.sleep(SLOW_S)
            self._file(record, f"articles/{parts[1]}")
        else:
            self._file(record, path.lstrip("/"))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: _State
    base_url: str
    robots: str

    def handle_error(self, request, client_address) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)  # a client hanging up is no error of the site


class FeedSite:
    """The test site, listening on 127.0.0.1 on a free port until :meth:`close`."""

    def __init__(self, *, robots: str = "file", host: str = "127.0.0.1"):
        """``host``: any loopback address (127.0.0.2, ...), so a benchmark can play several hosts at once."""
        self._server = _Server((host, 0), _Handler)
        self._server.state = _State()
        self._server.robots = robots  # "file", or a status such as "404" or "503"
        self.host = host
        self.port = self._server.server_address[1]
        self.base_url = f"http://{self.host}:{self.port}"
        self._server.base_url = self.base_url
        self._thread = threading.Thread(target=self._server.serve_forever, name="feed-site", daemon=True)
        self._thread.start()

    @property
    def allowed_hosts(self) -> str:
        """The NEWSMON_ALLOWED_HOSTS value that lets newsmon reach this site (and only it)."""
        return f"{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")

    def render(self, relative: str) -> bytes:
        return render(relative, self.base_url)

    @property
    def log(self) -> list[Request]:
        with self._server.state.lock:
            return list(self._server.state.log)

    def requests(self, prefix: str = "/") -> list[Request]:
        """Logged requests whose path starts with ``prefix``."""
        return [r for r in self.log if r.path.startswith(prefix)]

    @property
    def max_in_flight(self) -> int:
        return self._server.state.max_in_flight

    def reset(self) -> None:
        """Forget the log and the in-flight high-water mark (a test that counts starts with this)."""
        with self._server.state.lock:
            self._server.state.log.clear()
            self._server.state.max_in_flight = self._server.state.in_flight

    def close(self) -> None:
        self._server.state.stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> "FeedSite":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def site_settings(site: FeedSite, **overrides) -> Settings:
    """Settings that let newsmon reach ``site`` (and only it: NEWSMON_ALLOWED_HOSTS=127.0.0.1:PORT), with a
    short host delay (0.05 s) so tests are quick; ``overrides`` are further settings."""
    values = {"allowed_hosts": site.allowed_hosts, "feeds_host_delay_s": 0.05, "feeds_read_timeout_s": 5.0,
              "feeds_connect_timeout_s": 2.0}
    return Settings(**{**values, **overrides})


@pytest.fixture(scope="session")
def feed_site():
    """The local news site for the whole session (see the module docstring for what it serves)."""
    site = FeedSite()
    yield site
    site.close()
