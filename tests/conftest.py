"""Fixtures shared by the whole suite.

The seed article lives outside the repository (it is real news text we may not copy in):
``../shared/samples/seed-article.txt`` next to the clone, or wherever NEWSMON_SAMPLES_DIR points.
A missing sample is a failure, never a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import RunningWorker, SmtpPeer

from newsmon.alerts.receiver import WebhookReceiver
from newsmon.config import Settings, load_settings
from newsmon.scratch import drop_scratch, scratch_settings

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
def http_peer() -> Iterator[WebhookReceiver]:
    """A real HTTP server that receives webhook and Slack alerts."""
    peer = WebhookReceiver()
    yield peer
    peer.close()


@pytest.fixture(scope="session")
def isolated(stack: Settings, smtp_peer: SmtpPeer, http_peer: WebhookReceiver) -> Iterator[Settings]:
    """Settings of this test session: the shared stack, but topics and indices of our own. The outbound
    policy lets alerts through to the session's HTTP peer (its loopback address and port) and nowhere else local."""
    # Fault injection is on for marked articles only (newsmon.stream.faults): tests/e2e/test_poison.py uses it.
    settings = scratch_settings(stack, prefix="t", worker_processes=1, smtp_host="127.0.0.1", smtp_port=smtp_peer.port,
                                faults="enrich,index,bulk,alert", allowed_hosts=http_peer.allowed_host)
    yield settings
    drop_scratch(settings)


@pytest.fixture(scope="session")
def worker(isolated: Settings, tmp_path_factory) -> Iterator[RunningWorker]:
    """A real ``newsmon worker`` process on the session's topics, ready to consume."""
    running = RunningWorker.start(isolated, tmp_path_factory.mktemp("worker") / "worker.log")
    yield running
    running.stop()
