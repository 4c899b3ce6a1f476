"""Following a topic from its beginning, in every worker, without a consumer group.

For small, shared state that every worker needs whole (alert rules, story signatures),
as opposed to articles, which a consumer group shares out between workers.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from newsmon.config import Settings

from .kafka import aiokafka_options, kafka_python_options

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


def read_topic_to_end(settings: Settings, topic: str, on_record: OnRecord, timeout_s: float = 30.0) -> None:
    """Replay ``topic`` from its beginning to its current end into ``on_record``, once (for the CLI and
    the feed poller; a missing topic is empty). A TimeoutError if the end is not reached in ``timeout_s``."""
    from kafka import KafkaConsumer, TopicPartition

    millis = int(min(timeout_s, 30.0) * 1000)
    # The bootstrap waits connect_timeout_s (kafka_python_options), never longer than timeout_s.
    bootstrap_ms = min(millis, int(settings.connect_timeout_s * 1000))
    consumer = KafkaConsumer(enable_auto_commit=False, **kafka_python_options(
        settings, request_timeout_ms=max(millis, 5000), bootstrap_timeout_ms=bootstrap_ms))
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        if not partitions:
            return
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        remaining = {tp for tp in partitions if end[tp] > 0}
        deadline = time.monotonic() + timeout_s
        while remaining and time.monotonic() < deadline:
            for tp, records in consumer.poll(timeout_ms=100).items():
                for record in records:
                    on_record(record.key, record.value)
            for tp in list(remaining):
                if consumer.position(tp) >= end[tp]:
                    remaining.discard(tp)
        if remaining:
            raise TimeoutError(f"could not read {topic} to its end in {timeout_s:.0f}s")
    finally:
        consumer.close()
