"""Making a valid article safe for the NLP pipeline: HTML stripped, size capped, content hashed.

What was done is recorded on the result (``warnings``, ``truncated``) rather than done silently.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from newsmon.models import Article

from .ids import content_hash
from .limits import REPLACEMENT

_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
_DROP_BLOCKS = re.compile(r"<(head|script|style|noscript|template|svg)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_BREAKS = re.compile(r"<\s*(br|/p|/div|/h[1-6]|/li|/tr|/blockquote)\s*/?\s*>", re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HTML_HINTS = {"p", "div", "span", "br", "html", "body", "a", "b", "i", "em", "strong", "h1", "h2", "h3", "li", "ul", "script", "style", "table", "head"}


@dataclass(frozen=True)
class PreparedArticle:
    """An article ready for extraction, with a note of what preparing it changed."""

    article: Article
    content_hash: str
    truncated: bool = False
    warnings: tuple[str, ...] = ()


def looks_like_html(text: str) -> bool:
    """True when the text carries real HTML markup, not an odd ``<`` in prose."""
    tags = {m.group(1).lower() for m in _TAG.finditer(text[:20_000])}
    return len(tags & _HTML_HINTS) >= 1 and len(_TAG.findall(text[:20_000])) >= 2


def strip_html(text: str) -> str:
    """Text content of an HTML fragment, with block boundaries kept as newlines."""
    text = _COMMENT.sub(" ", text)
    text = _DROP_BLOCKS.sub(" ", text)
    text = _BREAKS.sub("\n", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n[ \n]*", "\n\n", text)
    return text.strip()


def prepare(article: Article, *, max_body_chars: int) -> PreparedArticle:
    """Strip HTML and cap the body length; hash the content as it arrived."""
    assert article.id is not None, "assign an id before preparing"
    digest = content_hash(article.title, article.body)
    warnings: list[str] = []
    title, body = article.title, article.body
    if looks_like_html(body):
        body = strip_html(body)
        warnings.append("html_stripped")
    if title and looks_like_html(title):
        title = strip_html(title)
    truncated = len(body) > max_body_chars
    if truncated:
        cut = body.rfind("\n", 0, max_body_chars)
        body = body[: cut if cut > max_body_chars // 2 else max_body_chars]
        warnings.append("truncated")
    if not body.strip():
        body = article.body[:max_body_chars]  # markup with no text: keep what came, flagged
        warnings.append("no_text_after_html_strip")
    if REPLACEMENT in body or (title and REPLACEMENT in title):
        warnings.append("invalid_characters_replaced")  # see newsmon.articles.limits
    changed = {"title": title, "body": body} if (title, body) != (article.title, article.body) else {}
    prepared = article.model_copy(update=changed) if changed else article
    return PreparedArticle(prepared, digest, truncated, tuple(warnings))
