"""Following a topic from its beginning, in every worker, without a consumer group.

For small, shared state that every worker needs whole (alert rules, story signatures),
as opposed to articles, which a consumer group shares out between workers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from newsmon.config import Settings

from .kafka import aiokafka_options

log = logging.getLogger(__name__)

OnRecord = Callable[[bytes | None, bytes | None], None]


async def follow_topic(settings: Settings, topic: str, on_record: OnRecord, caught_up: asyncio.Event) -> None:
    """Replay ``topic`` into ``on_record`` and keep following it; set ``caught_up`` once replayed.

    Runs until cancelled. ``on_record(key, value)`` must not raise for bad data.
    """
    from aiokafka import AIOKafkaConsumer
    from aiokafka.structs import TopicPartition

    consumer = AIOKafkaConsumer(enable_auto_commit=False, group_id=None, **aiokafka_options(settings))
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [0])]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        pending = {tp for tp in partitions if end[tp] > 0}
        if not pending:
            caught_up.set()
        while True:
            batches = await consumer.getmany(timeout_ms=200)
            for records in batches.values():
                for record in records:
                    on_record(record.key, record.value)
            if pending:
                for tp in list(pending):
                    if await consumer.position(tp) >= end[tp]:
                        pending.discard(tp)
                if not pending:
                    log.info("replayed %s", topic)
                    caught_up.set()
    finally:
        await consumer.stop()
