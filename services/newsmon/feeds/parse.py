"""Feeds and sitemaps into one shape: :class:`ParsedFeed` of :class:`FeedItem`.

- RSS 2.0, RSS 0.9x, RSS 1.0/RDF and Atom through feedparser (handed the bytes as a file, so it never
  opens a URL or a path itself). A "bozo" feed (not well-formed) that still yields entries is taken:
  many real feeds have a stray ``&``.
- JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/) with :mod:`json`: feedparser 6 does not
  read it, and the format is a dozen documented keys.
- Sitemaps, sitemap indexes and Google news sitemaps (``news:title``, ``news:publication_date``,
  ``news:language``; ``lastmod``) with lxml, parsed safely: no DTD, no entity resolution, no network,
  no "huge tree". A gzipped sitemap (``sitemap.xml.gz`` is often served without Content-Encoding) is
  unpacked up to :data:`MAX_UNPACKED_BYTES`.

Item links are made absolute against the feed URL; dates are tz-aware (UTC when the feed gives no zone);
summaries are plain text. Anything that is no feed is a :class:`FeedParseError` of one sentence.
"""

from __future__ import annotations

import calendar
import gzip
import io
import json
import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin

from newsmon.ops.redact import display_url

MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit for one file
JSON_FEED_VERSION = re.compile(r"^https?://jsonfeed\.org/version/1(\.\d+)?/?$")
_SITEMAP_ROOT = re.compile(rb"<(?:[A-Za-z0-9_-]+:)?(urlset|sitemapindex)[\s>]")
_WHITESPACE = re.compile(r"\s+")
_RDF_VERSIONS = {"rss090", "rss10"}


class FeedParseError(ValueError):
    """The document is no feed or sitemap we can read; the message is one sentence naming it."""


@dataclass(frozen=True)
class FeedItem:
    url: str  # absolute
    title: str | None
    summary: str | None  # plain text
    published: datetime | None  # tz-aware
    author: str | None
    language: str | None  # as the feed gives it, lower case ("en", "pt-br")
    guid: str | None


@dataclass(frozen=True)
class ParsedFeed:
    kind: str  # "rss" | "atom" | "rdf" | "json" | "sitemap" | "sitemapindex"
    title: str | None
    language: str | None
    items: list[FeedItem] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)  # child sitemaps of a sitemap index (absolute)


def parse_feed(content: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse a fetched feed or sitemap; ``url`` is where it was fetched from (relative links resolve against it)."""
    shown = display_url(url)
    if content[:2] == b"\x1f\x8b":
        content = _gunzip(content, shown)
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise FeedParseError(f"{shown} is empty, not a feed or sitemap")
    if head.startswith((b"{", b"[")) or (content_type or "").endswith("json"):
        return _json_feed(content, url, shown)
    if _SITEMAP_ROOT.search(head):
        return _sitemap(content, url, shown)
    return _feedparser(content, url, shown, content_type)


# --- small helpers ---------------------------------------------------------------------------

def _gunzip(content: bytes, shown: str) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(content)) as packed:
            data = packed.read(MAX_UNPACKED_BYTES + 1)
    except (OSError, EOFError, zlib.error):
        raise FeedParseError(f"{shown} is gzip data that does not unpack") from None
    if len(data) > MAX_UNPACKED_BYTES:
        raise FeedParseError(f"{shown} unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB; not read")
    return data


def _clean(text: str | None) -> str | None:
    """Whitespace collapsed; None for nothing."""
    if text is None:
        return None
    text = _WHITESPACE.sub(" ", text).strip()
    return text or None


def plain_text(markup: str | None) -> str | None:
    """Text of an HTML fragment (a summary), tags dropped, whitespace collapsed."""
    if not markup or not markup.strip():
        return None
    if "<" not in markup and "&" not in markup:
        return _clean(markup)
    import lxml.html

    try:
        return _clean(lxml.html.fragment_fromstring(markup, create_parent="div").text_content())
    except Exception:  # lxml raises several types (ParserError, XMLSyntaxError) on odd fragments
        return _clean(re.sub(r"<[^>]*>", " ", markup))


def _language(value: str | None) -> str | None:
    value = _clean(value)
    return value.lower().replace("_", "-") if value else None


def parse_date(value: str | None) -> datetime | None:
    """An ISO 8601 / RFC 3339 / W3C date (``2026-12-01``, ``2026-12-01T08:00:00+01:00``) as tz-aware UTC."""
    value = _clean(value)
    if not value:
        return None
    from dateutil import parser as dateparser

    try:
        when = dateparser.isoparse(value)
    except (ValueError, OverflowError):
        try:
            when = dateparser.parse(value)
        except (ValueError, OverflowError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)


def _absolute(link: str | None, base: str) -> str | None:
    link = (link or "").strip()
    if not link:
        return None
    absolute = urljoin(base, link)
    return absolute if absolute.startswith(("http://", "https://")) else None


# --- feedparser: RSS, RDF, Atom ------------------------------------------------------------------

def _struct_time(entry, *keys: str) -> datetime | None:
    for key in keys:
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
    return None


def _entry_author(entry) -> str | None:
    names = [_clean(a.get("name")) for a in entry.get("authors") or [] if isinstance(a, dict)]
    names = [n for n in names if n]
    return "; ".join(dict.fromkeys(names)) if names else _clean(entry.get("author"))


def _entry_url(entry, base: str) -> str | None:
    url = _absolute(entry.get("link"), base)
    if url is None:
        for link in entry.get("links") or []:
            if link.get("rel", "alternate") == "alternate" and (url := _absolute(link.get("href"), base)):
                break
    if url is None and entry.get("guidislink", True):
        url = _absolute(entry.get("id"), base)
    return url


def _feedparser(content: bytes, url: str, shown: str, content_type: str | None) -> ParsedFeed:
    import feedparser

    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(io.BytesIO(content), response_headers=headers, resolve_relative_uris=True,
                              sanitize_html=True)
    version = parsed.get("version") or ""
    if not parsed.entries and (not version or parsed.get("bozo")):
        problem = parsed.get("bozo_exception")
        why = f" ({_clean(str(problem))})" if problem else ""
        raise FeedParseError(f"{shown} is not an RSS, Atom or JSON feed nor a sitemap{why}")
    kind = "rdf" if version in _RDF_VERSIONS else "atom" if version.startswith("atom") else "rss"
    feed = parsed.feed
    feed_language = _language(feed.get("language") or (feed.get("title_detail") or {}).get("language"))
    items = []
    for entry in parsed.entries:
        link = _entry_url(entry, url)
        if link is None:
            continue  # an item without a link has no page to fetch
        summary = entry.get("summary") or next((c.get("value") for c in entry.get("content") or []), None)
        items.append(FeedItem(
            url=link,
            title=plain_text(entry.get("title")),
            summary=plain_text(summary),
            published=_struct_time(entry, "published_parsed", "updated_parsed", "created_parsed"),
            author=_entry_author(entry),
            language=_language((entry.get("title_detail") or {}).get("language")) or feed_language,
            guid=_clean(entry.get("id")),
        ))
    return ParsedFeed(kind=kind, title=plain_text(feed.get("title")), language=feed_language, items=items)


# --- JSON Feed ---------------------------------------------------------------------------------

def _json_authors(node: dict) -> str | None:
    authors = node.get("authors")
    if not isinstance(authors, list):
        authors = [node["author"]] if isinstance(node.get("author"), dict) else []  # 1.0 had one "author"
    names = [_clean(a.get("name")) for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str)]
    return "; ".join(n for n in names if n) or None


def _json_feed(content: bytes, url: str, shown: str) -> ParsedFeed:
    try:
        doc = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedParseError(f"{shown} is not valid JSON ({exc})") from None
    version = doc.get("version") if isinstance(doc, dict) else None
    if not isinstance(version, str) or not JSON_FEED_VERSION.match(version) or not isinstance(doc.get("items"), list):
        raise FeedParseError(f"{shown} is JSON but not a JSON Feed (it needs a jsonfeed.org version and an items list)")
    base = url  # relative item URLs resolve against where the feed was fetched
    language = _language(doc.get("language")) if isinstance(doc.get("language"), str) else None
    feed_author = _json_authors(doc)
    items = []
    for item in doc["items"]:
        if not isinstance(item, dict):
            continue
        link = _absolute(_str(item.get("url")) or _str(item.get("external_url")), base)
        if link is None:
            continue
        summary = _str(item.get("summary")) or _str(item.get("content_text")) or _str(item.get("content_html"))
        items.append(FeedItem(
            url=link,
            title=_clean(_str(item.get("title"))),
            summary=plain_text(summary),
            published=parse_date(_str(item.get("date_published")) or _str(item.get("date_modified"))),
            author=_json_authors(item) or feed_author,
            language=_language(_str(item.get("language"))) or language,
            guid=_clean(str(item["id"])) if item.get("id") is not None else None,
        ))
    return ParsedFeed(kind="json", title=_clean(_str(doc.get("title"))), language=language, items=items)


def _str(value) -> str | None:
    return value if isinstance(value, str) else None


# --- sitemaps ------------------------------------------------------------------------------------

def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _child_text(node, name: str) -> str | None:
    for child in node:
        if _local(child.tag) == name:
            return _clean(child.text)
    return None


def _child(node, name: str):
    return next((child for child in node if _local(child.tag) == name), None)


def _sitemap(content: bytes, url: str, shown: str) -> ParsedFeed:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True, recover=False)
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise FeedParseError(f"{shown} looks like a sitemap but is not well-formed XML ({exc})") from None
    if _local(root.tag) == "sitemapindex":
        children = [_absolute(_child_text(node, "loc"), url) for node in root if _local(node.tag) == "sitemap"]
        return ParsedFeed(kind="sitemapindex", title=None, language=None, sitemaps=[c for c in children if c])
    items = []
    languages = set()
    for node in root:
        if _local(node.tag) != "url" or not (link := _absolute(_child_text(node, "loc"), url)):
            continue
        news = _child(node, "news")
        title = published = language = None
        if news is not None:
            title = _child_text(news, "title")
            published = parse_date(_child_text(news, "publication_date"))
            publication = _child(news, "publication")
            if publication is not None:
                language = _language(_child_text(publication, "language"))
                languages.add(language)
        items.append(FeedItem(url=link, title=title, summary=None,
                              published=published or parse_date(_child_text(node, "lastmod")),
                              author=None, language=language, guid=None))
    language = languages.pop() if len(languages) == 1 else None
    return ParsedFeed(kind="sitemap", title=None, language=language, items=items)
