"""The one URL normaliser: what makes two links to the same article compare equal.

An article's id is the hash of :func:`canonical` (``newsmon.articles.ids.assign_id``), and the
poller de-duplicates by it, so the same story reached through two feeds, each adding its own
``utm_*``/``fbclid``/``mc_cid`` parameters, is one document. courlan does the URL work (scrubbing,
lower-cased scheme and host, default ports, sorted query, its maintained tracker list); on top of
that come the identity rules newsmon's ids have always had, so existing ids do not change:
``https`` and ``http`` fold together, as do ``www.`` and the bare host, a trailing slash and
none; the fragment and any userinfo are dropped.

The result is an identity key, not a URL to fetch or show: fetch and display the link as given.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# newsmon's own list, kept beside courlan's (which has utm_, mc_, fbclid, gclid, ref, source...):
# parameters that change per share or campaign but not the article.
EXTRA_TRACKERS = re.compile(r"^(?:utm_|mc_|_ga$|_gl$|fbclid$|gclid$|igshid$|ocid|cmpid|ref|taid|ito|s_cid$|icid$)", re.I)


def host_of(url: str) -> str:
    """The host of ``url``, lower case, without port or trailing dot ("" if it has none): the key of
    per-host politeness (concurrency, delay) and statistics."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").lower()


def _courlan(url: str) -> str:
    from courlan import normalize_url, scrub_url  # imported on first use: courlan takes ~0.1 s to import

    try:
        return normalize_url(scrub_url(url), strict=False, trailing_slash=False)
    except (ValueError, AttributeError):
        return url  # a port that is no number and the like: the simple rules below still apply


def canonical(url: str) -> str:
    """The identity key of ``url``: tracking parameters and fragment dropped, scheme and host lower-cased
    (``https`` as ``http``, no ``www.``), default port and trailing slash dropped, query sorted.

    ``https://www.Example.com/a/?utm_source=x&b=2&a=1#top`` -> ``http://example.com/a?a=1&b=2``.
    """
    parts = urlsplit(_courlan(url.strip()))
    scheme = (parts.scheme or "http").lower()
    if scheme == "https":
        scheme = "http"  # the same article is served on both
    try:
        port = parts.port
    except ValueError:
        port = None
    host = (parts.hostname or "").rstrip(".").lower().removeprefix("www.")
    if ":" in host:
        host = f"[{host}]"
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not EXTRA_TRACKERS.match(k))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((scheme, host, path, urlencode(query), ""))
