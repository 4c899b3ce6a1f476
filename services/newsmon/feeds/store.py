"""The poller's durable memory, on three Kafka topics, so a restart (or a second poller) goes on where it was.

- ``news.feeds`` (compacted, key = feed name): the feed list, written by ``newsmon feeds add`` /
  ``remove`` / ``import``; a null value removes a feed. Where the alert rules live, and why: every
  poller reads all of it, and compaction keeps the latest version of each feed for ever.
- ``news.feeds.state`` (compacted): ``feed:<name>`` → :class:`FeedState` (ETag, counts, last error,
  next poll); ``poller:<id>`` → :class:`PollerBeat`.
- ``news.feeds.seen`` (compacted and deleted after ``feeds_dedup_days``): article id → the canonical
  URL published (or skipped) and when. This is what makes a restarted poller publish nothing
  twice, and a story carried by two feeds one article.

:class:`MemoryStore` is the same contract without Kafka, for ``newsmon bench --feeds`` and the
poller's unit tests; :class:`KafkaStore` is the one ``newsmon feeds run`` uses.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone

from pydantic import ValidationError

from newsmon.config import Settings
from newsmon.stream.follow import read_topic_to_end

from .models import Feed, FeedState, PollerBeat, utcnow

log = logging.getLogger(__name__)

STATE_PREFIX = "feed:"
BEAT_PREFIX = "poller:"


def parse_feed_record(key: bytes | None, value: bytes | None) -> tuple[str, Feed | None] | None:
    """A record of the feeds topic as (name, feed or None for a removal); None for a record that is unreadable."""
    if key is None:
        return None
    name = key.decode("utf-8", "replace")
    if value is None:
        return name, None
    try:
        return name, Feed.model_validate_json(value)
    except (ValidationError, ValueError) as exc:
        log.warning("ignoring unreadable feed %r on the feeds topic: %s", name, str(exc).splitlines()[0])
        return None


class MemoryStore:
    """Feeds, states and seen URLs in memory (the contract every store keeps)."""

    def __init__(self, feeds: list[Feed] | None = None, *, dedup_days: float = 30.0) -> None:
        self._feeds: dict[str, Feed] = {f.name: f for f in feeds or []}
        self._states: dict[str, FeedState] = {}
        self._seen: dict[str, datetime] = {}
        self.beats: dict[str, PollerBeat] = {}
        self.window = timedelta(days=dedup_days)

    # --- the feed list
    def feeds(self) -> list[Feed]:
        return sorted(self._feeds.values(), key=lambda f: f.name)

    def refresh(self) -> bool:
        """Pick up changes to the feed list made elsewhere; True when there were any."""
        return False

    def apply_feed(self, key: bytes | None, value: bytes | None) -> None:
        parsed = parse_feed_record(key, value)
        if parsed is None:
            return
        name, feed = parsed
        if feed is None:
            self._feeds.pop(name, None)
        else:
            self._feeds[name] = feed

    # --- poll state
    def state(self, name: str) -> FeedState:
        return self._states.get(name) or FeedState(name=name)

    def states(self) -> dict[str, FeedState]:
        return dict(self._states)

    def save_state(self, state: FeedState) -> None:
        self._states[state.name] = state

    def apply_state(self, key: bytes | None, value: bytes | None) -> None:
        if key is None:
            return
        name = key.decode("utf-8", "replace")
        try:
            if name.startswith(STATE_PREFIX):
                feed = name.removeprefix(STATE_PREFIX)
                if value is None:
                    self._states.pop(feed, None)
                else:
                    self._states[feed] = FeedState.model_validate_json(value)
            elif name.startswith(BEAT_PREFIX) and value is not None:
                self.beats[name.removeprefix(BEAT_PREFIX)] = PollerBeat.model_validate_json(value)
        except (ValidationError, ValueError) as exc:
            log.warning("ignoring unreadable feed state %r: %s", name, str(exc).splitlines()[0])

    def beat(self, beat: PollerBeat) -> None:
        self.beats[beat.id] = beat

    # --- URLs already published
    def seen(self, article_id: str, now: datetime | None = None) -> bool:
        at = self._seen.get(article_id)
        return at is not None and (now or utcnow()) - at < self.window

    def mark_seen(self, article_id: str, url: str, feed: str, outcome: str = "published") -> None:
        self._seen[article_id] = utcnow()

    def apply_seen(self, key: bytes | None, value: bytes | None) -> None:
        if key is None:
            return
        article_id = key.decode("utf-8", "replace")
        if value is None:
            self._seen.pop(article_id, None)
            return
        try:
            at = datetime.fromisoformat(json.loads(value)["at"])
        except (ValueError, KeyError, TypeError):
            return
        self._seen[article_id] = at if at.tzinfo else at.replace(tzinfo=timezone.utc)

    def seen_count(self) -> int:
        return len(self._seen)

    def flush(self) -> None:
        """Make every write so far durable (a no-op in memory)."""

    def close(self) -> None:
        pass


class KafkaStore(MemoryStore):
    """:class:`MemoryStore` loaded from, and written through to, the feed topics."""

    def __init__(self, settings: Settings) -> None:
        from kafka import KafkaConsumer, KafkaProducer, TopicPartition

        from newsmon.stream.kafka import kafka_python_options

        super().__init__(dedup_days=settings.feeds_dedup_days)
        self.settings = settings
        read_topic_to_end(settings, settings.feeds_topic, self.apply_feed)
        read_topic_to_end(settings, settings.feeds_state_topic, self.apply_state)
        read_topic_to_end(settings, settings.feeds_seen_topic, self.apply_seen)
        self._producer = KafkaProducer(acks="all", linger_ms=20, client_id="newsmon-feeds", **kafka_python_options(settings))
        # Follow the feed list from where the replay ended, so `feeds add` reaches a running poller.
        self._follow = KafkaConsumer(enable_auto_commit=False, **kafka_python_options(settings))
        partitions = [TopicPartition(settings.feeds_topic, p)
                      for p in sorted(self._follow.partitions_for_topic(settings.feeds_topic) or [0])]
        self._follow.assign(partitions)
        self._follow.seek_to_end(*partitions)
        for tp in partitions:
            self._follow.position(tp)  # resolve the end now, not at the first refresh

    def refresh(self) -> bool:
        changed = False
        for records in self._follow.poll(timeout_ms=0).values():
            for record in records:
                self.apply_feed(record.key, record.value)
                changed = True
        return changed

    def save_state(self, state: FeedState) -> None:
        super().save_state(state)
        self._send(self.settings.feeds_state_topic, STATE_PREFIX + state.name, state.model_dump_json().encode())

    def beat(self, beat: PollerBeat) -> None:
        super().beat(beat)
        self._send(self.settings.feeds_state_topic, BEAT_PREFIX + beat.id, beat.model_dump_json().encode())

    def mark_seen(self, article_id: str, url: str, feed: str, outcome: str = "published") -> None:
        super().mark_seen(article_id, url, feed, outcome)
        record = {"url": url, "feed": feed, "outcome": outcome, "at": utcnow().isoformat()}
        self._send(self.settings.feeds_seen_topic, article_id, json.dumps(record).encode())

    def _send(self, topic: str, key: str, value: bytes | None) -> None:
        self._producer.send(topic, key=key.encode(), value=value)

    def flush(self) -> None:
        """Wait for the state and seen records; Kafka being away is logged, not raised: a state not saved
        costs a poll's counts, a seen record not saved a re-publication after a restart (same id, same document)."""
        from kafka.errors import KafkaError

        try:
            self._producer.flush(timeout=30)
        except KafkaError as exc:
            log.warning("could not save the poller's state to Kafka at %s: %s", self.settings.kafka_bootstrap, exc)

    def close(self) -> None:
        try:
            self._producer.flush(timeout=10)
        finally:
            self._producer.close(timeout=10)
            self._follow.close()


# --- the CLI's side: the feed list and what pollers last wrote -------------------------------

def read_feeds(settings: Settings, timeout_s: float = 30.0) -> MemoryStore:
    """The feed list and the poll states, read to their current ends (the seen URLs are not read)."""
    store = MemoryStore(dedup_days=settings.feeds_dedup_days)
    read_topic_to_end(settings, settings.feeds_topic, store.apply_feed, timeout_s)
    read_topic_to_end(settings, settings.feeds_state_topic, store.apply_state, timeout_s)
    return store


class FeedWriter:
    """Writes feed list changes and waits until Kafka has them."""

    def __init__(self, settings: Settings) -> None:
        from kafka import KafkaProducer

        from newsmon.stream.kafka import kafka_python_options

        self.settings = settings
        self._producer = KafkaProducer(acks="all", client_id="newsmon-feeds-cli", **kafka_python_options(settings))

    def put(self, feed: Feed) -> None:
        self._producer.send(self.settings.feeds_topic, key=feed.name.encode(), value=feed.model_dump_json().encode())

    def delete(self, name: str) -> None:
        self._producer.send(self.settings.feeds_topic, key=name.encode(), value=None)
        # Its state goes too: a feed added again under the name starts afresh.
        self._producer.send(self.settings.feeds_state_topic, key=(STATE_PREFIX + name).encode(), value=None)

    def close(self) -> None:
        try:
            self._producer.flush(timeout=30)
        finally:
            self._producer.close(timeout=10)

    def __enter__(self) -> "FeedWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
