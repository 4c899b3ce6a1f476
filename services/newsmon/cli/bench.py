"""``newsmon bench``: throughput, latency and memory on the real local stack (see newsmon.bench.runner)."""

from __future__ import annotations

import json
import logging

import click
from rich.table import Table

from newsmon.config import get_settings

from .common import err_console, fail, out_console

ROWS = [
    ("corpus_articles", "corpus: articles", "{:.0f}"),
    ("corpus_avg_words", "corpus: average words", "{:.0f}"),
    ("raw_docs_per_s_one_core", "raw nlp.pipe, 1 process (docs/s)", "{:.1f}"),
    ("raw_docs_per_s_all_cores", "raw nlp.pipe, all cores (docs/s)", "{:.1f}"),
    ("extract_docs_per_s", "newsmon extract, 1 process (docs/s)", "{:.1f}"),
    ("ratio_extract_to_raw_one_core", "  ratio to raw, 1 process", "{:.2f}"),
    ("topic_ms_per_article", "  topic matching (ms per article)", "{:.2f}"),
    ("topic_share_of_extract", "  topic matching, share of extraction", "{:.1%}"),
    ("end_to_end_docs_per_s", "end to end, publish to searchable (docs/s)", "{:.1f}"),
    ("ratio_end_to_end_to_raw", "  ratio to raw, all cores", "{:.2f}"),
    ("offered_load_docs_per_s", "latency run: offered load (docs/s)", "{:.1f}"),
    ("latency_p50_s", "  publish to searchable p50 (s)", "{:.2f}"),
    ("latency_p95_s", "  publish to searchable p95 (s)", "{:.2f}"),
    ("latency_p99_s", "  publish to searchable p99 (s)", "{:.2f}"),
    ("latency_to_indexed_p50_s", "  publish to indexed by the worker p50 (s)", "{:.2f}"),
    ("latency_to_indexed_p99_s", "  publish to indexed by the worker p99 (s)", "{:.2f}"),
    ("rules_active", "active alert rules", "{:.0f}"),
    ("match_ms_per_article", "  matching cost per article (ms)", "{:.2f}"),
    ("alerts_received", "  webhook alerts timed", "{:.0f}"),
    ("alert_latency_p50_s", "  indexed to webhook p50 (s)", "{:.3f}"),
    ("alert_latency_p99_s", "  indexed to webhook p99 (s)", "{:.3f}"),
    ("worker_peak_rss_mb", "worker peak memory, with its processes (MB)", "{:.0f}"),
    ("knowledge_rss_mb", "knowledge base in a process (MB)", "{:.0f}"),
]


@click.command()
@click.option("--articles", default=300, show_default=True, help="Corpus size for the throughput runs.")
@click.option("--latency-articles", default=200, show_default=True, help="Articles published at half load for latency.")
@click.option("--rules", default=1000, show_default=True, help="Active alert rules during the run.")
@click.option("--seed", default=7, show_default=True, help="Corpus seed (same seed, same texts).")
@click.option("--no-stack", is_flag=True, help="Only the in-process measurements (no Kafka, no Elasticsearch).")
@click.option("--feeds", "feeds", is_flag=True,
              help="Measure the feed poller instead (200 feeds of 20 items on a local site) beside extraction.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with every figure.")
def bench(articles, latency_articles, rules, seed, no_stack, feeds, as_json):
    """Measure newsmon against the raw spaCy ceiling, in one run on the local stack."""
    from newsmon.bench.runner import run

    logging.getLogger("kafka").setLevel(logging.ERROR)
    settings = get_settings()
    if feeds:
        _feeds_bench(settings, as_json)
        return
    if not no_stack:
        from newsmon.stack import StackError, up

        try:
            up(settings, echo=lambda line: err_console.print(line, highlight=False))
        except StackError as exc:
            fail(str(exc))
    result = run(settings, articles=articles, latency_articles=latency_articles, seed=seed, rules=rules,
                 echo=lambda line: err_console.print(line, highlight=False), on_stack=not no_stack)
    if as_json:
        click.echo(json.dumps(result.figures))
        return
    table = Table(title="newsmon bench")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, label, fmt in ROWS:
        value = result.figures.get(key)
        table.add_row(label, "-" if value is None else fmt.format(value))
    out_console.print(table)
    cpu = result.figures.get("cpu_s_per_doc")
    if cpu:
        out_console.print("end to end, CPU seconds per article: " + ", ".join(f"{k} {v:.3f}" for k, v in cpu.items()))
    stages = result.figures.get("worker_stage_seconds")
    if stages:
        out_console.print("worker, mean seconds per batch by stage: " + ", ".join(f"{k} {v:.3f}" for k, v in stages.items()))


FEED_ROWS = [
    ("feeds", "feeds polled", "{:.0f}"),
    ("items_published", "  articles published", "{:.0f}"),
    ("items_failed", "  items or feeds failed", "{:.0f}"),
    ("poller_items_per_s", "poller: articles per second", "{:.1f}"),
    ("poller_cpu_s_per_item", "  CPU seconds per article", "{:.4f}"),
    ("extract_docs_per_s_one_process", "extraction, 1 process (articles/s)", "{:.1f}"),
    ("extract_cpu_s_per_doc", "  CPU seconds per article", "{:.4f}"),
    ("extract_docs_per_s_all_cores", "extraction, all worker cores (articles/s)", "{:.1f}"),
    ("ratio_poller_to_extraction", "poller / extraction, articles per second", "{:.1f}"),
    ("ratio_cpu_per_item_extraction_to_poller", "extraction / poller, CPU per article", "{:.1f}"),
]


def _feeds_bench(settings, as_json: bool) -> None:
    from newsmon.bench.feeds import run_feeds_bench

    figures = run_feeds_bench(settings, echo=lambda line: err_console.print(line, highlight=False))
    if as_json:
        click.echo(json.dumps(figures))
        return
    table = Table(title="newsmon bench --feeds")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, label, fmt in FEED_ROWS:
        value = figures.get(key)
        table.add_row(label, "-" if value is None else fmt.format(value))
    out_console.print(table)
