"""Fixtures shared by the whole suite.

The seed article lives outside the repository (it is real news text we may not copy in):
``../shared/samples/seed-article.txt`` next to the clone, or wherever NEWSMON_SAMPLES_DIR points.
A missing sample is a failure, never a skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED_PUBLISHED_AT = "2017-03-18"


def samples_dir() -> Path:
    candidates = [
        os.environ.get("NEWSMON_SAMPLES_DIR"),
        REPO_ROOT.parent / "shared" / "samples",
        "/work/shared/samples",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "seed-article.txt").is_file():
            return Path(candidate)
    raise FileNotFoundError(
        "seed-article.txt not found: set NEWSMON_SAMPLES_DIR to the folder holding it "
        f"(looked in {[str(c) for c in candidates if c]})"
    )


@pytest.fixture(scope="session")
def seed_article_path() -> Path:
    """Path of the Reuters seed article (Putin and Nazarbayev discuss Syria, 2017-03-18)."""
    return samples_dir() / "seed-article.txt"


# --- the real local stack -------------------------------------------------------------
#
# Integration tests run against the Kafka and Elasticsearch that `newsmon stack up` starts
# (or those NEWSMON_KAFKA_BOOTSTRAP / NEWSMON_ES_URL point at). Each test session works in
# its own topics and indices (a run prefix), so leftovers of `make run` or of an earlier
# session never leak into assertions. Unreachable services fail the tests: never a skip.

import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402

from support import HttpPeer, RunningWorker, SmtpPeer, free_port  # noqa: E402

from newsmon.config import Settings, load_settings  # noqa: E402


@pytest.fixture(scope="session")
def stack() -> Settings:
    """The running local stack (started if needed). Fails the session if it cannot be reached."""
    from newsmon.stack import StackError, up

    settings = load_settings()
    try:
        up(settings, echo=lambda *_: None)
    except StackError as exc:
        pytest.fail(f"the local stack is not available: {exc}", pytrace=False)
    return settings


@pytest.fixture(scope="session")
def smtp_peer() -> Iterator[SmtpPeer]:
    """A real SMTP server the session's worker sends alert emails to."""
    peer = SmtpPeer()
    yield peer
    peer.close()


@pytest.fixture(scope="session")
def http_peer() -> Iterator[HttpPeer]:
    """A real HTTP server that receives webhook and Slack alerts."""
    peer = HttpPeer()
    yield peer
    peer.close()


@pytest.fixture(scope="session")
def isolated(stack: Settings, smtp_peer: SmtpPeer) -> Iterator[Settings]:
    """Settings of this test session: the shared stack, but topics and indices of our own."""
    run = f"t{uuid.uuid4().hex[:8]}"
    settings = stack.model_copy(update={
        "articles_topic": f"{run}.news.articles",
        "enriched_topic": f"{run}.news.enriched",
        "dlq_topic": f"{run}.news.articles.dlq",
        "alerts_topic": f"{run}.news.alerts",
        "alert_rules_topic": f"{run}.news.alert-rules",
        "stories_topic": f"{run}.news.stories",
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp_peer.port,
        "index_prefix": f"{run}-news",
        "worker_id": f"newsmon-{run}",
        "web_port": free_port(),
        "worker_processes": 1,
    })
    yield settings
    _drop_run(settings, run)


def _drop_run(settings: Settings, run: str) -> None:
    from kafka import KafkaAdminClient

    from newsmon.index.client import make_client
    from newsmon.stream.kafka import kafka_python_options

    es = make_client(settings)
    es.options(ignore_status=404).indices.delete(index=f"{run}-*", expand_wildcards="all")
    es.options(ignore_status=404).indices.delete_index_template(name=f"{run}-*")
    admin = KafkaAdminClient(**kafka_python_options(settings))
    try:
        ours = [t for t in admin.list_topics() if t.startswith(run) or t.startswith(f"newsmon-{run}")]
        if ours:
            admin.delete_topics(ours)
    finally:
        admin.close()


@pytest.fixture(scope="session")
def worker(isolated: Settings, tmp_path_factory) -> Iterator[RunningWorker]:
    """A real ``newsmon worker`` process on the session's topics, ready to consume."""
    from newsmon.stream.launcher import WorkerNotReady, start_worker, wait_until_ready

    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    process = start_worker(isolated, log_path)
    running = RunningWorker(isolated, process, log_path)
    try:
        wait_until_ready(isolated, process, log_path, timeout=240)
    except WorkerNotReady as exc:
        running.stop()
        pytest.fail(str(exc), pytrace=False)
    yield running
    running.stop()
