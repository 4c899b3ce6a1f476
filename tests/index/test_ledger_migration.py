"""Alert records written before channels were stored without secrets move under their new ids, once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from newsmon.alerts.ledger import PENDING, SENT, AlertLedger, channel_key
from newsmon.alerts.rules import AlertRule
from newsmon.index.client import make_async_client
from newsmon.index.documents import alert_delivery_document, alert_delivery_id
from newsmon.index.templates import install
from newsmon.models import Alert, AlertArticle

pytestmark = pytest.mark.integration

SLACK = "slack:https://hooks.slack.com/services/T000/B000/old-record-secret-42"


def test_records_holding_a_whole_channel_name_move_under_the_keyed_id(es, fresh_prefix):
    settings = fresh_prefix("ledgermove")
    install(es, settings)
    rule = AlertRule(name="harbour", query="harbour", channels=[SLACK, "kafka"], secret="s" * 24)
    slack, kafka = rule.channels
    alerts = [Alert(id=f"a{n}", rule="harbour", query="harbour", fired_at=datetime.now(timezone.utc),
                    articles=[AlertArticle(id=f"art{n}", title="Harbour closed")]) for n in range(2)]
    # As the worker wrote them before: the channel's whole name in _id and in `channel`.
    for alert, status in zip(alerts, (PENDING, SENT)):
        _, doc = alert_delivery_document(alert, channel=slack.name, channel_type="slack", status=status,
                                         error=f"could not post to {slack.target}" if status == PENDING else None)
        es.index(index=settings.alerts_index, id=alert_delivery_id(alert.id, slack.name), document=doc)
    _, doc = alert_delivery_document(alerts[0], channel=kafka.name, channel_type="kafka", status=SENT)
    es.index(index=settings.alerts_index, id=alert_delivery_id(alerts[0].id, kafka.name), document=doc, refresh=True)

    async def migrate() -> tuple[int, int]:
        client = make_async_client(settings)
        try:
            ledger = AlertLedger(client, settings.alerts_index)
            return await ledger.migrate([rule]), await ledger.migrate([rule])
        finally:
            await client.close()

    first, second = asyncio.run(migrate())
    assert (first, second) == (2, 0)  # once
    es.indices.refresh(index=settings.alerts_index)
    hits = es.search(index=settings.alerts_index, size=10)["hits"]["hits"]
    stored = repr(hits)
    assert "old-record-secret-42" not in stored
    key = channel_key(slack, rule)
    assert sorted(h["_id"] for h in hits) == sorted([f"a0:{key}", f"a1:{key}", "a0:kafka"])
    by_id = {h["_id"]: h["_source"] for h in hits}
    assert by_id[f"a0:{key}"]["status"] == PENDING and by_id[f"a1:{key}"]["status"] == SENT  # states kept
    assert by_id[f"a0:{key}"]["channel"] == key
