from newsmon.alerts.stories import StoryIndex, StoryRecord, signature

BASE = (
    "Negotiators from both delegations met in a lakeside hotel on Friday and agreed to extend the truce "
    "along the northern front for another month, the mediator said, while prisoner exchanges would "
    "begin next week under the supervision of the Red Cross. Both sides accused each other of violations "
    "in the days before the meeting, and several villages near the front line remain without power."
)


def test_a_lightly_edited_copy_joins_the_story_and_an_unrelated_article_does_not():
    index = StoryIndex(similarity=0.7, window_hours=48)
    original = index.assign("a", signature("Truce extended", BASE), now=1000)
    copy = index.assign("b", signature("Truce extended, mediator says", BASE.replace("on Friday", "late on Friday") + " Reporting by the desk."), now=1010)
    other = index.assign("c", signature("Harvest", "Farmers in the valley brought in a record apple harvest after a mild spring and steady rain."), now=1020)
    assert original.story_id == "a" and copy.story_id == "a" and other.story_id == "c"


def test_an_article_seen_again_keeps_its_story():
    index = StoryIndex()
    index.assign("a", signature(None, BASE), now=1000)
    assert index.assign("a", signature(None, BASE + " Updated."), now=1100).story_id == "a"


def test_old_articles_expire_from_the_window():
    index = StoryIndex(window_hours=1)
    index.assign("a", signature(None, BASE), now=0)
    assert index.assign("b", signature(None, BASE), now=7200).story_id == "b"
    assert len(index) == 1


def test_records_round_trip_and_replayed_records_are_remembered():
    record = StoryRecord("a", "s1", signature(None, BASE), 1000.0)
    assert StoryRecord.from_json(record.to_json()) == record
    index = StoryIndex(window_hours=10**9)
    index.remember(record, now=1000)
    assert index.story_of("a") == "s1"
    assert index.assign("b", signature(None, BASE), now=1001).story_id == "s1"


def test_memory_is_bounded_by_capacity_whatever_the_throughput():
    index = StoryIndex(window_hours=10**9, capacity=100)
    for n in range(350):
        index.assign(f"a{n}", signature(None, f"{BASE} edition {n} " + " ".join(f"w{n}x{i}" for i in range(40))), now=1000 + n)
    assert len(index) == 100
    assert index.story_of("a0") is None and index.story_of("a349") == "a349"
    before = index.memory_bytes
    index.assign("copy", signature(None, f"{BASE} edition 349 " + " ".join(f"w349x{i}" for i in range(40))), now=2000)
    assert index.story_of("copy") == "a349" and index.memory_bytes == before
