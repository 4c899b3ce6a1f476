"""Making a valid article safe for the NLP pipeline: HTML converted to text, size capped, content hashed, dated.

What was done is recorded on the result (``warnings``, ``truncated``) rather than done silently;
HTML goes through :func:`newsmon.articles.html.html_to_text` (trafilatura), whose record of
which extractor and fallback made the text is kept as ``metadata.extraction``.

An article without ``published_at`` is dated with the time it was received (the worker passes
its Kafka message timestamp), flagged ``published_at_source = "received"``, so date searches
find it and relative dates in its text ("on Tuesday") resolve against that day. A producer that
dated an article with its own receipt time can say so with ``metadata.published_at_source:
"received"`` (``newsmon reprocess`` does, so a re-run keeps the first receipt time and its flag).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from newsmon.models import Article, PublishedAtSource

from .html import html_to_text
from .ids import content_hash
from .limits import REPLACEMENT

_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
# HTML longer than this many times the body cap is cut before conversion: conversion runs in the
# worker's event loop (about 0.5 s a megabyte), and no page needs 20 characters of markup for each one of text.
HTML_PER_TEXT_CHAR = 20
RECEIVED: PublishedAtSource = "received"
_HTML_HINTS = {"p", "div", "span", "br", "html", "body", "a", "b", "i", "em", "strong", "h1", "h2", "h3", "li", "ul", "script", "style", "table", "head"}


@dataclass(frozen=True)
class PreparedArticle:
    """An article ready for extraction, with a note of what preparing it changed."""

    article: Article
    content_hash: str
    truncated: bool = False
    warnings: tuple[str, ...] = ()
    published_at_source: PublishedAtSource = "article"  # "received": published_at is the time it was received


def looks_like_html(text: str) -> bool:
    """True when the text carries real HTML markup, not an odd ``<`` in prose."""
    tags = {m.group(1).lower() for m in _TAG.finditer(text[:20_000])}
    return len(tags & _HTML_HINTS) >= 1 and len(_TAG.findall(text[:20_000])) >= 2


def title_text(title: str) -> str:
    """A title that came as HTML, as one line of text."""
    text, _ = html_to_text(title)
    return " ".join(text.split())


def prepare(article: Article, *, max_body_chars: int, received_at: datetime | None = None) -> PreparedArticle:
    """Convert HTML to text, cap the body length and date an undated article; hash the content as it arrived.

    ``received_at``: when the article reached newsmon (tz-aware; now when not given), the date
    of an article that has no ``published_at``.
    """
    assert article.id is not None, "assign an id before preparing"
    digest = content_hash(article.title, article.body)
    warnings: list[str] = []
    title, body = article.title, article.body
    metadata = article.metadata
    published_at, source = article.published_at, date_source(article)
    if published_at is None:
        published_at = received_at or datetime.now(timezone.utc)
    if title and looks_like_html(title):
        title = title_text(title) or title
    truncated = False
    if looks_like_html(body):
        limit = HTML_PER_TEXT_CHAR * max_body_chars
        truncated = len(body) > limit
        body, extraction = html_to_text(body[:limit], title=title)
        metadata = {**metadata, "extraction": extraction}
        warnings.append("html_stripped")
    if len(body) > max_body_chars:
        cut = body.rfind("\n", 0, max_body_chars)
        body = body[: cut if cut > max_body_chars // 2 else max_body_chars]
        truncated = True
    if truncated:
        warnings.append("truncated")
    if not body.strip():
        body = article.body[:max_body_chars]  # markup with no text: keep what came, flagged
        warnings.append("no_text_after_html_strip")
    if REPLACEMENT in body or (title and REPLACEMENT in title):
        warnings.append("invalid_characters_replaced")  # see newsmon.articles.limits
    update = {"title": title, "body": body, "metadata": metadata, "published_at": published_at}
    changed = {k: v for k, v in update.items() if v is not getattr(article, k)}
    prepared = article.model_copy(update=changed) if changed else article
    return PreparedArticle(prepared, digest, truncated, tuple(warnings), source)


def date_source(article: Article) -> PublishedAtSource:
    """Where the article's ``published_at`` comes (or will come) from."""
    if article.published_at is None or article.metadata.get("published_at_source") == RECEIVED:
        return RECEIVED
    return "article"
