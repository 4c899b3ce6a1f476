"""``newsmon worker``: run the Faust worker that enriches, indexes and alerts."""

from __future__ import annotations

import logging
import time

import click

from newsmon.config import Settings, get_settings
from newsmon.index import templates

from newsmon.ops.redact import display_url
from .common import err_console, fail, user_file_problem
from .errors import PEER_DOWN


def install_indices(settings: Settings, timeout: float) -> None:
    """Install index templates once Elasticsearch answers (it may still be starting)."""
    from .es import connect

    try:
        report = templates.install(connect(settings, timeout), settings)
    except templates.MappingOutdated as exc:
        fail(str(exc))
    for note in [*report.notes, *(f"{alias}: {todo}" for alias, todo in report.outdated.items())]:
        err_console.print(f"note: {note}", highlight=False)


def wait_for_kafka(settings: Settings, timeout: float) -> None:
    from newsmon.stream.access import KafkaAccessError
    from newsmon.stream.kafka import ensure_topics

    started = time.monotonic()
    deadline = started + timeout
    while True:
        try:
            ensure_topics(settings)
            return
        except KafkaAccessError as exc:  # wrong credentials or TLS settings: waiting will not help
            fail(str(exc))
        except Exception:  # noqa: BLE001 - any bootstrap failure: try again until the deadline
            if time.monotonic() > deadline:
                fail(f"Kafka at {settings.kafka_bootstrap} did not answer in {time.monotonic() - started:.0f} s of trying: start it "
                     "(`newsmon stack up` for the local stack) or set NEWSMON_KAFKA_BOOTSTRAP; NEWSMON_STACK_TIMEOUT_S "
                     "sets how long the worker waits.", PEER_DOWN)
            time.sleep(2)


@click.command()
@click.option("--processes", type=int, help="Extraction processes (default: one per core).")
@click.option("--batch-size", type=int, help="Articles per batch.")
@click.option("--web-port", type=int, help="Port of /healthz, /readyz, /metrics and the rules API.")
@click.option("--loglevel", default="info", show_default=True, type=click.Choice(["debug", "info", "warning", "error"]))
def worker(processes, batch_size, web_port, loglevel):
    """Consume news.articles, enrich, index into Elasticsearch, publish news.enriched, send alerts."""
    from newsmon.stream.exits import record_exit

    settings = get_settings()
    overrides = {"worker_processes": processes, "batch_size": batch_size, "web_port": web_port}
    settings = settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    try:
        run_worker(settings, loglevel)
    except SystemExit as exc:
        if exc.code not in (0, None):
            record_exit(settings, last_words(exc))
        raise


def last_words(exc: SystemExit) -> str:
    """The one sentence a fatal exit leaves: what fail() printed, or the crash reason Faust kept."""
    from newsmon.stream import app as stream_app

    reason = stream_app.crash_reason()
    if reason:
        return reason
    if isinstance(exc.code, str):
        return exc.code
    return getattr(exc, "newsmon_message", None) or f"exited with status {exc.code}; see the worker log"


def check_configuration(settings: Settings) -> None:
    """Read the topics file and the knowledge base once here, so a mistake in them is one sentence now,
    not a crash of every extraction process after Kafka and Elasticsearch were set up."""
    from newsmon.nlp.knowledge import KnowledgeError, load_knowledge
    from newsmon.rules import TopicFileError, TopicSet

    try:
        TopicSet.load(settings.topics_file)
        if settings.knowledge_dir is not None:  # the shipped files are checked by the tests; a user's may not be
            load_knowledge(settings.knowledge_dir)
    except (TopicFileError, KnowledgeError) as exc:
        fail(user_file_problem(exc) or str(exc))


def check_secrets(settings: Settings) -> None:
    """A bad NEWSMON_SECRET_KEY stops the worker now, in one sentence; an SMTP login that would go
    in clear is one warning (email deliveries then fail with the reason, docs/security.md)."""
    from newsmon.alerts.channels.email import plaintext_auth_problem
    from newsmon.ops.keys import SecretKeyError, rule_cipher

    try:
        rule_cipher(settings)
    except SecretKeyError as exc:
        fail(str(exc))
    problem = plaintext_auth_problem(settings)
    if problem:
        err_console.print(f"warning: email alerts will not be sent: {problem}.", highlight=False)


def run_worker(settings: Settings, loglevel: str) -> None:
    from newsmon.stream.web_guard import check_bind

    check_bind(settings)  # before any wait: an API open to the network is refused at once
    err_console.print(f"newsmon worker: Kafka {settings.kafka_bootstrap}, Elasticsearch {display_url(settings.es_url)}", highlight=False)
    check_configuration(settings)
    check_secrets(settings)
    wait_for_kafka(settings, settings.stack_timeout_s)
    install_indices(settings, settings.stack_timeout_s)

    from faust.worker import Worker

    from newsmon.ops import logs
    from newsmon.stream.app import create_app

    class NewsmonWorker(Worker):
        def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
            super().on_setup_root_logger(logger, level)
            logs.install(logger)  # one line per peer problem per interval during outages

    if loglevel != "debug":  # one line per request: noise, except when debugging (secrets are masked either way)
        logging.getLogger("elastic_transport").setLevel(logging.WARNING)
        logging.getLogger("httpx").setLevel(logging.WARNING)
    app = create_app(settings)
    NewsmonWorker(app, loglevel=loglevel, quiet=True).execute_from_commandline()
