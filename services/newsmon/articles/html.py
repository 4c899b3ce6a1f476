"""Text and metadata out of HTML, through one maintained library (trafilatura, with htmldate for dates).

Two entry points, both pure (no I/O):

* :func:`extract_page` for a whole web page as fetched (bytes or text): the main text, with the
  site's navigation, header, footer, sidebars, forms, scripts, cookie banners and reader comments
  left out, and the page's title, author, publication date, language and site name;
* :func:`html_to_text` for HTML a producer posted as an article body to ``news.articles``: a
  fragment (``<p>..</p><p>..</p>``) or a whole page, block elements as paragraphs.

Text comes back as paragraphs separated by one blank line, which is what
:mod:`newsmon.nlp.layout` reads datelines and bylines from. Which extractor produced it is
recorded (``extraction``: extractor, version, mode and the fallback used, if any), so a bad text
can be traced to the step that made it. The cascade, each step only when the one before found
nothing: trafilatura's main extraction; for posted bodies, the same in recall mode
(``"recall"``: short fragments); trafilatura's ``baseline`` (``"baseline"``: JSON-LD
``articleBody``, ``<article>``, paragraphs); ``html2txt`` (``"html2txt"``: every text node). For
fetched pages a fallback's text counts only when it is as long as trafilatura's own minimum
(``MIN_EXTRACTED_SIZE``, 250 characters): on a page that has no article (a section front, a
gallery) they return its menu, and an empty text lets the poller use the feed item's own fields.

Dates: htmldate reads the markup only (meta tags, JSON-LD, ``<time>``, date-classed elements,
the URL), not its "extensive" free-text search, which on a page without markup falls back to the
copyright year of the footer (1 January of it): a wrong date is worse than none, since the
poller then uses the feed's date and the worker the time the article was received.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import trafilatura
from charset_normalizer import from_bytes
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura import bare_extraction, html2txt
from trafilatura.baseline import baseline
from trafilatura.metadata import examine_meta, extract_author, extract_meta_json, extract_sitename, extract_title
from trafilatura.settings import DEFAULT_CONFIG
from trafilatura.utils import load_html

EXTRACTOR = "trafilatura"
VERSION = trafilatura.__version__
FUTURE_TOLERANCE = timedelta(days=1)  # a publication date later than now plus this is a page error, dropped
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"  # htmldate's output; %z is empty when the page gives no zone
PAGE_MODE = "precision"  # how fetched pages are read (see _main_text), with fast
BODY_MODE = "fast"  # how posted bodies and fragments are read: trafilatura's balanced focus, fast
MIN_FALLBACK_CHARS = DEFAULT_CONFIG.getint("DEFAULT", "MIN_EXTRACTED_SIZE")  # a fetched page's fallback text, at least

# trafilatura says "discarding data" at WARNING for every page it finds no main text in; that is
# an expected outcome here (the fallbacks take over and ``extraction`` records it), not news for the log.
for _name in ("trafilatura", "htmldate"):
    if logging.getLogger(_name).level == logging.NOTSET:
        logging.getLogger(_name).setLevel(logging.ERROR)

_OPTIONS = {"include_comments": False, "include_tables": False, "include_images": False, "include_links": False}
_WHOLE_PAGE = re.compile(r"<\s*(html|body|head)\b", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""", re.I)
_LANGUAGE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")
# Labels browsers read as windows-1252 (WHATWG Encoding): pages that say latin-1 mean cp1252's quotes.
_CP1252_LABELS = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "windows-1252", "cp1252"}


@dataclass(frozen=True)
class PageText:
    """What a web page says, as :func:`extract_page` read it."""

    text: str  # main text, paragraphs separated by "\n\n"; "" if none found
    title: str | None = None
    author: str | None = None  # as the page gives it ("Jane Doe; John Roe")
    published: datetime | None = None  # tz-aware (UTC if the page gives no zone)
    language: str | None = None  # ISO 639-1 from <html lang> / metadata, lower-case
    sitename: str | None = None
    extraction: dict[str, str | None] = field(default_factory=lambda: record(None, PAGE_MODE))


def record(fallback: str | None, mode: str) -> dict[str, str | None]:
    """The ``extraction`` record: which extractor, which version and mode, which fallback (None: the main one)."""
    return {"extractor": EXTRACTOR, "version": VERSION, "mode": mode, "fallback": fallback}


def extract_page(content: str | bytes, *, url: str | None = None, now: datetime | None = None) -> PageText:
    """Main text and metadata of a whole web page (nav, header, footer, aside, forms, scripts, cookie banners, comments dropped).

    ``content`` as fetched: bytes are decoded as :func:`decode_html` says (BOM, UTF-8, declared
    charset, charset-normalizer's guess); a caller that knows the header's charset decodes first.
    ``url`` helps the date (a date in the path) and the metadata. ``now`` is the clock the
    "not in the future" check uses (tests pass one).
    """
    html = decode_html(content) if isinstance(content, bytes) else content
    tree = _parse(html)
    if tree is None:
        return PageText(text="")
    now = now or datetime.now(timezone.utc)
    date_params = {"original_date": True, "extensive_search": False, "outputformat": DATE_FORMAT,
                   "max_date": (now + FUTURE_TOLERANCE).strftime("%Y-%m-%d")}
    title, author, date, sitename = _metadata(tree, url, date_params)
    text, fallback = _main_text(tree, url, page=True)
    return PageText(
        text=_without_title(text, title), title=title, author=author, published=parse_date(date, now=now),
        language=page_language(tree), sitename=sitename, extraction=record(fallback, PAGE_MODE),
    )


def html_to_text(fragment: str, *, title: str | None = None) -> tuple[str, dict[str, str | None]]:
    """Text of HTML posted as an article body (a fragment or a whole page), block elements as paragraphs; and the extraction record.

    A leading heading that repeats ``title`` is left out (the title is a field of its own).
    """
    html = fragment if _WHOLE_PAGE.search(fragment[:5000]) else f"<html><body><div>{fragment}</div></body></html>"
    tree = _parse(html)
    if tree is None:
        return "", record(None, BODY_MODE)
    text, fallback = _main_text(tree, None, page=False)
    return _without_title(_with_headline(tree, text), _clean(title)), record(fallback, BODY_MODE)


# --- the cascade ----------------------------------------------------------------------------

def _parse(html: str) -> HtmlElement | None:
    if not html.strip():
        return None
    try:
        return load_html(html)
    except (TypeError, ValueError):
        return None


def _main_text(tree: HtmlElement, url: str | None, *, page: bool) -> tuple[str, str | None]:
    """(text, fallback) from the first step of the cascade that finds any text.

    Fetched pages (``page``) and posted bodies are both read with ``fast`` (no comparison with
    trafilatura's readability and jusText ports), fetched pages also with ``favor_precision``. Measured on the project's
    pages (these tests' and harder ones written for the change: teaser cards with prose, promo
    boxes and author bios inside the article, unmarked reader comments, div-only and tagless
    layouts): balanced, fast, precision and recall kept exactly the same article paragraphs; on
    pages with no article (only a menu, a gallery of links) balanced and fast return the menu,
    precision with fast returns nothing. Fast takes half the time on big pages (about 5 against
    10-15 ms for 50 KB, 90-120 against 215-230 ms for 500 KB) and a tenth on short fragments
    (0.7 against 8 ms for a feed summary, where the full cascade escalates because the text is
    short). Posted bodies and feed summaries are the article by the producer's word, often
    short: not precision, which drops short link-heavy text.
    """
    document = bare_extraction(tree, url=url, fast=True, favor_precision=page, **_OPTIONS)
    if text := paragraphs(document.text if document is not None else ""):
        return text, None
    if not page:
        document = bare_extraction(tree, fast=True, favor_recall=True, **_OPTIONS)
        if text := paragraphs(document.text if document is not None else ""):
            return text, "recall"
    floor = MIN_FALLBACK_CHARS if page else 1
    _, found, _ = baseline(tree)
    if len(text := paragraphs(found)) >= floor:
        return text, "baseline"
    if len(text := paragraphs(html2txt(tree))) >= floor:
        return text, "html2txt"
    return "", None


def paragraphs(text: str | None) -> str:
    """trafilatura's one-block-a-line text as paragraphs separated by a blank line, spaces squeezed."""
    if not text:
        return ""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def _with_headline(tree: HtmlElement, text: str) -> str:
    """The text with the page's ``<h1>`` first, when trafilatura left it out.

    On a page without an article container its wild-text recovery collects paragraphs, not
    headings: a body posted as ``<h1>Floods close the port</h1><p>...`` would lose its
    headline. An ``<h1>`` inside the page's header, nav, aside or footer is the site's, not
    the story's.
    """
    site = ("header", "nav", "aside", "footer")
    heading = next((h for h in tree.iter("h1") if not any(a.tag in site for a in h.iterancestors())), None)
    if not text or heading is None:
        return text
    headline = " ".join(heading.text_content().split())
    if not headline or _folded(headline) in _folded(text):
        return text
    return f"{headline}\n\n{text}"


def _without_title(text: str, title: str | None) -> str:
    if not title or not text:
        return text
    first, _, rest = text.partition("\n\n")
    return rest if _folded(first) == _folded(title) and rest else text


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _clean(value: str | None) -> str | None:
    value = " ".join(value.split()) if value else ""
    return value or None


# --- metadata -------------------------------------------------------------------------------

def _metadata(tree: HtmlElement, url: str | None, date_params: dict) -> tuple[str | None, str | None, str | None, str | None]:
    """(title, author, date, site name), the way ``trafilatura.extract_metadata`` finds them.

    Its steps, in its order, without the ones newsmon has no use for: categories, tags and
    licence scan every link of the page, which on a 500 KB page of teaser links is a third of
    the time (and author search from the text is only done when the markup names none).
    """
    meta = examine_meta(tree)  # OpenGraph and <meta> tags
    if meta.author and " " not in meta.author:
        meta.author = None  # a one-word "author" is a site handle, as trafilatura judges it
    try:
        meta = extract_meta_json(tree, meta)  # JSON-LD overrides
    except Exception:  # noqa: BLE001 - a broken JSON-LD block costs its metadata, not the page
        pass
    title = _clean(meta.title or extract_title(tree))
    author = _clean(meta.author or extract_author(tree))
    date = find_date(tree, url=url or meta.url, **date_params)
    sitename = _clean((meta.sitename or extract_sitename(tree) or "").lstrip("@"))
    return title, author, date, sitename


def parse_date(value: str | None, *, now: datetime | None = None) -> datetime | None:
    """htmldate's date as a tz-aware datetime (UTC when it has no zone); None if absent, unreadable or in the future."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    if parsed > (now or datetime.now(timezone.utc)) + FUTURE_TOLERANCE:
        return None
    return parsed


def page_language(tree: HtmlElement) -> str | None:
    """The page's language as an ISO 639 code: ``<html lang>``, else Content-Language, else og:locale."""
    root = tree.getroottree().getroot()
    candidates = [root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang")]
    candidates += root.xpath('//meta[translate(@http-equiv,"CONTENT-LANGUAGE","content-language")="content-language"]/@content')
    candidates += root.xpath('//meta[@property="og:locale" or @name="og:locale"]/@content')
    for value in candidates:
        match = _LANGUAGE.match((value or "").strip().split(",")[0].strip())
        if match:
            return match.group(1).lower()
    return None


def decode_html(content: bytes) -> str:
    """Bytes of a page as text: BOM, UTF-8, declared charset (meta or XML declaration), then a guess.

    A declared charset that cannot decode the bytes is ignored (pages lie about it); when nothing
    fits, undecodable bytes become U+FFFD rather than the page being refused.
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if content.startswith(bom):
            return content[len(bom):].decode(encoding, errors="replace")
    try:
        return content.decode("utf-8")  # valid UTF-8 with any non-ASCII byte is UTF-8, whatever the page declares
    except UnicodeDecodeError:
        pass
    lenient = content.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    if sum(1 for ch in lenient if ord(ch) > 127) - bad > bad:
        return lenient  # UTF-8 text with a stray invalid byte or two: those become U+FFFD, the rest stays right
    declared = _XML_ENCODING.search(content[:4096]) or _META_CHARSET.search(content[:4096])
    if declared:
        label = declared.group(1).decode("ascii").lower()
        encoding = "cp1252" if label in _CP1252_LABELS else label
        if encoding.replace("_", "-") in ("utf-8", "utf8"):
            return content.decode("utf-8", errors="replace")  # declared UTF-8 with a few bad bytes
        try:
            if not encoding.replace("_", "-").startswith(("utf-16", "utf-32")):  # no BOM: not really UTF-16
                return content.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    matches = from_bytes(content[:200_000])
    best = matches.best()
    if best is None or not best.encoding:
        return lenient
    # Ties (cp1250, cp1252 and cp1257 read English alike) go to windows-1252, the web's default legacy charset.
    tied = {m.encoding for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)}
    return content.decode("cp1252" if "cp1252" in tied else best.encoding, errors="replace")
