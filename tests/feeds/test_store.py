"""The in-memory store contract (KafkaStore keeps it too; tests/feeds/test_store_kafka.py runs KafkaStore on the real Kafka)."""

import json
from datetime import datetime, timedelta, timezone

from newsmon.feeds.models import Feed, FeedState
from newsmon.feeds.store import MemoryStore

FEED = Feed(name="wire", url="https://news.example.org/rss")


def test_feed_records_add_replace_and_remove():
    store = MemoryStore()
    store.apply_feed(b"wire", FEED.model_dump_json().encode())
    store.apply_feed(b"wire", FEED.model_copy(update={"interval_s": 900}).model_dump_json().encode())
    assert [f.interval_s for f in store.feeds()] == [900]
    store.apply_feed(b"broken", b"{not json")
    store.apply_feed(b"wire", None)
    assert store.feeds() == []


def test_seen_urls_expire_after_the_window():
    store = MemoryStore(dedup_days=1)
    old = (datetime.now(timezone.utc) - timedelta(days=2)).isoformat()
    store.apply_seen(b"a" * 32, json.dumps({"url": "https://x.example/a", "at": old}).encode())
    store.mark_seen("b" * 32, "https://x.example/b", "wire")
    assert not store.seen("a" * 32) and store.seen("b" * 32) and not store.seen("c" * 32)


def test_state_and_heartbeat_records():
    store = MemoryStore()
    store.apply_state(b"feed:wire", FeedState(name="wire", status="ok", items_new=3).model_dump_json().encode())
    store.apply_state(b"feed:gone", b"garbage")
    assert store.state("wire").items_new == 3 and store.state("other").status == "new"
    store.apply_state(b"feed:wire", None)
    assert store.state("wire").status == "new"
