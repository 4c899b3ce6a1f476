"""``newsmon extract``: the enrichment pipeline offline, without Kafka or Elasticsearch."""

from __future__ import annotations

import sys

import click
from .terminal import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from newsmon.articles import prepare
from newsmon.config import get_settings
from newsmon.stream.enrichment import build_extractor

from .common import article_input_options, err_console, input_defaults, read_records, validated


@click.command()
@click.argument("paths", nargs=-1)
@article_input_options
@click.option("--batch-size", type=int, help="Articles per nlp.pipe batch.")
def extract(paths, source, published_at, language, batch_size):
    """Enrich articles from PATHS (or standard input) and print one enriched JSON object per line.

    The very code path the worker runs, minus Kafka and Elasticsearch: use it to try
    newsmon on your own articles, to evaluate, and to benchmark.
    """
    settings = get_settings()
    if batch_size:
        settings = settings.model_copy(update={"batch_size": batch_size})
    records = list(validated(read_records(paths, input_defaults(source, published_at, language))))
    invalid = [(origin, reason) for origin, article, reason in records if article is None]
    prepared = [prepare(a, max_body_chars=settings.max_body_chars) for _, a, _ in records if a is not None]

    extractor = build_extractor(settings)
    with Progress(
        TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err_console, transient=True, disable=len(prepared) < 10,
    ) as progress:
        task = progress.add_task("extract", total=len(prepared))
        step = settings.batch_size
        for start in range(0, len(prepared), step):
            for enriched in extractor.extract(prepared[start : start + step]):
                sys.stdout.write(enriched.model_dump_json() + "\n")
            sys.stdout.flush()
            progress.advance(task, min(step, len(prepared) - start))

    for origin, reason in invalid:
        err_console.print(f"[red]invalid[/] {escape(origin)}: {escape(reason)}", highlight=False)
    if invalid:
        raise SystemExit(1)
