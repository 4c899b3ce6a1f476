"""The secure local stack for the tests of this folder: started once, stopped at the end of the session.

A second Kafka (SASL_SSL, SCRAM-SHA-512, ACLs) and Elasticsearch (TLS, file-realm user) beside the
plain stack, on their own ports and state folder (newsmon.stack.secure). Starting it costs about a
minute on a cold machine; a session that started it stops it afterwards, so it holds no memory between
CI sessions (one already running, e.g. while developing, is left running).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from newsmon.config import Settings, load_settings
from newsmon.scratch import drop_scratch, scratch_run, scratch_settings
from newsmon.stack import StackError, secure
from newsmon.stream.kafka import ensure_topics


@pytest.fixture(scope="session")
def secure_stack() -> Iterator[secure.SecureStack]:
    base = load_settings()
    was_running = secure.running(base)
    try:
        stack = secure.up(base, echo=lambda *_: None)
    except StackError as exc:
        pytest.fail(f"the secure local stack did not start: {exc}", pytrace=False)
    yield stack
    if not was_running:
        secure.down(base, echo=lambda *_: None)


@pytest.fixture(scope="session")
def secure_settings(secure_stack: secure.SecureStack) -> Iterator[Settings]:
    """A scratch run on the secure stack, as the worker's user: its topics created and its ACLs granted by the admin."""
    run_settings = scratch_settings(load_settings(), prefix="s", worker_processes=1)
    settings = secure_stack.worker_settings(run_settings)
    admin = secure_stack.admin_settings(run_settings)
    ensure_topics(admin)
    # The deployment's setup step itself (deploy/docker-compose.yml, service setup), as the admin.
    env = {**os.environ, **admin.as_env(), "KAFKA_WORKER_USERNAME": secure.KAFKA_WORKER,
           "KAFKA_WORKER_PASSWORD": settings.kafka_password.get_secret_value(),
           "KAFKA_WORKER_TOPIC_PREFIX": f"{scratch_run(settings)}.", "KAFKA_WORKER_APP_ID": settings.worker_id}
    granted = subprocess.run([sys.executable, "-m", "newsmon.stream.acls"], env=env, capture_output=True, text=True, timeout=120)
    if granted.returncode != 0:
        pytest.fail(f"python -m newsmon.stream.acls failed: {granted.stderr}", pytrace=False)
    yield settings
    drop_scratch(admin)
