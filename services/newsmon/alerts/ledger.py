"""The ``news-alerts`` index: the record of every alert, and the guard of "once per rule per story".

An alert's id is derived from its rule and the article's story (see :func:`alert_id`), and
each channel of it is one document, ``_id = <alert_id>:<channel>``. The first worker to
*create* that document owns the delivery; a redelivered article, a re-published one or a
syndicated copy (same story) finds the document already there and sends nothing. Records
move from ``pending`` (to deliver now), ``queued`` (waiting for a digest) or ``held`` (over
the throttle) to ``sent`` or ``failed`` (with the last error). A worker that restarts finds
``pending`` records and delivers them: at-least-once delivery, at most one alert per rule
and story.

No record holds a secret: a channel is stored by :func:`channel_key` (its display form, plus a
fingerprint when that form hides something, so two Slack webhooks on one host stay apart) and
errors go through the redaction layer.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from elasticsearch import AsyncElasticsearch, ConnectionTimeout, TransportError
from elasticsearch import ConnectionError as ESConnectionError

from newsmon.index.documents import alert_delivery_document, alert_delivery_id
from newsmon.index.indexer import IndexUnavailable
from newsmon.models import Alert

from newsmon.ops.redact import redact

from .rules import AlertRule, Channel

PENDING, QUEUED, HELD, SENT, FAILED = "pending", "queued", "held", "sent", "failed"
MIGRATE_PAIRS_PER_QUERY = 200  # (rule, channel) pairs per search when moving old records: two clauses each


def alert_id(rule: AlertRule, story_id: str) -> str:
    """The same rule (as created) and story always give the same alert id."""
    seed = f"{rule.name}\x00{rule.created_at.isoformat()}\x00{story_id}"
    return hashlib.sha256(seed.encode()).hexdigest()[:24]


def channel_key(channel: Channel, rule: AlertRule) -> str:
    """How ``news-alerts`` names a channel: ``channel.name`` when nothing of it is secret, else its
    display form and a fingerprint of the whole (``slack:https://hooks.slack.com/services/***#3f2a…``).

    The fingerprint is an HMAC under the rule's own secret, not a plain hash: whoever reads
    ``news-alerts`` (Kibana users) sees everything of the channel but the masked part, and could
    otherwise try short passwords or tokens against an unkeyed hash until one fits.
    """
    if channel.display == channel.name:
        return channel.name
    mac = hmac.new(rule.secret.get_secret_value().encode(), channel.name.encode(), hashlib.sha256).hexdigest()
    return f"{channel.display}#{mac[:16]}"


def find_channel(rule: AlertRule, key: str) -> Channel | None:
    """The channel of ``rule`` a stored record names."""
    for channel in rule.channels:
        if key == channel_key(channel, rule):
            return channel
    return None


@dataclass
class AlertRecord:
    """One alert on one channel, as stored in ``news-alerts``."""

    alert: Alert
    rule: AlertRule
    channel: Channel
    status: str
    error: str | None = None
    attempts: int = 0
    delivered_at: datetime | None = None

    @property
    def doc_id(self) -> str:
        return alert_delivery_id(self.alert.id, channel_key(self.channel, self.rule))

    def document(self) -> dict[str, Any]:
        _, doc = alert_delivery_document(
            self.alert, channel=channel_key(self.channel, self.rule), channel_type=self.channel.type, status=self.status,
            error=redact(self.error) if self.error else None, attempts=self.attempts, delivered_at=self.delivered_at,
        )
        return doc


class AlertLedger:
    def __init__(self, es: AsyncElasticsearch, alias: str):
        self.es = es
        self.alias = alias

    async def claim(self, records: Sequence[AlertRecord]) -> list[AlertRecord]:
        """Create the records that do not exist yet; return those (the caller owns their delivery)."""
        if not records:
            return []
        operations: list[dict[str, Any]] = []
        for record in records:
            operations.append({"create": {"_index": self.alias, "_id": record.doc_id}})
            operations.append(record.document())
        try:
            response = await self.es.bulk(operations=operations, refresh="false")
        except (ESConnectionError, ConnectionTimeout, TransportError) as exc:
            raise IndexUnavailable(f"news-alerts unreachable: {exc}") from exc
        claimed = []
        for record, item in zip(records, response["items"]):
            status = item["create"].get("status", 0)
            if 200 <= status < 300:
                claimed.append(record)
            elif status != 409:  # 409: someone (an earlier delivery of this story) has it already
                raise RuntimeError(f"news-alerts refused {record.doc_id}: {item['create'].get('error')}")
        return claimed

    async def migrate(self, rules: Sequence[AlertRule]) -> int:
        """Move records written before :func:`channel_key` under the ids it gives; how many moved.

        Those records hold a channel's whole name (a Slack path, userinfo, a token) in ``_id`` and
        ``channel``. Left where they are, they would keep the secret in the open, a ``pending``
        one would be delivered again at every restart (recovery saves under the new id), and a
        story alerted before the upgrade could be claimed again under the new id. Run once at
        start, before recovery and before any article.
        """
        legacy = {(rule.name, channel.name): channel_key(channel, rule)
                  for rule in rules for channel in rule.channels if channel_key(channel, rule) != channel.name}
        if not legacy:
            return 0  # no channel hides anything: no id changed
        es = self.es.options(ignore_status=404)  # no index yet: nothing to move
        pairs = list(legacy)
        moved = 0
        await es.indices.refresh(index=self.alias)
        for at in range(0, len(pairs), MIGRATE_PAIRS_PER_QUERY):
            query = {"bool": {"minimum_should_match": 1, "should": [
                {"bool": {"filter": [{"term": {"rule": rule}}, {"term": {"channel": name}}]}}
                for rule, name in pairs[at:at + MIGRATE_PAIRS_PER_QUERY]]}}
            while True:  # every hit moves out of the query's reach, so this ends
                response = await es.search(index=self.alias, size=1000, query=query)
                hits = response.get("hits", {}).get("hits", [])
                if not hits:
                    break
                operations: list[dict[str, Any]] = []
                for hit in hits:
                    key = legacy[(hit["_source"]["rule"], hit["_source"]["channel"])]
                    doc = {**hit["_source"], "channel": key}
                    if doc.get("error"):
                        doc["error"] = redact(doc["error"])
                    operations += [{"index": {"_index": self.alias, "_id": alert_delivery_id(doc["alert_id"], key)}}, doc,
                                   {"delete": {"_index": hit["_index"], "_id": hit["_id"]}}]
                await self.es.bulk(operations=operations, refresh="true")
                moved += len(hits)
        return moved

    async def save(self, record: AlertRecord) -> None:
        """Overwrite a record with its new state (sent, failed, ...)."""
        await self.es.index(index=self.alias, id=record.doc_id, document=record.document())

    async def find(self, status: str, size: int = 1000) -> list[dict[str, Any]]:
        """Stored records in a state, oldest first (for recovery after a restart)."""
        es = self.es.options(ignore_status=404)  # no index yet: nothing was ever recorded
        await es.indices.refresh(index=self.alias)
        response = await es.search(
            index=self.alias, query={"term": {"status": status}}, size=size, sort=[{"fired_at": "asc"}]
        )
        return [hit["_source"] for hit in response.get("hits", {}).get("hits", [])]
