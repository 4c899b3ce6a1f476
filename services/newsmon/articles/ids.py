"""Stable article ids, so a re-published or redelivered article overwrites its document instead of duplicating it."""

from __future__ import annotations

import hashlib

from newsmon.feeds.urls import canonical

ID_LENGTH = 32


def canonical_url(url: str) -> str:
    """Normalise a URL so two links to the same article compare equal: :func:`newsmon.feeds.urls.canonical`,
    the one normaliser, shared with the feed poller's de-duplication (scheme and host lower-cased,
    ``https`` as ``http``, no ``www.``, fragment, default port, tracking parameters and trailing slash
    dropped, query sorted)."""
    return canonical(url)


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
