"""``newsmon publish``: send articles from files or standard input to ``news.articles``."""

from __future__ import annotations

import click
from .terminal import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from newsmon.config import get_settings
from newsmon.stream.access import KafkaAccessError
from newsmon.stream.kafka import ensure_topics
from newsmon.stream.publisher import ArticlePublisher, PublishError, too_large

from .common import article_input_options, err_console, fail, input_defaults, out_console, read_records, validated
from .errors import PEER_DOWN, kafka_down


@click.command()
@click.argument("paths", nargs=-1)
@article_input_options
@click.option("--topic", help="Topic to publish to (default: NEWSMON_ARTICLES_TOPIC, news.articles).")
@click.option("--dry-run", is_flag=True, help="Validate and report, send nothing.")
def publish(paths, source, published_at, language, topic, dry_run):
    """Publish articles from PATHS (.json, .jsonl, .txt files or folders; - for standard input).

    Articles without an id get a stable one (a hash of the canonical URL, else of title
    and body), so publishing the same article twice updates it instead of duplicating it.
    Invalid records are listed with file, line and reason; the valid ones are still sent,
    and the command exits with status 1.
    """
    settings = get_settings()
    records = list(validated(read_records(paths, input_defaults(source, published_at, language))))
    checked = [(origin, article, reason or (too_large(article, settings) if article is not None else None))
               for origin, article, reason in records]
    valid = [(origin, article) for origin, article, reason in checked if article is not None and reason is None]
    invalid = [(origin, reason) for origin, article, reason in checked if reason is not None]

    sent = 0
    if valid and not dry_run:
        try:
            ensure_topics(settings)
            with ArticlePublisher(settings, topic) as publisher, Progress(
                TextColumn("publishing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=err_console, transient=len(valid) < 20,
            ) as progress:
                task = progress.add_task("publish", total=len(valid))
                for _, article in valid:
                    publisher.publish(article)
                    progress.advance(task)
                publisher.flush()
                sent = len(valid)
        except (PublishError, KafkaAccessError) as exc:
            fail(str(exc))
        except Exception as exc:  # noqa: BLE001 - kafka-python raises many types for an unreachable broker
            fail(kafka_down(settings, exc), PEER_DOWN)

    target = topic or settings.articles_topic
    verb = "would send" if dry_run else "sent"
    count = len(valid) if dry_run else sent
    report = out_console if dry_run else err_console  # a dry run's report is its output; a real run's is progress
    report.print(f"{verb} {count} article{'s' * (count != 1)} to {target}", highlight=False)
    if len(valid) <= 20:
        for origin, article in valid:
            report.print(f"  [green]ok[/] {escape(origin)} -> id {escape(article.id)}", highlight=False)
    if invalid:
        report.print(f"[red]{len(invalid)} invalid record{'s' * (len(invalid) != 1)} not sent:[/]")
        for origin, reason in invalid:
            report.print(f"  [red]invalid[/] {escape(origin)}: {escape(reason)}", highlight=False)
        raise SystemExit(1)
    if not records:  # an empty folder or file, a wrong glob: nothing was wrong, and nothing was sent
        where = ", ".join("standard input" if p == "-" else p for p in paths) or "standard input"
        fail(f"no articles found in {where}: give .json, .jsonl or .txt files, "
             "or folders holding them (docs/input.md).")
