"""Reading dead letters back (newsmon.ops.deadletters): the record the worker writes, parsed, named and selected."""

from __future__ import annotations

import json

from newsmon.ops.deadletters import find, parse_letter, select
from newsmon.stream.deadletter import MAX_KEPT_BYTES, DeadLetter, SourceMessage


def written(value: bytes, key: bytes | None = b"k1", stage: str = "enrich", offset: int = 7) -> bytes:
    """A dead letter exactly as the worker writes it."""
    return DeadLetter(SourceMessage(key, value, "news.articles", 2, offset), stage, "boom").to_json()


def test_a_letter_gives_back_the_original_bytes_key_and_origin():
    original = json.dumps({"id": "a1", "body": "Text é"}).encode()
    letter = parse_letter(0, 3, 1_700_000_000_000, b"k1", written(original))
    assert letter.readable and letter.value == original and letter.key == "k1" and letter.stage == "enrich"
    assert letter.origin == "news.articles[2]@7" and letter.ref == "0:3" and not letter.truncated
    assert '"body": "Text é"' in letter.original_text() and letter.original_text().startswith("{\n")


def test_binary_and_truncated_originals():
    binary = b"\xff\xfe\x00garbage"
    letter = parse_letter(0, 1, 0, None, written(binary, key=None))
    assert letter.value == binary and letter.key is None and letter.original_text().startswith("(not UTF-8; base64)")
    huge = b"x" * (MAX_KEPT_BYTES + 10)
    cut = parse_letter(0, 2, 0, b"k", written(huge))
    assert cut.truncated and cut.value_bytes == len(huge) and len(cut.value) == MAX_KEPT_BYTES


def test_a_record_that_is_no_dead_letter_is_named_as_such():
    letter = parse_letter(0, 9, 0, b"odd", b"not json")
    assert not letter.readable and "not a newsmon dead letter" in letter.reason and letter.key == "odd"


def test_refs_name_letters_by_place_offset_or_key_and_filters_narrow():
    letters = [parse_letter(0, n, 1000 * n, key.encode(), written(b"{}", key=key.encode(), stage=stage))
               for n, (key, stage) in enumerate([("a", "decode"), ("b", "enrich"), ("a", "enrich")])]
    assert [x.offset for x in find(letters, "0:1")] == [1]
    assert [x.offset for x in find(letters, "2")] == [2]
    assert [x.offset for x in find(letters, "a")] == [0, 2]
    assert find(letters, "nope") == [] and find(letters, "0:9") == []
    chosen, unknown = select(letters, ("a", "nope"))
    assert [x.offset for x in chosen] == [0, 2] and unknown == ["nope"]
    assert [x.offset for x in select(letters, (), stage="enrich")[0]] == [1, 2]
    assert [x.offset for x in select(letters, ("a",), stage="enrich")[0]] == [2]
    assert [x.offset for x in select(letters, (), since_ms=1000)[0]] == [1, 2]


def test_replay_skips_what_cannot_or_should_not_go_again_before_any_connection():
    from newsmon.config import Settings
    from newsmon.ops.deadletters import replay

    settings = Settings(kafka_bootstrap="127.0.0.1:1")  # nothing listens: only skipped letters can pass this test
    cut = parse_letter(0, 1, 0, b"k", written(b"x" * (MAX_KEPT_BYTES + 1)))
    odd = parse_letter(0, 2, 0, b"o", b"not json")
    done = parse_letter(0, 3, 0, b"d", written(b"{}"))
    replays = {done.place(settings.dlq_topic): {"replayed_at": "2026-12-01T10:00:00+00:00", "to": "news.articles[0]@5"}}
    replayed, skipped = replay(settings, [cut, odd, done], replays)
    assert replayed == []
    reasons = {x.ref: why for x, why in skipped}
    assert reasons["0:1"].startswith(f"only the first {MAX_KEPT_BYTES} of {MAX_KEPT_BYTES + 1} bytes were kept")
    assert reasons["0:2"] == "not a newsmon dead letter: nothing to replay"
    assert reasons["0:3"] == "already replayed at 2026-12-01T10:00:00+00:00 to news.articles[0]@5 (--force replays it again)"
