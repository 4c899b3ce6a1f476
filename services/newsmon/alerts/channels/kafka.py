"""The ``news.alerts`` topic (or another): the alert JSON, keyed by alert id, for downstream systems."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from newsmon.models import Alert

from ..rules import AlertRule, Channel
from .base import DeliveryError

Produce = Callable[[str, bytes, bytes], Awaitable[None]]


class KafkaSender:
    def __init__(self, produce: Produce, default_topic: str):
        self.produce = produce
        self.default_topic = default_topic

    async def send(self, alert: Alert, rule: AlertRule, channel: Channel) -> None:
        topic = channel.target or self.default_topic
        try:
            await self.produce(topic, alert.id.encode(), alert.model_dump_json().encode())
        except Exception as exc:  # noqa: BLE001 - any producer failure is a failed attempt
            raise DeliveryError(f"cannot produce to {topic}: {exc}") from None
