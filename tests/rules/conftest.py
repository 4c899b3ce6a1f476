"""Fixtures for the rule tests: hand-built enriched articles (fast) and the real extractor (once per session)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from newsmon.articles import prepare, read_paths, validate_article
from newsmon.models import Actor, EnrichedArticle, Event, Evidence, Mention, Place, TopicHit
from newsmon.rules import TopicSet

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "topics"


def make_article(
    body: str,
    title: str | None = None,
    *,
    actors: Sequence[Actor] = (),
    events: Sequence[Event] = (),
    topics: Sequence[TopicHit] = (),
    places: Sequence[Place] = (),
    source: str | None = None,
    language: str | None = None,
) -> EnrichedArticle:
    """An enriched article built by hand, as the pipeline would shape it."""
    return EnrichedArticle(
        id="test-article", title=title, body=body, source=source, language=language,
        actors=list(actors), events=list(events), topics=list(topics), places=list(places),
        content_hash="0" * 64, pipeline_version="test", processed_at=datetime(2024, 1, 1, tzinfo=timezone.utc),
    )


def actor(name: str, *, country: str | None = None, type: str = "person", aliases: Sequence[str] = (),
          text: str = "", field: str = "body") -> Actor:
    """An actor; ``text`` is the article field it is mentioned in, to compute the mention's offsets."""
    mentions = []
    if text and name in text:
        start = text.index(name)
        mentions.append(Mention(field=field, start=start, end=start + len(name), text=name))
    return Actor(id=name.lower().replace(" ", "-"), name=name, type=type, country=country,
                 aliases=list(aliases), mentions=mentions)


def event(type: str, cameo: str, trigger: str, sentence: str, *, start: int = 0) -> Event:
    return Event(id=f"ev-{type.lower()}", type=type, cameo=cameo, trigger=trigger, confidence=0.9,
                 evidence=[Evidence(field="body", start=start, end=start + len(sentence), sentence=sentence)])


@pytest.fixture
def article_factory() -> Callable[..., EnrichedArticle]:
    return make_article


@pytest.fixture(scope="session")
def default_topics() -> TopicSet:
    return TopicSet.load()


@pytest.fixture(scope="session")
def real_extractor(default_topics):
    """The real spaCy pipeline with the default topics (loading the model takes about a second)."""
    from newsmon.nlp import Extractor

    return Extractor(topic_matcher=default_topics)


class SentenceRecorder:
    """Wraps a TopicSet as the extractor's matcher and keeps the sentences it was given, per article."""

    def __init__(self, topics: TopicSet):
        self.topics = topics
        self.sentences: dict[str, list[tuple[str, int, int]]] = {}

    def match(self, article, sentences):
        self.sentences[article.id] = list(sentences)
        return self.topics.match(article, sentences)


@pytest.fixture(scope="session")
def enrich(real_extractor, default_topics) -> Callable[..., list[tuple[EnrichedArticle, list]]]:
    """Enrich article files with the real extractor: [(enriched, sentence spans)], one per record."""
    recorder = SentenceRecorder(default_topics)

    def run(paths: Sequence[Path], defaults: dict[str, Any] | None = None):
        records = list(read_paths(list(paths), defaults))
        prepared = []
        for record in records:
            assert record.error is None, f"{record.origin}: {record.error}"
            prepared.append(prepare(validate_article(record.data), max_body_chars=200_000))
        real_extractor.topic_matcher = recorder
        try:
            enriched = real_extractor.extract(prepared)
        finally:
            real_extractor.topic_matcher = default_topics
        return [(e, recorder.sentences[e.id]) for e in enriched]

    return run
