"""Fault-tolerance tests: each runs its own worker (so it can kill it) on topics and indices of its own."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest
from support import RunningWorker

from newsmon.alerts.receiver import WebhookReceiver
from newsmon.config import Settings
from newsmon.scratch import drop_scratch, scratch_settings
from newsmon.stream.kafka import ensure_topics
from newsmon.stream.launcher import start_worker, wait_until_ready


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    """A webhook receiver of the test's own, the one local target its workers may deliver to."""
    peer = WebhookReceiver()
    yield peer
    peer.close()


@pytest.fixture
def scratch(stack: Settings, receiver: WebhookReceiver) -> Iterator[Settings]:
    settings = scratch_settings(stack, prefix="r", allowed_hosts=receiver.allowed_host)
    ensure_topics(settings)
    yield settings
    drop_scratch(settings)


class Workers:
    """Starts workers on one scratch run; stops whatever is left at the end."""

    def __init__(self, settings: Settings, folder):
        self.settings, self.folder, self.started = settings, folder, []

    def start(self, **overrides) -> RunningWorker:
        """A worker of this run (same topics, same consumer group); overrides e.g. its web port."""
        settings = self.settings.model_copy(update=overrides)
        log = self.folder / f"worker-{len(self.started)}.log"
        process = start_worker(settings, log)
        worker = RunningWorker(settings, process, log)
        self.started.append(worker)
        wait_until_ready(settings, process, log, timeout=240)
        return worker

    @staticmethod
    def kill_hard(worker: RunningWorker) -> None:
        """kill -9 the worker and its extraction processes (its own process group), as a crash would."""
        os.killpg(worker.process.pid, signal.SIGKILL)
        worker.process.wait(30)

    def stop_all(self) -> None:
        for worker in self.started:
            worker.stop()


@pytest.fixture
def workers(scratch: Settings, tmp_path) -> Iterator[Workers]:
    pool = Workers(scratch, tmp_path)
    yield pool
    pool.stop_all()
