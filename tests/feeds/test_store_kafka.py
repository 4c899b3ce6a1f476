"""The feed topics on the real Kafka: what a poller writes, a restarted one (and `feeds list`) reads back."""

from __future__ import annotations

import pytest
from support import wait_for

from newsmon.feeds.models import Feed, FeedState, PollerBeat, utcnow
from newsmon.feeds.store import FeedWriter, KafkaStore, read_feeds
from newsmon.scratch import drop_scratch, scratch_settings
from newsmon.stream.kafka import ensure_topics

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(stack):
    run = scratch_settings(stack, prefix="feeds")
    ensure_topics(run)
    yield run
    drop_scratch(run)


def test_a_restarted_store_knows_the_feeds_their_state_and_the_urls_published(settings):
    with FeedWriter(settings) as writer:
        writer.put(Feed(name="wire", url="https://wire.example.org/rss"))
        writer.put(Feed(name="gone", url="https://gone.example.org/rss"))
    store = KafkaStore(settings)
    try:
        assert [f.name for f in store.feeds()] == ["gone", "wire"]
        store.mark_seen("a" * 32, "http://wire.example.org/story", "wire")
        store.save_state(FeedState(name="wire", status="ok", items_new=1, etag='"v1"'))
        store.beat(PollerBeat(id="p1", host="h", pid=1, started_at=utcnow(), beat_at=utcnow(), items_new=1))
        store.flush()
        with FeedWriter(settings) as writer:  # a change while it runs
            writer.put(Feed(name="late", url="https://late.example.org/rss"))
            writer.delete("gone")
        wait_for(lambda: (store.refresh(), [f.name for f in store.feeds()] == ["late", "wire"])[1], timeout=30,
                 what="the running store to see the change")
    finally:
        store.close()

    again = KafkaStore(settings)
    try:
        assert again.seen("a" * 32) and not again.seen("b" * 32)
        assert again.state("wire").etag == '"v1"' and again.state("wire").items_new == 1
        assert [f.name for f in again.feeds()] == ["late", "wire"]
    finally:
        again.close()
    listed = read_feeds(settings)
    assert listed.beats["p1"].items_new == 1 and listed.state("gone").status == "new"
