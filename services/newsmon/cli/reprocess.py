"""``newsmon reprocess``: run stored articles through the current pipeline again (see newsmon.stream.replay)."""

from __future__ import annotations

from datetime import datetime, timezone

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from newsmon.config import get_settings
from newsmon.stream import replay
from newsmon.stream.publisher import ArticlePublisher, PublishError

from .common import err_console, fail, out_console
from .errors import PEER_DOWN, USER_ERROR, peer_problem


def _since(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO 8601 date or date-time, e.g. 2026-11-01 or 2026-11-01T12:00:00Z")
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@click.command()
@click.option("--since", "since_text", required=True, help="Articles that arrived on or after this date (ISO 8601).")
@click.option("--from", "origin", type=click.Choice(["auto", "kafka", "elasticsearch"]), default="auto", show_default=True,
              help="Where to read the stored articles: Kafka while it still holds them, else Elasticsearch.")
@click.option("--dry-run", is_flag=True, help="Count what would be reprocessed; publish nothing.")
def reprocess(since_text, origin, dry_run):
    """Re-run extraction for articles that arrived since --since, through the running workers.

    Documents are overwritten under the same ids with the current pipeline_version; stories
    that were already alerted are not alerted again.
    """
    settings = get_settings()
    since = _since(since_text)
    try:
        if origin == "auto":
            origin = "kafka" if replay.kafka_covers(settings, since) else "elasticsearch"
            out_console.print(f"reading from {origin}" + ("" if origin == "kafka" else
                              f": {settings.articles_topic} no longer holds everything since {since.date()}"))
        articles = list(replay.from_kafka(settings, since) if origin == "kafka" else replay.from_elasticsearch(settings, since))
    except Exception as exc:  # noqa: BLE001 - unreachable services raise many types
        down = peer_problem(exc, settings)
        fail(down or f"cannot read stored articles from {origin}: {exc}", PEER_DOWN if down else USER_ERROR)
    if dry_run:
        out_console.print(f"would reprocess {len(articles)} articles since {since.isoformat()}")
        return
    try:
        with ArticlePublisher(settings) as publisher, Progress(
            TextColumn("reprocessing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err_console,
        ) as progress:
            task = progress.add_task("reprocess", total=len(articles))
            for article in articles:
                publisher.publish(article)
                progress.advance(task)
            publisher.flush()
    except PublishError as exc:
        fail(str(exc))
    out_console.print(f"sent {len(articles)} articles since {since.isoformat()} from {origin} back through the pipeline")
