"""Reading dead letters back, and replaying them to the articles topic after a fix (``newsmon dlq``).

A dead letter (newsmon.stream.deadletter) keeps the original message's key and bytes, the
stage that failed and why, and where the message was. Replaying sends those bytes, under
the same key, to ``articles_topic`` again: the worker then processes it like any new
message (and dead-letters it again, as a new letter, if it still fails).

Each replay is recorded on the compacted ``dlq_replays_topic``, keyed by the letter's own
place (``<dlq topic>[partition]@offset``), and the replayed message carries the same place in
its ``newsmon-replay-of`` header. A second ``replay`` of the same selection skips the letters
already sent back, unless forced: an operator who runs the command twice, or replays ``--all``
after replaying a few by key, does not feed the same article in twice by accident. (Two
operators replaying the same letter at the same instant can both send it: the record is read
before and written after sending; alerts stay once per rule and story either way.)
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from newsmon.config import Settings

REPLAY_HEADER = "newsmon-replay-of"
READ_TIMEOUT_S = 5.0  # connecting, and each wait for more records; the stack's CLI budget


@dataclass(frozen=True)
class Letter:
    """One dead letter as stored, with where it is on the dead-letter topic."""

    partition: int
    offset: int
    timestamp_ms: int
    reason: str
    stage: str | None
    failed_at: str | None
    origin: str | None  # "topic[partition]@offset" of the message that failed
    key: str | None
    value: bytes | None  # the original message's bytes, as far as the letter kept them
    value_bytes: int | None
    truncated: bool
    readable: bool  # False: not a newsmon dead letter (the value is not the JSON object it writes)

    def place(self, topic: str) -> str:
        return f"{topic}[{self.partition}]@{self.offset}"

    @property
    def ref(self) -> str:
        """How ``dlq show`` and ``dlq replay`` name it: ``partition:offset``."""
        return f"{self.partition}:{self.offset}"

    def original_text(self) -> str:
        """The original message for reading: indented JSON when it is JSON, else the text (or base64)."""
        if self.value is None:
            return "(no value)"
        try:
            text = self.value.decode("utf-8")
        except UnicodeDecodeError:
            return "(not UTF-8; base64) " + base64.b64encode(self.value).decode("ascii")
        try:
            return json.dumps(json.loads(text), ensure_ascii=False, indent=2)
        except ValueError:
            return text

    def summary(self) -> dict[str, Any]:
        return {"ref": self.ref, "partition": self.partition, "offset": self.offset, "reason": self.reason,
                "stage": self.stage, "failed_at": self.failed_at, "origin": self.origin, "key": self.key,
                "value_bytes": self.value_bytes, "truncated": self.truncated}


def parse_letter(partition: int, offset: int, timestamp_ms: int, key: bytes | None, raw: bytes | None) -> Letter:
    """A record of the dead-letter topic as a :class:`Letter` (an unreadable one says so in ``reason``)."""
    try:
        data = json.loads(raw) if raw is not None else None
    except ValueError:
        data = None
    failed_at = datetime.fromtimestamp(timestamp_ms / 1000, tz=timezone.utc).isoformat(timespec="seconds")
    if not isinstance(data, dict):
        return Letter(partition, offset, timestamp_ms, "(not a newsmon dead letter: the value is not a JSON object)",
                      None, failed_at, None, key.decode("utf-8", "replace") if key else None, raw,
                      len(raw or b""), False, False)
    source = data.get("source") if isinstance(data.get("source"), dict) else {}
    origin = f"{source.get('topic')}[{source.get('partition')}]@{source.get('offset')}" if source else None
    value = data.get("value")
    original = None
    if isinstance(value, str):
        original = base64.b64decode(value) if data.get("value_encoding") == "base64" else value.encode("utf-8")
    letter_key = data.get("key")
    if letter_key is None and key:
        letter_key = key.decode("utf-8", "replace")
    return Letter(partition, offset, timestamp_ms, str(data.get("reason") or "(no reason given)"), data.get("stage"),
                  data.get("failed_at") or failed_at, origin, letter_key, original, data.get("value_bytes"),
                  bool(data.get("value_truncated")), True)


# --- Kafka


def consumer(settings: Settings, timeout_s: float = READ_TIMEOUT_S) -> Any:
    from kafka import KafkaConsumer

    from newsmon.stream.kafka import kafka_python_options

    millis = int(timeout_s * 1000)
    return KafkaConsumer(**kafka_python_options(
        settings, client_id="newsmon-dlq", group_id=None, enable_auto_commit=False, allow_auto_create_topics=False,
        request_timeout_ms=millis, bootstrap_timeout_ms=millis, fetch_max_bytes=settings.consumer_fetch_bytes,
        max_partition_fetch_bytes=settings.consumer_fetch_bytes))


def read_topic(kafka: Any, topic: str, *, last: int | None = None, timeout_s: float = READ_TIMEOUT_S) -> list[Any]:
    """Every record of ``topic`` (or the ``last`` of each partition), in partition and offset order.

    Reads up to the end offsets taken at the start; gives up on a partition that yields nothing for
    ``timeout_s`` (what was read is returned)."""
    from kafka import TopicPartition

    numbers = kafka.partitions_for_topic(topic)
    if not numbers:
        return []
    partitions = [TopicPartition(topic, n) for n in sorted(numbers)]
    millis = int(timeout_s * 1000)
    ends = kafka.end_offsets(partitions, timeout_ms=millis)
    begins = kafka.beginning_offsets(partitions, timeout_ms=millis)
    wanted = {tp: (max(begins[tp], ends[tp] - last) if last else begins[tp], ends[tp]) for tp in partitions
              if ends[tp] > begins[tp]}
    if not wanted:
        return []
    kafka.assign(list(wanted))
    for tp, (start, _) in wanted.items():
        kafka.seek(tp, start)
    records: list[Any] = []
    quiet_since = time.monotonic()
    while any(kafka.position(tp) < end for tp, (_, end) in wanted.items()):
        batches = kafka.poll(timeout_ms=200)
        if batches:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > timeout_s:
            break
        for tp, batch in batches.items():
            records.extend(r for r in batch if r.offset < wanted[tp][1])
    records.sort(key=lambda r: (r.partition, r.offset))
    return records


def read_letters(settings: Settings, kafka: Any, *, last: int | None = None) -> list[Letter]:
    """The dead letters, oldest first (by the time they were written)."""
    letters = [parse_letter(r.partition, r.offset, r.timestamp, r.key, r.value)
               for r in read_topic(kafka, settings.dlq_topic, last=last)]
    return sorted(letters, key=lambda x: (x.timestamp_ms, x.partition, x.offset))


def read_replays(settings: Settings, kafka: Any) -> dict[str, dict[str, Any]]:
    """Letter place -> its last recorded replay (when, to where); a tombstone forgets one."""
    replays: dict[str, dict[str, Any]] = {}
    for r in read_topic(kafka, settings.dlq_replays_topic):
        place = r.key.decode("utf-8", "replace") if r.key else None
        if place is None:
            continue
        if r.value is None:
            replays.pop(place, None)
            continue
        try:
            replays[place] = json.loads(r.value)
        except ValueError:
            continue
    return replays


def select(letters: list[Letter], refs: tuple[str, ...] = (), stage: str | None = None,
           since_ms: int | None = None) -> tuple[list[Letter], list[str]]:
    """(letters chosen, refs that name none). A ref is ``partition:offset``, an offset (one partition) or a key.

    Refs are a union; ``stage`` and ``since_ms`` narrow what the refs (or, without refs, all letters) give."""
    unknown: list[str] = []
    if refs:
        chosen: dict[tuple[int, int], Letter] = {}
        for ref in refs:
            found = find(letters, ref)
            if not found:
                unknown.append(ref)
            for letter in found:
                chosen[(letter.partition, letter.offset)] = letter
        pool = sorted(chosen.values(), key=lambda x: (x.timestamp_ms, x.partition, x.offset))
    else:
        pool = list(letters)
    if stage:
        pool = [x for x in pool if x.stage == stage]
    if since_ms is not None:
        pool = [x for x in pool if x.timestamp_ms >= since_ms]
    return pool, unknown


def find(letters: list[Letter], ref: str) -> list[Letter]:
    """The letters ``ref`` names: ``partition:offset``, a bare offset when only one partition holds letters, or a key."""
    partition, _, offset = ref.partition(":")
    if offset and partition.isdigit() and offset.isdigit():
        return [x for x in letters if (x.partition, x.offset) == (int(partition), int(offset))]
    by_key = [x for x in letters if x.key == ref]
    if by_key:
        return by_key
    if ref.isdigit() and len({x.partition for x in letters}) <= 1:
        return [x for x in letters if x.offset == int(ref)]
    return []


def replay(settings: Settings, letters: list[Letter], replays: dict[str, dict[str, Any]], *, force: bool = False,
           timeout_s: float = READ_TIMEOUT_S) -> tuple[list[tuple[Letter, str]], list[tuple[Letter, str]]]:
    """Send each letter's original message to ``articles_topic`` under its key, and record it.

    Returns (replayed: letter and where it went, skipped: letter and why). A letter already replayed is
    skipped unless ``force``; one that kept only part of its message, or is no newsmon letter, always is."""
    from kafka import KafkaProducer

    from newsmon.stream.kafka import kafka_python_options

    replayed: list[tuple[Letter, str]] = []
    skipped: list[tuple[Letter, str]] = []
    todo = []
    for letter in letters:
        place = letter.place(settings.dlq_topic)
        if not letter.readable or letter.value is None:
            skipped.append((letter, "not a newsmon dead letter: nothing to replay"))
        elif letter.truncated:
            skipped.append((letter, f"only the first {len(letter.value)} of {letter.value_bytes} bytes were kept: "
                                    "publish the original again instead"))
        elif place in replays and not force:
            skipped.append((letter, f"already replayed at {replays[place].get('replayed_at')} "
                                    f"to {replays[place].get('to')} (--force replays it again)"))
        else:
            todo.append(letter)
    if not todo:
        return replayed, skipped
    millis = int(timeout_s * 1000)
    producer = KafkaProducer(**kafka_python_options(
        settings, client_id="newsmon-dlq", acks="all", request_timeout_ms=millis, bootstrap_timeout_ms=millis,
        max_block_ms=millis, max_request_size=settings.producer_max_request_bytes))
    try:
        for letter in todo:
            place = letter.place(settings.dlq_topic)
            sent = producer.send(settings.articles_topic, value=letter.value,
                                 key=letter.key.encode("utf-8") if letter.key is not None else None,
                                 headers=[(REPLAY_HEADER, place.encode("utf-8"))]).get(timeout=timeout_s * 2)
            to = f"{sent.topic}[{sent.partition}]@{sent.offset}"
            times = int((replays.get(place) or {}).get("times") or 0) + 1
            record = {"letter": place, "key": letter.key, "to": to, "times": times,
                      "replayed_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
            producer.send(settings.dlq_replays_topic, key=place.encode("utf-8"),
                          value=json.dumps(record).encode("utf-8")).get(timeout=timeout_s * 2)
            replays[place] = record
            replayed.append((letter, to))
    finally:
        producer.close(timeout=timeout_s)
    return replayed, skipped
