"""``newsmon worker``: run the Faust worker that enriches, indexes and alerts."""

from __future__ import annotations

import logging
import time

import click

from newsmon.config import Settings, get_settings
from newsmon.index import templates
from newsmon.index.client import make_client

from .common import err_console, fail


def wait_for_elasticsearch(settings: Settings, timeout: float) -> None:
    """Install index templates, waiting for Elasticsearch to answer first (it may still be starting)."""
    es = make_client(settings)
    deadline = time.monotonic() + timeout
    while True:
        try:
            es.cluster.health(wait_for_status="yellow", timeout="5s")
            report = templates.install(es, settings)
            for note in [*report.notes, *(f"{alias}: {todo}" for alias, todo in report.outdated.items())]:
                err_console.print(f"note: {note}", highlight=False)
            return
        except templates.MappingOutdated as exc:
            fail(str(exc))
        except Exception as exc:  # noqa: BLE001 - any other failure: wait and retry, then explain
            if time.monotonic() > deadline:
                fail(f"Elasticsearch at {settings.es_url} did not answer in {timeout:.0f}s ({exc}). "
                     "Start it with `newsmon stack up`, or set NEWSMON_ES_URL.")
            time.sleep(2)


def wait_for_kafka(settings: Settings, timeout: float) -> None:
    from newsmon.stream.kafka import ensure_topics

    deadline = time.monotonic() + timeout
    while True:
        try:
            ensure_topics(settings)
            return
        except Exception as exc:  # noqa: BLE001
            if time.monotonic() > deadline:
                fail(f"Kafka at {settings.kafka_bootstrap} did not answer in {timeout:.0f}s ({exc}). "
                     "Start it with `newsmon stack up`, or set NEWSMON_KAFKA_BOOTSTRAP.")
            time.sleep(2)


@click.command()
@click.option("--processes", type=int, help="Extraction processes (default: one per core).")
@click.option("--batch-size", type=int, help="Articles per batch.")
@click.option("--web-port", type=int, help="Port of /healthz, /readyz, /metrics and the rules API.")
@click.option("--loglevel", default="info", show_default=True, type=click.Choice(["debug", "info", "warning", "error"]))
def worker(processes, batch_size, web_port, loglevel):
    """Consume news.articles, enrich, index into Elasticsearch, publish news.enriched, send alerts."""
    settings = get_settings()
    overrides = {"worker_processes": processes, "batch_size": batch_size, "web_port": web_port}
    settings = settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    err_console.print(f"newsmon worker: Kafka {settings.kafka_bootstrap}, Elasticsearch {settings.es_url}", highlight=False)
    wait_for_kafka(settings, settings.stack_timeout_s)
    wait_for_elasticsearch(settings, settings.stack_timeout_s)

    from faust.worker import Worker

    from newsmon.stream.app import create_app

    logging.getLogger("elastic_transport").setLevel(logging.WARNING)
    app = create_app(settings)
    Worker(app, loglevel=loglevel, quiet=True).execute_from_commandline()
