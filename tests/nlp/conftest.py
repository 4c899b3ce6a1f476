"""Shared fixtures for the NLP tests: one Extractor (model and knowledge base load once per session)."""

from __future__ import annotations

from datetime import date

import pytest

from newsmon.articles import prepare, validate_article
from newsmon.models import EnrichedArticle
from newsmon.nlp import Extractor


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    from newsmon.rules import TopicSet

    return Extractor(topic_matcher=TopicSet.load())  # the default topics, as the worker has them


@pytest.fixture(scope="session")
def extract_text(extractor: Extractor):
    """Extract one article given as title, body and publication date."""

    def run(body: str, title: str | None = None, published: str | date | None = "2017-03-18", **extra) -> EnrichedArticle:
        record = {"body": body, **extra}
        if title is not None:
            record["title"] = title
        if published is not None:
            record["published_at"] = f"{published}T12:00:00Z"
        article = validate_article(record)
        return extractor.extract([prepare(article, max_body_chars=200_000)])[0]

    return run
