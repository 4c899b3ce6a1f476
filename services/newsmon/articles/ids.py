"""Stable article ids, so a re-published or redelivered article overwrites its document instead of duplicating it."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that change per share or campaign but not the article.
_TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "mc_", "ocid", "cmpid", "ref", "taid", "ito")

ID_LENGTH = 32


def canonical_url(url: str) -> str:
    """Normalise a URL so two links to the same article compare equal.

    Lower-cases scheme and host, drops ``www.``, the fragment, default ports, tracking
    parameters and a trailing slash, and sorts the remaining query parameters.
    """
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "http").lower()
    if scheme == "https":
        scheme = "http"  # the same article is served on both
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES)
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def assign_id(url: str | None, title: str | None, body: str) -> str:
    """The id of an article that came without one: a hash of its canonical URL, else of title and body."""
    if url and url.strip():
        return _digest("url", canonical_url(url))[:ID_LENGTH]
    return _digest("text", (title or "").strip(), body.strip())[:ID_LENGTH]


def content_hash(title: str | None, body: str) -> str:
    """SHA-256 of the text as received; equal hashes mean a re-send, different ones an edit."""
    return _digest(title or "", body)
