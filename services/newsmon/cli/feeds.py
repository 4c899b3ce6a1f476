"""``newsmon feeds``: the feeds and sitemaps newsmon polls, and the poller that polls them.

The feed list lives on the compacted topic ``news.feeds`` (like the alert rules), so every
poller shares it and a running ``feeds run`` picks up a change within a second (docs/feeds.md).
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from datetime import datetime, timezone
from pathlib import Path

import click
from pydantic import ValidationError
from rich.table import Table

from newsmon.config import Settings, get_settings
from newsmon.feeds.models import Feed, FeedState
from newsmon.net.policy import OutboundPolicy, OutboundRefused, system_resolver
from newsmon.ops.redact import display_url

from .common import err_console, fail, out_console
from .errors import PEER_DOWN, USER_ERROR, kafka_down
from .terminal import escape


def _kafka_problem(settings: Settings, exc: BaseException) -> str:
    from newsmon.stream.access import KafkaAccessError

    if isinstance(exc, KafkaAccessError):
        return str(exc)
    return kafka_down(settings, exc)


def _prepared() -> Settings:
    from newsmon.stream.kafka import ensure_topics

    settings = get_settings()
    try:
        ensure_topics(settings)
    except Exception as exc:  # noqa: BLE001 - an unreachable broker raises several types
        fail(_kafka_problem(settings, exc), _kafka_status(exc))
    return settings


def _store(settings: Settings):
    from newsmon.feeds.store import read_feeds

    try:
        return read_feeds(settings)
    except Exception as exc:  # noqa: BLE001
        fail(_kafka_problem(settings, exc), _kafka_status(exc))


def _kafka_status(exc: BaseException) -> int:
    """Refused credentials or TLS are the user's to fix (1); a broker that does not answer is down (2)."""
    from newsmon.stream.access import KafkaAccessError

    return USER_ERROR if isinstance(exc, KafkaAccessError) else PEER_DOWN


def _check_url(url: str, settings: Settings) -> None:
    """The outbound policy at add time (the fetcher checks every connection again)."""
    try:
        OutboundPolicy.from_settings(settings).check_url(url, resolve=system_resolver)
    except OutboundRefused as exc:
        fail(exc.sentence(f"feed {display_url(url)}"))


def _duration(text: str) -> float:
    from newsmon.alerts.rules import RuleError, parse_duration

    try:
        return parse_duration(text)
    except RuleError as exc:
        fail(str(exc))


def _feed(**fields) -> Feed:
    try:
        return Feed(**fields)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'feed'}: {e['msg'].removeprefix('Value error, ')}"
                             for e in exc.errors())
        if any(e["loc"] == ("name",) for e in exc.errors()):
            problems += " (a name is up to 100 letters, digits, '.', '_' and '-', starting with a letter or digit)"
        fail(f"invalid feed: {problems}")


@click.group()
def feeds() -> None:
    """Feeds and sitemaps to poll: add, list, remove, import, run."""


@feeds.command()
@click.argument("url")
@click.option("--name", help="A unique name (default: from the URL's host).")
@click.option("--interval", default=None, help="How often to poll, e.g. 10m (default NEWSMON_FEEDS_DEFAULT_INTERVAL_S); "
                                               "adaptive polling moves it with how often the feed publishes.")
@click.option("--language", help="Language of its articles, when known (ISO 639-1, e.g. fr).")
@click.option("--source", help="The source its articles are stored under (default: the site's name).")
@click.option("--disabled", is_flag=True, help="Add it switched off.")
def add(url, name, interval, language, source, disabled):
    """Add (or replace) a feed: RSS, Atom, JSON Feed, a sitemap or a sitemap index."""
    from newsmon.feeds.opml import slug
    from newsmon.feeds.store import FeedWriter

    settings = get_settings()
    interval_s = _duration(interval) if interval else settings.feeds_default_interval_s
    feed = _feed(name=name or slug(_host(url)) or "feed", url=url, interval_s=interval_s, language=language,
                 source=source, enabled=not disabled)
    _check_url(feed.url, settings)
    settings = _prepared()
    existing = {f.name: f for f in _store(settings).feeds()}
    if feed.name in existing:
        feed = feed.model_copy(update={"added_at": existing[feed.name].added_at})
    with FeedWriter(settings) as writer:
        writer.put(feed)
    out_console.print(f"{'replaced' if feed.name in existing else 'added'} feed {escape(feed.name)}: "
                      f"{escape(display_url(feed.url))} every {_human(feed.interval_s)}", highlight=False)


def _host(url: str) -> str:
    import httpx

    try:
        return (httpx.URL(url).host or "").removeprefix("www.")
    except (httpx.InvalidURL, TypeError):
        return ""


@feeds.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: each feed with its poll state.")
def list_feeds(as_json):
    """List feeds: last poll, status, items seen and new, next poll, last error."""
    store = _store(_prepared())
    rows = [(f, store.state(f.name)) for f in store.feeds()]
    if as_json:
        click.echo(json.dumps([{**f.model_dump(mode="json"), "url": display_url(f.url),
                                "state": s.model_dump(mode="json", exclude={"etag", "last_modified", "recent_item_times"})}
                               for f, s in rows], indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{len(rows)} feed{'s' * (len(rows) != 1)}")
    for column in ("name", "url", "status", "last poll", "seen / new", "next poll", "last error"):
        table.add_column(column, overflow="fold")
    for feed, state in rows:
        status = "disabled" if not feed.enabled else state.status
        colour = {"ok": "green", "not_modified": "green", "failing": "red", "new": "yellow"}.get(status, "white")
        table.add_row(escape(feed.name), escape(display_url(feed.url)), f"[{colour}]{status}[/]", _ago(state.last_poll_at),
                      f"{state.items_seen} / {state.items_new}", _when(state.next_poll_at) if feed.enabled else "-",
                      escape(state.last_error or "-"))
    out_console.print(table)
    from newsmon.ops.feeds_status import ALIVE_WITHIN_S

    now = datetime.now(timezone.utc)
    if not any(not b.stopped and (now - b.beat_at).total_seconds() <= ALIVE_WITHIN_S for b in store.beats.values()):
        err_console.print("no poller is running: start one with `newsmon feeds run`", highlight=False)


@feeds.command()
@click.argument("name")
def remove(name):
    """Remove a feed (the articles it brought stay indexed)."""
    from newsmon.feeds.store import FeedWriter

    settings = _prepared()
    names = [f.name for f in _store(settings).feeds()]
    if name not in names:
        fail(f"no feed named {name!r} (feeds: {', '.join(names) or 'none yet'})")
    with FeedWriter(settings) as writer:
        writer.delete(name)
    out_console.print(f"feed {escape(name)} removed", highlight=False)


@feeds.command(name="import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--interval", default=None, help="Poll interval of the imported feeds, e.g. 15m.")
@click.option("--language", help="Language of their articles, when all share one.")
def import_feeds(path: Path, interval, language):
    """Add every feed of an OPML file (feeds already listed, by URL, are left as they are)."""
    from newsmon.feeds.opml import OpmlError, read_opml
    from newsmon.feeds.store import FeedWriter

    try:
        content = path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")
    settings = get_settings()
    interval_s = _duration(interval) if interval else settings.feeds_default_interval_s
    settings = _prepared()
    existing = _store(settings).feeds()
    try:
        imported = read_opml(content, interval_s=interval_s, language=language, taken={f.name for f in existing})
    except OpmlError as exc:
        fail(f"{path} is not an OPML feed list: {exc}")
    known = {f.url for f in existing}
    policy = OutboundPolicy.from_settings(settings)
    added, problems = [], list(imported.problems)
    for feed in imported.feeds:
        if feed.url in known:
            continue
        try:
            policy.check_url(feed.url)
        except OutboundRefused as exc:
            problems.append(exc.sentence(display_url(feed.url)))
            continue
        known.add(feed.url)
        added.append(feed)
    with FeedWriter(settings) as writer:
        for feed in added:
            writer.put(feed)
    out_console.print(f"imported {len(added)} feed{'s' * (len(added) != 1)} from {escape(str(path))}"
                      f" ({len(imported.feeds) - len(added) - (len(problems) - len(imported.problems))} already listed)",
                      highlight=False)
    for problem in problems:
        err_console.print(f"[yellow]left out:[/] {escape(problem)}", highlight=False)


@feeds.command()
@click.option("--once", is_flag=True, help="Poll every enabled feed once, now, and exit.")
@click.option("--feed", "names", multiple=True, help="With --once: only this feed (repeat for several).")
@click.option("--json", "as_json", is_flag=True, help="With --once: print what each poll did as JSON lines.")
def run(once, names, as_json):
    """Poll the feeds as they fall due and publish new articles to news.articles (Ctrl-C stops)."""
    from newsmon.feeds.fetch import Fetcher
    from newsmon.feeds.poller import Poller, PollerMetrics, extraction_pool
    from newsmon.feeds.store import KafkaStore
    from newsmon.ops import logs
    from newsmon.stream.publisher import ArticlePublisher, PublishError

    if names and not once:
        fail("--feed only goes with --once: a running poller polls every feed")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("kafka", "httpx", "httpcore", "trafilatura", "htmldate", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logs.install()  # one line per peer problem per interval, secrets masked
    settings = _prepared()
    try:
        store = KafkaStore(settings)
        sink = ArticlePublisher(settings)
    except PublishError as exc:
        fail(str(exc))
    except Exception as exc:  # noqa: BLE001
        fail(_kafka_problem(settings, exc), _kafka_status(exc))
    unknown = sorted(set(names) - {f.name for f in store.feeds()})
    if unknown:
        fail(f"no feed named {', '.join(map(repr, unknown))} (feeds: {', '.join(f.name for f in store.feeds()) or 'none yet'})")
    metrics = PollerMetrics()

    pool = extraction_pool(settings)

    async def main() -> list:
        fetcher = Fetcher(settings)
        poller = Poller(settings, store, sink, fetcher, metrics=metrics, pool=pool)
        try:
            if once:
                return await poller.run_once(names or None)
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            _serve_metrics(settings, metrics)
            err_console.print(f"polling {len(store.feeds())} feed(s) into {settings.articles_topic}; Ctrl-C stops",
                              highlight=False)
            await poller.run(stop)
            return []
        finally:
            await fetcher.aclose()

    try:
        results = asyncio.run(main())
    finally:
        pool.shutdown(cancel_futures=True)
        try:
            sink.close()
        finally:
            store.close()
    if once:
        _report(results, as_json)


def _serve_metrics(settings: Settings, metrics) -> None:
    if not settings.feeds_metrics_port:
        return
    from prometheus_client import start_http_server

    try:
        start_http_server(settings.feeds_metrics_port, addr=settings.web_host, registry=metrics.registry)
    except OSError as exc:
        fail(f"cannot serve the poller's metrics on {settings.web_host}:{settings.feeds_metrics_port} ({exc.strerror or exc}): "
             "set NEWSMON_FEEDS_METRICS_PORT to a free port, or 0 for none")


def _report(results, as_json: bool) -> None:
    if as_json:
        for r in results:
            click.echo(json.dumps({"feed": r.feed, "status": r.status, "seen": r.seen, "new": r.new, "duplicate": r.duplicate,
                                   "failed": r.failed, "skipped": r.skipped, "error": r.error}, ensure_ascii=False))
        return
    table = Table(title=f"polled {len(results)} feed{'s' * (len(results) != 1)}")
    for column in ("feed", "status", "seen", "new", "duplicate", "failed", "skipped", "error"):
        table.add_column(column, overflow="fold")
    for r in results:
        table.add_row(escape(r.feed), r.status, str(r.seen), str(r.new), str(r.duplicate), str(r.failed), str(r.skipped),
                      escape(r.error or "-"))
    err_console.print(table)
    total = sum(r.new for r in results)
    err_console.print(f"{total} new article{'s' * (total != 1)} published", highlight=False)


def _human(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:.0f}{unit}"
    return f"{seconds:.0f}s"


def _ago(when: datetime | None) -> str:
    if when is None:
        return "never"
    return f"{_human(round(max(0.0, (datetime.now(timezone.utc) - when).total_seconds())))} ago"


def _when(when: datetime | None) -> str:
    if when is None:
        return "now"
    delta = (when - datetime.now(timezone.utc)).total_seconds()
    return "now" if delta <= 0 else f"in {_human(round(delta))}"


def state_summary(state: FeedState) -> str:  # used by `newsmon status`
    return f"{state.status}, {state.items_new} new of {state.items_seen} seen" + (f"; {state.last_error}" if state.last_error else "")
