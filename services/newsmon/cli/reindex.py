"""``newsmon reindex``: re-derive events and topics of stored articles after a pipeline upgrade.

Reads articles back from ``news-articles`` (a point in time and ``search_after``, so
articles rewritten meanwhile are neither skipped nor read twice), runs the very
extractor the worker runs over their stored title and body, and writes them again with
the worker's indexer: the article document and its event documents in one bulk, event
documents the new pipeline no longer produces deleted. Article ids do not change, so
running it twice, or while the worker runs, leaves exactly one copy of everything.

By default only articles processed by another pipeline version than the installed one are
re-derived; ``--all`` takes every article.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import click
from elasticsearch import ApiError, TransportError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from newsmon import PIPELINE_VERSION
from newsmon.articles import PreparedArticle, prepare
from newsmon.config import Settings, get_settings
from newsmon.index.client import make_async_client
from newsmon.index.indexer import ArticleIndexer, IndexUnavailable
from newsmon.index.scan import scan_async
from newsmon.models import Article

from .common import err_console, fail
from .errors import PEER_DOWN, elasticsearch_down
from .terminal import escape
from .es import connect

# Warnings the preparation step records; carried over because the stored body is already prepared.
PREPARE_WARNINGS = ("html_stripped", "truncated", "no_text_after_html_strip")
RETRIES = 5


def selection(everything: bool, since: str | None, until: str | None) -> dict[str, Any]:
    """Which stored articles to re-derive."""
    filters: list[dict[str, Any]] = []
    must_not: list[dict[str, Any]] = []
    if not everything:
        must_not.append({"term": {"pipeline_version": PIPELINE_VERSION}})
    bounds = {k: v for k, v in (("gte", since), ("lte", until)) if v}
    if bounds:
        filters.append({"range": {"published_at": bounds}})
    return {"bool": {"filter": filters, "must_not": must_not}}


def prepared_from_document(source: dict[str, Any], settings: Settings) -> PreparedArticle:
    """The stored article as the extractor's input, with what preparing it first time recorded.

    Where its date came from is kept; a document stored before undated articles were dated
    gets its processing time, the nearest thing to when it was received that is left.
    """
    article = Article.model_validate({name: source.get(name) for name in Article.model_fields if name in source})
    processed = source.get("processed_at")
    received = datetime.fromisoformat(processed) if processed else None
    prepared = prepare(article, max_body_chars=settings.max_body_chars, received_at=received)
    earlier = [w for w in source.get("warnings", []) if w in PREPARE_WARNINGS]
    return PreparedArticle(
        article=prepared.article,
        content_hash=source.get("content_hash") or prepared.content_hash,
        truncated=bool(source.get("truncated")) or prepared.truncated,
        warnings=tuple(dict.fromkeys([*earlier, *prepared.warnings])),
        published_at_source=source.get("published_at_source") or prepared.published_at_source,
    )


async def _index_with_retries(indexer: ArticleIndexer, batch) -> dict[str, str]:
    delay = 1.0
    for attempt in range(1, RETRIES + 1):
        try:
            return (await indexer.index(batch)).rejected
        except IndexUnavailable as exc:
            if attempt == RETRIES:
                raise
            err_console.print(f"[yellow]indexing held back ({escape(str(exc))}); retrying in {delay:.0f}s[/]", highlight=False)
            await asyncio.sleep(delay)
            delay *= 2
    return {}


async def run(settings: Settings, query: dict[str, Any], total: int, batch_size: int, extractor) -> tuple[int, dict[str, str]]:
    es = make_async_client(settings)
    indexer = ArticleIndexer(es, settings.articles_index, settings.events_index)
    done = 0
    rejected: dict[str, str] = {}
    try:
        with Progress(TextColumn("re-deriving"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      TimeRemainingColumn(), console=err_console) as progress:
            task = progress.add_task("reindex", total=total)
            async for page in scan_async(es, settings.articles_index, query=query, size=batch_size,
                                         source=[*Article.model_fields, "content_hash", "truncated", "warnings",
                                                 "published_at_source", "processed_at"]):
                prepared = [prepared_from_document(hit["_source"], settings) for hit in page]
                enriched = extractor.extract(prepared)
                rejected.update(await _index_with_retries(indexer, enriched))
                done += len(page)
                progress.update(task, completed=done)
    finally:
        await es.close()
    return done, rejected


@click.command()
@click.option("--all", "everything", is_flag=True, help=f"Every article, not only those from another pipeline version than {PIPELINE_VERSION}.")
@click.option("--since", help="Only articles published on or after this date (ISO 8601 or date math).")
@click.option("--until", help="Only articles published on or before this date.")
@click.option("--batch-size", default=32, show_default=True, help="Articles per extraction batch and bulk request.")
def reindex(everything: bool, since: str | None, until: str | None, batch_size: int) -> None:
    """Re-derive events and topics of stored articles with the installed pipeline, and re-index them."""
    settings = get_settings()
    es = connect(settings, wait=30)
    query = selection(everything, since, until)
    try:
        es.indices.refresh(index=settings.articles_index)
        total = es.count(index=settings.articles_index, query=query)["count"]
    except ApiError as exc:
        if exc.meta.status == 404:
            fail(f"no index {settings.articles_index!r}: run `newsmon es setup` or start the worker first.")
        fail(f"Elasticsearch refused to count the articles: {exc}")
    if total == 0:
        err_console.print(f"nothing to do: every article in {settings.articles_index} is from pipeline {PIPELINE_VERSION} "
                          "(use --all to re-derive them anyway)" if not everything else "no articles match", highlight=False)
        return
    err_console.print(f"loading the pipeline to re-derive {total} articles", highlight=False)
    from newsmon.stream.enrichment import build_extractor

    extractor = build_extractor(settings)
    try:
        done, rejected = asyncio.run(run(settings, query, total, batch_size, extractor))
    except IndexUnavailable as exc:
        fail(f"Elasticsearch stayed unavailable, stopped (already re-indexed articles are kept; run again to finish): {exc}",
             PEER_DOWN)
    except TransportError as exc:
        fail(elasticsearch_down(settings, exc), PEER_DOWN)
    for article_id, reason in list(rejected.items())[:10]:
        err_console.print(f"[red]rejected[/] {escape(article_id)}: {escape(str(reason))}", highlight=False)
    err_console.print(f"re-derived {done - len(rejected)} of {done} articles with pipeline {PIPELINE_VERSION}"
                      f"{f'; {len(rejected)} rejected' if rejected else ''}", highlight=False)
    if rejected:
        raise SystemExit(1)
