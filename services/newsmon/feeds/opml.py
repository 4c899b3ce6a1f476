"""Feed lists from OPML (how readers and monitors export subscriptions), read with ``listparser``.

Pure: bytes in, feeds out. Names are made from the outline's title (``feeds add --name`` rules:
letters, digits, ``.``, ``_``, ``-``), made unique with the URL's host and a number when two clash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import ValidationError

from .models import Feed

_NOT_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class OpmlError(ValueError):
    """The file is no subscription list listparser can read (the message says what it saw)."""


@dataclass(frozen=True)
class Imported:
    feeds: list[Feed]
    problems: list[str]  # one sentence per outline left out


def slug(text: str) -> str:
    name = _NOT_NAME.sub("-", text.strip()).strip("-._")[:80]
    return name.lower()


def read_opml(content: bytes, *, interval_s: float, language: str | None = None, taken: set[str] = frozenset()) -> Imported:
    import httpx
    import listparser

    parsed = listparser.parse(content)
    if not parsed.feeds:
        what = parsed.get("bozo_exception") if parsed.bozo else None
        raise OpmlError(f"no feeds found in it{f' ({what})' if what else ''}: an OPML file lists feeds as "
                        '<outline xmlUrl="https://..."/> elements')
    names = set(taken)
    feeds, problems = [], []
    for entry in parsed.feeds:
        url = entry.get("url") or ""
        try:
            host = httpx.URL(url).host or "feed"
        except (httpx.InvalidURL, TypeError):
            host = "feed"
        base = slug(entry.get("title") or "") or slug(host) or "feed"
        name, n = base, 1
        while name in names:
            n += 1
            name = f"{base}-{n}"
        try:
            feed = Feed(name=name, url=url, interval_s=interval_s, language=language)
        except ValidationError as exc:
            problems.append(f"{url or '(no URL)'}: {exc.errors()[0]['msg'].removeprefix('Value error, ')}")
            continue
        names.add(name)
        feeds.append(feed)
    return Imported(feeds, problems)
