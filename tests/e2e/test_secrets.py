"""Secrets never appear in what newsmon prints, logs, stores or serves.

One run with every kind of secret configured: Elasticsearch, Kafka and SMTP passwords, an API
token, the rule-secret key (two, for a rotation), a rule's HMAC secret, a Slack-style webhook
whose path is the credential, a webhook URL with userinfo and a token, an Elasticsearch URL
with a password, a Kibana password. The worker (at debug level, so third-party loggers such as
httpx and aiokafka speak) and every CLI command that can run against the local stack run with
them; then everything they printed, the worker log, the ``news-alerts`` documents, the raw
bytes of the rules topic, ``/metrics`` and ``GET /alerts/rules`` are searched for each secret.
Not run: ``demo`` (its own background worker on the default topics), ``eval`` and ``bench``
(minutes of CPU), ``stack up``/``down`` (the shared stack), ``reindex`` and ``reprocess``
beyond a run that finds nothing to do.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import uuid

import httpx
import pytest
from cryptography.fernet import Fernet
from kafka import KafkaConsumer, TopicPartition
from support import RunningWorker, SmtpPeer, wait_for

from newsmon.alerts.receiver import WebhookReceiver
from newsmon.index.client import make_client
from newsmon.scratch import drop_scratch, free_port, scratch_settings
from newsmon.stream.kafka import ensure_topics, kafka_python_options
from newsmon.stream.launcher import start_worker, wait_until_ready, worker_url

pytestmark = pytest.mark.integration

ARTICLE = {"title": "Harbour closed", "source": "wire", "language": "en",
           "body": "Port authorities closed the harbour of Valdora on Monday after a storm damaged the northern pier."}


def rules_topic_bytes(settings) -> bytes:
    """Every key and value on the rules topic, as Kafka stores them."""
    consumer = KafkaConsumer(enable_auto_commit=False, consumer_timeout_ms=3000, **kafka_python_options(settings))
    try:
        partitions = [TopicPartition(settings.alert_rules_topic, p)
                      for p in sorted(consumer.partitions_for_topic(settings.alert_rules_topic) or [])]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        return b"\n".join((r.key or b"") + b"=" + (r.value or b"") for r in consumer)
    finally:
        consumer.close()


def test_a_run_configured_with_secrets_never_shows_them(stack, tmp_path):
    secret = {name: f"{name}-{uuid.uuid4().hex}" for name in (
        "es", "es_url", "kafka", "smtp", "api_token", "hmac", "slack", "hook_password", "hook_token", "kibana")}
    secret["key"], secret["old_key"] = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    smtp = SmtpPeer(logins={"newsmon": secret["smtp"]})  # would accept the login: newsmon must not try it in clear
    receiver = WebhookReceiver()
    slack_path = f"/services/T000/B000/{secret['slack']}"
    receiver.fail_paths[slack_path] = -1  # its errors name the target: they must not show the path
    hook_path = f"/hook?token={secret['hook_token']}"
    slack_url = receiver.url_for(slack_path)
    hook_url = f"http://hookuser:{secret['hook_password']}@127.0.0.1:{receiver.port}{hook_path}"
    # Credentials the local stack does not check (security is off on loopback) but newsmon must carry.
    settings = scratch_settings(
        stack, prefix="s", worker_processes=1, allowed_hosts="127.0.0.1",
        es_username="newsmon", es_password=secret["es"],
        kafka_username="newsmon", kafka_password=secret["kafka"],
        smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_username="newsmon", smtp_password=secret["smtp"],
        api_token=secret["api_token"], secret_key=f"{secret['key']},{secret['old_key']}",
    )
    env = {**os.environ, **settings.as_env(), "COLUMNS": "200"}
    outputs: list[str] = []

    def newsmon(*args: str, stdin: str | None = None, **extra_env: str) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "newsmon.cli.main", *args], env={**env, **extra_env}, input=stdin,
                                capture_output=True, text=True, timeout=300)
        outputs.append(f"$ newsmon {' '.join(args[:2])} ...\n{result.stdout}{result.stderr}")  # not the arguments: they hold secrets
        return result

    def ok(*args: str, **kwargs) -> str:
        result = newsmon(*args, **kwargs)
        assert result.returncode == 0, f"newsmon {' '.join(args)} failed: {result.stdout}{result.stderr}"
        return result.stdout + result.stderr

    article_file = tmp_path / "article.json"
    article_file.write_text(json.dumps({**ARTICLE, "id": "s-file"}))
    auth = {"Authorization": f"Bearer {secret['api_token']}"}
    worker = None
    served: list[str] = []
    try:
        ensure_topics(settings)
        ok("es", "setup")
        log = tmp_path / "worker.log"
        worker = RunningWorker(settings, start_worker(settings, log, ["--loglevel", "debug"]), log)
        wait_until_ready(settings, worker.process, log, timeout=240)

        added = ok("alerts", "add", "--name", "secretive", "--query", "harbour", "--secret", secret["hmac"],
                   "--channel", f"slack:{slack_url}", "--channel", f"webhook:{hook_url}", "--channel", "email:desk@example.org")
        assert "slack:http://127.0.0.1:%d/services/***" % receiver.port in added  # shown, but not its secret path
        assert f"webhook:http://127.0.0.1:{receiver.port}/hook?token=***" in added
        listed = ok("alerts", "list")
        assert "services/***" in listed
        ok("alerts", "list", "--json")
        ok("alerts", "test", "secretive", str(article_file))
        ok("alerts", "disable", "secretive")
        ok("alerts", "enable", "secretive")
        ok("alerts", "reencrypt")  # the rotation step: every rule under the newest key
        ok("alerts", "new-key")

        base = worker_url(settings)
        wait_for(lambda: any(r["name"] == "secretive" and r["enabled"]
                             for r in httpx.get(f"{base}/alerts/rules", headers=auth).json()), what="the worker to see the rule")
        ok("publish", "-", stdin=json.dumps({**ARTICLE, "id": f"s-{uuid.uuid4().hex[:6]}"}))
        newsmon("publish", "-", stdin='{"title": "broken"}')  # a dead letter, logged and shown by `status`

        es = make_client(settings)

        def three_outcomes():
            es.options(ignore_status=404).indices.refresh(index=settings.alerts_index)
            hits = es.options(ignore_status=404).search(index=settings.alerts_index, query={"term": {"rule": "secretive"}})
            docs = [{"_id": h["_id"], **h["_source"]} for h in hits.get("hits", {}).get("hits", [])]
            return docs if len(docs) == 3 and all(d["status"] in ("sent", "failed") for d in docs) else None

        ledger = wait_for(three_outcomes, timeout=120, what="the three deliveries to finish")
        outcome = {d["channel_type"]: d for d in ledger}
        assert outcome["webhook"]["status"] == "sent"
        assert outcome["slack"]["status"] == "failed" and outcome["slack"]["error"] == "the target answered 500 Internal Server Error"
        assert outcome["email"]["status"] == "failed" and "in clear" in outcome["email"]["error"]
        assert smtp.logins == [] and smtp.messages == []  # the password never went out
        # The real targets were used: the webhook with its token (and signed), the Slack path with its secret.
        (hook,) = receiver.received(hook_path)
        assert hook.headers["X-Newsmon-Signature"] == "sha256=" + hmac.new(secret["hmac"].encode(), hook.body, hashlib.sha256).hexdigest()
        assert receiver.received(slack_path)

        served.append(httpx.get(f"{base}/alerts/rules", headers=auth).text)
        served.append(httpx.get(f"{base}/alerts/rules/secretive", headers=auth).text)
        replaced = httpx.post(f"{base}/alerts/rules", headers=auth, json={
            "name": "secretive", "query": "harbour", "channels": [f"slack:{slack_url}", f"webhook:{hook_url}", "email:desk@example.org"]})
        assert replaced.status_code == 201 and replaced.json()["secret"] == "********"  # shown on create only
        served.append(replaced.text)
        served.append(httpx.post(f"{base}/alerts/rules/secretive/disable", headers=auth).text)
        served.append(httpx.get(f"{base}/metrics").text)
        assert "services/***" in served[0] and "********" in served[0]

        ok("search", "harbour")
        ok("search", "harbour", "--json")
        ok("events")
        ok("events", "--json")
        ok("extract", str(article_file))
        ok("topics", "list")
        ok("topics", "validate")
        ok("topics", "check", str(article_file))
        ok("es", "status")
        ok("status")
        ok("status", "--json")
        ok("stack", "status")
        ok("publish", "--dry-run", str(article_file))
        ok("reindex", "--since", "now+1d")
        ok("reprocess", "--since", "2999-01-01", "--dry-run")
        # Errors that name an Elasticsearch URL holding a password, and a Kibana that is not there.
        closed = f"http://newsmon:{secret['es_url']}@127.0.0.1:{free_port()}"
        for args in (("search", "harbour"), ("status",), ("events",), ("es", "status")):
            failed = newsmon(*args, NEWSMON_ES_URL=closed)
            assert failed.returncode != 0 or args == ("status",)
        newsmon("kibana", "setup", NEWSMON_KIBANA_URL=f"http://kuser:{secret['kibana']}@127.0.0.1:{free_port()}",
                NEWSMON_KIBANA_USERNAME="kuser", NEWSMON_KIBANA_PASSWORD=secret["kibana"])
        ok("alerts", "remove", "secretive")

        topic = rules_topic_bytes(settings)
        assert b'"sealed"' in topic and b"services/***" in topic
        worker_log = worker.log()
        assert "--- Logging error ---" not in worker_log  # masking broke no record
        assert "warning: email alerts will not be sent: the SMTP password would go to" in worker_log  # said once at start
        assert "HTTP Request: POST http://127.0.0.1:%d/services/***" % receiver.port in worker_log  # httpx at debug, masked
    finally:
        if worker is not None:
            worker.stop()
        receiver.close()
        smtp.close()
        drop_scratch(settings)

    shown = {
        "CLI output": "\n".join(outputs),
        "worker log": worker_log,
        "news-alerts documents": json.dumps(ledger),
        "API responses and /metrics": "\n".join(served),
    }
    assert "newsmon status" in shown["CLI output"]  # ordinary words (user names among them) are not masked
    for where, text in shown.items():
        for name, value in secret.items():
            assert value not in text, f"the {name} secret is in the {where}"
    for name in ("hmac", "slack", "hook_password", "hook_token"):
        assert secret[name].encode() not in topic, f"the {name} secret is on the rules topic in clear"
