"""``newsmon alerts history`` on the real Elasticsearch, reading records the worker's own ledger wrote."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone

import pytest
from support import run_newsmon

from newsmon.alerts.history import history_query, since_bound
from newsmon.alerts.ledger import FAILED, HELD, SENT, AlertLedger, AlertRecord, alert_id
from newsmon.alerts.rules import AlertRule, RuleError
from newsmon.index.client import make_async_client
from newsmon.index.templates import install
from newsmon.models import Alert, AlertArticle
from newsmon.scratch import free_port

pytestmark = pytest.mark.integration

NOW = datetime.now(timezone.utc)


def record(rule: AlertRule, story: str, status: str, fired: datetime, error: str | None = None) -> AlertRecord:
    article = AlertArticle(id=f"a-{story}", story_id=story, title=f"Harbour story {story}", source="reuters")
    alert = Alert(id=alert_id(rule, story), rule=rule.name, query=rule.query, fired_at=fired, articles=[article])
    return AlertRecord(alert, rule, rule.channels[0], status, error=error, attempts=3 if status == FAILED else 1)


@pytest.fixture(scope="module")
def history(es, fresh_prefix):
    settings = fresh_prefix("history")
    install(es, settings)
    harbour = AlertRule(name="harbour", query="harbour", channels=["kafka"])
    ferry = AlertRule(name="ferry", query="ferry", channels=["webhook:https://example.org/hook"])
    records = [
        record(harbour, "s1", SENT, NOW - timedelta(minutes=5)),
        record(harbour, "s2", FAILED, NOW - timedelta(hours=2), error="connection refused by example.org"),
        record(ferry, "s3", HELD, NOW - timedelta(days=3)),
    ]

    async def write():
        client = make_async_client(settings)
        try:
            ledger = AlertLedger(client, settings.alerts_index)
            assert len(await ledger.claim(records)) == len(records)
            for r in records:
                await ledger.save(r)
            await client.indices.refresh(index=settings.alerts_index)
        finally:
            await client.close()

    asyncio.run(write())
    return settings


def listed(settings, *args) -> list[dict]:
    result = run_newsmon(settings, "alerts", "history", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_history_lists_every_delivery_newest_first(history):
    records = listed(history)
    assert [(r["rule"], r["status"]) for r in records] == [("harbour", "sent"), ("harbour", "failed"), ("ferry", "held")]
    assert records[1]["error"] == "connection refused by example.org" and records[1]["attempts"] == 3


def test_history_filters_by_rule_status_since_and_size(history):
    assert [r["status"] for r in listed(history, "--rule", "harbour")] == ["sent", "failed"]
    assert [r["rule"] for r in listed(history, "--status", "held")] == ["ferry"]
    assert [r["status"] for r in listed(history, "--since", "1d")] == ["sent", "failed"]
    assert [r["status"] for r in listed(history, "--since", "30m")] == ["sent"]
    assert len(listed(history, "--size", "1")) == 1
    assert listed(history, "--rule", "harbour", "--status", "held") == []


def test_history_table_shows_what_the_json_holds(history):
    result = run_newsmon(history, "alerts", "history")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "3 alert deliveries, newest first" in out
    assert "Harbour story s2" in out and "connection refused by example.org" in out and "held" in out and "reuters" in out


def test_history_without_matches_names_the_rules_that_have_alerts(history):
    result = run_newsmon(history, "alerts", "history", "--rule", "nosuch")
    assert result.returncode == 0, result.stderr
    assert "no alerts recorded for rule nosuch (rules with alerts recorded: ferry, harbour)" in " ".join(result.stdout.split())


@pytest.mark.parametrize(("args", "sentence"), [
    (("--since", "last tuesday"), "--since 'last tuesday' is not a time: write a duration (30m, 12h, 7d), today, yesterday"),
    (("--size", "-1"), "Invalid value for '--size': -1 is not in the range 1<=x<=10000"),
    (("--status", "lost"), "Invalid value for '--status'"),
])
def test_history_mistakes_are_sentences_with_status_1_or_2(history, args, sentence):
    result = run_newsmon(history, "alerts", "history", *args)
    assert result.returncode in (1, 2)  # click's usage errors are 2, ours 1
    assert sentence in " ".join(result.stderr.split()) and "Traceback" not in result.stderr


def test_history_with_elasticsearch_down_is_status_2(history):
    down = history.model_copy(update={"es_url": f"http://127.0.0.1:{free_port()}"})
    result = run_newsmon(down, "alerts", "history")
    assert result.returncode == 2
    assert f"Elasticsearch at {down.es_url} is not reachable" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr


def test_history_before_any_alert_says_so(es, fresh_prefix):
    empty = fresh_prefix("history-none")  # no news-alerts index at all
    result = run_newsmon(empty, "alerts", "history")
    assert result.returncode == 0, result.stderr
    assert "no alerts recorded" in result.stdout


def test_since_forms_and_query():
    now = datetime(2026, 12, 2, 10, 30, tzinfo=timezone.utc)
    assert since_bound("1d", now) == "2026-12-01T10:30:00+00:00"
    assert since_bound("90m", now) == "2026-12-02T09:00:00+00:00"
    assert since_bound("yesterday", now) == "2026-12-01T00:00:00+00:00"
    assert since_bound("today", now) == "2026-12-02T00:00:00+00:00"
    assert since_bound("2026-11-30", now) == "2026-11-30T00:00:00+00:00"
    assert since_bound("2026-11-30T12:00:00+01:00", now) == "2026-11-30T11:00:00+00:00"
    with pytest.raises(RuleError):
        since_bound("soon", now)
    assert history_query() == {"match_all": {}}
    assert history_query("r", "sent", "x") == {"bool": {"filter": [
        {"term": {"rule": "r"}}, {"term": {"status": "sent"}}, {"range": {"fired_at": {"gte": "x"}}}]}}
