"""An article without published_at is dated with the time it was received, before extraction."""

from __future__ import annotations

from datetime import date, datetime, timezone

from newsmon.articles import prepare, validate_article
from newsmon.stream.deadletter import SourceMessage
from newsmon.stream.enrichment import _to_payload, _to_prepared
from newsmon.stream.processor import received_at

RECEIVED = datetime(2026, 3, 4, 9, 15, tzinfo=timezone.utc)  # a Wednesday
SENTENCE = "Egyptian Foreign Minister Sameh Shoukry met his Jordanian counterpart Ayman Safadi in Amman yesterday."


def test_an_undated_article_is_dated_when_received_and_its_yesterday_resolves_against_that(extractor):
    prepared = prepare(validate_article({"body": SENTENCE}), max_body_chars=10_000, received_at=RECEIVED)
    (enriched,) = extractor.extract([prepared])
    assert enriched.published_at == RECEIVED and enriched.published_at_source == "received"
    (met,) = enriched.events
    assert met.date == date(2026, 3, 3)


def test_a_dated_article_keeps_its_date_and_says_it_came_with_it(extractor):
    record = {"body": SENTENCE, "published_at": "2017-03-18T12:00:00Z"}
    (enriched,) = extractor.extract([prepare(validate_article(record), max_body_chars=10_000, received_at=RECEIVED)])
    assert enriched.published_at == datetime(2017, 3, 18, 12, tzinfo=timezone.utc) and enriched.published_at_source == "article"
    assert enriched.events[0].date == date(2017, 3, 17)


def test_the_source_of_the_date_crosses_to_the_extraction_processes():
    prepared = prepare(validate_article({"body": SENTENCE}), max_body_chars=10_000, received_at=RECEIVED)
    assert _to_prepared(_to_payload(prepared)) == prepared


def message(timestamp: int | None) -> SourceMessage:
    return SourceMessage(b"k", b"{}", "news.articles", 0, 7, timestamp)


def test_the_worker_receives_at_the_kafka_timestamp_or_now():
    now = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)
    assert received_at(message(int(RECEIVED.timestamp() * 1000)), now=now) == RECEIVED
    assert received_at(message(None), now=now) == now
    assert received_at(message(0), now=now) == now
    two_days_ahead = int(now.timestamp() * 1000) + 2 * 86_400_000
    assert received_at(message(two_days_ahead), now=now) == now  # a producer's clock error, not a receipt time
