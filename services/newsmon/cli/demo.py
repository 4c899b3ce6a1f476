"""``newsmon demo``: the whole pipeline on the local stack with the bundled demo articles (``make run``).

Start Kafka and Elasticsearch (downloading them the first time), start a worker in the
background, publish the demo articles, wait until Elasticsearch has them, show what
came out, run one example search, and say how to go on. Running it again reuses
everything that is installed and running.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import click
from .terminal import escape
from rich.table import Table

from newsmon import PIPELINE_VERSION
from newsmon.articles import read_paths, validate_article
from newsmon.config import Settings, get_settings
from newsmon.index.client import make_client
from newsmon.index.dsl import to_dsl
from newsmon.rules import parse_query
from newsmon.index.search import search_stories
from newsmon.stream.kafka import ensure_topics
from newsmon.stream.launcher import (
    WorkerNotReady,
    background_paths,
    background_worker_pid,
    probe,
    start_background_worker,
    stop_background_worker,
    wait_until_ready,
)
from newsmon.stream.publisher import ArticlePublisher

from newsmon.ops.redact import display_url
from .common import fail, out_console

EXAMPLE_QUERY = "ceasefire talks"


def demo_articles_dir() -> Path:
    return Path(str(resources.files("newsmon") / "data" / "demo"))


def ensure_worker(settings: Settings) -> None:
    """Start a background worker unless ours is already running, then wait until it is ready."""
    log_path = background_paths(settings)[1]
    pid = background_worker_pid(settings)
    answer = probe(settings, "/healthz") if pid is not None else None
    if answer is not None and answer[1].get("pipeline_version") != PIPELINE_VERSION:
        # A worker left running by an older checkout: restart it so the demo runs this code.
        out_console.print(f"restarting the worker (pid {pid}): it runs pipeline {answer[1].get('pipeline_version')}, "
                          f"this checkout {PIPELINE_VERSION}")
        stop_background_worker(settings)
        pid = None
    process = None
    if pid is None:
        out_console.print(f"starting the worker (log: {log_path})")
        process = start_background_worker(settings)
    else:
        out_console.print(f"worker already running (pid {pid})")
    try:
        wait_until_ready(settings, process, log_path, timeout=settings.stack_timeout_s)
    except WorkerNotReady as exc:
        fail(str(exc))


def worker_gone(settings: Settings) -> str | None:
    """Why the background worker is no longer running, or None while it runs."""
    from newsmon.stream.exits import last_exit

    if background_worker_pid(settings) is not None:
        return None
    found = last_exit(settings)
    if found:
        return found["reason"]
    return f"it stopped without saying why; see its log {background_paths(settings)[1]}"


def wait_until_indexed(settings: Settings, ids: list[str], since: datetime, timeout: float = 180) -> list[dict]:
    """The documents of ``ids``, once every one of them was (re)indexed after ``since``; fails at once if the worker exits."""
    es = make_client(settings)
    deadline = time.monotonic() + timeout
    while True:
        gone = worker_gone(settings)
        if gone is not None:
            fail(f"the worker exited: {gone}")
        docs = es.mget(index=settings.articles_index, ids=ids)["docs"]
        fresh = [d for d in docs if d.get("found") and d["_source"]["indexed_at"] >= since.isoformat()]
        if len(fresh) == len(ids):
            return [d["_source"] for d in fresh]
        if time.monotonic() > deadline:
            fail(f"only {len(fresh)} of {len(ids)} demo articles were indexed after {timeout:.0f}s; "
                 f"see the worker log {background_paths(settings)[1]}")
        time.sleep(0.5)


def show_article(doc: dict) -> None:
    table = Table(title=escape(doc.get("title") or doc["id"]), title_justify="left", show_header=False, expand=True)
    table.add_column("what", style="bold", width=8)
    table.add_column("found", overflow="fold")
    actors = [f"{a['name']} ({a['type']}{', ' + a['country'] if a.get('country') else ''}{', ' + a['role'] if a.get('role') else ''})"
              for a in doc["actors"]]
    events = [f"{e['type']} {e['cameo']}: {(e.get('source') or {}).get('name', '?')} -> {(e.get('target') or {}).get('name', '?')}"
              f"{' on ' + e['date'] if e.get('date') else ''}" for e in doc["events"]]
    topics = [f"{t['id']} (score {t['score']:.1f})" for t in doc["topics"]]
    table.add_row("actors", escape("; ".join(actors) or "-"))
    table.add_row("events", escape("; ".join(events) or "-"))
    table.add_row("topics", escape(", ".join(topics) or "-"))
    out_console.print(table)


@click.command()
@click.option("--articles", "articles_dir", type=click.Path(exists=True, path_type=Path),
              help="Folder of articles to publish instead of the bundled demo articles.")
def demo(articles_dir: Path | None) -> None:
    """Run newsmon end to end on the local stack with the demo articles."""
    from newsmon.stack import StackError, up

    settings = get_settings()
    started = time.monotonic()
    try:
        up(settings, echo=lambda line: out_console.print(line, highlight=False))
    except StackError as exc:
        fail(str(exc))
    ensure_topics(settings)
    ensure_worker(settings)

    folder = articles_dir or demo_articles_dir()
    articles = [validate_article(r.data) for r in read_paths([folder]) if r.data is not None]
    since = datetime.now(timezone.utc)
    with ArticlePublisher(settings) as publisher:
        for article in articles:
            publisher.publish(article)
        publisher.flush()
    out_console.print(f"published {len(articles)} articles to {settings.articles_topic}; waiting until they are searchable")
    docs = wait_until_indexed(settings, [a.id for a in articles], since)
    out_console.print(f"all {len(docs)} indexed in {settings.articles_index}\n")
    for doc in docs:
        show_article(doc)

    es = make_client(settings)
    es.indices.refresh(index=settings.articles_index)
    hits, _ = search_stories(es, settings.articles_index, to_dsl(parse_query(EXAMPLE_QUERY)), size=3)  # one line a story
    out_console.print(f"\n[bold]newsmon search {EXAMPLE_QUERY!r}[/]")
    for hit in hits:
        out_console.print(f"  {hit['_score']:.2f}  {escape(str(hit['_source'].get('title')))}", highlight=False)

    log_path = background_paths(settings)[1]
    out_console.print(f"""
[bold]Done in {time.monotonic() - started:.0f}s.[/] The stack and the worker keep running:
  search:        .venv/bin/newsmon search "ceasefire" --since 2026-01-01
  publish more:  .venv/bin/newsmon publish path/to/articles/   (.json, .jsonl, .txt)
  try offline:   .venv/bin/newsmon extract path/to/article.txt
  Elasticsearch: {display_url(settings.es_url)}/{settings.articles_index}/_search
  worker:        http://{settings.web_host}:{settings.web_port}/readyz  (log {log_path})
  stop all:      make stop""", highlight=False)
