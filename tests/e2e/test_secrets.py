"""Secrets never appear in logs, error messages or command output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
from support import RunningWorker, SmtpPeer, wait_for

from newsmon.alerts.receiver import WebhookReceiver
from newsmon.index.client import make_client
from newsmon.scratch import drop_scratch, scratch_settings
from newsmon.stream.kafka import ensure_topics
from newsmon.stream.launcher import start_worker, wait_until_ready

pytestmark = pytest.mark.integration


def test_a_run_configured_with_secrets_never_shows_them(stack, tmp_path):
    secrets = {name: f"{name}-{uuid.uuid4().hex}" for name in ("es", "kafka", "smtp", "webhook")}
    smtp = SmtpPeer()  # speaks no AUTH: the login fails, and its error must not carry the password
    receiver = WebhookReceiver()
    receiver.fail_paths["/hook"] = -1
    # Credentials the local stack does not check (security is off on loopback) but newsmon must carry.
    settings = scratch_settings(
        stack, prefix="s", worker_processes=1,
        es_username="newsmon", es_password=secrets["es"],
        kafka_username="newsmon", kafka_password=secrets["kafka"],
        smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_username="newsmon", smtp_password=secrets["smtp"],
        allowed_hosts=receiver.allowed_host,
    )
    env = {**os.environ, **settings.as_env(), "COLUMNS": "200"}
    outputs: list[str] = []

    def newsmon(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "newsmon.cli.main", *args], env=env, input=stdin,
                                capture_output=True, text=True, timeout=300)
        outputs.append(result.stdout + result.stderr)
        return result

    worker = None
    try:
        ensure_topics(settings)
        log = tmp_path / "worker.log"
        worker = RunningWorker(settings, start_worker(settings, log, ["--loglevel", "debug"]), log)
        wait_until_ready(settings, worker.process, log, timeout=240)
        assert newsmon("alerts", "add", "--name", "secretive", "--query", "harbour", "--secret", secrets["webhook"],
                       "--channel", f"webhook:{receiver.url_for('/hook')}", "--channel", "email:desk@example.org").returncode == 0
        article = {"id": f"s-{uuid.uuid4().hex[:6]}", "title": "Harbour closed", "body": "The harbour closed after a storm."}
        assert newsmon("publish", "-", stdin=json.dumps(article)).returncode == 0
        newsmon("publish", "-", stdin='{"title": "broken"}')  # a dead letter, logged

        es = make_client(settings)

        def both_failed():
            es.options(ignore_status=404).indices.refresh(index=settings.alerts_index)
            hits = es.options(ignore_status=404).search(index=settings.alerts_index, query={"term": {"rule": "secretive"}})
            records = [h["_source"] for h in hits.get("hits", {}).get("hits", [])]
            return records if len(records) == 2 and all(r["status"] == "failed" for r in records) else None

        records = wait_for(both_failed, timeout=120, what="both deliveries to fail")
        outputs.extend(r["error"] for r in records)
        newsmon("alerts", "list", "--json")
        newsmon("alerts", "list")
        newsmon("stack", "status")
        outputs.append(worker.log())
    finally:
        if worker is not None:
            worker.stop()
        receiver.close()
        smtp.close()
        drop_scratch(settings)

    everything = "\n".join(outputs)
    assert "SMTP AUTH" in everything or "AUTH" in everything  # the failure itself is explained...
    for name, secret in secrets.items():
        assert secret not in everything, f"the {name} secret leaked"
